// The executor the worker service wraps: runs one request's asset partitions in dependency order
// with the code location's functions, and reports each outcome as an event. It reads the event log
// only through `latestRecord` and writes only through `emit`, so it has no storage or bus of its own.
import { randomUUID } from 'node:crypto';
import { depKey, type AssetSpecJson } from '../define/spec-types';
import {
  isMemberFailure,
  type AssetDefinition,
  type AssetInput,
  type CodeLocation,
  type ComputeContext,
  type ComputeResult,
  type InputPointer,
  type MemberFailure,
  type MultiComputeContext,
} from '../define/types';
import type { ResourceAccess, ResourceOpenContext } from '../resources/resource';
import { ResourceSet } from '../resources/resource-set';
import { derivedDataVersion } from './data-version';
import { createRunLogger, stdoutJsonSink, type CapturingLogger, type LogSink } from './logger';
import { apId, planSteps, type Step } from './plan-steps';
import {
  compareAssetPartitions,
  type AssetFailedEvent,
  type AssetMaterializedEvent,
  type AssetPartitionRef,
  type ErrorDetails,
  type FailureKind,
  type RunEvent,
  type RunRequest,
} from './run-events';
import { ComputeTimeoutError, withTimeout } from './timeout';
import { domainUpstreamPartitions, type UpstreamPartitionsResolver } from './upstream-partitions';

/** The latest event-log record of an asset partition (a materialization, or an observation of a source). */
export interface LatestRecord {
  readonly storageId: number;
  readonly dataVersion: string | null;
  readonly dataTime?: number | null;
  readonly eventId?: string | null;
}

export interface ExecutionEnv {
  /**
   * The latest record of an asset partition. `partition` is null for an unpartitioned asset, and
   * also when the executor cannot tell which partitions a child reads (an `all` mapping): then the
   * latest record of any partition of the asset is wanted.
   */
  latestRecord(asset: string, partition: string | null): Promise<LatestRecord | null> | LatestRecord | null;
  /**
   * Publishes an event; awaited before the run goes on. It may return the storage id the event got,
   * which then goes into the input pointers of children in the same run. A throw aborts the run
   * (the worker should not acknowledge the request, so it is redelivered).
   */
  emit(event: RunEvent): Promise<{ storageId?: number } | void> | { storageId?: number } | void;
  /** Opened resources to reuse across runs; when absent the executor opens and closes its own. */
  readonly resources?: ResourceAccess;
  /** Where resources the executor opens read their configuration. Default: empty env, cwd. */
  readonly resourceContext?: ResourceOpenContext;
  /** Environment variables user code sees as `ctx.env` (shell assets inherit them). Default: {}. */
  readonly variables?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
  readonly newId?: () => string;
  readonly log?: LogSink;
  readonly upstreamPartitions?: UpstreamPartitionsResolver;
  /** Timeout for assets that set none. Default: none. */
  readonly defaultTimeoutMs?: number | null;
}

export interface RunResult {
  readonly status: 'completed' | 'failed';
  readonly materialized: readonly AssetMaterializedEvent[];
  /** Failed on their own (error, timeout, invalid request). */
  readonly failed: readonly AssetFailedEvent[];
  /** Not run because something they depend on failed. */
  readonly skipped: readonly AssetFailedEvent[];
}

function errorDetails(error: unknown): ErrorDetails {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack.slice(0, 16_000) }) };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : JSON.stringify(error) ?? String(error) };
}

const byAssetPartition = (a: InputPointer, b: InputPointer): number => compareAssetPartitions(a, b);

class RunExecution {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly sink: LogSink;
  private readonly resolve: UpstreamPartitionsResolver;
  private readonly specs: ReadonlyMap<string, AssetSpecJson>;
  /** Pointers to what this run materialized, by asset partition id. */
  private readonly produced = new Map<string, InputPointer>();
  private readonly blocked = new Map<string, AssetPartitionRef>();
  private readonly materialized: AssetMaterializedEvent[] = [];
  private readonly failed: AssetFailedEvent[] = [];
  private readonly skipped: AssetFailedEvent[] = [];

