// Follows the event log for what the API answers from stored data rather than from the planner's
// memory: the decisions of every stored tick (per asset), the records of each run, backfills, the
// history of freshness violations and the materializations that draw the freshness chart. Reads
// only what was appended since the last call (at most once per `minIntervalMs`), keeps bounded
// histories, and never writes.
import { RecordTypes, type EventLog, type EventRecord, type JsonValue } from '@freshet/storage';

export type DecisionKind = 'requested' | 'skipped' | 'discarded';

export interface StoredDecision {
  readonly at: number;
  /** Storage id of the tick record that holds it. */
  readonly tickStorageId: number;
  readonly kind: DecisionKind;
  readonly asset: string;
  /** Partition keys (requested: the one partition; skipped: the listed keys); null when unpartitioned. */
  readonly partitions: readonly string[] | null;
  readonly partitionCount: number;
  readonly reasons: readonly string[];
  /** Skips: why it was a candidate in the first place. */
  readonly candidateReasons: readonly string[];
  readonly sentence: string;
  readonly runId: string | null;
}

export interface StoredTick {
  readonly at: number;
  readonly storageId: number;
  readonly assets: ReadonlySet<string>;
}

export interface RunEventView {
  readonly storageId: number;
  readonly type: string;
  readonly at: number;
  readonly asset: string | null;
  readonly partition: string | null;
  readonly detail: string | null;
}

export interface BackfillRecord {
  readonly backfillId: string;
  readonly storageId: number;
  readonly requestedAt: number;
  readonly asset: string;
  readonly from: string;
  readonly to: string;
  readonly downstream: boolean;
  readonly assetPartitions: readonly { readonly asset: string; readonly partition: string | null }[];
}

export interface ViolationEpisode {
  readonly asset: string;
  readonly partition: string | null;
  readonly since: string;
  readonly overdueMinutesAtStart: number | null;
  readonly resolvedAt: string | null;
  readonly durationMinutes: number | null;
}

export interface MaterializationPoint {
  readonly at: number;
  readonly partition: string | null;
  readonly dataTime: number | null;
  readonly runId: string | null;
  readonly storageId: number;
}

const PAGE = 5000;
const MAX_DECISIONS_PER_ASSET = 2000;
const MAX_TICKS = 20_000;
const MAX_RUNS_INDEXED = 5000;
const MAX_POINTS_PER_ASSET = 2000;
const MAX_EPISODES = 5000;
export const BACKFILL_RECORD_TYPE = 'backfillRequested';

type Obj = { readonly [key: string]: JsonValue };
const obj = (v: JsonValue | undefined): Obj => (v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v) ? v : {});
const str = (v: JsonValue | undefined): string | null => (typeof v === 'string' ? v : null);
const arr = (v: JsonValue | undefined): readonly JsonValue[] => (Array.isArray(v) ? v : []);
const strings = (v: JsonValue | undefined): string[] => arr(v).filter((x): x is string => typeof x === 'string');

/** `asset[partition]` as the tick record writes it back into asset and partition. */
function splitApKey(ap: string): { asset: string; partition: string | null } {
  const open = ap.indexOf('[');
  return open > 0 && ap.endsWith(']') ? { asset: ap.slice(0, open), partition: ap.slice(open + 1, -1) } : { asset: ap, partition: null };
}

function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

export class LogFollower {
  private after = 0;
  private lastReadAt = -Infinity;
  private reading: Promise<void> | null = null;
  private readonly decisions = new Map<string, StoredDecision[]>();
  private readonly ticks: StoredTick[] = [];
  private readonly runEvents = new Map<string, RunEventView[]>();
  private readonly backfills = new Map<string, BackfillRecord>();
  private readonly episodes: ViolationEpisode[] = [];
  private readonly openEpisodes = new Map<string, number>();
  private readonly points = new Map<string, MaterializationPoint[]>();
  private finishedRuns = { succeeded: 0, failed: 0 };

