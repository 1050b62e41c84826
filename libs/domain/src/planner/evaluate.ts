// The tick function: evaluate(graph, state, cursor, now) → decisions. Pure and deterministic
// (same input ⇒ same output, same order); it never performs anything. Incremental: only assets
// touched by new records, their children, owed candidates, due wake-ups, unhandled roots and
// children of this tick's requests are evaluated; `full` evaluates every asset and must agree.

import { IndexSet } from '../collections/index-set';
import { alignCursor, decodeCursor, handledSet, type AssetCursor, type PlannerCursor } from '../cursor/cursor';
import { checkAssetViolations } from '../freshness/violations';
import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import { partitionKey } from '../graph/partition-edges';
import type { Instant } from '../partitions/types';
import type { PlannerState } from '../state/planner-state';
import { stalenessOf, stalenessSignature } from '../versions/staleness';
import { TickContext } from './context';
import { collectDiscards, collectRequests, collectSkips } from './decisions';
import { evaluateUnit, type MemberOutcome } from './evaluate-unit';
import { nextCronTick } from '../rules/cron';
import { expectedIfMaterialized } from '../rules/freshness';
import { refreshPlanOf } from '../freshness/refresh-plan';
import type { StalenessChange, TickResult, Violation, ViolationChange } from './types';

export interface EvaluateOptions {
  /** Evaluate every asset instead of only what changed (same decisions, slower). */
  readonly full?: boolean;
}

const MINUTE_MS = 60_000;
/**
 * Staleness is re-evaluated for at most this many partitions of an asset per tick, newest first:
 * a cold start or a backfill of 50,000 partitions must not stall the tick. The rest are reported
 * when they are touched again (`freshet status` computes any partition on demand).
 */
const MAX_STALENESS_PARTITIONS_PER_TICK = 100;

/** The earlier of two optional instants (two arguments, not a rest array: called per asset per tick). */
function earlier(a: Instant | null | undefined, b: Instant | null | undefined): Instant | null {
  if (a === null || a === undefined) return b ?? null;
  return b === null || b === undefined || a <= b ? a : b;
}

function rootNeedsMissingCheck(ctx: TickContext, node: AssetNode): boolean {
  if (!node.isRoot || node.kind !== 'materializable' || !node.automation.materializeOn.has('missing')) return false;
  if (!node.partitions) return ctx.state.unpartitionedMaterializationIdAt(node.index) === 0 && !ctx.cursorAt(node.index)?.handled;
  return !ctx.existing(node).difference(ctx.history(node).materialized()).difference(handledSet(ctx.cursorAt(node.index))).isEmpty();
}

function markDirty(ctx: TickContext, all: boolean): Uint8Array {
  const { graph, state } = ctx;
  const dirty = new Uint8Array(graph.nodes.length);
  const { childStart, childIndex } = graph;
  for (const node of graph.nodes) {
    if (state.historyAt(node.index).lastTouchedStorageId <= ctx.since) continue;
    ctx.touched[node.index] = 1;
    // Its own inputs and its children's moved: their staleness is looked at again.
    ctx.inputsTouched[node.index] = 1;
    for (let k = childStart[node.index] as number, end = childStart[node.index + 1] as number; k < end; k++) ctx.inputsTouched[childIndex[k] as number] = 1;
  }
  if (all) return dirty.fill(1);
  for (const node of graph.nodes) {
    if (ctx.touched[node.index]) {
      dirty[node.index] = 1;
      for (const e of node.children) dirty[e.child] = 1;
    }
    const ac = ctx.cursorAt(node.index);
    if ((ac?.owed && ac.owed.length > 0) || ac?.recheck) dirty[node.index] = 1;
    if (ac?.wakeAt !== undefined && ac.wakeAt <= ctx.now) dirty[node.index] = 1;
    if (!dirty[node.index] && rootNeedsMissingCheck(ctx, node)) dirty[node.index] = 1;
  }
  for (const b of state.activeBackfills()) for (const key of b.targets.keys()) {
    const n = graph.get(key);
    if (n) dirty[n.index] = 1;
  }
  return dirty;
}

/** When a new partition of a time-partitioned asset comes into existence. */
function nextPartitionAppears(node: AssetNode, now: Instant): Instant | null {
  if (!node.partitions || !node.isTimePartitioned) return null;
  const spec = node.spec.partitions;
  const endOffset = spec && spec.kind !== 'static' ? (spec.endOffset ?? 0) : 0;
  const w = node.partitions.windowAt(node.partitions.countAt(now) - endOffset);
  return w && w.end > now ? w.end : null;
}

