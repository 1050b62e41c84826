// The planner service's core, shared by `apps/planner` and `freshet dev`:
//  - every replica ingests what it consumes into the event log (batched, idempotent on event id),
//    before its offsets are committed;
//  - the replica holding the leader lease rebuilds the planner state from the log (replay), then
//    follows the log, calls the domain's `evaluate` after every batch and at the instant of the
//    next deadline (`nextWakeAt`, plus a safety tick), and writes its decisions, the records they
//    imply and the cursor in one transaction whose outbox the relay then publishes.
// The cursor is saved with an expected version, so a deposed leader that still ticks cannot
// commit: fencing at the database, where it matters.
import { randomUUID } from 'node:crypto';
import type { AnyCloudEvent, DefinitionsV1 } from '@freshet/contracts';
import { type GraphCache, type LeaderLease } from '@freshet/cache';
import {
  InvalidSpecsError,
  PlannerState,
  buildAssetGraph,
  decodeCursor,
  emptyCursor,
  evaluate,
  type AssetGraph,
  type PlannerCursor,
  type TickResult,
} from '@freshet/domain';
import { NonRetriableError, isNonRetriable, type EventBus } from '@freshet/messaging';
import { CursorVersionConflictError, RecordTypes, type EventLog, type EventRecord, type JsonValue, type NewRecord } from '@freshet/storage';
import type { ServiceLogger } from '../logger';
import { DefinitionsBook, toDomainSpecs } from './definitions-book';
import { decisionWrites } from './decision-events';
import { IngestBatcher } from './ingest-batcher';
import { PlannerRecordTypes, recordOfEvent } from './ingest-records';
import { OutboxRelay } from './outbox-relay';
import { plannerRecordOf } from './replay-records';

export const PLANNER_CURSOR_NAME = 'planner';

export interface PlannerCoreOptions {
  /** Unique per process: who holds the lease. */
  readonly instanceId?: string;
  /** Safety tick, ms (FRESHET_PLANNER_TICK_MS). */
  readonly tickMs: number;
  readonly leaseTtlMs?: number;
  readonly source?: string;
  readonly now?: () => number;
  /** Outbox relay poll and claim lease. */
  readonly relayPollMs?: number;
  /** Published outbox rows are deleted after this long (default 24 h). */
  readonly outboxRetentionMs?: number;
}

export interface PlannerDeps {
  readonly eventLog: EventLog;
  /** Publishes the outbox (topics unprefixed: a prefixing bus adds the deployment's prefix). */
  readonly bus: EventBus;
  readonly cache: GraphCache;
  readonly lease: LeaderLease;
  readonly logger: ServiceLogger;
}

export interface TickReport {
  readonly at: number;
  readonly result: TickResult;
  readonly runIds: readonly string[];
  readonly graph: AssetGraph;
  readonly state: PlannerState;
  /** How long the tick took (evaluation and its writes), ms. */
  readonly durationMs: number;
  /**
   * Every event-log record up to this storage id had been read when the report was made. (The
   * cursor's lastStorageId counts only records the domain state takes: unchanged definitions and
   * the planner's own tick records never move it.)
   */
  readonly readUpTo: number;
}

const READ_PAGE = 5000;
/** Shortest time from one tick's start to the next one's (event-driven ticks only; deadlines use their timer). */
const MIN_TICK_GAP_MS = 50;
const MAX_WAKE_DELAY_MS = 2_000_000_000;
/**
 * A cursor that moved without any decision to write is saved at most this often (wall clock):
 * under a stream of events it moves on every tick, and each save is a transaction on the event
 * log's append lock that ingestion waits for. Decisions are always written with the cursor they
 * were made at, so a planner that dies between two saves re-evaluates from the older cursor,
 * exactly as if it had ticked less often.
 */
const CURSOR_ONLY_SAVE_MS = 1000;

export class PlannerCore {
  readonly instanceId: string;
  private readonly now: () => number;
  private readonly ttlMs: number;
  private readonly batcher: IngestBatcher;
  private readonly relay: OutboxRelay;
  private readonly tickListeners: ((report: TickReport) => void)[] = [];

  private started = false;
  private stopping = false;
  private epoch: number | null = null;
  private leaseTimer?: NodeJS.Timeout;
  private safetyTimer?: NodeJS.Timeout;
  private wakeTimer?: NodeJS.Timeout;
  private leadershipStep: Promise<void> = Promise.resolve();

