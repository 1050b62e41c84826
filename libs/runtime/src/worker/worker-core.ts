// The worker service's core, shared by `apps/worker` and `freshet dev`: executes a run's asset
// partitions with the code location's compute functions (the SDK's `executeRun`), holding a lock
// per asset partition for the whole run, and reports progress on the run-events topic. The
// handler returns (and the request's offset is committed) only when the run is over, so a run
// whose worker dies is redelivered to another one and runs again.
import { randomUUID } from 'node:crypto';
import { TOPICS, type CloudEvent, type DefinitionsV1 } from '@freshet/contracts';
import type { TypedBus } from '@freshet/messaging';
import {
  ResourceSet,
  executeRun,
  publishDefinitions,
  toRunEventV1,
  type CodeLocation,
  type LatestRecord,
  type LogSink,
  type RunResult,
} from '@freshet/sdk';
import type { EventLog, EventRecord } from '@freshet/storage';
import type { ServiceLogger } from '../logger';
import type { AssetPartitionId, PartitionLocks } from './partition-locks';

export interface WorkerDeps {
  readonly location: CodeLocation;
  /** Read only: run status and the latest records of inputs. */
  readonly eventLog: EventLog;
  readonly bus: TypedBus;
  readonly locks: PartitionLocks;
  readonly logger: ServiceLogger;
}

export interface WorkerOptions {
  readonly workerId?: string;
  readonly lockTtlMs?: number;
  /** Environment user code sees (resources read their configuration from it). */
  readonly variables?: Readonly<Record<string, string | undefined>>;
  /** Where relative resource paths resolve. */
  readonly baseDir?: string;
  readonly now?: () => number;
  /** Where user code's log lines go (default: JSON lines on stdout). */
  readonly log?: LogSink;
  /** Opened resources shared with the observer (`freshet dev`: one embedded warehouse per process); not closed here. */
  readonly resources?: ResourceSet;
}

export type RequestEvent = CloudEvent<'dev.freshet.materialization-request.v1'>;

export interface RunOutcome {
  readonly runId: string;
  readonly status: 'completed' | 'failed' | 'skipped';
  readonly reason?: string;
}

/** The consumer group of a code location's workers: a location is a pool of workers holding its code. */
export function workerGroup(location: string): string {
  return `freshet-worker.${location}`;
}

const POLL_LOCKS_MS = 200;

export class WorkerCore {
  readonly workerId: string;
  private readonly ttlMs: number;
  private readonly resources: ResourceSet;
  private readonly finished = new Set<string>();
  private readonly listeners: ((outcome: RunOutcome) => void)[] = [];
  private running = 0;
  private highestEpoch = 0;

  constructor(
    private readonly deps: WorkerDeps,
    private readonly options: WorkerOptions = {},
  ) {
    this.workerId = options.workerId ?? `worker-${process.pid}-${randomUUID().slice(0, 8)}`;
    this.ttlMs = options.lockTtlMs ?? 5000;
    this.resources = options.resources ?? new ResourceSet(deps.location.resources, { env: options.variables ?? {}, baseDir: options.baseDir ?? process.cwd() });
  }

  get location(): CodeLocation {
    return this.deps.location;
  }

  /** Runs executing now. */
  get inFlight(): number {
    return this.running;
  }

  onRunFinished(listener: (outcome: RunOutcome) => void): void {
    this.listeners.push(listener);
  }

  /** The code location announces its specs (at start-up, and whenever asked). */
  publishDefinitions(): Promise<DefinitionsV1> {
    return publishDefinitions(this.deps.location, async (topic, key, payload) => {
      await this.deps.bus.publishEvent(topic, 'dev.freshet.definitions.v1', payload, key);
    });
  }

  async close(): Promise<void> {
    if (!this.options.resources) await this.resources.close();
  }

