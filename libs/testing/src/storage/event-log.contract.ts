import {
  CursorVersionConflictError,
  InvalidRecordError,
  type EventLog,
  type JsonValue,
  type NewOutboxMessage,
  type NewRecord,
} from '@freshet/storage';

/** How a test file provides the adapter under test. */
export interface EventLogContractHarness {
  /** Opens the log once for the file (fresh database or fresh PGlite). */
  open(): Promise<EventLog>;
  /** Returns the log to empty before each test. */
  reset(log: EventLog): Promise<void>;
  /** Tears down what `open` created (closing the log is done by the suite). */
  dispose?(): Promise<void>;
}

const T0 = Date.UTC(2026, 0, 15, 9, 0, 0);

let sequence = 0;
/** A record with a fresh event id; override any field. */
function record(overrides: Partial<NewRecord> & Pick<NewRecord, 'type'>): NewRecord {
  sequence += 1;
  return { eventId: `evt-${sequence}`, occurredAt: T0 + sequence, payload: { n: sequence }, ...overrides };
}

function materialization(assetKey: string, partitionKey: string | null = null, extra: Partial<NewRecord> = {}): NewRecord {
  return record({ type: 'materialization', assetKey, partitionKey, ...extra });
}

function outboxMessage(eventId: string, topic = 'freshet.staleness.v1'): NewOutboxMessage {
  return { topic, key: 'orders', eventId, value: { eventId } };
}

/**
 * The behaviour every EventLog adapter must show. Run against the embedded log (unit project)
 * and Postgres (integration project) so both answer the planner and the workers the same way.
 */
