// What the API and the UI show about each asset, computed from the leading planner's own graph
// and state (its latest tick), so they show exactly what the planner sees: status (fresh, stale,
// overdue, missing, running), data time, lag, next deadline, staleness causes, partitions.
import { IndexSet, currentDataTime, nextViolationAt, policyFit, scopeProgress, staleCauseSentence, stalenessOf, type AssetNode, type StaleCauseDetail } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';

export const ASSET_STATUSES = ['fresh', 'stale', 'overdue', 'missing', 'running', 'source'] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

export interface StaleCauseView {
  readonly code: string;
  readonly asset: string | null;
  readonly sentence: string;
}

export interface PartitionSummary {
  readonly total: number;
  readonly materialized: number;
  readonly running: number;
  readonly failed: number;
  /** The recent partitions the policy's partitionScopeMinutes keeps up to date (older ones are a backfill's job); null without a scope. */
  readonly scope: { readonly total: number; readonly materialized: number } | null;
}

export interface AssetView {
  readonly key: string;
  readonly kind: AssetNode['kind'];
  readonly codeLocation: string;
  readonly deps: readonly string[];
  readonly children: readonly string[];
  readonly status: AssetStatus;
  readonly staleCauses: readonly StaleCauseView[];
  readonly dataTime: string | null;
  readonly lagMinutes: number | null;
  readonly nextDeadline: string | null;
  readonly overdueMinutes: number | null;
  readonly freshnessPolicy: { readonly maximumLagMinutes: number; readonly cronSchedule?: string; readonly cronTimezone?: string } | null;
  readonly automation: string;
  readonly codeVersion: string | null;
  readonly partitions: PartitionSummary | null;
  readonly partitionsKind: string | null;
  readonly lastMaterializedAt: string | null;
  readonly description: string | null;
  /**
   * How the asset's own freshness policy fits its pipeline (unpartitioned assets with a policy):
   * the longest chain of compute minutes a refresh may re-run, from the durations seen so far.
   */
  readonly policyFit: { readonly pipelineMinutes: number; readonly partial: boolean; readonly fit: 'ok' | 'tight' | 'tooTight' } | null;
}

export interface PartitionView {
  readonly key: string;
  readonly status: 'materialized' | 'missing' | 'running' | 'failed' | 'stale';
  readonly materializedAt: string | null;
  readonly runId: string | null;
}

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());
const minutes = (ms: number): number => Math.round(ms / 600) / 100;

function causeView(c: StaleCauseDetail): StaleCauseView {
  const dep = c.dependency ?? null;
  return { code: c.cause, asset: dep, sentence: staleCauseSentence(c) };
}

function automationName(node: AssetNode): string {
  const spec = node.spec.automation;
  if (spec === undefined) return 'reconcile';
  return typeof spec === 'string' ? spec : 'custom';
}

function fitView(graph: TickReport['graph'], state: TickReport['state'], node: AssetNode): AssetView['policyFit'] {
  const fit = policyFit(graph, state, node);
  return fit ? { pipelineMinutes: minutes(fit.pipelineMs), partial: fit.partial, fit: fit.fit } : null;
}

