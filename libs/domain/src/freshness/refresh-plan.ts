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

import { dataTimeAfterRun, effectiveDataTime, failedDataTime } from '../data-time/data-time';
import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import type { SkipReason } from '../planner/types';
import { UNPARTITIONED } from '../state/asset-history';
import type { PlannerState, RunState } from '../state/planner-state';
import { executionPeriod, lagMs, MINUTE_MS } from './freshness';
import { cronRefOf } from './policy-clock';

/** The earliest a refresh starts is 0.9·lag (reference §2.6), even with instantaneous compute. */
const MIN_MARGIN_SHARE = 0.1;
/**
 * Headroom over the estimated critical path. The estimates are already slow-decaying peaks of
 * what was seen; a larger factor makes every refresh earlier, hence more frequent, and more
 * frequent refreshes collide more often with each other's runs (cost benchmark).
 */
const PATH_HEADROOM = 1.1;
/**
 * Added to the margin: what the critical path does not see. Every asset requested in a tick goes
 * into one run, where a step waits for its parents requested for other policies too, and an
 * ancestor may be taken by another policy's run just before this one starts.
 */
const SAFETY_SHARE = 0.05;
/**
 * While a step the refresh waits on has never been timed, it starts at half the lag: a policy
 * is usually set at twice its pipeline or more, and guessing short makes the first refresh late.
 */
const UNKNOWN_MARGIN_SHARE = 0.5;
/** A period never opens before eff + 0.1·lag, even when the chain is longer than the lag allows. */
const MAX_MARGIN_SHARE = 0.9;
/**
 * An ancestor read as it is, though older than required, is never short by more than this share of
 * the way from the policy's current data time to the required one (see `Planner.acceptance`).
 */
const MAX_SLACK_SHARE = 0.5;
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
  /** The data time the ancestors must have: older ones are refreshed (or, in flight, waited for). */
  readonly required: Instant;
  /** Ancestors to refresh with it (and members of their non-subsettable multi-assets), by index. */
  readonly cone: ReadonlySet<number>;
  /**
   * Ancestors older than required that a run in progress is materializing: what reads them waits
   * for them to land (they are never requested twice); the rest of the cone runs meanwhile.
   */
  readonly pending: ReadonlySet<number>;
  /**
   * Ancestors in flight whose run would land too late for the deadline: what reads them reads
   * their current data (newer than the asset's own) instead of waiting (`parentInProgress`).
   */
  readonly readAsIs: ReadonlySet<number>;
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

/** Above this share of the lag, a policy's pipeline leaves little room for any wait. */
const TIGHT_PIPELINE_SHARE = 0.4;

