// `nonexistentParentPartitions`: the mapping requires parent partitions that do not exist
// (e.g. the child starts before the parent). A self-dependency's first partition is exempt.

import type { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_SKIPS, skipEach, type SkipHit } from './rule';

export const nonexistentParentPartitions = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] => {
  // Only edges with both sides partitioned have a mapping.
  if (!node.partitions) return NO_SKIPS;
  const edges = node.parents.filter((e) => e.mapping !== null);
  if (edges.length === 0) return NO_SKIPS;
  return skipEach(candidates, 'nonexistentParentPartitions', (i) => {
    const parents = edges.filter((e) => ctx.upstream(e, i).nonexistent.length > 0).map((e) => e.parentKey);
    return parents.length > 0 ? parents : null;
  });
};