export function describeEventLogContract(adapterName: string, harness: EventLogContractHarness): void {
  describe(`EventLog contract: ${adapterName}`, () => {
    let log: EventLog;

    beforeAll(async () => {
      log = await harness.open();
    });
    beforeEach(async () => {
      await harness.reset(log);
    });
    afterAll(async () => {
      await log?.close();
      await harness.dispose?.();
    });

    describe('append and read', () => {
      it('gives increasing storage ids and reads them back in order, field for field', async () => {
        const records = [
          materialization('orders', null, { runId: 'run-1', payload: { dataVersion: 'v1', nested: [1, 'two', { three: null }], text: 'grüße' } }),
          record({ type: 'observation', assetKey: 'raw_orders', partitionKey: '2026-01-15', payload: { dataVersion: 'abc' } }),
          record({ type: 'tick', payload: 42 }),
        ];
        const result = await log.append(records);
        expect(result.duplicates).toEqual([]);
        expect(result.inserted.map((r) => r.eventId)).toEqual(records.map((r) => r.eventId));
        const ids = result.inserted.map((r) => r.storageId);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(3);

        const read = await log.readSince(0, 10);
        expect(read.map((r) => r.storageId)).toEqual(ids);
        expect(read[0]).toMatchObject({
          eventId: records[0]?.eventId,
          type: 'materialization',
          assetKey: 'orders',
          partitionKey: null,
          runId: 'run-1',
          occurredAt: records[0]?.occurredAt,
          payload: { dataVersion: 'v1', nested: [1, 'two', { three: null }], text: 'grüße' },
        });
        expect(read[1]).toMatchObject({ type: 'observation', assetKey: 'raw_orders', partitionKey: '2026-01-15', runId: null });
        expect(read[2]).toMatchObject({ type: 'tick', assetKey: null, payload: 42 });
        expect(typeof read[0]?.recordedAt).toBe('number');
        expect(await log.latestStorageId()).toBe(ids[2]);
      });

      it('reads a page after a storage id, with a limit and a type filter', async () => {
        const { inserted } = await log.append([
          materialization('a'),
          record({ type: 'tick', payload: null }),
          materialization('b'),
          record({ type: 'observation', assetKey: 'src' }),
        ]);
        const ids = inserted.map((r) => r.storageId);
        expect((await log.readSince(ids[0] ?? 0, 2)).map((r) => r.storageId)).toEqual(ids.slice(1, 3));
        expect((await log.readSince(0, 10, { types: ['materialization', 'observation'] })).map((r) => r.assetKey)).toEqual(['a', 'b', 'src']);
        expect(await log.readSince(0, 10, { types: [] })).toEqual([]);
        expect(await log.readSince(ids[3] ?? 0, 10)).toEqual([]);
        expect(await log.readSince(0, 0)).toEqual([]);
      });

      it('reports 0 as the latest storage id of an empty log', async () => {
        expect(await log.latestStorageId()).toBe(0);
      });

      it('keeps millisecond precision of occurredAt', async () => {
        const occurredAt = Date.UTC(2026, 2, 29, 1, 59, 59, 999);
        await log.append([record({ type: 'tick', occurredAt })]);
        expect((await log.readSince(0, 1))[0]?.occurredAt).toBe(occurredAt);
      });

      it('appends more than one chunk (1000 rows) in one call', async () => {
        const records = Array.from({ length: 2345 }, (_, i) => materialization(`asset_${i % 7}`, `p${i}`));
        const result = await log.append(records);
        expect(result.inserted).toHaveLength(2345);
        let after = 0;
        let seen = 0;
        for (;;) {
          const page = await log.readSince(after, 1000);
          if (page.length === 0) break;
          seen += page.length;
          after = page[page.length - 1]?.storageId ?? after;
        }
        expect(seen).toBe(2345);
        expect((await log.latestForAsset('asset_3')).length).toBe(335);
      });
    });

    describe('idempotency on event id', () => {
      it('stores an event id once and reports the second append as a duplicate', async () => {
        const first = materialization('orders', null, { eventId: 'same-id', payload: { dataVersion: 'v1' } });
        const again = { ...first, payload: { dataVersion: 'v2' } };
        const a = await log.append([first]);
        const b = await log.append([again, materialization('customers')]);
        expect(a.inserted).toHaveLength(1);
        expect(b.duplicates).toEqual(['same-id']);
        expect(b.inserted.map((r) => r.eventId)).not.toContain('same-id');
        const rows = await log.readSince(0, 10);
        expect(rows.filter((r) => r.eventId === 'same-id')).toHaveLength(1);
        // The duplicate changed nothing, derived tables included.
        expect((await log.latestFor('orders')).materialization?.payload).toEqual({ dataVersion: 'v1' });
      });

      it('stores an event id repeated within one call once', async () => {
        const one = materialization('orders', null, { eventId: 'dup-in-batch' });
        const result = await log.append([one, materialization('x'), { ...one, payload: 'other' }]);
        expect(result.inserted).toHaveLength(2);
        expect(result.duplicates).toEqual(['dup-in-batch']);
        expect((await log.readSince(0, 10)).map((r) => r.eventId).filter((id) => id === 'dup-in-batch')).toHaveLength(1);
      });

      it('reports duplicates across chunk boundaries', async () => {
        const existing = Array.from({ length: 5 }, (_, i) => materialization('a', `p${i}`, { eventId: `old-${i}` }));
        await log.append(existing);
        const fresh = Array.from({ length: 1500 }, (_, i) => materialization('a', `q${i}`));
        const result = await log.append([...fresh.slice(0, 999), ...existing, ...fresh.slice(999)]);
        expect(result.inserted).toHaveLength(1500);
        expect(result.duplicates).toEqual(existing.map((r) => r.eventId));
      });
    });

    describe('derived tables', () => {
      it('keeps the latest materialization and observation per asset partition', async () => {
        await log.append([
          materialization('orders', null, { payload: { v: 1 } }),
          materialization('orders', null, { payload: { v: 2 } }),
          materialization('daily', '2026-01-01', { payload: { v: 'a' } }),
          materialization('daily', '2026-01-02', { payload: { v: 'b' } }),
          record({ type: 'observation', assetKey: 'orders', payload: { o: 1 } }),
        ]);
        await log.append([materialization('daily', '2026-01-01', { payload: { v: 'c' } })]);

        const orders = await log.latestFor('orders');
        expect(orders.materialization?.payload).toEqual({ v: 2 });
        expect(orders.observation?.payload).toEqual({ o: 1 });
        expect(await log.latestFor('orders', 'nope')).toEqual({ materialization: null, observation: null });
        expect((await log.latestFor('daily', '2026-01-01')).materialization?.payload).toEqual({ v: 'c' });
        expect((await log.latestFor('daily')).materialization).toBeNull();
        expect(await log.latestFor('unknown')).toEqual({ materialization: null, observation: null });

        const daily = await log.latestForAsset('daily');
        expect(daily.map((p) => [p.partitionKey, p.materialization?.payload, p.observation])).toEqual([
          ['2026-01-01', { v: 'c' }, null],
          ['2026-01-02', { v: 'b' }, null],
        ]);
        const ordersAll = await log.latestForAsset('orders');
        expect(ordersAll).toHaveLength(1);
        expect(ordersAll[0]?.partitionKey).toBeNull();
      });

      it('tracks a run from request to success, never moving its status backwards', async () => {
        const planned = [
          { assetKey: 'orders', partitionKey: null },
          { assetKey: 'daily', partitionKey: '2026-01-02' },
        ];
        await log.append([record({ type: 'request', runId: 'run-a', plannedAssetPartitions: planned, occurredAt: T0 })]);
        expect(await log.getRun('run-a')).toMatchObject({ status: 'requested', plannedAssetPartitions: planned, requestedAt: T0, startedAt: null });

        await log.append([record({ type: 'runStarted', runId: 'run-a', occurredAt: T0 + 1000 })]);
        await log.append([
          materialization('orders', null, { runId: 'run-a' }),
          materialization('orders', null, { runId: 'run-a' }),
          record({ type: 'assetFailed', runId: 'run-a', assetKey: 'daily', partitionKey: '2026-01-02' }),
        ]);
        const running = await log.getRun('run-a');
        expect(running).toMatchObject({ status: 'started', startedAt: T0 + 1000 });
        expect(running?.materializedAssetPartitions).toEqual([{ assetKey: 'orders', partitionKey: null }]);
        expect(running?.failedAssetPartitions).toEqual([{ assetKey: 'daily', partitionKey: '2026-01-02' }]);

        await log.append([record({ type: 'runCompleted', runId: 'run-a', occurredAt: T0 + 5000 })]);
        await log.append([record({ type: 'runStarted', runId: 'run-a', occurredAt: T0 + 9000 })]);
        const done = await log.getRun('run-a');
        expect(done).toMatchObject({ status: 'succeeded', startedAt: T0 + 1000, finishedAt: T0 + 5000, error: null });
        expect(done?.lastStorageId).toBeGreaterThan(done?.firstStorageId ?? Infinity);
        expect(await log.getRun('missing')).toBeNull();
      });

      it('records why a run failed and lists runs by status in log order', async () => {
        await log.append([
          record({ type: 'request', runId: 'r1', plannedAssetPartitions: [{ assetKey: 'a', partitionKey: null }] }),
          record({ type: 'request', runId: 'r2', plannedAssetPartitions: [{ assetKey: 'b', partitionKey: null }] }),
          record({ type: 'request', runId: 'r3', plannedAssetPartitions: [] }),
        ]);
        await log.append([
          record({ type: 'runStarted', runId: 'r3' }),
          record({ type: 'runFailed', runId: 'r1', payload: { error: { message: 'boom', retriable: false } } }),
          record({ type: 'runFailed', runId: 'r2', payload: { error: 'plain text' } }),
          record({ type: 'runCompleted', runId: 'r2' }),
          materialization('m', null, { runId: 'r-unplanned' }),
        ]);
        expect(await log.getRun('r1')).toMatchObject({ status: 'failed', error: 'boom' });
        // The first terminal status stays.
        expect(await log.getRun('r2')).toMatchObject({ status: 'failed', error: 'plain text' });
        expect(await log.getRun('r-unplanned')).toMatchObject({ status: 'started', plannedAssetPartitions: [] });
        expect((await log.runsByStatus(['requested', 'started'])).map((r) => r.runId)).toEqual(['r3', 'r-unplanned']);
        expect((await log.runsByStatus(['failed'])).map((r) => r.runId)).toEqual(['r1', 'r2']);
        expect(await log.runsByStatus([])).toEqual([]);
      });

      it('writes nothing at all when any part of an append fails', async () => {
        await log.saveCursor('planner', { at: 1 });
        const attempt = log.append([materialization('orders'), record({ type: 'request', runId: 'r9' })], {
          outbox: [outboxMessage('o-1')],
          cursor: { name: 'planner', value: { at: 2 }, expectedVersion: 7 },
        });
        await expect(attempt).rejects.toBeInstanceOf(CursorVersionConflictError);
        expect(await log.readSince(0, 10)).toEqual([]);
        expect(await log.latestFor('orders')).toEqual({ materialization: null, observation: null });
        expect(await log.getRun('r9')).toBeNull();
        expect(await log.pendingOutboxCount()).toBe(0);
        expect((await log.loadCursor('planner'))?.value).toEqual({ at: 1 });
      });

      it('refuses malformed records before writing any', async () => {
        await expect(log.append([materialization('ok'), record({ type: 'materialization' })])).rejects.toBeInstanceOf(InvalidRecordError);
        await expect(log.append([record({ type: 'runStarted' })])).rejects.toThrow(/needs a runId/);
        await expect(log.append([record({ type: 'tick', eventId: '' })])).rejects.toThrow(/eventId/);
        await expect(log.append([record({ type: 'tick', occurredAt: Number.NaN })])).rejects.toThrow(/occurredAt/);
        expect(await log.readSince(0, 10)).toEqual([]);
      });
    });

    describe('concurrent appends', () => {
      it('loses nothing, doubles nothing, and keeps storage ids unique and ordered', async () => {
        const writers = 8;
        const perWriter = 40;
        const results = await Promise.all(
          Array.from({ length: writers }, (_, w) =>
            log.append([
              // Every writer also tries the same shared event: exactly one may store it.
              materialization('shared', null, { eventId: 'shared-event', payload: { writer: w } }),
              ...Array.from({ length: perWriter }, (_, i) => materialization(`w${w}`, `p${i}`, { runId: `run-${w}` })),
            ]),
          ),
        );
        const inserted = results.flatMap((r) => r.inserted);
        expect(inserted).toHaveLength(writers * perWriter + 1);
        expect(new Set(inserted.map((r) => r.storageId)).size).toBe(inserted.length);
        expect(results.filter((r) => r.duplicates.includes('shared-event'))).toHaveLength(writers - 1);
        const all = await log.readSince(0, 10_000);
        expect(all).toHaveLength(writers * perWriter + 1);
        for (let i = 1; i < all.length; i += 1) expect(all[i]?.storageId).toBeGreaterThan(all[i - 1]?.storageId ?? Infinity);
        // Each append's rows got a contiguous block: appends are serialized, so ids follow commit order.
        for (const result of results) {
          const ids = result.inserted.map((r) => r.storageId);
          expect((ids[ids.length - 1] ?? 0) - (ids[0] ?? 0)).toBe(ids.length - 1);
        }
        expect((await log.getRun('run-3'))?.materializedAssetPartitions).toHaveLength(perWriter);
      });
    });

    describe('outbox', () => {
      async function enqueue(count: number): Promise<void> {
        const messages = Array.from({ length: count }, (_, i) => outboxMessage(`m-${i}`));
        const result = await log.append([record({ type: 'tick' })], { outbox: messages });
        expect(result.outboxInserted).toBe(count);
      }

      it('is written with the records and claimed oldest first, with its content intact', async () => {
        await log.append([materialization('orders')], {
          outbox: [
            { topic: 't.a', key: 'orders', eventId: 'e-1', value: { status: 'stale', causes: ['x'] }, headers: { 'ce-type': 'dev.freshet.staleness.v1' } },
            { topic: 't.a', key: null, eventId: 'e-2', value: [1, 2] },
          ],
        });
        const claimed = await log.claimOutbox(10);
        expect(claimed.map((m) => [m.topic, m.key, m.eventId, m.value, m.headers, m.attempts])).toEqual([
          ['t.a', 'orders', 'e-1', { status: 'stale', causes: ['x'] }, { 'ce-type': 'dev.freshet.staleness.v1' }, 1],
          ['t.a', null, 'e-2', [1, 2], {}, 1],
        ]);
        expect(claimed[0]?.id).toBeLessThan(claimed[1]?.id ?? 0);
      });

      it('ignores a message already in the outbox under the same topic and event id', async () => {
        await log.append([], { outbox: [outboxMessage('e-1'), outboxMessage('e-1', 'other.topic')] });
        const again = await log.append([], { outbox: [outboxMessage('e-1')] });
        expect(again.outboxInserted).toBe(0);
        expect(await log.pendingOutboxCount()).toBe(2);
      });

      it('does not hand out a claimed message again while its claim holds', async () => {
        await enqueue(5);
        const first = await log.claimOutbox(3);
        const second = await log.claimOutbox(10);
        expect(first).toHaveLength(3);
        expect(second.map((m) => m.eventId)).toEqual(['m-3', 'm-4']);
        expect(await log.claimOutbox(10)).toEqual([]);
      });

      it('never gives the same message to two concurrent claimers', async () => {
        await enqueue(60);
        const claimedBy = new Map<number, number>();
        let published = 0;
        await Promise.all(
          Array.from({ length: 4 }, async (_, relay) => {
            for (;;) {
              const batch = await log.claimOutbox(4);
              if (batch.length === 0) return;
              for (const message of batch) {
                expect(claimedBy.has(message.id)).toBe(false);
                claimedBy.set(message.id, relay);
              }
              const marked = await log.markPublished(batch.map((m) => m.id));
              published += marked;
            }
          }),
        );
        expect(claimedBy.size).toBe(60);
        expect(published).toBe(60);
        expect(await log.pendingOutboxCount()).toBe(0);
      });

      it('marks each message published once and releases claims after a failed publish', async () => {
        await enqueue(3);
        const batch = await log.claimOutbox(3);
        const ids = batch.map((m) => m.id);
        expect(await log.markPublished(ids.slice(0, 1))).toBe(1);
        expect(await log.markPublished(ids.slice(0, 1))).toBe(0);
        await log.releaseClaims(ids);
        const retried = await log.claimOutbox(10);
        expect(retried.map((m) => [m.id, m.attempts])).toEqual(ids.slice(1).map((id) => [id, 2]));
        expect(await log.pendingOutboxCount()).toBe(2);
      });

      it('prunes published messages past their retention and never an unpublished one', async () => {
        await enqueue(3);
        const batch = await log.claimOutbox(2);
        expect(await log.markPublished(batch.map((m) => m.id))).toBe(2);
        // Published just now: a day's retention keeps them.
        expect(await log.pruneOutbox(86_400_000)).toBe(0);
        expect(await log.pruneOutbox(0)).toBe(2);
        expect(await log.pruneOutbox(0)).toBe(0);
        expect(await log.pendingOutboxCount()).toBe(1);
        expect((await log.claimOutbox(10)).map((m) => m.eventId)).toEqual(['m-2']);
      });

      it('lets another relay take messages whose claim has expired', async () => {
        await enqueue(2);
        const lapsed = await log.claimOutbox(2, { leaseMs: 0 });
        const retaken = await log.claimOutbox(2);
        expect(retaken.map((m) => m.id)).toEqual(lapsed.map((m) => m.id));
        expect(retaken.every((m) => m.attempts === 2)).toBe(true);
      });
    });

    describe('cursor', () => {
      it('saves and loads a named cursor with an increasing version', async () => {
        expect(await log.loadCursor('planner')).toBeNull();
        expect(await log.saveCursor('planner', { lastStorageId: 10, owed: ['a'] })).toBe(1);
        expect(await log.saveCursor('planner', { lastStorageId: 20, owed: [] })).toBe(2);
        const loaded = await log.loadCursor('planner');
        expect(loaded).toMatchObject({ name: 'planner', version: 2, value: { lastStorageId: 20, owed: [] } });
        expect(typeof loaded?.updatedAt).toBe('number');
        expect(await log.loadCursor('other')).toBeNull();
      });

      it('refuses a save whose expected version is stale, naming the actual one', async () => {
        expect(await log.saveCursor('planner', { v: 1 }, 0)).toBe(1);
        await expect(log.saveCursor('planner', { v: 'again' }, 0)).rejects.toMatchObject({ name: 'CursorVersionConflictError', actualVersion: 1 });
        expect(await log.saveCursor('planner', { v: 2 }, 1)).toBe(2);
        const stale = log.saveCursor('planner', { v: 'stale' }, 1);
        await expect(stale).rejects.toBeInstanceOf(CursorVersionConflictError);
        await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
        await expect(log.saveCursor('never-saved', { v: 1 }, 3)).rejects.toMatchObject({ actualVersion: null });
        expect((await log.loadCursor('planner'))?.value).toEqual({ v: 2 });
      });

      it('lets exactly one of two concurrent savers of the same version win', async () => {
        await log.saveCursor('planner', { v: 0 });
        const outcomes = await Promise.allSettled([log.saveCursor('planner', { v: 'a' }, 1), log.saveCursor('planner', { v: 'b' }, 1)]);
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected?.reason).toBeInstanceOf(CursorVersionConflictError);
      });

      it('saves the cursor in the same transaction as the records it follows', async () => {
        const value: JsonValue = { lastStorageId: 1 };
        const result = await log.append([record({ type: 'request', runId: 'r1' })], { cursor: { name: 'planner', value, expectedVersion: 0 } });
        expect(result.cursorVersion).toBe(1);
        expect((await log.loadCursor('planner'))?.value).toEqual(value);
      });
    });
  });
}
