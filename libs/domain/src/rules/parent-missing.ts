// `parentMissing`: a parent partition not requested in the same run was never materialized
// (or, for an observable source, never observed). Plain sources are exempt.

import type { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_SKIPS, skipEach, type SkipHit } from './rule';

export const parentMissing = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] => {
  const edges = node.selfEdge ? [...node.parents, node.selfEdge] : node.parents;
  if (edges.length === 0) return NO_SKIPS;
  return skipEach(candidates, 'parentMissing', (i) => {
    let missing: string[] | null = null;
    for (const edge of edges) {
      if (edge.parentKind === 'source') continue;
      if (!edge.isSelf && ctx.parentRequestedSameRun(edge, i)) continue;
      if (!edge.parentPartitioned) {
        const present = edge.parentKind === 'observableSource' ? ctx.state.lastUpdateIdAt(edge.parent) > 0 : ctx.state.unpartitionedMaterializationIdAt(edge.parent) > 0;
        if (!present) (missing ??= []).push(edge.parentKey);
        continue;
      }
      const h = ctx.state.historyAt(edge.parent);
      const mapped = ctx.upstream(edge, i).partitions;
      const have = edge.parentKind === 'observableSource' ? (h.lastUpdate ? mapped : h.observations.keys().intersect(mapped)) : h.materialized().intersect(mapped);
      if (!mapped.difference(have).isEmpty()) (missing ??= []).push(edge.parentKey);
    }
    return missing;
  });
};
