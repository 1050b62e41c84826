// `missing`: a root partition never handled (materialized, requested or discarded), or a
// partition never materialized whose parent newly updated (or is requested in the same run).

import { IndexSet } from '../collections/index-set';
import { handledSet } from '../cursor/cursor';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { sortedUnique, type Hit } from './rule';

const MINUTE_MS = 60_000;

/** Time partitions inside the policy's scope: starting within `scope` minutes before the last one starts. */
function inScope(ctx: TickContext, node: AssetNode, set: IndexSet): IndexSet {
  const minutes = node.automation.partitionScopeMinutes;
  const last = set.last();
  if (minutes === null || !node.partitions || !node.isTimePartitioned || last === null) return set;
  const lastStart = node.partitions.windowAt(ctx.existing(node).last() ?? last)?.start;
  if (lastStart === undefined) return set;
  const threshold = lastStart - minutes * MINUTE_MS;
  const containing = node.partitions.indexForInstant(threshold);
  if (containing === null) return set;
  const from = (node.partitions.windowAt(containing)?.start ?? threshold) < threshold ? containing + 1 : containing;
  return set.intersect(IndexSet.range(from, Number.MAX_SAFE_INTEGER));
}

export const missing = (ctx: TickContext, node: AssetNode): Hit[] => {
  const materialized = ctx.history(node).materialized();
  if (node.isRoot) {
    const unhandled = ctx.existing(node).difference(materialized).difference(handledSet(ctx.assetCursor(node.key)));
    const scoped = inScope(ctx, node, unhandled);
    return scoped.isEmpty() ? [] : [{ partitions: scoped, reason: 'missing', assets: [] }];
  }
  // Only never-materialized partitions can be missing.
  if (!node.partitions && !materialized.isEmpty()) return [];
  const hits: Hit[] = [];
  for (const t of ctx.parentTriggers(node)) {
    const never = t.partitions.difference(materialized);
    if (!never.isEmpty()) hits.push({ partitions: never, reason: 'missing', assets: [t.edge.parentKey] });
  }
  if (hits.length === 0) return [];
  return [{ partitions: hits.reduce((s, h) => s.union(h.partitions), IndexSet.EMPTY), reason: 'missing', assets: sortedUnique(hits.flatMap((h) => h.assets)) }];
};