/** How a freshness policy fits the pipeline behind it, from the compute durations seen so far. */
export interface PolicyFit {
  /**
   * The longest chain of estimated compute durations through the ancestors a refresh may re-run,
   * the asset included (a step never timed counts 0; then `partial`).
   */
  readonly pipelineMs: number;
  readonly partial: boolean;
  /**
   * `tooTight`: the pipeline takes 90 % of the lag or more; no refresh can start early enough
   * (the planner opens refreshes at most 0.9·lag before the deadline). `tight`: over 40 %; a
   * refresh that waits for a shared ancestor another policy's run holds will often land late.
   */
  readonly fit: 'ok' | 'tight' | 'tooTight';
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

/**
 * The longest chain of a refresh from now (steps with headroom, waits for runs in flight as
 * expected), whether a step on any chain was never timed, and whether the longest one waits.
 */
interface Path {
  readonly ms: number;
  readonly unknown: boolean;
  readonly waits: boolean;
}

const NO_PATH: Path = { ms: 0, unknown: false, waits: false };

function longer(a: Path, b: Path): Path {
  const top = a.ms >= b.ms ? a : b;
  return { ms: top.ms, unknown: a.unknown || b.unknown, waits: top.waits };
}

function then(start: Path, step: Path): Path {
  return { ms: start.ms + step.ms, unknown: start.unknown || step.unknown, waits: start.waits };
}

/** A step's estimated duration, `headroom` times over (a step never timed: 0, and `unknown`). */
function stepPath(state: PlannerState, node: AssetNode, headroom: number): Path {
  const ms = state.durations.estimate(node.key);
  return ms === null ? { ms: 0, unknown: true, waits: false } : { ms: headroom * ms, unknown: false, waits: false };
}

/** The longest chain of steps through the refreshable ancestors a refresh may re-run, ending at `node`. */
function refreshChain(graph: AssetGraph, node: AssetNode, step: (n: AssetNode) => Path, memo: (Path | undefined)[]): Path {
  const hit = memo[node.index];
  if (hit) return hit;
  let longest = NO_PATH;
  for (const e of node.parents) {
    const p = graph.node(e.parent);
    if (refreshable(p)) longest = longer(longest, refreshChain(graph, p, step, memo));
  }
  const out = then(longest, step(node));
  memo[node.index] = out;
  return out;
}

/** The fit of `node`'s own policy (unpartitioned assets with one), else null. */
export function policyFit(graph: AssetGraph, state: PlannerState, node: AssetNode): PolicyFit | null {
  const policy = node.freshness;
  if (!policy || node.partitions || node.kind !== 'materializable') return null;
  // The expected chain, without the planner's headroom.
  const chain = refreshChain(graph, node, (n) => stepPath(state, n, 1), []);
  const lag = lagMs(policy);
  const fit = chain.ms >= MAX_MARGIN_SHARE * lag ? 'tooTight' : chain.ms > TIGHT_PIPELINE_SHARE * lag ? 'tight' : 'ok';
  return { pipelineMs: chain.ms, partial: chain.unknown, fit };
}

/** An ancestor in flight that the demand waits for. */
interface Landing {
  /** When its run is expected to land it (from the run's start and the estimated durations). */
  readonly at: Instant;
  readonly unknown: boolean;
  /** Its run will not reach the required data time: it runs again once it has landed. */
  readonly again: boolean;
}

interface Walk {
  readonly cone: ReadonlySet<number>;
  /**
   * Refreshable ancestors read as they are although older than the required data time (within
   * the slack): another policy may request them in the same tick, and then the run makes what
   * reads them wait for them.
   */
  readonly slack: ReadonlySet<number>;
  /** The required data time before the slack: what the slack ancestors are short of. */
  readonly full: Instant;
  readonly pending: ReadonlySet<number>;
  readonly readAsIs: ReadonlySet<number>;
  readonly landings: ReadonlyMap<number, Landing>;
  readonly blockers: readonly Blocker[];
}

class Planner {
  /** Longest chain of estimated durations through refreshable ancestors, ending at each node. */
  private readonly fullPathMemo: (Path | undefined)[];
  /** Expected landing of an asset in an in-flight run, by run id and node index. */
  private readonly landingMemo = new Map<string, Map<number, Path>>();
  private readonly wakeAt = new Map<number, Instant>();
  /**
   * Demands whose data a refresh started now would carry (required ≤ now) but whose smaller cone
   * may still wait: they join a refresh started this tick that shares their cone.
   */
  private readonly deferred = new Map<number, Demand>();

  constructor(private readonly ctx: TickContext) {
    this.fullPathMemo = new Array<Path | undefined>(ctx.graph.nodes.length);
  }