export function assetView(report: TickReport, node: AssetNode, now: number): AssetView {
  const { graph, state } = report;
  const history = state.history(node.key);
  const violations = report.result.violations.filter((v) => v.asset === node.key);
  const overdueMinutes = violations.length === 0 ? null : Math.max(...violations.map((v) => v.overdueMinutes));
  const dataTime = node.kind === 'source' ? null : currentDataTime(node, state, now);
  const deadline = node.freshness && !node.isTimePartitioned ? nextViolationAt(node.freshness, dataTime, now) : null;
  const running = history !== undefined && node.kind === 'materializable' && !history.inFlight().isEmpty();
  let status: AssetStatus = 'fresh';
  let staleCauses: StaleCauseView[] = [];
  let partitions: PartitionSummary | null = null;
  if (node.kind === 'source') status = 'source';
  else if (node.kind === 'observableSource') status = history?.observationChanges.length ? 'fresh' : 'missing';
  else if (node.partitions) {
    const total = node.partitions.countAt(now);
    const materializedSet = history?.materialized() ?? IndexSet.EMPTY;
    const materialized = materializedSet.size;
    const failed = history ? history.attempts.filter(history.attempts.keys(), (a) => a.status === 'failed').difference(history.materialized()).size : 0;
    partitions = { total, materialized, running: history?.inFlight().size ?? 0, failed, scope: scopeProgress(node, materializedSet, now) };
    const newest = total > 0 ? total - 1 : null;
    const newestStatus = newest === null ? null : stalenessOf(graph, state, node, newest, now);
    if (newestStatus?.status === 'stale') staleCauses = newestStatus.causes.map(causeView);
    status = running ? 'running' : overdueMinutes !== null ? 'overdue' : materialized === 0 ? 'missing' : staleCauses.length > 0 ? 'stale' : 'fresh';
  } else {
    const staleness = stalenessOf(graph, state, node, state.partitionIndex(node, null), now);
    if (staleness.status === 'stale') staleCauses = staleness.causes.map(causeView);
    status = running ? 'running' : overdueMinutes !== null ? 'overdue' : staleness.status;
  }
  const lastMaterialized = history && node.kind === 'materializable' ? newestMaterialization(history.materializations.keys().ranges(), (i) => history.materializations.get(i)?.timestamp) : null;
  return {
    key: node.key,
    kind: node.kind,
    codeLocation: node.codeLocation,
    deps: node.parents.map((e) => e.parentKey),
    children: node.children.filter((e) => !e.isSelf).map((e) => graph.node(e.child).key),
    status,
    staleCauses,
    dataTime: iso(dataTime),
    lagMinutes: dataTime === null ? null : minutes(now - dataTime),
    nextDeadline: iso(deadline),
    overdueMinutes,
    freshnessPolicy: node.freshness ? { ...node.freshness } : null,
    automation: automationName(node),
    codeVersion: node.codeVersion,
    partitions,
    partitionsKind: node.partitions ? node.partitions.spec.kind : null,
    lastMaterializedAt: iso(lastMaterialized),
    description: descriptionOf(node),
    policyFit: fitView(graph, state, node),
  };
}

/** The newest materialization time over the materialized ranges (ranges hold one entry each end). */
function newestMaterialization(ranges: readonly (readonly [number, number])[], at: (i: number) => number | undefined): number | null {
  let newest: number | null = null;
  for (const [start, end] of ranges) {
    for (const i of start === end ? [start] : [start, end]) {
      const t = at(i);
      if (t !== undefined && (newest === null || t > newest)) newest = t;
    }
  }
  return newest;
}

function descriptionOf(node: AssetNode): string | null {
  const spec = node.spec as unknown as { readonly description?: unknown };
  return typeof spec.description === 'string' ? spec.description : null;
}

export function assetViews(report: TickReport, now: number): AssetView[] {
  return report.graph.nodes.map((node) => assetView(report, node, now));
}

/** The newest `limit` partitions of a partitioned asset (newest first), each with its status. */
export function partitionViews(report: TickReport, node: AssetNode, now: number, limit: number): PartitionView[] {
  const defn = node.partitions;
  if (!defn) return [];
  const history = report.state.history(node.key);
  const total = defn.countAt(now);
  const inFlight = history?.inFlight();
  const views: PartitionView[] = [];
  for (let i = total - 1; i >= 0 && views.length < limit; i--) {
    const key = defn.keyAt(i);
    if (key === null) continue;
    const entry = history?.materializations.get(i);
    const attempt = history?.attempts.get(i);
    let status: PartitionView['status'] = entry ? 'materialized' : 'missing';
    if (inFlight?.has(i)) status = 'running';
    else if (attempt?.status === 'failed' && (!entry || attempt.storageId > entry.storageId)) status = 'failed';
    else if (entry && stalenessOf(report.graph, report.state, node, i, now).status === 'stale') status = 'stale';
    views.push({ key, status, materializedAt: iso(entry?.timestamp), runId: entry?.runId ?? null });
  }
  return views;
}