  /** Executes one request; resolves when the run is over (or was not ours to run). */
  async handleRequest(event: RequestEvent, heartbeat: () => Promise<void>): Promise<RunOutcome> {
    const request = event.data;
    const runId = request.runId;
    if (request.codeLocation !== this.deps.location.name) return this.report({ runId, status: 'skipped', reason: `for code location ${request.codeLocation}` });
    if (await this.alreadyFinished(runId)) return this.report({ runId, status: 'skipped', reason: 'already finished' });
    // Fencing is enforced where decisions commit (the planner's cursor version); a request of an
    // older epoch was committed before its planner was replaced, so it is still owed: run it, say so.
    if (request.plannerEpoch < this.highestEpoch) {
      this.deps.logger.warn(`worker ${this.workerId}: run ${runId} comes from planner epoch ${request.plannerEpoch} (highest seen ${this.highestEpoch})`);
    }
    this.highestEpoch = Math.max(this.highestEpoch, request.plannerEpoch);

    const aps: AssetPartitionId[] = request.assetPartitions.map((ap) => ({ asset: ap.asset, partition: ap.partition ?? null }));
    const lockHolder = `${this.workerId}:${runId}`;
    // Another worker may still be running it (a redelivery while the first is alive, or a
    // duplicate request): wait for its locks, heartbeating, and skip it if it finished meanwhile.
    while (!(await this.deps.locks.tryAcquireAll(aps, lockHolder, this.ttlMs))) {
      await heartbeat();
      await new Promise((resolve) => setTimeout(resolve, POLL_LOCKS_MS));
      if (await this.alreadyFinished(runId)) return this.report({ runId, status: 'skipped', reason: 'finished by another worker' });
    }
    this.running++;
    const renew = setInterval(() => {
      void heartbeat().catch(() => undefined);
      void this.deps.locks.renewAll(aps, lockHolder, this.ttlMs).then(
        (ok) => {
          if (!ok) this.deps.logger.error(`worker ${this.workerId}: lost a partition lock of run ${runId}`);
        },
        (error: unknown) => this.deps.logger.warn(`worker ${this.workerId}: lock renewal failed: ${String(error)}`),
      );
    }, Math.max(100, Math.floor(this.ttlMs / 3)));
    try {
      if (await this.alreadyFinished(runId)) return this.report({ runId, status: 'skipped', reason: 'finished by another worker' });
      const previous = await this.deps.eventLog.getRun(runId);
      const attempt = request.attempt + (previous?.status === 'started' ? 1 : 0);
      const result = await this.execute(request.runId, aps, attempt);
      this.finished.add(runId);
      return this.report({ runId, status: result.status });
    } finally {
      clearInterval(renew);
      this.running--;
      await this.deps.locks.releaseAll(aps, lockHolder).catch(() => undefined);
    }
  }

  private execute(runId: string, aps: readonly AssetPartitionId[], attempt: number): Promise<RunResult> {
    const context = { workerId: this.workerId, codeLocation: this.deps.location.name };
    return executeRun(
      this.deps.location,
      { runId, assetPartitions: aps, attempt },
      {
        resources: this.resources,
        variables: this.options.variables ?? {},
        ...(this.options.now ? { now: this.options.now } : {}),
        ...(this.options.log ? { log: this.options.log } : {}),
        latestRecord: (asset, partition) => this.latestRecord(asset, partition),
        emit: async (runEvent) => {
          await this.deps.bus.publishEvent(TOPICS.runEvents.name, 'dev.freshet.run-event.v1', toRunEventV1(runEvent, context), runId, {
            id: runEvent.eventId,
            time: runEvent.at,
          });
        },
      },
    );
  }

  private async alreadyFinished(runId: string): Promise<boolean> {
    if (this.finished.has(runId)) return true;
    const run = await this.deps.eventLog.getRun(runId);
    return run?.status === 'succeeded' || run?.status === 'failed';
  }

  private async latestRecord(asset: string, partition: string | null): Promise<LatestRecord | null> {
    let record: EventRecord | null;
    if (partition === null) {
      const latest = await this.deps.eventLog.latestForAsset(asset);
      record = newest(latest.flatMap((p) => [p.materialization, p.observation]));
    } else {
      const latest = await this.deps.eventLog.latestFor(asset, partition);
      record = newest([latest.materialization, latest.observation]);
    }
    if (!record) return null;
    const payload = record.payload as { dataVersion?: unknown; dataTime?: unknown };
    const dataTime = typeof payload.dataTime === 'string' ? Date.parse(payload.dataTime) : null;
    return {
      storageId: record.storageId,
      eventId: record.eventId,
      dataVersion: typeof payload.dataVersion === 'string' ? payload.dataVersion : null,
      dataTime: record.type === 'observation' ? record.occurredAt : dataTime,
    };
  }

  private report(outcome: RunOutcome): RunOutcome {
    for (const listener of this.listeners) listener(outcome);
    return outcome;
  }
}

function newest(records: readonly (EventRecord | null)[]): EventRecord | null {
  let out: EventRecord | null = null;
  for (const r of records) if (r && (!out || r.storageId > out.storageId)) out = r;
  return out;
}