  plan(): RefreshPlan {
    const { ctx } = this;
    const demands = new Map<number, Demand>();
    const touched = new Set<number>();
    for (const node of ctx.graph.withPolicy) {
      if (!holdsFreshnessDemand(node)) continue;
      const found = this.demandOf(node);
      if (found) demands.set(node.index, found);
    }
    this.coalesce(demands);
    for (const d of demands.values()) {
      for (const j of d.asset.unit) touched.add(j);
      for (const j of d.cone) touched.add(j);
    }
    for (const node of ctx.graph.withPolicy) {
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

  /**
   * A deferred demand whose cone shares an ancestor with a refresh requested this tick is due now.
   * That ancestor is older than the demand needs; requested for another policy, it reads only what
   * that policy needed refreshed. Waiting, the demand would find it in flight, wait for it to land
   * and, when its run read parents too old, run it again after: late (it opened on the assumption
   * that the ancestor starts at its opening) and twice the work. Joining now, its other cone
   * members run in the same tick, and the shared ancestor reads them in the same run. Its required
   * data time has passed (a refresh now carries it), so it comes early by at most the difference
   * between its full path and its cone's.
   */
  private coalesce(demands: Map<number, Demand>): void {
    const requested = new Set<number>();
    const add = (d: Demand): void => {
      for (const j of d.cone) requested.add(j);
      for (const j of d.asset.unit) requested.add(j);
    };
    for (const d of demands.values()) if (d.blockers.length === 0) add(d);
    for (let changed = true; changed; ) {
      changed = false;
      for (const [i, d] of this.deferred) {
        if (![...d.cone].some((j) => requested.has(j))) continue;
        this.deferred.delete(i);
        this.wakeAt.delete(i);
        demands.set(i, d);
        add(d);
        changed = true;
      }
    }
  }

  private wake(node: AssetNode, at: Instant): void {
    if (at <= this.ctx.now) return;
    const prev = this.wakeAt.get(node.index);
    if (prev === undefined || at < prev) this.wakeAt.set(node.index, Math.ceil(at));
  }

  /** A step's estimated duration, `headroom` times over. */
  private step(node: AssetNode, headroom = PATH_HEADROOM): Path {
    return stepPath(this.ctx.state, node, headroom);
  }

  private fullPath(node: AssetNode): Path {
    return refreshChain(this.ctx.graph, node, (n) => this.step(n), this.fullPathMemo);
  }

  /**
   * When `run` is expected to land `node`, as a path from the run's start: its step starts once
   * the run's steps for its parents have landed, and takes its estimated duration.
   */
  private landingIn(run: RunState, node: AssetNode): Path {
    let memo = this.landingMemo.get(run.runId);
    if (!memo) {
      memo = new Map();
      this.landingMemo.set(run.runId, memo);
    }
    const hit = memo.get(node.index);
    if (hit) return hit;
    let start: Path = { ms: run.createdAt, unknown: false, waits: false };
    for (const e of node.parents) {
      const p = this.ctx.graph.node(e.parent);
      if (!run.planned.get(p.key)?.has(UNPARTITIONED)) continue;
      if (run.materialized.get(p.key)?.has(UNPARTITIONED)) {
        const landed = this.ctx.history(p).materializations.get(UNPARTITIONED);
        if (landed?.runId === run.runId) start = longer(start, { ms: landed.timestamp, unknown: false, waits: false });
      } else start = longer(start, this.landingIn(run, p));
    }
    // The expected landing, not a bound: no headroom (the margin adds it to what follows).
    const out = then(start, this.step(node, 1));
    memo.set(node.index, out);
    return out;
  }

  /**
   * Longest chain through the refresh, from now until the demanding asset lands: cone members
   * run now, an ancestor in flight can be read once it lands (or, if it runs again, after that).
   */
  private conePath(node: AssetNode, walk: Walk): Path {
    const { now } = this.ctx;
    const path = new Map<number, Path>();
    const longestInto = (n: AssetNode): Path => {
      let longest = NO_PATH;
      for (const e of n.parents) {
        const p = path.get(e.parent);
        if (p) longest = longer(longest, p);
      }
      return longest;
    };
    // A slack ancestor may share the run (requested for another policy): its path from now, as if
    // it and its own older ancestors ran with the cone. Node indices are topological.
    for (const i of [...walk.slack].sort((a, b) => a - b)) path.set(i, this.slackPath(this.ctx.graph.node(i), walk.full));
    // Node indices are topological: parents come first.
    for (const i of [...walk.cone, ...walk.pending].sort((a, b) => a - b)) {
      const n = this.ctx.graph.node(i);
      const landing = walk.landings.get(i);
      if (!landing) {
        path.set(i, then(longestInto(n), this.step(n)));
        continue;
      }
      const lands: Path = { ms: Math.max(0, landing.at - now), unknown: landing.unknown, waits: true };
      path.set(i, landing.again ? then(longer(lands, longestInto(n)), this.step(n)) : lands);
    }
    return then(longestInto(node), this.step(node));
  }

  /**
   * The path of a slack ancestor if it ran now: after its own refreshable ancestors that are older
   * than `full` too (not in flight: those are never requested again this tick).
   */
  private slackPath(node: AssetNode, full: Instant, memo = new Map<number, Path>()): Path {
    const hit = memo.get(node.index);
    if (hit) return hit;
    let longest = NO_PATH;
    for (const e of node.parents) {
      const p = this.ctx.graph.node(e.parent);
      if (!refreshable(p) || this.ctx.history(p).hasInFlight()) continue;
      const current = this.ctx.currentDataTime(p);
      if (current !== null && current >= full) continue;
      longest = longer(longest, this.slackPath(p, full, memo));
    }
    const out = then(longest, this.step(node));
    memo.set(node.index, out);
    return out;
  }

  private demandOf(node: AssetNode): Demand | null {
    const { ctx } = this;
    const policy = node.freshness;
    if (!policy) return null;
    const lag = lagMs(policy);
    const eff = effectiveDataTime(ctx.graph, ctx.state, node, ctx.now);
    const floor = (path: Path): number => Math.max(MIN_MARGIN_SHARE * lag, path.unknown ? UNKNOWN_MARGIN_SHARE * lag : 0);
    const margin = (path: Path): number => Math.min(Math.max(floor(path), path.ms + SAFETY_SHARE * lag), MAX_MARGIN_SHARE * lag);
    const cron = cronRefOf(policy.cronSchedule, policy.cronTimezone) !== null;
    let required: Instant;
    if (eff === null) {
      // No data time yet (never built): due now, for data of the last `lag` (reference §2.6),
      // with or without cron. A cron policy would otherwise wait for the window of its next tick:
      // an asset defined after today's 09:00 stayed missing until midnight, with no deadline shown.
      required = ctx.now - lag;
    } else if (cron) {
      // Cron: the refresh for tick T must start at or after T − lag to carry data ≥ T − lag, and
      // land before T; starting as soon as it may leaves the whole lag for the chain. A hard floor.
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
    // Without cron, an ancestor a little older than required may be read as it is (`acceptance`);
    // with cron or no data time yet, required is a hard floor.
    const accept = !cron && eff !== null ? this.acceptance(this.walk(node, required, required, lag, null).cone, required, eff) : null;
    // Walked even if the asset itself is in flight (a run that will not reach the required data
    // time): its cone runs now, and the asset once that run has landed.
    let walk = this.walk(node, required, required, lag, null, accept);
    if (!cron && eff !== null) {
      const deadline = eff + lag;
      let path = this.conePath(node, walk);
      if (walk.pending.size > 0 && ctx.now + path.ms > deadline) {
        // Waiting for an ancestor in flight would land after the deadline: read what it holds now
        // instead, where that is newer than the asset's own data (late data beats a violation).
        const hurried = this.walk(node, required, required, lag, eff, accept);
        const hurriedPath = this.conePath(node, hurried);
        if (hurriedPath.ms < path.ms) {
          walk = hurried;
          path = hurriedPath;
        }
      }
      // Only the cone runs, after what it waits for: its critical path says how late it may start.
      const opens = deadline - margin(path);
      if (opens > ctx.now) {
        // Waiting on a run in flight, the refresh lands as late whenever the rest starts: what
        // changes is that run landing, and its record wakes the planner (its expected landing too).
        const byPath = path.ms + SAFETY_SHARE * lag > floor(path) && margin(path) < MAX_MARGIN_SHARE * lag;
        const landing = path.waits && byPath ? this.firstLanding(walk) : Number.POSITIVE_INFINITY;
        this.wake(node, Number.isFinite(landing) ? landing : opens);
        if (walk.blockers.length === 0) this.deferred.set(node.index, { asset: node, required, cone: walk.cone, pending: walk.pending, readAsIs: walk.readAsIs, blockers: [] });
        return null;
      }
    }
    return { asset: node, required, cone: walk.cone, pending: walk.pending, readAsIs: walk.readAsIs, blockers: walk.blockers };
  }

  /**
   * The data time at which each member of a cone (all ancestors older than `required`) is read as
   * it is rather than refreshed. Reading X short by δ makes the policy's data time δ older, so its
   * next refresh of the whole cone comes δ earlier: δ / (required − eff) of a cone's worth of runs.
   * Refreshing X now costs X and its own ancestors in the cone. So X is read as it is while δ is at
   * most that share of the way, `(X and its cone ancestors) / (cone + 1)`, capped at
   * MAX_SLACK_SHARE: a deep intermediate with a long chain above it is rarely re-run for a few
   * minutes of data, a staging table next to its source is. (A fixed share of the lag for every
   * ancestor refreshed shallow ones too rarely and deep ones too often.)
   */
  private acceptance(cone: ReadonlySet<number>, required: Instant, eff: Instant): Map<number, Instant> {
    const above = new Map<number, Set<number>>();
    const out = new Map<number, Instant>();
    const runs = cone.size + 1;
    // Node indices are topological: a member's cone parents come first.
    for (const i of [...cone].sort((a, b) => a - b)) {
      const mine = new Set<number>([i]);
      for (const e of this.ctx.graph.node(i).parents) for (const j of above.get(e.parent) ?? []) mine.add(j);
      above.set(i, mine);
      out.set(i, required - Math.min(MAX_SLACK_SHARE, mine.size / runs) * (required - eff));
    }
    return out;
  }

  /**
   * The refresh cone of `node` for data time `required`, what it waits for, and what it cannot
   * get. With `readAbove`, an ancestor in flight whose current data time is newer than that is
   * read as it is rather than waited for; with `accept`, an ancestor at or above its own acceptance
   * is read as it is though older than `required`.
   */
  private walk(node: AssetNode, required: Instant, full: Instant, lag: number, readAbove: Instant | null, accept: ReadonlyMap<number, Instant> | null = null): Walk {
    const { ctx } = this;
    const cone = new Set<number>();
    const slack = new Set<number>();
    const pending = new Set<number>();
    const readAsIs = new Set<number>();
    const landings = new Map<number, Landing>();
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
        if (current !== null && current >= (accept?.get(parent.index) ?? required)) {
          if (current < full && refreshable(parent) && !ctx.history(parent).hasInFlight()) slack.add(parent.index);
          continue;
        }
        const blocker = this.blockerOf(node, parent, required, lag);
        if (blocker) blockers.push(blocker);
        else if (ctx.history(parent).hasInFlight()) {
          if (readAbove !== null && current !== null && current > readAbove) {
            readAsIs.add(parent.index);
            continue;
          }
          // Never requested twice: what reads it waits for it to land. If its run will not reach
          // the required data time it runs again after, so its own ancestors are walked too.
          const landing = this.landingOf(parent, required);
          pending.add(parent.index);
          landings.set(parent.index, landing);
          if (landing.again) stack.push(parent);
        } else join(parent);
      }
    }
    blockers.sort((a, b) => (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0));
    return { cone, slack, full, pending, readAsIs, landings, blockers };
  }

  private firstLanding(walk: Walk): Instant {
    let first = Number.POSITIVE_INFINITY;
    for (const l of walk.landings.values()) if (l.at > this.ctx.now) first = Math.min(first, l.at);
    return first;
  }

  /** When the run in flight lands `node`, and whether the data it read reaches `required`. */
  private landingOf(node: AssetNode, required: Instant): Landing {
    const { ctx } = this;
    const attempt = ctx.history(node).attempts.get(UNPARTITIONED);
    const run = attempt ? ctx.state.run(attempt.runId) : undefined;
    if (!run) return { at: ctx.now, unknown: true, again: false };
    const lands = this.landingIn(run, node);
    // Its sources are read at the run's start at the earliest: as of then, what will it hold?
    const dataTime = dataTimeAfterRun(ctx.graph, ctx.state, run, node, run.createdAt, ctx.now);
    return { at: lands.ms, unknown: lands.unknown, again: dataTime === null || dataTime < required };
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
