// Demand-driven freshness planning (Freshet's departure from reference §2.6; the rule is stated
// in libs/domain/README.md, "Freshness planning"). Each asset with a policy whose refresh is due
// asks for a required data time R and pulls its *refresh cone*: the ancestors whose data time is
// below R, found by walking up from it and stopping at ancestors that already satisfy R. The cone
// is requested in the same tick, or the asset waits, naming the ancestor it cannot get. Periods
// are duration-aware: a refresh starts early enough for its cone's critical path to land before
// the deadline.
//
// The plan is computed once per tick, before any asset is evaluated (it depends only on the
// state and `now`), and memoized on the tick context.

import { effectiveDataTime, failedDataTime } from '../data-time/data-time';
import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import type { SkipReason } from '../planner/types';
import { UNPARTITIONED } from '../state/asset-history';
import { executionPeriod, lagMs, MINUTE_MS } from './freshness';
import { cronRefOf } from './policy-clock';

/** Without duration history a refresh starts at 0.9·lag, as in reference §2.6. */
const MIN_MARGIN_SHARE = 0.1;
/** Headroom over the estimated critical path (estimates are peaks of what was seen, not bounds). */
const PATH_HEADROOM = 1.25;
/** A period never opens before eff + 0.1·lag, even when the chain is longer than the lag allows. */
const MAX_MARGIN_SHARE = 0.9;
/** Without a retry delay, a failed ancestor is retried for a policy after 0.9·lag (Dagster's back-off). */
const FAILURE_BACKOFF_SHARE = 0.9;

/** An ancestor the demand needs but cannot get this tick. */
export interface Blocker {
  readonly asset: string;
  readonly reason: SkipReason;
}

export interface Demand {
  /** The asset whose own policy asks for the refresh. */
  readonly asset: AssetNode;
  /** The data time the refresh must reach (the start of the period that opened). */
  readonly required: Instant;
  /** Ancestors to refresh with it (and members of their non-subsettable multi-assets), by index. */
  readonly cone: ReadonlySet<number>;
  /**
   * Ancestors older than required that a run in progress is materializing: what reads them waits
   * for them to land (they are never requested twice); the rest of the cone runs meanwhile.
   */
  readonly pending: ReadonlySet<number>;
  /** Non-empty: the asset waits, and nothing is requested for this demand. */
  readonly blockers: readonly Blocker[];
}

export interface RefreshPlan {
  /** Due demands by the index of the asset holding the policy. */
  readonly demands: ReadonlyMap<number, Demand>;
  /** For each cone member: the demands (with no blocker) whose cone holds it, by demander key. */
  readonly demandsOf: ReadonlyMap<number, readonly Demand[]>;
  /** When an asset's refresh period opens (or a failed ancestor's back-off ends), if after now. */
  readonly wakeAt: ReadonlyMap<number, Instant>;
  /** Indices the tick must evaluate: due demanders, their cones, and moved wake-ups. */
  readonly touched: readonly number[];
}

/** An asset whose own policy drives refreshes: unpartitioned, materializable, with the freshness rule. */
export function holdsFreshnessDemand(node: AssetNode): boolean {
  return node.kind === 'materializable' && !node.partitions && node.freshness !== null && node.automation.materializeOn.has('freshness');
}

/** Can the planner request this ancestor for a downstream policy? */
function refreshable(node: AssetNode): boolean {
  return node.kind === 'materializable' && !node.partitions && node.selected && node.automation.materializeOn.has('freshness');
}

const plans = new WeakMap<TickContext, RefreshPlan>();
/**
 * The latest planner, kept alive like the tick context (see `evaluate`): once no Planner is
 * alive V8 forgets its class, and the optimized code that inlines this function (the per-asset
 * skip rules) would be discarded at every garbage collection between ticks.
 */
let latestPlanner: Planner | null = null;

/** The tick's refresh plan (computed on first use). */
export function refreshPlanOf(ctx: TickContext): RefreshPlan {
  let plan = plans.get(ctx);
  if (!plan) {
    latestPlanner = new Planner(ctx);
    plan = latestPlanner.plan();
    plans.set(ctx, plan);
  }
  return plan;
}