function retryWake(ctx: TickContext, node: AssetNode): Instant | null {
  const minutes = node.automation.retryAfterFailureMinutes;
  if (minutes === null) return null;
  let out: Instant | null = null;
  for (const e of ctx.history(node).attempts.entries()) {
    if (e.value.status !== 'failed') continue;
    const t = e.value.timestamp + minutes * MINUTE_MS;
    if (t > ctx.now && (out === null || t < out)) out = t;
  }
  return out;
}

function planningWake(ctx: TickContext, node: AssetNode, outcome: MemberOutcome | undefined): Instant | null {
  if (node.kind !== 'materializable') return null;
  const root = node.isRoot && node.automation.materializeOn.has('missing') ? nextPartitionAppears(node, ctx.now) : null;
  return earlier(earlier(outcome?.wakeAt, nextCronTick(node, ctx.now)), earlier(root, retryWake(ctx, node)));
}

const NO_FLAGS = new Uint8Array(0);

function hasMoreThanFingerprint(entry: AssetCursor): boolean {
  for (const key in entry) if (key !== 'partitionsFingerprint') return true;
  return false;
}

/** By node index: downstream of (or) an observable source observed since the last tick. */
function descendantsOfTouchedSources(ctx: TickContext): Uint8Array {
  const sources: number[] = [];
  for (const n of ctx.graph.nodes) if (n.kind === 'observableSource' && ctx.touched[n.index]) sources.push(n.index);
  if (sources.length === 0) return NO_FLAGS;
  const flags = new Uint8Array(ctx.graph.nodes.length);
  for (const i of ctx.graph.descendantsOf(sources)) flags[i] = 1;
  return flags;
}

function stalenessScope(ctx: TickContext, node: AssetNode): IndexSet {
  const h = ctx.history(node);
  const materialized = h.materialized();
  if (materialized.isEmpty()) return IndexSet.EMPTY;
  if (!node.partitions) return ctx.inputsTouched[node.index] === 1 ? materialized : IndexSet.EMPTY;
  let scope = ctx.updatedSince(node.index);
  for (const e of node.parents) scope = scope.union(ctx.downstreamOfUpdates(e));
  return scope.intersect(materialized).takeNewest(MAX_STALENESS_PARTITIONS_PER_TICK).taken;
}

/**
 * The latest tick's context, kept until the next tick. V8 forgets the hidden class of objects
 * once none is alive, and with it the optimized code of every function that reads them: a
 * tick's context is garbage as soon as the tick returns, so a garbage collection between two
 * ticks would discard the planner's optimized code and the next tick would run several times
 * slower while it is recompiled. One live instance keeps the class, and the code, alive.
 */
const kept: { context: TickContext | null } = { context: null };

/**
 * Cursors this function returned, with the graph they were made for and their entries by node
 * index: handed back as they are (the simulator, a planner that keeps its cursor in memory),
 * they need neither alignment nor a key lookup per asset. Cursors are immutable.
 */
const produced = new WeakMap<PlannerCursor, { readonly graph: AssetGraph; readonly entries: readonly (AssetCursor | undefined)[] }>();

