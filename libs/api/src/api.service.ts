// The API's use cases, framework-free: reads from the leading planner's state (its latest tick)
// and from the event log (stored ticks, runs, backfills, violations); writes through the event log
// the way the planner writes (request records and the outbox; backfill records). Controllers only
// decode, call one method and encode.
import type { PartitionKeyRange } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';
import { RUN_STATUSES, type RunRecord, type RunStatus } from '@freshet/storage';
import type { ApiDeps } from './api-deps';
import { backfillProgress, launchBackfill, type BackfillInput, type BackfillProgress, type LaunchedBackfill } from './commands/backfill';
import { materialize, type MaterializeInput, type PlannedRun } from './commands/materialize';
import { InvalidRequestError, NotFoundError, NotLeadingError } from './errors';
import { assetView, assetViews, partitionViews, type AssetView, type PartitionView } from './read-model/asset-views';
import { LogFollower, type RunEventView, type StoredDecision, type ViolationEpisode } from './read-model/log-follower';
import { explain, type WhyAnswer } from './read-model/why';

export interface RunView {
  readonly runId: string;
  readonly status: RunStatus;
  readonly assetPartitions: readonly { readonly asset: string; readonly partition: string | null }[];
  readonly materialized: number;
  readonly failed: number;
  readonly requestedAt: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly error: string | null;
}

export interface OpenViolationView {
  readonly asset: string;
  /** Per-partition violations: the oldest overdue partition of a contiguous range. */
  readonly partition: string | null;
  /** The range of overdue partitions when it holds two or more (the figures are its oldest's). */
  readonly partitionRange: PartitionKeyRange | null;
  readonly overdueMinutes: number;
  readonly since: string;
  readonly dataTime: string | null;
  readonly maximumLagMinutes: number;
}

