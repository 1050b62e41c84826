// `freshness` / `downstreamFreshness`: the tick's refresh plan (freshness/refresh-plan.ts, Freshet's
// refresh-cone departure from reference §2.6) turned into hits, and the gate that replaces
// `parentOutdated` for freshness-driven candidates: a cone member runs once the cone parents it
// reads are requested in its run; a demanding asset waits on the ancestors it cannot get.

import { IndexSet } from '../collections/index-set';
import { refreshPlanOf, type Demand } from '../freshness/refresh-plan';
import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import { sortedUnique, type Hit, type SkipHit } from './rule';

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
  /** When the asset's refresh period opens, if later than now. */
  readonly wakeAt: Instant | null;
}

export interface FreshnessGate {
  /** Demands this asset can serve now: every cone parent it reads is requested in its run. */
  readonly ready: readonly Demand[];
  /** Why it waits, when no demand is ready. */
  readonly waiting: readonly SkipHit[];
}

const SINGLE = IndexSet.single(0);
const NO_GATE: FreshnessGate = { ready: [], waiting: [] };
const gates = new WeakMap<TickContext, Map<number, FreshnessGate>>();

/** The demands on `node` this tick: its own (if due) first, then those whose cone holds it. */
function demandsOn(ctx: TickContext, node: AssetNode): Demand[] {
  const plan = refreshPlanOf(ctx);
  const own = plan.demands.get(node.index);
  const via = plan.demandsOf.get(node.index) ?? [];
  return own ? [own, ...via] : [...via];
}

/** Does a demand on `node` read in-flight `parent` as it is rather than wait for it to land? */
export function readsAsIs(ctx: TickContext, node: AssetNode, parent: number): boolean {
  if (node.partitions) return false;
  for (const d of demandsOn(ctx, node)) if (d.readAsIs.has(parent)) return true;
  return false;
}

/** Is `node` a freshness-driven candidate this tick? */
export function freshnessDriven(ctx: TickContext, node: AssetNode): boolean {
  return !node.partitions && demandsOn(ctx, node).length > 0;
}

/** Decided after the parents (topological order), so it reads what they were given. */
export function freshnessGate(ctx: TickContext, node: AssetNode): FreshnessGate {
  if (node.partitions) return NO_GATE;
  let memo = gates.get(ctx);
  if (!memo) {
    memo = new Map();
    gates.set(ctx, memo);
  }
  const hit = memo.get(node.index);
  if (hit) return hit;
  const ready: Demand[] = [];
  const waiting: SkipHit[] = [];
  for (const d of demandsOn(ctx, node)) {
    if (d.asset === node && d.blockers.length > 0) {
      for (const b of d.blockers) waiting.push({ partitions: SINGLE, reason: b.reason, assets: [b.asset] });
      continue;
    }
    const unready: string[] = [];
    const landing: string[] = [];
    for (const e of node.parents) {
      if (d.pending.has(e.parent)) landing.push(e.parentKey);
      else if (d.cone.has(e.parent) && !ctx.parentRequestedSameRun(e, 0)) unready.push(e.parentKey);
    }
    if (landing.length > 0) waiting.push({ partitions: SINGLE, reason: 'parentInProgress', assets: sortedUnique(landing) });
    if (unready.length > 0) waiting.push({ partitions: SINGLE, reason: 'parentOutdated', assets: sortedUnique(unready) });
    if (landing.length === 0 && unready.length === 0) ready.push(d);
  }
  const gate: FreshnessGate = { ready, waiting: ready.length > 0 ? [] : waiting };
  memo.set(node.index, gate);
  return gate;
}

export function planFreshness(ctx: TickContext, node: AssetNode): FreshnessPlan {
  if (node.partitions) return { hits: [], wakeAt: null };
  const plan = refreshPlanOf(ctx);
  const wakeAt = plan.wakeAt.get(node.index) ?? null;
  const own = plan.demands.get(node.index);
  const via = plan.demandsOf.get(node.index) ?? [];
  if (!own && via.length === 0) return { hits: [], wakeAt };
  const ready = freshnessGate(ctx, node).ready.filter((d) => d !== own);
  const hits: Hit[] = [];
  if (own) hits.push({ partitions: SINGLE, reason: 'freshness', assets: [] });
  // Name the policies it serves now; if none can be served yet, every one it is waiting for.
  const named = ready.length > 0 ? ready : via;
  if (named.length > 0) hits.push({ partitions: SINGLE, reason: 'downstreamFreshness', assets: sortedUnique(named.map((d) => d.asset.key)) });
  return { hits, wakeAt };
}
