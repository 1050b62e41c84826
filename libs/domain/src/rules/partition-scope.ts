// The partitions automation looks after when a policy sets `partitionScopeMinutes`: recent time
// windows only, older ones being a backfill's job. Shared by the `missing` rule and by the views
// that report progress, so "done" is counted over the same partitions the planner pursues.

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';

const MINUTE_MS = 60_000;

/**
 * The part of `set` inside the scope: time partitions starting within `partitionScopeMinutes`
 * before the newest existing partition starts. Unscoped or non-time-partitioned assets: all of `set`.
 */
export function partitionsInScope(node: AssetNode, existing: IndexSet, set: IndexSet): IndexSet {
  const minutes = node.automation.partitionScopeMinutes;
  const last = set.last();
  if (minutes === null || !node.partitions || !node.isTimePartitioned || last === null) return set;
  const lastStart = node.partitions.windowAt(existing.last() ?? last)?.start;
  if (lastStart === undefined) return set;
  const threshold = lastStart - minutes * MINUTE_MS;
  const containing = node.partitions.indexForInstant(threshold);
  if (containing === null) return set;
  const from = (node.partitions.windowAt(containing)?.start ?? threshold) < threshold ? containing + 1 : containing;
  return set.intersect(IndexSet.range(from, Number.MAX_SAFE_INTEGER));
}

/** How far the partitions in scope are built, for views; null when the policy sets no scope. */
export function scopeProgress(node: AssetNode, materialized: IndexSet, now: number): { readonly total: number; readonly materialized: number } | null {
  if (node.automation.partitionScopeMinutes === null || !node.partitions || !node.isTimePartitioned) return null;
  const count = node.partitions.countAt(now);
  const existing = count > 0 ? IndexSet.range(0, count - 1) : IndexSet.EMPTY;
  const scope = partitionsInScope(node, existing, existing);
  return { total: scope.size, materialized: materialized.intersect(scope).size };
}