export function evaluate(
  graph: AssetGraph,
  state: PlannerState,
  cursorInput: PlannerCursor | null | undefined,
  now: Instant,
  options: EvaluateOptions = {},
): TickResult {
  if (state.graph !== graph) throw new Error('the state is bound to other definitions: call state.rebind(graph) first');
  const decoded = decodeCursor(cursorInput);
  const known = produced.get(decoded);
  const ours = known !== undefined && known.graph === graph;
  const cursor = ours ? decoded : alignCursor(decoded, graph);
  const ctx = new TickContext(graph, state, cursor, now, ours ? known.entries : undefined);
  kept.context = ctx;
  const dirty = markDirty(ctx, options.full === true || cursor.lastTickAt === null);
  // Assets whose policy needs a refresh now, with their refresh cones (and moved wake-ups).
  for (const i of refreshPlanOf(ctx).touched) dirty[i] = 1;

  const outcomes: MemberOutcome[][] = [];
  const byIndex = new Array<MemberOutcome | undefined>(graph.nodes.length);
  const { childStart, childIndex } = graph;
  let evaluatedAssets = 0;
  for (const members of graph.units) {
    let anyDirty = false;
    for (const m of members) if (dirty[m.index]) anyDirty = true;
    if (!anyDirty) continue;
    evaluatedAssets += members.length;
    const unit = evaluateUnit(ctx, members);
    outcomes.push(unit);
    for (const o of unit) {
      byIndex[o.node.index] = o;
      if (o.requested.isEmpty()) continue;
      for (let k = childStart[o.node.index] as number, end = childStart[o.node.index + 1] as number; k < end; k++) dirty[childIndex[k] as number] = 1;
      if (!o.node.partitions) ctx.setExpected(o.node.index, expectedIfMaterialized(ctx, o.node));
    }
  }

  // Freshness violations, as of now (before this tick's requests run).
  const sourceDescendants = descendantsOfTouchedSources(ctx);
  const violations: Violation[] = [];
  const violationChanges: ViolationChange[] = [];
  const assets: Record<string, AssetCursor> = {};
  const entries = new Array<AssetCursor | undefined>(graph.nodes.length);
  const stalenessChanges: StalenessChange[] = [];
  let nextWakeAt: Instant | null = null;

  for (const node of graph.nodes) {
    const prev = ctx.cursorAt(node.index);
    const outcome = byIndex[node.index];
    const violationDue = node.freshness !== null && (prev?.violation !== undefined || (prev?.violationWakeAt !== undefined && prev.violationWakeAt <= now) || sourceDescendants[node.index] === 1);
    // Untouched this tick: the cursor entry carries over as it is.
    if (!dirty[node.index] && !outcome && !violationDue) {
      if (prev) {
        assets[node.key] = prev;
        entries[node.index] = prev;
        nextWakeAt = earlier(nextWakeAt, earlier(prev.wakeAt, prev.violationWakeAt));
      }
      continue;
    }
    const next: { -readonly [K in keyof AssetCursor]: AssetCursor[K] } = { partitionsFingerprint: node.partitionsFingerprint };

    // Handled roots and owed work.
    if (outcome && node.isRoot && !(outcome.requested.isEmpty() && outcome.discarded.isEmpty())) {
      const handled = handledSet(prev).union(outcome.requested).union(outcome.discarded);
      next.handled = handled.toJSON();
    } else if (prev?.handled) next.handled = prev.handled;
    const owed = outcome ? outcome.owed : prev?.owed;
    if (owed && owed.length > 0) next.owed = owed;
    if (outcome ? outcome.hits.length > 0 : prev?.recheck) next.recheck = true;
    const wake = outcome || dirty[node.index] ? planningWake(ctx, node, outcome) : (prev?.wakeAt ?? null);
    if (wake !== null) next.wakeAt = wake;

    // Violations: re-checked whenever data time or the deadline may have moved.
    if (node.freshness) {
      if (dirty[node.index] || violationDue) {
        const check = checkAssetViolations(node, state, prev?.violation, now);
        violations.push(...check.current);
        violationChanges.push(...check.changes);
        if (check.state) next.violation = check.state;
        if (check.wakeAt !== null) next.violationWakeAt = check.wakeAt;
      } else {
        if (prev?.violation) next.violation = prev.violation;
        if (prev?.violationWakeAt !== undefined) next.violationWakeAt = prev.violationWakeAt;
      }
    }

    // Staleness changes of the partitions whose inputs or records moved.
    let stale: Record<string, string> | undefined = prev?.staleness;
    const scope = node.kind === 'materializable' && dirty[node.index] ? stalenessScope(ctx, node) : IndexSet.EMPTY;
    if (!scope.isEmpty()) {
      const h = ctx.history(node);
      stale = { ...(prev?.staleness ?? {}) };
      for (const i of scope.ascending()) {
        const status = stalenessOf(graph, state, node, i, now);
        const signature = stalenessSignature(status);
        const key = partitionKey(node, i);
        const slot = key ?? '';
        const firstId = h.firstMaterialized.get(i) ?? 0;
        const before = stale[slot] ?? (firstId <= ctx.since ? 'fresh' : 'missing');
        if (signature !== before) stalenessChanges.push({ asset: node.key, partition: key, status });
        if (signature === 'fresh') delete stale[slot];
        else stale[slot] = signature;
      }
    }
    if (stale && Object.keys(stale).length > 0) next.staleness = stale;

    nextWakeAt = earlier(nextWakeAt, earlier(next.wakeAt, next.violationWakeAt));
    // Kept only when it says more than the fingerprint.
    if (hasMoreThanFingerprint(next)) {
      assets[node.key] = next;
      entries[node.index] = next;
    }
  }

  const runs = collectRequests(graph, outcomes);
  // The context stays alive until the next tick (see `kept`), without what it memoized.
  ctx.releaseMemos();
  const nextCursor: PlannerCursor = { version: 1, lastStorageId: Math.max(state.lastStorageId, cursor.lastStorageId), lastTickAt: now, assets };
  produced.set(nextCursor, { graph, entries });
  return {
    runs,
    skipped: collectSkips(outcomes),
    discarded: collectDiscards(outcomes),
    stalenessChanges,
    violationChanges,
    violations,
    cursor: nextCursor,
    nextWakeAt,
    evaluatedAssets,
  };
}