  constructor(
    private readonly eventLog: EventLog,
    private readonly options: { readonly minIntervalMs?: number; readonly now?: () => number } = {},
  ) {}

  /** Reads what was appended since the last call (coalesced; at most once per interval unless forced). */
  async refresh(force = false): Promise<void> {
    const now = (this.options.now ?? Date.now)();
    if (!force && now - this.lastReadAt < (this.options.minIntervalMs ?? 250)) return this.reading ?? undefined;
    this.reading ??= this.readAll().finally(() => {
      this.lastReadAt = (this.options.now ?? Date.now)();
      this.reading = null;
    });
    return this.reading;
  }

  get position(): number {
    return this.after;
  }

  decisionsOf(asset: string): readonly StoredDecision[] {
    return this.decisions.get(asset) ?? [];
  }

  /** Stored ticks, oldest first. */
  storedTicks(): readonly StoredTick[] {
    return this.ticks;
  }

  eventsOfRun(runId: string): readonly RunEventView[] {
    return this.runEvents.get(runId) ?? [];
  }

  backfill(id: string): BackfillRecord | undefined {
    return this.backfills.get(id);
  }

  /** Newest first. */
  allBackfills(): BackfillRecord[] {
    return [...this.backfills.values()].sort((a, b) => b.storageId - a.storageId);
  }

  violationEpisodes(): readonly ViolationEpisode[] {
    return this.episodes;
  }

  materializationsOf(asset: string): readonly MaterializationPoint[] {
    return this.points.get(asset) ?? [];
  }

  finishedRunCounts(): { readonly succeeded: number; readonly failed: number } {
    return this.finishedRuns;
  }

  private async readAll(): Promise<void> {
    for (;;) {
      const page = await this.eventLog.readSince(this.after, PAGE);
      for (const record of page) this.take(record);
      if (page.length > 0) this.after = (page[page.length - 1] as EventRecord).storageId;
      if (page.length < PAGE) return;
    }
  }

  private take(record: EventRecord): void {
    if (record.runId !== null) this.indexRunEvent(record);
    switch (record.type) {
      case RecordTypes.tick:
        this.takeTick(record);
        break;
      case RecordTypes.materialization: {
        if (record.assetKey === null) break;
        const list = this.points.get(record.assetKey) ?? [];
        const dataTime = Date.parse(str(obj(record.payload)['dataTime']) ?? '');
        pushBounded(
          list,
          { at: record.occurredAt, partition: record.partitionKey, dataTime: Number.isNaN(dataTime) ? null : dataTime, runId: record.runId, storageId: record.storageId },
          MAX_POINTS_PER_ASSET,
        );
        this.points.set(record.assetKey, list);
        break;
      }
      case RecordTypes.runCompleted:
        this.finishedRuns = { ...this.finishedRuns, succeeded: this.finishedRuns.succeeded + 1 };
        break;
      case RecordTypes.runFailed:
        this.finishedRuns = { ...this.finishedRuns, failed: this.finishedRuns.failed + 1 };
        break;
      case BACKFILL_RECORD_TYPE: {
        const p = obj(record.payload);
        const id = str(p['backfillId']);
        if (id === null) break;
        this.backfills.set(id, {
          backfillId: id,
          storageId: record.storageId,
          requestedAt: record.occurredAt,
          asset: str(p['asset']) ?? '',
          from: str(p['from']) ?? '',
          to: str(p['to']) ?? '',
          downstream: p['downstream'] === true,
          assetPartitions: arr(p['assetPartitions']).map((ap) => ({ asset: str(obj(ap)['asset']) ?? '', partition: str(obj(ap)['partition']) })),
        });
        break;
      }
      default:
        break;
    }
  }