export interface FreshnessPoint {
  readonly at: string;
  readonly lagMinutes: number | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function runView(run: RunRecord): RunView {
  return {
    runId: run.runId,
    status: run.status,
    assetPartitions: run.plannedAssetPartitions.map((ap) => ({ asset: ap.assetKey, partition: ap.partitionKey })),
    materialized: run.materializedAssetPartitions.length,
    failed: run.failedAssetPartitions.length,
    requestedAt: iso(run.requestedAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    error: run.error,
  };
}

export class ApiService {
  readonly follower: LogFollower;

  constructor(private readonly deps: ApiDeps) {
    this.follower = new LogFollower(deps.eventLog, { minIntervalMs: 200 });
  }

  now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The leading planner's latest tick; 503 on a standby replica. */
  report(): TickReport {
    const report = this.deps.planner.latestTick();
    if (!report || !this.deps.planner.isLeader) throw new NotLeadingError();
    return report;
  }

  assets(): AssetView[] {
    return assetViews(this.report(), this.now());
  }

  asset(key: string): AssetView {
    const report = this.report();
    const node = report.graph.get(key);
    if (!node) throw new NotFoundError(`no asset "${key}"`);
    return assetView(report, node, this.now());
  }

  partitions(key: string, limit: number): PartitionView[] {
    const report = this.report();
    const node = report.graph.get(key);
    if (!node) throw new NotFoundError(`no asset "${key}"`);
    return partitionViews(report, node, this.now(), limit);
  }

  async decisions(key: string, limit: number): Promise<StoredDecision[]> {
    this.asset(key);
    await this.follower.refresh();
    return [...this.follower.decisionsOf(key)].reverse().slice(0, limit);
  }

  /** `at` null: as of now. */
  async why(key: string, asked: number | null): Promise<WhyAnswer> {
    const report = this.report();
    const now = this.now();
    const at = asked ?? now;
    if (!report.graph.has(key)) throw new NotFoundError(`no asset "${key}"`);
    await this.follower.refresh(true);
    const decision = [...this.follower.decisionsOf(key)].reverse().find((d) => d.at <= at);
    const run = decision?.runId ? await this.deps.eventLog.getRun(decision.runId) : null;
    return explain({ asset: key, at, asOfNow: asked === null, follower: this.follower, decision: decision ?? null, run, report, now });
  }

  /** Lag over time, from the materializations' data times: it drops at each one and grows between. */
  async freshness(key: string, hours: number): Promise<{ readonly maximumLagMinutes: number | null; readonly points: FreshnessPoint[] }> {
    const view = this.asset(key);
    await this.follower.refresh();
    const now = this.now();
    const since = now - hours * 3_600_000;
    const mats = this.follower.materializationsOf(key).filter((m) => m.partition === null || view.partitions !== null);
    const points: FreshnessPoint[] = [];
    let current: number | null = null;
    for (const m of mats) {
      if (m.at < since) {
        current = m.dataTime ?? m.at;
        continue;
      }
      if (points.length === 0) points.push({ at: new Date(since).toISOString(), lagMinutes: current === null ? null : (since - current) / 60_000 });
      points.push({ at: new Date(m.at).toISOString(), lagMinutes: current === null ? null : (m.at - current) / 60_000 });
      current = Math.max(current ?? -Infinity, m.dataTime ?? m.at);
      points.push({ at: new Date(m.at).toISOString(), lagMinutes: (m.at - current) / 60_000 });
    }
    if (points.length === 0) points.push({ at: new Date(since).toISOString(), lagMinutes: current === null ? null : (since - current) / 60_000 });
    points.push({ at: new Date(now).toISOString(), lagMinutes: view.lagMinutes });
    return { maximumLagMinutes: view.freshnessPolicy?.maximumLagMinutes ?? null, points };
  }

  async runs(statuses: readonly RunStatus[], limit: number): Promise<RunView[]> {
    const runs = await this.deps.eventLog.runsByStatus(statuses.length > 0 ? statuses : RUN_STATUSES);
    return runs
      .sort((a, b) => b.firstStorageId - a.firstStorageId)
      .slice(0, limit)
      .map(runView);
  }

  async run(runId: string): Promise<RunView & { readonly events: readonly RunEventView[] }> {
    const run = await this.deps.eventLog.getRun(runId);
    if (!run) throw new NotFoundError(`no run "${runId}"`);
    await this.follower.refresh(true);
    return { ...runView(run), events: this.follower.eventsOfRun(runId) };
  }

  async materialize(input: MaterializeInput): Promise<PlannedRun[]> {
    this.report(); // a standby answers 503 at once, without waiting for a turn
    // Between two ticks: a tick deciding the same asset partitions meanwhile would request them again.
    const runs = await this.deps.planner.betweenTicks(() => materialize(this.deps.eventLog, this.report(), this.deps.planner.currentEpoch ?? 0, input, this.now()));
    for (const run of runs) this.deps.logger.log(`api: run ${run.runId} requested by hand (${run.assetPartitions.map((ap) => ap.asset).join(', ')})`);
    await this.untilPlannerSees((report) => runs.every((run) => report.state.run(run.runId) !== undefined));
    return runs;
  }

  async backfill(input: BackfillInput): Promise<LaunchedBackfill> {
    this.report(); // a standby answers 503 at once, without waiting for a turn
    const launched = await this.deps.planner.betweenTicks(() => launchBackfill(this.deps.eventLog, this.report(), input, this.now()));
    this.deps.logger.log(`api: backfill ${launched.backfillId} of ${input.asset} ${input.from}..${input.to} launched (${launched.assetPartitions.length} asset partitions)`);
    await this.untilPlannerSees((report) => report.state.backfill(launched.backfillId) !== undefined);
    return launched;
  }

  /** Waits (briefly) until the planner applied what was just written, so the next read shows it. */
  private async untilPlannerSees(applied: (report: TickReport) => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const report = this.deps.planner.latestTick();
      if ((report && applied(report)) || this.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private readonly latestDecision = (asset: string): StoredDecision | undefined => this.follower.decisionsOf(asset).at(-1);

  async backfillProgress(id: string): Promise<BackfillProgress> {
    await this.follower.refresh(true);
    return backfillProgress(this.report(), this.follower.backfill(id), this.latestDecision);
  }

  async backfills(): Promise<BackfillProgress[]> {
    await this.follower.refresh();
    const report = this.report();
    return this.follower.allBackfills().map((b) => backfillProgress(report, b, this.latestDecision));
  }

  async violations(state: 'open' | 'past' | 'all'): Promise<{ readonly open: OpenViolationView[]; readonly past: ViolationEpisode[] }> {
    if (state !== 'open' && state !== 'past' && state !== 'all') throw new InvalidRequestError('state', 'must be open, past or all');
    const open =
      state === 'past'
        ? []
        : this.report().result.violations.map((v) => ({
            asset: v.asset,
            partition: v.partition,
            partitionRange: v.partitionRange ?? null,
            overdueMinutes: v.overdueMinutes,
            since: new Date(v.since).toISOString(),
            dataTime: iso(v.dataTime),
            maximumLagMinutes: v.policy.maximumLagMinutes,
          }));
    await this.follower.refresh();
    const past = state === 'open' ? [] : this.follower.violationEpisodes().filter((e) => e.resolvedAt !== null).reverse();
    return { open, past };
  }

  /** What the planner's gauges show at scrape time. */
  async metricsSnapshot(): Promise<{ runsByStatus: Record<string, number>; overdueAssets: number; openViolations: number; consumerLag: Record<string, number> }> {
    const report = this.deps.planner.latestTick();
    const active = await this.deps.eventLog.runsByStatus(['requested', 'started']);
    await this.follower.refresh();
    const finished = this.follower.finishedRunCounts();
    const runsByStatus = { requested: 0, started: 0, succeeded: finished.succeeded, failed: finished.failed };
    for (const run of active) runsByStatus[run.status as 'requested' | 'started']++;
    const violations = report?.result.violations ?? [];
    const latest = await this.deps.eventLog.latestStorageId();
    return {
      runsByStatus,
      overdueAssets: new Set(violations.map((v) => v.asset)).size,
      // A range of overdue partitions counts each partition.
      openViolations: violations.reduce((n, v) => n + (v.partitionRange?.count ?? 1), 0),
      consumerLag: {
        ...((await this.deps.consumerLag?.()) ?? {}),
        ...(report ? { 'planner-evaluation': Math.max(0, latest - report.result.cursor.lastStorageId) } : {}),
      },
    };
  }
}
