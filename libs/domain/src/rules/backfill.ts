// `backfill`: asset partitions of an unfinished backfill that are not yet materialized (or failed)
// since it was requested; requested in the backfill's own order (parents first).

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { BackfillState } from '../state/planner-state';
import type { TickContext } from '../planner/context';
import { NO_HITS, type Hit } from './rule';

/** Targets of `backfill` on `node` neither materialized nor failed since it was requested. */
export function backfillPending(ctx: TickContext, backfill: BackfillState, node: AssetNode): IndexSet {
  const targets = backfill.targets.get(node.key);
  if (!targets) return IndexSet.EMPTY;
  const h = ctx.history(node);
  const done = h.materializations.filter(targets, (e) => e.storageId > backfill.requestedStorageId);
  const failed = h.attempts.filter(targets, (a) => a.status === 'failed' && a.storageId > backfill.requestedStorageId);
  return targets.difference(done).difference(failed);
}

export function backfillHits(ctx: TickContext, node: AssetNode): readonly Hit[] {
  if (ctx.state.activeBackfills().length === 0) return NO_HITS;
  const hits: Hit[] = [];
  for (const b of ctx.state.activeBackfills()) {
    // Partitions already launched are the backfill's runs in flight, not new requests.
    const pending = backfillPending(ctx, b, node).difference(ctx.history(node).inFlight());
    if (!pending.isEmpty()) hits.push({ partitions: pending, reason: 'backfill', assets: [b.backfillId] });
  }
  return hits;
}

/** Parents this backfill still has to rebuild first (not requested in the same run). */
export function backfillParentsPending(ctx: TickContext, node: AssetNode, index: number): string[] {
  const waiting: string[] = [];
  for (const b of ctx.state.activeBackfills()) {
    for (const edge of node.parents) {
      const parent = ctx.graph.node(edge.parent);
      const pending = backfillPending(ctx, b, parent).intersect(ctx.upstream(edge, index).partitions);
      if (pending.isEmpty() || ctx.parentRequestedSameRun(edge, index)) continue;
      waiting.push(parent.key);
    }
  }
  return waiting;
}
