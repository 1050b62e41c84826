// `recentFailure`: the latest attempt at this partition failed and nothing new has happened
// since (no parent update, no new code, no freshness need, retry delay not elapsed). Eager
// assets are not retried in a loop; lazy ones back off through failed data time instead.

import type { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import type { MaterializeReason } from '../planner/types';
import { NO_SKIPS, skipEach, type Hit, type SkipHit } from './rule';

const MINUTE_MS = 60_000;
/** Reasons that are themselves a new trigger after a failure. */
const FRESH_TRIGGERS: ReadonlySet<MaterializeReason> = new Set(['freshness', 'downstreamFreshness', 'cron', 'backfill']);

export const recentFailure = (ctx: TickContext, node: AssetNode, candidates: IndexSet, hits: readonly Hit[]): readonly SkipHit[] => {
  const h = ctx.history(node);
  if (!node.partitions && h.attempts.get(0)?.status !== 'failed') return NO_SKIPS;
  const failedSet = h.attempts.filter(candidates, (a) => a.status === 'failed');
  if (failedSet.isEmpty()) return NO_SKIPS;
  const retry = node.automation.retryAfterFailureMinutes;
  return skipEach(failedSet, 'recentFailure', (i) => {
    if (hits.some((hit) => FRESH_TRIGGERS.has(hit.reason) && hit.partitions.has(i))) return null;
    const attempt = h.attempts.get(i);
    if (!attempt) return null;
    if (retry !== null && ctx.now >= attempt.timestamp + retry * MINUTE_MS) return null;
    if (h.codeDeployedStorageId > attempt.storageId) return null;
    for (const edge of node.parents) {
      const parent = ctx.graph.node(edge.parent);
      const ph = ctx.history(parent);
      if (ph.lastUpdateStorageId <= attempt.storageId) continue;
      const mapped = ctx.upstream(edge, i).partitions;
      const map = parent.kind === 'materializable' ? ph.materializations : ph.observations;
      for (const [a, b] of mapped.ranges()) for (const e of map.entriesIn(a, b)) if (e.value.storageId > attempt.storageId) return null;
    }
    return [];
  });
};
