// `missing`: a root partition never handled (materialized, requested or discarded), or a
// partition never materialized whose parent newly updated (or is requested in the same run).

import { IndexSet } from '../collections/index-set';
import { handledSet } from '../cursor/cursor';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { sortedUnique, type Hit } from './rule';

export const missing = (ctx: TickContext, node: AssetNode): Hit[] => {
  const materialized = ctx.history(node).materialized();
  if (node.isRoot) {
    const unhandled = ctx.existing(node).difference(materialized).difference(handledSet(ctx.assetCursor(node.key)));
    // The policy's partition scope is applied to every rule's hits by the caller (evaluate-unit).
    return unhandled.isEmpty() ? [] : [{ partitions: unhandled, reason: 'missing', assets: [] }];
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
