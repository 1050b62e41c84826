// The observer service's core, shared by `apps/observer` and `freshet dev`: turns source-change
// events from any producer, and the periodic results of the code location's observe functions,
// into observations of data versions, emitted only when the version changed (or always, if so
// configured). An event about an asset nobody defined, or about an asset that is not a source, is
// rejected as non-retriable, so the bus dead-letters it with the reason.
import { createHash, randomUUID } from 'node:crypto';
import { TOPICS, type CloudEvent } from '@freshet/contracts';
import { partitionsDefinition, type PartitionsSpec } from '@freshet/domain';
import type { GraphCache } from '@freshet/cache';
import { NonRetriableError, type TypedBus } from '@freshet/messaging';
import { ResourceSet, observeSource, type CodeLocation, type LogSink } from '@freshet/sdk';
import type { EventLog } from '@freshet/storage';
import type { ServiceLogger } from '../logger';

export interface ObserverDeps {
  readonly location: CodeLocation;
  readonly bus: TypedBus;
  /** The graph every code location published, for sources this location does not define. */
  readonly cache: GraphCache;
  /** Read only: the last observation of a source when this process has not emitted one yet. */
  readonly eventLog: EventLog;
  readonly logger: ServiceLogger;
}

export interface ObserverOptions {
  readonly emitUnchanged?: boolean;
  readonly variables?: Readonly<Record<string, string | undefined>>;
  readonly baseDir?: string;
  readonly now?: () => number;
  /** Run the observe functions on their intervals (default true). */
  readonly schedule?: boolean;
  /** Where observe functions' log lines go (default: JSON lines on stdout). */
  readonly log?: LogSink;
  /** Opened resources shared with the worker (`freshet dev`); not closed here. */
  readonly resources?: ResourceSet;
}

export type SourceChangeEvent = CloudEvent<'dev.freshet.source-change.v1'>;

type SourceKind = 'observableSource' | 'source';

export const OBSERVER_GROUP = 'freshet-observer';