  private indexRunEvent(record: EventRecord): void {
    const runId = record.runId as string;
    let list = this.runEvents.get(runId);
    if (!list) {
      list = [];
      this.runEvents.set(runId, list);
      // Forget the oldest runs first (Map keeps insertion order: first seen, first dropped).
      if (this.runEvents.size > MAX_RUNS_INDEXED) {
        const oldest = this.runEvents.keys().next().value;
        if (oldest !== undefined) this.runEvents.delete(oldest);
      }
    }
    const p = obj(record.payload);
    const error = obj(p['error']);
    const detail = str(error['message']) ?? str(p['error']) ?? str(p['dataVersion']) ?? str(p['workerId']) ?? null;
    list.push({ storageId: record.storageId, type: record.type, at: record.occurredAt, asset: record.assetKey, partition: record.partitionKey, detail });
  }

  private takeTick(record: EventRecord): void {
    const p = obj(record.payload);
    const at = record.occurredAt;
    const mentioned = new Set<string>();
    const add = (d: StoredDecision): void => {
      mentioned.add(d.asset);
      const list = this.decisions.get(d.asset) ?? [];
      pushBounded(list, d, MAX_DECISIONS_PER_ASSET);
      this.decisions.set(d.asset, list);
    };
    const base = { at, tickStorageId: record.storageId };
    for (const run of arr(p['runs'])) {
      const runId = str(obj(run)['runId']);
      for (const ap of arr(obj(run)['assetPartitions'])) {
        const { asset, partition } = splitApKey(str(obj(ap)['ap']) ?? '');
        add({ ...base, kind: 'requested', asset, partitions: partition === null ? null : [partition], partitionCount: 1, reasons: strings(obj(ap)['reasons']), candidateReasons: [], sentence: str(obj(ap)['sentence']) ?? '', runId });
      }
    }
    for (const skip of arr(p['skipped'])) {
      const s = obj(skip);
      const partitions = s['partitions'] === null || s['partitions'] === undefined ? null : strings(s['partitions']);
      const count = typeof s['partitionCount'] === 'number' ? s['partitionCount'] : (partitions?.length ?? 1);
      add({ ...base, kind: 'skipped', asset: str(s['asset']) ?? '', partitions, partitionCount: count, reasons: strings(s['reasons']), candidateReasons: strings(s['candidateReasons']), sentence: str(s['sentence']) ?? '', runId: null });
    }
    for (const discard of arr(p['discarded'])) {
      const d = obj(discard);
      const count = typeof d['partitionCount'] === 'number' ? d['partitionCount'] : 1;
      add({ ...base, kind: 'discarded', asset: str(d['asset']) ?? '', partitions: null, partitionCount: count, reasons: ['rateLimited'], candidateReasons: [], sentence: str(d['sentence']) ?? '', runId: null });
    }
    for (const violation of arr(p['violations'])) this.takeViolation(obj(violation), at);
    pushBounded(this.ticks, { at, storageId: record.storageId, assets: mentioned }, MAX_TICKS);
  }

  private takeViolation(v: Obj, at: number): void {
    const asset = str(v['asset']) ?? '';
    const partition = str(v['partition']);
    const id = JSON.stringify([asset, partition]);
    const since = str(v['since']) ?? new Date(at).toISOString();
    if (v['kind'] === 'violated') {
      pushBounded(
        this.episodes,
        { asset, partition, since, overdueMinutesAtStart: typeof v['overdueMinutes'] === 'number' ? v['overdueMinutes'] : null, resolvedAt: null, durationMinutes: null },
        MAX_EPISODES,
      );
      this.openEpisodes.set(id, this.episodes.length - 1);
      return;
    }
    const index = this.openEpisodes.get(id);
    const resolved = { resolvedAt: new Date(at).toISOString(), durationMinutes: typeof v['durationMinutes'] === 'number' ? v['durationMinutes'] : null };
    const open = index === undefined ? undefined : this.episodes[index];
    if (open && open.asset === asset && open.partition === partition && open.resolvedAt === null) this.episodes[index as number] = { ...open, ...resolved };
    else pushBounded(this.episodes, { asset, partition, since, overdueMinutesAtStart: null, ...resolved }, MAX_EPISODES);
    this.openEpisodes.delete(id);
  }
}