class Planner {
  /** Longest chain of estimated durations through refreshable ancestors, ending at each node. */
  private readonly fullPathMemo: Float64Array;
  private readonly wakeAt = new Map<number, Instant>();

  constructor(private readonly ctx: TickContext) {
    this.fullPathMemo = new Float64Array(ctx.graph.nodes.length).fill(-1);
  }

  plan(): RefreshPlan {
    const { ctx } = this;
    const demands = new Map<number, Demand>();
    const touched = new Set<number>();
    for (const node of ctx.graph.withPolicy) {
      if (!holdsFreshnessDemand(node)) continue;
      const demand = this.demandOf(node);
      if (demand) {
        demands.set(node.index, demand);
        for (const j of node.unit) touched.add(j);
        for (const j of demand.cone) touched.add(j);
      }
      // A wake-up earlier than the one the cursor holds must be evaluated to be recorded.
      const wake = this.wakeAt.get(node.index);
      const held = ctx.assetCursor(node.key)?.wakeAt;
      if (wake !== undefined && (held === undefined || wake < held)) touched.add(node.index);
    }
    const demandsOf = new Map<number, Demand[]>();
    for (const d of demands.values()) {
      if (d.blockers.length > 0) continue;
      for (const j of d.cone) {
        const list = demandsOf.get(j) ?? [];
        list.push(d);
        demandsOf.set(j, list);
      }
    }
    for (const list of demandsOf.values()) list.sort((a, b) => (a.asset.key < b.asset.key ? -1 : a.asset.key > b.asset.key ? 1 : 0));
    return { demands, demandsOf, wakeAt: this.wakeAt, touched: [...touched].sort((a, b) => a - b) };
  }

  private wake(node: AssetNode, at: Instant): void {
    if (at <= this.ctx.now) return;
    const prev = this.wakeAt.get(node.index);
    if (prev === undefined || at < prev) this.wakeAt.set(node.index, Math.ceil(at));
  }

  private weight(node: AssetNode): number {
    return this.ctx.state.durations.estimate(node.key) ?? 0;
  }

  private fullPath(node: AssetNode): number {
    const memo = this.fullPathMemo[node.index] as number;
    if (memo >= 0) return memo;
    let longest = 0;
    for (const e of node.parents) {
      const p = this.ctx.graph.node(e.parent);
      if (refreshable(p)) longest = Math.max(longest, this.fullPath(p));
    }
    const out = this.weight(node) + longest;
    this.fullPathMemo[node.index] = out;
    return out;
  }

  /** Longest chain of estimated durations through the cone, ending at the demanding asset. */
  private conePath(node: AssetNode, cone: ReadonlySet<number>): number {
    const path = new Map<number, number>();
    const longestInto = (n: AssetNode): number => {
      let longest = 0;
      for (const e of n.parents) {
        const p = path.get(e.parent);
        if (p !== undefined && p > longest) longest = p;
      }
      return longest;
    };
    // Node indices are topological: parents come first.
    for (const i of [...cone].sort((a, b) => a - b)) {
      const n = this.ctx.graph.node(i);
      path.set(i, this.weight(n) + longestInto(n));
    }
    return this.weight(node) + longestInto(node);
  }

