// `backfillInProgress`: the partition is targeted by an unfinished backfill, which will
// materialize it in its own order; automation keeps its hands off meanwhile.

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { backfillPending } from './backfill';
import { NO_SKIPS, type SkipHit } from './rule';

export const backfillInProgress = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] => {
  if (ctx.state.activeBackfills().length === 0) return NO_SKIPS;
  const hits: SkipHit[] = [];
  let covered = IndexSet.EMPTY;
  for (const b of ctx.state.activeBackfills()) {
    const pending = backfillPending(ctx, b, node).intersect(candidates).difference(covered);
    if (pending.isEmpty()) continue;
    covered = covered.union(pending);
    hits.push({ partitions: pending, reason: 'backfillInProgress', assets: [b.backfillId] });
  }
  return hits;
};
