// `notAllParentsUpdated` (opt-in): wait until every parent has updated since the asset's last
// materialization, or is requested with it this tick (the asset itself is exempt).

import type { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_SKIPS, skipEach, type SkipHit } from './rule';

export const notAllParentsUpdated = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] =>
  node.parents.length === 0
    ? NO_SKIPS
    : skipEach(candidates, 'notAllParentsUpdated', (i) => {
    const mine = ctx.history(node).materializations.get(i);
    if (!mine) return null;
    const waiting: string[] = [];
    for (const edge of node.parents) {
      const parent = ctx.graph.node(edge.parent);
      if (parent.kind === 'source' || ctx.parentRequestedSameRun(edge, i)) continue;
      const latest = ctx.latestParentRecord(edge, i);
      if (!latest || latest.storageId <= mine.storageId) waiting.push(parent.key);
    }
    return waiting.length > 0 ? waiting : null;
  });
