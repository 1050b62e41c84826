import { InvalidRecordError, type AppendResult, type EventLog, type NewRecord } from '@freshet/storage';
import { IngestBatcher } from './ingest-batcher';

const record = (eventId: string): NewRecord => ({ eventId, type: 'observation', assetKey: 'a', occurredAt: 0, payload: null });

/** Only `append` matters here: it records each call and fails as told. */
function fakeLog(fail: (records: readonly NewRecord[]) => Error | null): { log: EventLog; appends: string[][] } {
  const appends: string[][] = [];
  const log = {
    append(records: readonly NewRecord[]): Promise<AppendResult> {
      appends.push(records.map((r) => r.eventId));
      const error = fail(records);
      if (error) return Promise.reject(error);
      return Promise.resolve({ inserted: records.map((r, i) => ({ eventId: r.eventId, storageId: i + 1 })), duplicates: [], outboxInserted: 0 });
    },
  } as Partial<EventLog> as EventLog;
  return { log, appends };
}

describe('IngestBatcher', () => {
  it('appends what arrives in the same turn (two batches, a single record) in one call and reports it once', async () => {
    const { log, appends } = fakeLog(() => null);
    const appended: number[] = [];
    const batcher = new IngestBatcher(log, (inserted) => appended.push(inserted));
    const [first, second] = await Promise.all([batcher.addAll([record('1'), record('2')]), batcher.addAll([record('3')]), batcher.add(record('4'))]);
    expect(appends).toEqual([['1', '2', '3', '4']]);
    expect(appended).toEqual([4]);
    expect(first).toEqual([{ ok: true }, { ok: true }]);
    expect(second).toEqual([{ ok: true }]);
  });

  it('a malformed record fails alone (non-retriable) and its neighbours are stored', async () => {
    const { log } = fakeLog((records) => (records.some((r) => r.eventId === 'bad') ? new InvalidRecordError('bad', 'a observation record needs an assetKey') : null));
    const batcher = new IngestBatcher(log, () => undefined);
    const outcomes = await batcher.addAll([record('1'), record('bad'), record('3')]);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { nonRetriable: true, code: 'INVALID_RECORD' } });
  });

  it('when the database is away every record fails with that error (no record-by-record retries)', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { log, appends } = fakeLog(() => down);
    const batcher = new IngestBatcher(log, () => undefined);
    const outcomes = await batcher.addAll([record('1'), record('2')]);
    expect(outcomes).toEqual([
      { ok: false, error: down },
      { ok: false, error: down },
    ]);
    expect(appends).toHaveLength(1);
  });

  it('never splits a group, and starts a new append past maxBatch', async () => {
    const { log, appends } = fakeLog(() => null);
    const batcher = new IngestBatcher(log, () => undefined, 3);
    await Promise.all([batcher.addAll([record('1'), record('2')]), batcher.addAll([record('3'), record('4')]), batcher.addAll([record('5')])]);
    expect(appends).toEqual([['1', '2'], ['3', '4', '5']]);
  });
});