  constructor(
    private readonly location: CodeLocation,
    private readonly request: RunRequest,
    private readonly env: ExecutionEnv,
    private readonly resources: ResourceAccess,
  ) {
    this.now = env.now ?? Date.now;
    this.newId = env.newId ?? randomUUID;
    this.sink = env.log ?? stdoutJsonSink;
    this.resolve = env.upstreamPartitions ?? domainUpstreamPartitions(this.now);
    this.specs = new Map<string, AssetSpecJson>([
      ...location.sources.map((s) => [s.spec.key, s.spec] as const),
      ...location.assets.map((a) => [a.spec.key, a.spec] as const),
    ]);
  }

  async run(): Promise<RunResult> {
    const runStart = this.now();
    const { steps, invalid } = planSteps(this.location, this.request.assetPartitions, this.resolve);
    await this.emit({
      type: 'started',
      eventId: this.newId(),
      runId: this.request.runId,
      attempt: this.request.attempt,
      at: runStart,
      codeLocation: this.location.name,
      assetPartitions: [...steps.flatMap((s) => s.members.map((m) => m.ref)), ...invalid.map((i) => i.ref)].sort(compareAssetPartitions),
    });
    for (const { ref, reason } of invalid) {
      await this.fail(ref, 'invalidRequest', { name: 'InvalidRequest', message: reason }, null, []);
    }
    for (const step of steps) await this.runStep(step);

    const base = { eventId: this.newId(), runId: this.request.runId, attempt: this.request.attempt, at: this.now() };
    const materializedRefs = this.materialized.map((m) => ({ asset: m.asset, partition: m.partition }));
    const ok = this.failed.length === 0 && this.skipped.length === 0;
    await this.emit(
      ok
        ? { type: 'completed', ...base, materialized: materializedRefs, durationMs: base.at - runStart }
        : {
            type: 'failed',
            ...base,
            materialized: materializedRefs,
            failed: this.failed.map((f) => ({ asset: f.asset, partition: f.partition })),
            skipped: this.skipped.map((f) => ({ asset: f.asset, partition: f.partition })),
            durationMs: base.at - runStart,
          },
    );
    return { status: ok ? 'completed' : 'failed', materialized: this.materialized, failed: this.failed, skipped: this.skipped };
  }

  private async emit(event: RunEvent): Promise<{ storageId?: number } | void> {
    return this.env.emit(event);
  }

  private logger(ref: AssetPartitionRef | null): CapturingLogger {
    return createRunLogger(
      { runId: this.request.runId, attempt: this.request.attempt, asset: ref?.asset ?? null, partition: ref?.partition ?? null },
      this.sink,
      this.now,
    );
  }

  private async fail(
    ref: AssetPartitionRef,
    kind: FailureKind,
    error: ErrorDetails,
    startedAt: number | null,
    logs: AssetFailedEvent['logs'],
    blockedBy?: AssetPartitionRef,
  ): Promise<void> {
    const at = this.now();
    const event: AssetFailedEvent = {
      type: 'assetFailed',
      eventId: this.newId(),
      runId: this.request.runId,
      attempt: this.request.attempt,
      at,
      asset: ref.asset,
      partition: ref.partition,
      kind,
      error,
      ...(blockedBy ? { blockedBy } : {}),
      startedAt,
      durationMs: startedAt === null ? 0 : at - startedAt,
      logs,
    };
    this.blocked.set(apId(ref), blockedBy ?? ref);
    (kind === 'upstreamFailed' ? this.skipped : this.failed).push(event);
    await this.emit(event);
  }

