// `freshness` / `downstreamFreshness` (reference §2.6): execution-period planning over the
// asset's own policy and those of its descendants, using effective data time (current,
// in-flight, failed) and the expected data times threaded through the tick. Unpartitioned only.

import { effectiveDataTime } from '../data-time/data-time';
import { executionPeriod, mergePeriods } from '../freshness/freshness';
import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import type { Hit } from './rule';

/** Data time `node` would have if materialized this tick (reference §2.6 expectedDataTime). */
export function expectedIfMaterialized(ctx: TickContext, node: AssetNode): Instant | null {
  if (node.servedPolicies.length === 0) return null;
  let result: Instant | null = null;
  let tracked = 0;
  for (const edge of node.parents) {
    const parent = ctx.graph.node(edge.parent);
    if (parent.kind === 'source') continue;
    tracked++;
    // A parent rebuilt this tick in another code location lands later: nothing gained now.
    if (parent.codeLocation !== node.codeLocation && !ctx.requestedOf(parent.index).isEmpty()) return ctx.currentDataTime(node);
    const t = ctx.expectedThisTick(parent);
    if (t !== null) result = result === null ? t : Math.min(result, t);
  }
  return tracked === 0 ? ctx.now : result;
}

export interface FreshnessPlan {
  readonly hits: Hit[];
  /** When the merged execution period opens, if later than now. */
  readonly wakeAt: Instant | null;
}

export function planFreshness(ctx: TickContext, node: AssetNode): FreshnessPlan {
  if (node.partitions || node.servedPolicies.length === 0) return { hits: [], wakeAt: null };
  const current = ctx.currentDataTime(node);
  const expected = expectedIfMaterialized(ctx, node);
  const effective = effectiveDataTime(ctx.graph, ctx.state, node, ctx.now);
  const merged = mergePeriods(node.servedPolicies.map((ref) => ({ ref, period: executionPeriod(ref.policy, effective, ctx.now) })));
  if (!merged) return { hits: [], wakeAt: null };
  // The decision can only change without an event when the period opens or, once open, closes
  // (a cron period is recomputed from the next tick after that).
  const { start, end } = merged.period;
  const wakeAt = start > ctx.now ? Math.ceil(start) : end > ctx.now ? Math.floor(end) + 1 : null;
  if (current === expected) return { hits: [], wakeAt };
  if (merged.period.start > ctx.now || expected === null || expected < merged.period.start) return { hits: [], wakeAt };
  const own = merged.members.filter((m) => m.ref.assetKey === node.key);
  const downstream = merged.members.filter((m) => m.ref.assetKey !== node.key).map((m) => m.ref.assetKey);
  const hits: Hit[] = [];
  const single = ctx.existing(node);
  if (own.length > 0) hits.push({ partitions: single, reason: 'freshness', assets: [] });
  if (downstream.length > 0) hits.push({ partitions: single, reason: 'downstreamFreshness', assets: downstream });
  return { hits, wakeAt };
}
