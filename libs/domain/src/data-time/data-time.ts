// Data time (reference §1.2): the latest instant t such that all root data up to t is
// incorporated. Current data time reads the lineage stored with the latest materialization;
// in-progress and failed data times look at runs; effective = the max of the three.

import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import { UNPARTITIONED, type MaterializationEntry } from '../state/asset-history';
import type { Lineage } from '../state/lineage';
import type { PlannerState, RunState } from '../state/planner-state';

const DAY_MS = 86_400_000;
/** Dagster looks at in-progress runs created within the last 24 h, at most 25 of them. */
const IN_PROGRESS_WINDOW_MS = DAY_MS;
const IN_PROGRESS_MAX_RUNS = 25;

/** Data time of a lineage at `now`: observable-source contributions depend on later observations. */
export function lineageDataTime(lineage: Lineage, state: PlannerState, now: Instant): Instant | null {
  if (lineage.fixed === null) return null;
  let t: Instant | undefined = lineage.fixed;
  for (const [source, consumedId] of lineage.sources) {
    const changes = state.history(source)?.observationChanges ?? [];
    let lo = 0;
    let hi = changes.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const sid = (changes[mid] as { storageId: number }).storageId;
      if (sid <= consumedId) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const consumed = changes[at];
    if (!consumed || consumed.dataVersion === null) return null;
    const newer = changes[at + 1];
    const sourceTime = newer ? newer.timestamp : now;
    t = t === undefined ? sourceTime : Math.min(t, sourceTime);
  }
  return t ?? null;
}

function latestAnyPartition(state: PlannerState, node: AssetNode): MaterializationEntry | undefined {
  const h = state.history(node.key);
  if (!h) return undefined;
  if (!node.partitions) return h.materializations.get(UNPARTITIONED);
  const last = h.lastUpdate;
  return last && 'lineage' in last ? last : undefined;
}

/** Current data time of an asset (null = unknown: missing root data or never materialized). */
export function currentDataTime(node: AssetNode, state: PlannerState, now: Instant): Instant | null {
  if (node.kind === 'source') return null;
  if (node.kind === 'observableSource') {
    const last = state.history(node.key)?.observationChanges.at(-1);
    return last && last.dataVersion !== null ? now : null;
  }
  if (node.isTimePartitioned) return state.partitionedDataTime(node);
  const entry = latestAnyPartition(state, node);
  return entry ? lineageDataTime(entry.lineage, state, now) : null;
}

function plannedAndPending(run: RunState, node: AssetNode): boolean {
  const planned = run.planned.get(node.key);
  if (!planned || planned.isEmpty()) return false;
  const done = run.materialized.get(node.key);
  return !done || !planned.difference(done).isEmpty();
}

/** Data time `node` will have once `run` completes, if roots read at `t` (reference §1.2). */
export function dataTimeAfterRun(graph: AssetGraph, state: PlannerState, run: RunState, node: AssetNode, t: Instant, now: Instant): Instant | null {
  if (!plannedAndPending(run, node)) return currentDataTime(node, state, now);
  let result: Instant | null = t;
  let tracked = 0;
  for (const e of node.parents) {
    const p = graph.node(e.parent);
    if (p.kind !== 'materializable') continue;
    tracked++;
    const pt = dataTimeAfterRun(graph, state, run, p, t, now);
    if (pt === null) return null;
    result = Math.min(result, pt);
  }
  return tracked === 0 ? t : result;
}

/** Max over recent unfinished runs planning `node` of its data time after the run. */
export function inProgressDataTime(graph: AssetGraph, state: PlannerState, node: AssetNode, now: Instant): Instant | null {
  let best: Instant | null = null;
  const runs = state
    .activeRuns()
    .filter((r) => r.createdAt >= now - IN_PROGRESS_WINDOW_MS && plannedAndPending(r, node))
    .slice(-IN_PROGRESS_MAX_RUNS);
  for (const run of runs) {
    const t = dataTimeAfterRun(graph, state, run, node, now, now);
    if (t !== null && (best === null || t > best)) best = t;
  }
  return best;
}

/** If the latest attempt at `node` failed: the data time it would have had at the failure instant. */
export function failedDataTime(graph: AssetGraph, state: PlannerState, node: AssetNode, now: Instant): Instant | null {
  const attempt = state.history(node.key)?.attempts.get(UNPARTITIONED);
  if (!attempt || attempt.status !== 'failed') return null;
  const run = state.run(attempt.runId);
  if (!run) return null;
  return dataTimeAfterRun(graph, state, run, node, run.finishedAt ?? run.createdAt, now);
}

/** max of the non-null {current, in-progress, failed} data times (reference §1.2). */
export function effectiveDataTime(graph: AssetGraph, state: PlannerState, node: AssetNode, now: Instant): Instant | null {
  const values = [currentDataTime(node, state, now), inProgressDataTime(graph, state, node, now), failedDataTime(graph, state, node, now)].filter(
    (v): v is Instant => v !== null,
  );
  return values.length === 0 ? null : Math.max(...values);
}