  /** Pointers to every parent partition one member reads; parents built in this run point at that build. */
  private async inputsOf(definition: AssetDefinition, ref: AssetPartitionRef): Promise<Record<string, AssetInput>> {
    const inputs: Record<string, AssetInput> = {};
    const depKeys = [...new Set((definition.spec.deps ?? []).map(depKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const parentKey of depKeys) {
      const parent = this.specs.get(parentKey);
      if (!parent) continue;
      const read = this.resolve(definition.spec, ref.partition, parent);
      const pointers: InputPointer[] = [];
      if (read === null) {
        // Unknown partition set (e.g. an `all` mapping): the newest of what this run built, else the log's latest.
        const builtHere = [...this.produced.values()].filter((p) => p.asset === parentKey).sort(byAssetPartition);
        const newest = builtHere[builtHere.length - 1];
        pointers.push(newest ?? (await this.pointerFromLog(parentKey, null)));
      } else {
        for (const partition of read) {
          if (parentKey === ref.asset && partition === ref.partition) continue;
          pointers.push(this.produced.get(apId({ asset: parentKey, partition })) ?? (await this.pointerFromLog(parentKey, partition)));
        }
      }
      inputs[parentKey] = { asset: parentKey, partitions: read ?? pointers.map((p) => p.partition), pointers: pointers.sort(byAssetPartition) };
    }
    return inputs;
  }

  private async pointerFromLog(asset: string, partition: string | null): Promise<InputPointer> {
    const record = await this.env.latestRecord(asset, partition);
    return {
      asset,
      partition,
      storageId: record?.storageId ?? null,
      eventId: record?.eventId ?? null,
      dataVersion: record?.dataVersion ?? null,
      dataTime: record?.dataTime ?? null,
      producedInRun: false,
    };
  }

  private tracked(pointer: InputPointer): boolean {
    const kind = this.specs.get(pointer.asset)?.kind ?? 'materializable';
    return kind !== 'source';
  }

  private async runStep(step: Step): Promise<void> {
    const blockedBy = step.parents.map((p) => this.blocked.get(apId(p))).find((b) => b !== undefined);
    if (blockedBy) {
      for (const { ref } of step.members) {
        const message = `not run: ${blockedBy.asset}${blockedBy.partition === null ? '' : ` [${blockedBy.partition}]`} failed earlier in this run`;
        await this.fail(ref, 'upstreamFailed', { name: 'UpstreamFailed', message }, null, [], blockedBy);
      }
      return;
    }
    const first = step.members[0];
    if (!first) return;
    const logger = this.logger(step.multi === null ? first.ref : { asset: step.multi.name, partition: first.ref.partition });
    const startedAt = this.now();
    const timeoutMs = (step.multi?.timeoutMs ?? first.definition.timeoutMs) ?? this.env.defaultTimeoutMs ?? null;
    const codeVersion = first.definition.spec.codeVersion ?? null;
    const base = {
      runId: this.request.runId,
      attempt: this.request.attempt,
      partition: first.ref.partition,
      logger,
      resources: this.resources,
      env: this.env.variables ?? {},
    };
    try {
      const results = new Map<string, ComputeResult | undefined>();
      const failures = new Map<string, MemberFailure>();
      const memberInputs = new Map<string, Record<string, AssetInput>>();
      if (step.multi === null) {
        const inputs = await this.inputsOf(first.definition, first.ref);
        memberInputs.set(first.ref.asset, inputs);
        logger.info('materializing', { codeVersion });
        const result = await withTimeout(async (signal) => {
          const ctx: ComputeContext = { ...base, signal, asset: first.ref.asset, codeVersion, inputs };
          return (await first.definition.compute(ctx)) ?? undefined;
        }, timeoutMs);
        results.set(first.ref.asset, result);
      } else {
        const multi = step.multi;
        const memberKeys = new Set(step.members.map((m) => m.ref.asset));
        const external: Record<string, AssetInput> = {};
        for (const member of step.members) {
          const inputs = await this.inputsOf(member.definition, member.ref);
          memberInputs.set(member.ref.asset, inputs);
          for (const [key, input] of Object.entries(inputs)) if (!memberKeys.has(key)) external[key] = input;
        }
        logger.info('materializing multi-asset', { selected: [...memberKeys], codeVersion });
        const returned = await withTimeout(async (signal) => {
          const ctx: MultiComputeContext = { ...base, signal, selected: step.members.map((m) => m.ref.asset), codeVersion, inputs: external };
          return (await multi.compute(ctx)) ?? {};
        }, timeoutMs);
        for (const member of step.members) {
          const outcome = returned[member.ref.asset];
          if (isMemberFailure(outcome)) failures.set(member.ref.asset, outcome);
          else results.set(member.ref.asset, outcome);
        }
      }
      const finishedAt = this.now();
      for (const member of step.members) {
        const failure = failures.get(member.ref.asset);
        if (failure) {
          // One member of a multi-asset failed while its siblings may have materialized (dbt).
          const blockedBy = failure.blockedBy === undefined ? undefined : { asset: failure.blockedBy, partition: member.ref.partition };
          await this.fail(member.ref, blockedBy ? 'upstreamFailed' : 'error', failure.error, startedAt, logger.lines(), blockedBy);
          continue;
        }
        await this.recordMaterialization(member.ref, member.definition, memberInputs.get(member.ref.asset) ?? {}, results.get(member.ref.asset), {
          startedAt,
          finishedAt,
          logs: logger.lines(),
        });
      }
    } catch (error) {
      const kind: FailureKind = error instanceof ComputeTimeoutError ? 'timeout' : 'error';
      const details = errorDetails(error);
      logger.error(`failed: ${details.message}`);
      for (const member of step.members) await this.fail(member.ref, kind, details, startedAt, logger.lines());
    }
  }

  private async recordMaterialization(
    ref: AssetPartitionRef,
    definition: AssetDefinition,
    computedInputs: Record<string, AssetInput>,
    result: ComputeResult | undefined,
    timing: { startedAt: number; finishedAt: number; logs: AssetMaterializedEvent['logs'] },
  ): Promise<void> {
    // Siblings of a multi-asset built in this same step are now known: point at them.
    const pointers = Object.values(computedInputs)
      .flatMap((input) => input.pointers.map((p) => this.produced.get(apId(p)) ?? p))
      .sort(byAssetPartition);
    const trackedInputs = pointers.filter((p) => this.tracked(p));
    const codeVersion = definition.spec.codeVersion ?? this.request.runId;
    const userVersion = result?.dataVersion;
    const dataVersion =
      userVersion ??
      (trackedInputs.length > 0 ? derivedDataVersion(codeVersion, trackedInputs) : derivedDataVersion(`fresh:${this.newId()}`, []));
    const dataTime = result?.dataTime ?? this.estimateDataTime(trackedInputs, timing);
    const event: AssetMaterializedEvent = {
      type: 'assetMaterialized',
      eventId: this.newId(),
      runId: this.request.runId,
      attempt: this.request.attempt,
      at: timing.finishedAt,
      asset: ref.asset,
      partition: ref.partition,
      codeVersion,
      dataVersion,
      dataVersionIsUserProvided: userVersion !== undefined,
      inputs: pointers,
      dataTime,
      startedAt: timing.startedAt,
      durationMs: timing.finishedAt - timing.startedAt,
      metadata: result?.metadata ?? {},
      logs: timing.logs,
    };
    this.materialized.push(event);
    const stored = await this.emit(event);
    this.produced.set(apId(ref), {
      asset: ref.asset,
      partition: ref.partition,
      storageId: (stored && typeof stored.storageId === 'number' ? stored.storageId : null),
      eventId: event.eventId,
      dataVersion,
      dataTime,
      producedInRun: true,
    });
  }

  /**
   * Data time: a root's is its materialization time; otherwise the oldest of its inputs' data
   * times (an observable source read now counts as "now", i.e. the step's start). Unknown if any is.
   */
  private estimateDataTime(tracked: readonly InputPointer[], timing: { startedAt: number; finishedAt: number }): number | null {
    if (tracked.length === 0) return timing.finishedAt;
    let oldest = Number.POSITIVE_INFINITY;
    for (const pointer of tracked) {
      const observed = this.specs.get(pointer.asset)?.kind === 'observableSource';
      // An observed version read at step start is current at that instant.
      const time = observed ? (pointer.dataVersion === null ? null : timing.startedAt) : pointer.dataTime;
      if (time === null) return null;
      oldest = Math.min(oldest, time);
    }
    return oldest;
  }
}

/**
 * Runs a request's asset partitions with the code location's functions, in dependency order, and
 * emits `started`, then `assetMaterialized` / `assetFailed` per asset partition, then `completed`
 * or `failed`. A failed asset partition makes those that read it in the run `upstreamFailed`.
 */
export async function executeRun(location: CodeLocation, request: RunRequest, env: ExecutionEnv): Promise<RunResult> {
  const owned = env.resources ? null : new ResourceSet(location.resources, env.resourceContext ?? { env: {}, baseDir: process.cwd() });
  try {
    const resources: ResourceAccess = env.resources ?? (owned as ResourceSet);
    return await new RunExecution(location, request, env, resources).run();
  } finally {
    await owned?.close();
  }
}