  // Leader state, rebuilt from the log on every acquisition.
  private book = new DefinitionsBook();
  private graph: AssetGraph | null = null;
  private state: PlannerState | null = null;
  private appliedUpTo = 0;
  /** Definitions records up to here were read by the rebuild's first pass. */
  private definitionsReadUpTo = 0;
  private cursor: PlannerCursor = emptyCursor();
  private cursorVersion = 0;
  private persistedCursorJson = '';
  private lastPersistAt = 0;
  /** Wall-clock time of the last cursor save, and the timer that saves a cursor left unsaved. */
  private lastSaveWallMs = 0;
  private cursorSaveTimer?: NodeJS.Timeout;
  private fullNextTick = true;
  private readonly storageIdByEventId = new Map<string, number>();
  private lastTick: TickReport | null = null;
  /** The skips the last written tick record explains (see `decisionWrites`). */
  private lastSkipSignature = '[]';

  // Serialized evaluation loop.
  private tickWanted = false;
  private ticking: Promise<void> | null = null;
  /** Ticks and writes made on the planner's behalf (manual runs, backfills) take turns on this chain. */
  private turn: Promise<unknown> = Promise.resolve();
  private compactedUpTo = 0;

  constructor(
    private readonly deps: PlannerDeps,
    private readonly options: PlannerCoreOptions,
  ) {
    this.instanceId = options.instanceId ?? `planner-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.now = options.now ?? Date.now;
    this.ttlMs = options.leaseTtlMs ?? 5000;
    this.batcher = new IngestBatcher(deps.eventLog, (inserted) => {
      if (inserted > 0) this.requestTick();
    });
    // The relay owns its defaults; only what was set is passed on.
    this.relay = new OutboxRelay(deps.eventLog, deps.bus, deps.logger, {
      ...(options.relayPollMs !== undefined ? { pollMs: options.relayPollMs } : {}),
      ...(options.outboxRetentionMs !== undefined ? { retentionMs: options.outboxRetentionMs } : {}),
    });
  }

  get isLeader(): boolean {
    return this.epoch !== null;
  }

  get currentEpoch(): number | null {
    return this.epoch;
  }

  /** The latest tick (for `freshet dev`'s table and tests). */
  latestTick(): TickReport | null {
    return this.lastTick;
  }

  onTick(listener: (report: TickReport) => void): void {
    this.tickListeners.push(listener);
  }

  /** Stores a consumed event; resolves once it is in the event log (then the offset may be committed). */
  async ingest(event: AnyCloudEvent): Promise<void> {
    if (event.type === 'dev.freshet.definitions.v1') rejectInvalidDefinitions(event.data);
    await this.batcher.add(recordOfEvent(event));
  }

  /**
   * Stores a batch of consumed events with one event-log append (shared with whatever else is
   * pending); resolves once they are in the log (then the batch's offsets may be committed) and
   * says which events (by index) the planner will never take, and why: those are dead-lettered
   * without failing their neighbours. A failure of the log itself rejects the whole batch, which
   * the bus then retries (records already stored are duplicates the log ignores).
   */
  async ingestBatch(events: readonly AnyCloudEvent[]): Promise<{ readonly rejected: readonly { readonly index: number; readonly error: unknown }[] }> {
    const rejected: { index: number; error: unknown }[] = [];
    const records: NewRecord[] = [];
    const indexes: number[] = [];
    events.forEach((event, index) => {
      try {
        if (event.type === 'dev.freshet.definitions.v1') rejectInvalidDefinitions(event.data);
        records.push(recordOfEvent(event));
        indexes.push(index);
      } catch (error) {
        if (!isNonRetriable(error)) throw error;
        rejected.push({ index, error });
      }
    });
    const outcomes = await this.batcher.addAll(records);
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) return;
      if (!isNonRetriable(outcome.error)) throw outcome.error;
      rejected.push({ index: indexes[i] as number, error: outcome.error });
    });
    return { rejected: rejected.sort((a, b) => a.index - b.index) };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    await this.leadership();
    this.leaseTimer = setInterval(() => void this.leadership(), Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    this.started = false;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    await this.leadershipStep;
    await this.stepDown();
    await this.deps.lease.release(this.instanceId).catch(() => false);
  }

  /** Asks for a tick as soon as the current one (if any) is done. */
  requestTick(): void {
    if (!this.isLeader || this.stopping) return;
    this.tickWanted = true;
    if (this.ticking) return;
    this.ticking = this.tickLoop().finally(() => {
      this.ticking = null;
    });
  }

  /**
   * Runs `write` between two ticks, never during one: a run requested by hand while a tick is
   * deciding the same asset partition would otherwise be requested twice. The next tick sees
   * what `write` appended.
   */
  async betweenTicks<T>(write: () => Promise<T>): Promise<T> {
    const result = this.inTurn(write);
    try {
      return await result;
    } finally {
      this.requestTick();
    }
  }

  private inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.turn.then(fn, fn);
    this.turn = run.catch(() => undefined);
    return run;
  }

  /** Waits for the running tick, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  private leadership(): Promise<void> {
    this.leadershipStep = this.leadershipStep.then(() => this.leadershipOnce()).catch((error: unknown) => {
      this.deps.logger.warn(`planner lease: ${describe(error)}`);
    });
    return this.leadershipStep;
  }

  private async leadershipOnce(): Promise<void> {
    if (this.stopping) return;
    if (this.isLeader) {
      const renewed = await this.deps.lease.renew(this.instanceId, this.ttlMs);
      if (!renewed) {
        this.deps.logger.warn(`planner ${this.instanceId}: lost the lease (epoch ${this.epoch ?? '?'}); standing by`);
        await this.stepDown();
      }
      return;
    }
    const grant = await this.deps.lease.acquire(this.instanceId, this.ttlMs);
    if (!grant) return;
    this.deps.logger.log(`planner ${this.instanceId}: leading at epoch ${grant.epoch}`);
    try {
      await this.rebuild();
    } catch (error) {
      await this.deps.lease.release(this.instanceId).catch(() => false);
      throw error;
    }
    this.epoch = grant.epoch;
    this.safetyTimer = setInterval(() => this.requestTick(), this.options.tickMs);
    this.relay.start();
    this.requestTick();
  }

  private async stepDown(): Promise<void> {
    this.epoch = null;
    if (this.safetyTimer) clearInterval(this.safetyTimer);
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.cursorSaveTimer) clearTimeout(this.cursorSaveTimer);
    this.safetyTimer = undefined;
    this.wakeTimer = undefined;
    this.cursorSaveTimer = undefined;
    await this.idle();
    await this.relay.stop();
  }

  /** Replays the whole event log into a fresh state and loads the persisted cursor. */
  private async rebuild(): Promise<void> {
    this.book = new DefinitionsBook();
    this.graph = null;
    this.state = null;
    this.appliedUpTo = 0;
    this.storageIdByEventId.clear();
    this.lastSkipSignature = '[]';
    const started = this.now();
    // Definitions first: the state is always the whole log read under the latest graph, so
    // events that arrived before their asset was defined still count.
    const followUps: NewRecord[] = [];
    let after = 0;
    for (;;) {
      const page = await this.deps.eventLog.readSince(after, READ_PAGE, { types: [RecordTypes.definitions] });
      if (page.length === 0) break;
      for (const record of page) {
        this.absorbDefinitions(record, followUps);
        after = record.storageId;
      }
    }
    this.definitionsReadUpTo = after;
    if (followUps.length > 0) await this.deps.eventLog.append(followUps);
    if (this.graph) {
      this.state = new PlannerState(this.graph);
      this.compactedUpTo = 0;
      void this.publishGraph();
    }
    const applied = await this.catchUp();
    const stored = await this.deps.eventLog.loadCursor(PLANNER_CURSOR_NAME);
    this.cursor = stored ? decodeCursor(stored.value) : emptyCursor();
    this.cursorVersion = stored?.version ?? 0;
    this.persistedCursorJson = JSON.stringify(this.cursor);
    this.fullNextTick = true;
    this.deps.logger.log(`planner: replayed ${applied} records up to storage id ${this.appliedUpTo} in ${this.now() - started} ms`);
  }

  /** Applies every record appended since the last call, in storage-id order. */
  private async catchUp(): Promise<number> {
    let count = 0;
    for (;;) {
      const records = await this.deps.eventLog.readSince(this.appliedUpTo, READ_PAGE);
      if (records.length === 0) return count;
      const followUps: NewRecord[] = [];
      const touched = new Map<string, EventRecord>();
      for (const record of records) {
        if (record.type === RecordTypes.definitions) {
          if (record.storageId > this.definitionsReadUpTo && this.absorbDefinitions(record, followUps)) await this.reapplyBefore(record.storageId);
        } else {
          this.applyRecord(record);
        }
        if (record.type === RecordTypes.materialization || record.type === RecordTypes.observation) {
          touched.set(JSON.stringify([record.assetKey, record.partitionKey]), record);
        }
        this.appliedUpTo = record.storageId;
        count++;
      }
      if (followUps.length > 0) await this.deps.eventLog.append(followUps);
      await this.cacheStates([...touched.values()]);
    }
  }

  /** The graph changed: a fresh state, fed every record before `storageId` under the new graph. */
  private async reapplyBefore(storageId: number): Promise<void> {
    if (!this.graph) return;
    this.state = new PlannerState(this.graph);
    this.compactedUpTo = 0;
    this.storageIdByEventId.clear();
    let after = 0;
    for (;;) {
      const page = await this.deps.eventLog.readSince(after, READ_PAGE);
      const before = page.filter((record) => record.storageId < storageId);
      for (const record of before) if (record.type !== RecordTypes.definitions) this.applyRecord(record);
      if (before.length < page.length || page.length === 0) return;
      after = (page[page.length - 1] as EventRecord).storageId;
    }
  }

  private applyRecord(record: EventRecord): void {
    if (record.type === RecordTypes.materialization) this.storageIdByEventId.set(record.eventId, record.storageId);
    if (!this.graph || !this.state) return;
    const planned = plannerRecordOf(record, this.graph, this.state, (id) => this.storageIdByEventId.get(id) ?? null);
    if (!planned) return;
    try {
      this.state.apply(planned);
    } catch (error) {
      this.deps.logger.warn(`planner: record ${record.storageId} (${record.type}) not applied: ${describe(error)}`);
    }
  }

  /** Takes a location's new definitions into the book; true when the graph changed. */
  private absorbDefinitions(record: EventRecord, followUps: NewRecord[]): boolean {
    const payload = record.payload as unknown as DefinitionsV1;
    let graph: AssetGraph;
    try {
      graph = this.book.graphWith(payload);
    } catch (error) {
      this.deps.logger.error(`planner: definitions of ${payload.codeLocation} (record ${record.storageId}) rejected: ${describe(error)}`);
      return false;
    }
    const diff = this.book.diff(payload);
    this.book.apply(payload);
    const changed = this.graph === null || diff.changed.length > 0;
    // The same definitions again (another worker starting): the state stays bound to the graph it has.
    if (!changed) return false;
    this.graph = graph;
    this.fullNextTick = true;
    // Follow-ups get their own storage ids after this record; deterministic ids make a replay
    // that re-derives them a no-op.
    if (diff.changed.length > 0) {
      followUps.push({
        eventId: `${record.eventId}:changed`,
        type: PlannerRecordTypes.definitionsChanged,
        occurredAt: record.occurredAt,
        payload: { codeLocation: payload.codeLocation, assets: [...diff.changed] },
      });
    }
    for (const change of diff.codeVersions) {
      followUps.push({
        eventId: `${record.eventId}:code:${change.asset}`,
        type: PlannerRecordTypes.codeVersionDeployed,
        assetKey: change.asset,
        occurredAt: record.occurredAt,
        payload: { asset: change.asset, codeVersion: change.codeVersion },
      });
    }
    void this.publishGraph();
    return true;
  }

  private async publishGraph(): Promise<void> {
    const specs = this.book.specs();
    try {
      await this.deps.cache.publishGraph({
        assets: specs.map((spec) => ({
          key: spec.key,
          deps: (spec.deps ?? []).map((d) => (typeof d === 'string' ? d : d.key)),
          spec: spec as unknown as JsonValue,
        })),
        meta: { codeLocations: this.book.locationNames() },
      });
    } catch (error) {
      this.deps.logger.warn(`planner: graph cache not updated: ${describe(error)}`);
    }
  }

  private async cacheStates(records: readonly EventRecord[]): Promise<void> {
    try {
      for (const record of records) {
        if (record.assetKey === null) continue;
        const payload = record.payload as { dataVersion?: unknown; dataTime?: unknown; runId?: unknown };
        await this.deps.cache.setAssetState(record.assetKey, record.partitionKey, {
          storageId: record.storageId,
          type: record.type,
          dataVersion: typeof payload.dataVersion === 'string' ? payload.dataVersion : null,
          dataTime: typeof payload.dataTime === 'string' ? payload.dataTime : null,
          at: record.occurredAt,
          runId: record.runId,
        });
      }
    } catch (error) {
      this.deps.logger.warn(`planner: asset state cache not updated: ${describe(error)}`);
    }
  }

  private async tickLoop(): Promise<void> {
    while (this.tickWanted && this.isLeader && !this.stopping) {
      this.tickWanted = false;
      const started = Date.now();
      try {
        await this.inTurn(() => this.tickOnce());
      } catch (error) {
        this.deps.logger.error(`planner tick failed: ${describe(error)}`);
        if (error instanceof CursorVersionConflictError) await this.reloadCursor();
      }
      // Under a stream of events, ticks back to back would hold the event log's append lock
      // most of the time and slow ingestion: leave a short gap (events coalesce into the next tick).
      const gap = MIN_TICK_GAP_MS - (Date.now() - started);
      if (this.tickWanted && gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
    }
  }

  private async reloadCursor(): Promise<void> {
    const stored = await this.deps.eventLog.loadCursor(PLANNER_CURSOR_NAME);
    this.cursor = stored ? decodeCursor(stored.value) : emptyCursor();
    this.cursorVersion = stored?.version ?? 0;
    this.persistedCursorJson = JSON.stringify(this.cursor);
    // The state forgot its update log up to the cursor it had; a cursor from behind that point
    // would ask about updates it no longer knows: read the log again instead.
    if (this.cursor.lastStorageId < this.compactedUpTo) await this.rebuild();
  }

  private async tickOnce(): Promise<void> {
    await this.catchUp();
    const graph = this.graph;
    const state = this.state;
    const epoch = this.epoch;
    if (!graph || !state || epoch === null) return;
    const now = this.now();
    const started = performance.now();
    const result = evaluate(graph, state, this.cursor, now, { full: this.fullNextTick });
    const writes = decisionWrites(result, {
      graph,
      state,
      now,
      epoch,
      source: this.options.source ?? 'freshet/planner',
      previousSkipSignature: this.lastSkipSignature,
    });
    const cursorJson = JSON.stringify({ ...result.cursor, lastTickAt: null });
    const wallMs = Date.now();
    const cursorMoved = cursorJson !== this.persistedCursorJson;
    const mustPersist =
      writes.records.length > 0 ||
      writes.outbox.length > 0 ||
      now - this.lastPersistAt >= 10_000 ||
      (cursorMoved && wallMs - this.lastSaveWallMs >= CURSOR_ONLY_SAVE_MS);
    if (!mustPersist && cursorMoved) this.saveCursorLater(CURSOR_ONLY_SAVE_MS - (wallMs - this.lastSaveWallMs));
    if (mustPersist) {
      const appended = await this.deps.eventLog.append(writes.records, {
        outbox: writes.outbox,
        cursor: { name: PLANNER_CURSOR_NAME, value: result.cursor as unknown as JsonValue, expectedVersion: this.cursorVersion },
      });
      this.cursorVersion = appended.cursorVersion ?? this.cursorVersion + 1;
      this.persistedCursorJson = cursorJson;
      this.lastPersistAt = now;
      this.lastSaveWallMs = wallMs;
      this.lastSkipSignature = writes.skipSignature;
      if (writes.outbox.length > 0) this.relay.kick();
    }
    this.cursor = result.cursor;
    this.fullNextTick = false;
    // No later tick asks what changed at or before the cursor (a rebuild replays the log), so the
    // state's update log forgets it: without this it grows with every record of a long-lived planner.
    if (result.cursor.lastStorageId > this.compactedUpTo) {
      state.compact(result.cursor.lastStorageId);
      this.compactedUpTo = result.cursor.lastStorageId;
    }
    // Our own request records must be in the state before the next evaluation.
    if (writes.records.length > 0) {
      await this.catchUp();
      this.tickWanted = true;
    }
    this.scheduleWake(result.nextWakeAt, now);
    const report: TickReport = { at: now, result, runIds: writes.runIds, graph, state, durationMs: performance.now() - started, readUpTo: this.appliedUpTo };
    this.lastTick = report;
    for (const listener of this.tickListeners) listener(report);
  }

  /** A tick after `delayMs` saves the cursor a tick left unsaved (the stream may have stopped meanwhile). */
  private saveCursorLater(delayMs: number): void {
    if (this.cursorSaveTimer) return;
    this.cursorSaveTimer = setTimeout(() => {
      this.cursorSaveTimer = undefined;
      this.requestTick();
    }, Math.max(0, delayMs));
  }

  /** A timer at the exact instant the domain asked to be woken (a deadline passes without events). */
  private scheduleWake(at: number | null, now: number): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    if (at === null) return;
    const delay = Math.min(MAX_WAKE_DELAY_MS, Math.max(0, at - now));
    this.wakeTimer = setTimeout(() => this.requestTick(), delay);
  }
}

/** Definitions the domain cannot build a graph from never enter the log: dead-letter them with the problems. */
function rejectInvalidDefinitions(payload: DefinitionsV1): void {
  try {
    buildAssetGraph(toDomainSpecs(payload));
  } catch (error) {
    if (error instanceof InvalidSpecsError) {
      const problems = error.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
      throw new NonRetriableError(`definitions of ${payload.codeLocation} are invalid: ${problems}`, 'INVALID_DEFINITIONS', { cause: error });
    }
    throw error;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