/** Clocks disagree a little; a change dated further ahead than this is rejected as hostile or broken. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

export class ObserverCore {
  private readonly resources: ResourceSet;
  private readonly now: () => number;
  private readonly lastEmitted = new Map<string, string>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly observing = new Set<string>();
  private readonly firstPass = new Set<string>();

  constructor(
    private readonly deps: ObserverDeps,
    private readonly options: ObserverOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.resources = options.resources ?? new ResourceSet(deps.location.resources, { env: options.variables ?? {}, baseDir: options.baseDir ?? process.cwd() });
  }

  /** Observations running now (`freshet dev --once` waits for none). */
  get busy(): number {
    return this.observing.size;
  }

  /** True once every observable source was observed at least once since start. */
  get firstPassDone(): boolean {
    return this.firstPass.size === 0;
  }

  /** Observes every observable source now, then on each one's interval. */
  start(): void {
    if (this.options.schedule === false) return;
    for (const source of this.deps.location.sources) {
      if (source.definitionKind !== 'observableSource') continue;
      const key = source.spec.key;
      this.firstPass.add(key);
      void this.observeNow(key).finally(() => this.firstPass.delete(key));
      this.timers.push(setInterval(() => void this.observeNow(key), source.intervalSeconds * 1000));
    }
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    if (!this.options.resources) await this.resources.close();
  }

  /** Runs one source's observe function and emits what changed. Errors are logged, never thrown. */
  async observeNow(key: string): Promise<boolean> {
    if (this.observing.has(key)) return false;
    this.observing.add(key);
    try {
      const observation = await observeSource(this.deps.location, key, { resources: this.resources, now: this.now, ...(this.options.log ? { log: this.options.log } : {}) });
      if (observation === null) return false;
      return await this.emitIfChanged(key, observation.partition, observation.dataVersion, observation.observedAt);
    } catch (error) {
      this.deps.logger.warn(`observer: observing ${key} failed: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    } finally {
      this.observing.delete(key);
    }
  }

  /** Handles one source-change event; resolves once the observation (if any) is published. */
  async handleSourceChange(event: SourceChangeEvent): Promise<boolean> {
    const change = event.data;
    const kind = await this.kindOf(change.asset);
    if (kind === 'source') {
      // A plain source is invisible to versions and data time: nothing to observe.
      this.deps.logger.log(`observer: ${change.asset} is a plain source; change noted, no observation`);
      return false;
    }
    const partition = change.partition ?? null;
    await this.checkPartition(change.asset, partition);
    const occurredAt = Date.parse(change.occurredAt);
    if (!Number.isFinite(occurredAt) || occurredAt > this.now() + FUTURE_TOLERANCE_MS) {
      throw new NonRetriableError(`source change of ${change.asset} occurred at ${change.occurredAt}, more than ${FUTURE_TOLERANCE_MS / 60_000} min in the future`, 'FUTURE_TIMESTAMP');
    }
    let version = change.dataVersion ?? null;
    const ownObservable = this.deps.location.sources.some((s) => s.spec.key === change.asset && s.definitionKind === 'observableSource');
    if (version === null && ownObservable) {
      const observed = await observeSource(this.deps.location, change.asset, { resources: this.resources, now: this.now, partition, ...(this.options.log ? { log: this.options.log } : {}) });
      version = observed?.dataVersion ?? null;
    }
    // Nothing says what the new version is: the change itself is the version.
    version ??= `change:${event.id}`;
    // The observation's id derives from the change's: a change redelivered after a crash (published,
    // not yet committed) yields the same observation, which the event log then keeps once.
    return this.emitIfChanged(change.asset, partition, version, this.now(), observationIdFor(event.id));
  }

  /** A partition the source does not have (or any partition of an unpartitioned one) is rejected. */
  private async checkPartition(asset: string, partition: string | null): Promise<void> {
    const own = this.deps.location.sources.find((s) => s.spec.key === asset);
    const spec = (own ? own.spec : (await this.deps.cache.getAsset(asset))?.spec) as { partitions?: PartitionsSpec | null } | null | undefined;
    const partitions = spec?.partitions;
    if (partitions === undefined || partitions === null) {
      if (partition !== null) throw new NonRetriableError(`${asset} is not partitioned, but the change names partition ${JSON.stringify(partition)}`, 'UNKNOWN_PARTITION');
      return;
    }
    if (partition === null) throw new NonRetriableError(`${asset} is partitioned: the change must name a partition`, 'MISSING_PARTITION');
    // The definition decides what a key is (a time window's key format, zone and start, or a
    // static key): a change the planner could not place is rejected here, with the reason.
    if (partitionsDefinition(partitions).indexOf(partition) === null) {
      throw new NonRetriableError(`${asset} has no partition ${JSON.stringify(partition)}`, 'UNKNOWN_PARTITION');
    }
  }

  private async kindOf(asset: string): Promise<SourceKind> {
    const own = this.deps.location.sources.find((s) => s.spec.key === asset);
    if (own) return own.definitionKind === 'observableSource' ? 'observableSource' : 'source';
    if (this.deps.location.assets.some((a) => a.spec.key === asset)) {
      throw new NonRetriableError(`${asset} is a materializable asset, not a source: it changes by being materialized`, 'NOT_A_SOURCE');
    }
    const cached = await this.deps.cache.getAsset(asset);
    if (!cached) throw new NonRetriableError(`unknown asset ${asset}: no code location defines it`, 'UNKNOWN_ASSET');
    const spec = cached.spec as { kind?: unknown } | null;
    const kind = spec?.kind;
    if (kind === 'observableSource' || kind === 'source') return kind;
    throw new NonRetriableError(`${asset} is a materializable asset, not a source: it changes by being materialized`, 'NOT_A_SOURCE');
  }

  private async emitIfChanged(asset: string, partition: string | null, dataVersion: string, observedAt: number, eventId: string = randomUUID()): Promise<boolean> {
    const id = JSON.stringify([asset, partition]);
    let last = this.lastEmitted.get(id);
    if (last === undefined) {
      const stored = (await this.deps.eventLog.latestFor(asset, partition)).observation;
      const version = (stored?.payload as { dataVersion?: unknown } | undefined)?.dataVersion;
      if (typeof version === 'string') last = version;
    }
    if (last === dataVersion && this.options.emitUnchanged !== true) return false;
    await this.deps.bus.publishEvent(
      TOPICS.observations.name,
      'dev.freshet.observation.v1',
      { asset, ...(partition === null ? {} : { partition }), dataVersion, observedAt: new Date(observedAt).toISOString() },
      asset,
      { id: eventId, time: observedAt },
    );
    this.lastEmitted.set(id, dataVersion);
    return true;
  }
}

/** A UUID-shaped id derived from a source change's id (SHA-256, version nibble 5 style). */
export function observationIdFor(sourceChangeId: string): string {
  const hex = createHash('sha256').update(`freshet/observation-of/${sourceChangeId}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