  private demandOf(node: AssetNode): Demand | null {
    const { ctx } = this;
    const policy = node.freshness;
    if (!policy) return null;
    const lag = lagMs(policy);
    const eff = effectiveDataTime(ctx.graph, ctx.state, node, ctx.now);
    const margin = (pathMs: number): number => Math.min(Math.max(MIN_MARGIN_SHARE * lag, PATH_HEADROOM * pathMs), MAX_MARGIN_SHARE * lag);
    let required: Instant;
    if (cronRefOf(policy.cronSchedule, policy.cronTimezone) || eff === null) {
      // Cron: the refresh for tick T must start at or after T − lag to carry data ≥ T − lag, and
      // land before T; starting as soon as it may leaves the whole lag for the chain. No data
      // time yet: due now, for data of the last `lag` (reference §2.6).
      const period = executionPeriod(policy, eff, ctx.now);
      if (period.start > ctx.now) {
        this.wake(node, period.start);
        return null;
      }
      required = period.start;
    } else {
      const deadline = eff + lag;
      // The earliest the refresh can need to start: every refreshable ancestor re-run.
      required = deadline - margin(this.fullPath(node));
      if (required > ctx.now) {
        this.wake(node, required);
        return null;
      }
    }
    // Walked even if the asset itself is in flight (a run that will not reach the required data
    // time): its cone runs now, and the asset once that run has landed.
    const { cone, pending, blockers } = this.walk(node, required, lag);
    if (!cronRefOf(policy.cronSchedule, policy.cronTimezone) && eff !== null) {
      // Only the cone runs: its critical path says how late the refresh may start.
      const opens = eff + lag - margin(this.conePath(node, cone));
      if (opens > ctx.now) {
        this.wake(node, opens);
        return null;
      }
    }
    return { asset: node, required, cone, pending, blockers };
  }

  /** The refresh cone of `node` for data time `required`, and the ancestors it cannot get. */
  private walk(node: AssetNode, required: Instant, lag: number): { cone: Set<number>; pending: Set<number>; blockers: Blocker[] } {
    const { ctx } = this;
    const cone = new Set<number>();
    const pending = new Set<number>();
    const seen = new Set<number>([node.index]);
    const blockers: Blocker[] = [];
    const stack: AssetNode[] = [node];
    const join = (n: AssetNode): void => {
      // A non-subsettable multi-asset is requested whole: its other members' inputs matter too.
      for (const j of n.unit) {
        if (j === node.index || cone.has(j)) continue;
        cone.add(j);
        seen.add(j);
        stack.push(ctx.graph.node(j));
      }
    };
    join(node);
    while (stack.length > 0) {
      const child = stack.pop() as AssetNode;
      for (const e of child.parents) {
        if (seen.has(e.parent)) continue;
        seen.add(e.parent);
        const parent = ctx.graph.node(e.parent);
        if (parent.kind === 'source') continue;
        if (parent.kind === 'observableSource') {
          // Its data time is `now` while the version read is the newest: it never holds a refresh
          // back, unless it was never observed (missing root data).
          if (ctx.history(parent).lastUpdate === null) blockers.push({ asset: parent.key, reason: 'parentMissing' });
          continue;
        }
        const current = ctx.currentDataTime(parent);
        if (current !== null && current >= required) continue;
        const blocker = this.blockerOf(node, parent, required, lag);
        if (blocker) blockers.push(blocker);
        else if (ctx.history(parent).hasInFlight()) pending.add(parent.index);
        else join(parent);
      }
    }
    blockers.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
    return { cone, pending, blockers };
  }

  /** Why an ancestor whose data is older than required cannot be refreshed now, if it cannot. */
  private blockerOf(demander: AssetNode, parent: AssetNode, required: Instant, lag: number): Blocker | null {
    const { ctx } = this;
    // Partitioned assets follow their own rules; freshness planning never requests them.
    if (parent.partitions) return { asset: parent.key, reason: 'parentOutdated' };
    if (!refreshable(parent)) return { asset: parent.key, reason: 'notSelected' };
    const h = ctx.history(parent);
    const attempt = h.attempts.get(UNPARTITIONED);
    if (attempt?.status === 'failed') {
      // A failed attempt counts as data time (reference §1.2): if it would have satisfied this
      // demand, retrying right away would loop; wait for the retry delay or the back-off.
      const failed = failedDataTime(ctx.graph, ctx.state, parent, ctx.now);
      const retry = parent.automation.retryAfterFailureMinutes;
      const until = attempt.timestamp + (retry !== null ? retry * MINUTE_MS : FAILURE_BACKOFF_SHARE * lag);
      if (failed !== null && failed >= required && ctx.now < until) {
        this.wake(demander, until);
        return { asset: parent.key, reason: 'recentFailure' };
      }
    }
    return null;
  }
}
