// `parentInProgress`: a parent partition is planned by an unfinished run and not yet
// materialized by it; the child waits for it to land. Except where freshness planning decided
// that waiting would make a policy late (refresh-plan.ts, `readAsIs`): the child reads the
// parent's current data.

import type { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { readsAsIs } from './freshness';
import { NO_SKIPS, skipEach, type SkipHit } from './rule';

export const parentInProgress = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] => {
  // Nothing in flight anywhere: the common case after runs settle.
  if (ctx.state.activeRuns().length === 0) return NO_SKIPS;
  const edges = node.selfEdge ? [...node.parents, node.selfEdge] : node.parents;
  const busy = edges.filter((e) => ctx.history(ctx.graph.node(e.parent)).hasInFlight() && !readsAsIs(ctx, node, e.parent));
  if (busy.length === 0) return NO_SKIPS;
  return skipEach(candidates, 'parentInProgress', (i) => {
    const waiting: string[] = [];
    for (const edge of busy) {
      const parent = ctx.graph.node(edge.parent);
      const mapped = ctx.upstream(edge, i).partitions;
      if (!ctx.history(parent).inFlight().intersect(mapped).isEmpty()) waiting.push(parent.key);
    }
    return waiting.length > 0 ? waiting : null;
  });
};
