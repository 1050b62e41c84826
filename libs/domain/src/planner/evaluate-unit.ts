// One unit (an asset, or a non-subsettable multi-asset) through the rule engine: materialize
// rules give candidates, owed candidates are added back, skip rules hold some back, the rate
// limit discards the rest past the limit. Parents were decided earlier in the same tick.

import { IndexSet } from '../collections/index-set';
import type { OwedEntry } from '../cursor/cursor';
import type { AssetNode } from '../graph/asset-graph';
import type { MaterializationEntry } from '../state/asset-history';
import type { MaterializeRuleName, SkipRuleName } from '../specs/types';
import type { TickContext } from './context';
import { backfillHits, backfillParentsPending } from '../rules/backfill';
import { backfillInProgress } from '../rules/backfill-in-progress';
import { codeVersionChanged } from '../rules/code-version-changed';
import { cronHits, parentsNotUpdatedSince } from '../rules/cron';
import { freshnessDriven, freshnessGate, planFreshness } from '../rules/freshness';
import { missing } from '../rules/missing';
import { nonexistentParentPartitions } from '../rules/nonexistent-parent-partitions';
import { notAllParentsUpdated } from '../rules/not-all-parents-updated';
import { parentInProgress } from '../rules/parent-in-progress';
import { parentMissing } from '../rules/parent-missing';
import { parentOutdated } from '../rules/parent-outdated';
import { parentUpdated } from '../rules/parent-updated';
import { partitionsInScope } from '../rules/partition-scope';
import { recentFailure } from '../rules/recent-failure';
import { skipEach, type Hit, type MaterializeRule, type SkipHit, type SkipRule } from '../rules/rule';
import type { Instant } from '../partitions/types';


const MATERIALIZE_RULES: Readonly<Record<Exclude<MaterializeRuleName, 'freshness' | 'cron'>, MaterializeRule>> = {
  missing,
  parentUpdated,
  codeVersionChanged,
};

const SKIP_RULES: Readonly<Record<SkipRuleName, SkipRule>> = {
  parentInProgress,
  parentMissing,
  parentOutdated,
  nonexistentParentPartitions,
  notAllParentsUpdated,
  recentFailure,
  backfillInProgress,
};

const SKIP_ORDER: readonly SkipRuleName[] = [
  'parentInProgress',
  'parentMissing',
  'parentOutdated',
  'nonexistentParentPartitions',
  'notAllParentsUpdated',
  'recentFailure',
  'backfillInProgress',
];

/** Reasons whose owed candidates are re-injected next tick (the others are recomputed from state). */
const CARRIED = new Set(['parentUpdated', 'newSourceData', 'cron']);

export interface MemberOutcome {
  readonly node: AssetNode;
  readonly hits: readonly Hit[];
  readonly skips: readonly SkipHit[];
  readonly requested: IndexSet;
  readonly discarded: IndexSet;
  /** Candidates left owed (skipped or in flight). */
  readonly owed: readonly OwedEntry[];
  readonly notSelected: boolean;
  readonly wakeAt: Instant | null;
}

const NO_HITS: readonly Hit[] = [];

function owedHits(ctx: TickContext, node: AssetNode): readonly Hit[] {
  const entries = ctx.cursorAt(node.index)?.owed;
  if (!entries || entries.length === 0) return NO_HITS;
  const h = ctx.history(node);
  const hits: Hit[] = [];
  for (const e of entries) {
    if (!e.carry) continue;
    let set = IndexSet.fromRanges(e.ranges);
    // Settled by a materialization since it became owed, unless its input pointers show it read an
    // older version of a triggering parent than the parent's latest (a run in flight when the trigger
    // arrived read its inputs before it).
    set = set.difference(h.materializations.filter(set, (m) => m.storageId > e.since && !readOlderInput(ctx, m.inputs, e.assets)));
    if (set.isEmpty()) continue;
    for (const reason of e.reasons)
      hits.push({ partitions: set, reason, assets: e.assets, ...(e.cronTick !== undefined ? { cronTick: e.cronTick } : {}) });
  }
  return hits;
}

function readOlderInput(ctx: TickContext, inputs: MaterializationEntry['inputs'], parents: readonly string[] | undefined): boolean {
  for (const key of parents ?? []) {
    const parent = ctx.graph.get(key);
    const consumed = inputs[key]?.storageId;
    // Unpartitioned parents only: a partitioned parent's pointer is a digest over mapped partitions.
    if (!parent || parent.partitions || consumed === undefined || consumed === null) continue;
    if (consumed < ctx.state.lastUpdateIdAt(parent.index)) return true;
  }
  return false;
}

const EVENT_RULES = ['missing', 'parentUpdated', 'codeVersionChanged'] as const;

// Every evaluated asset asks which rules its policy turns on; the answer depends only on the
// policy, so it is worked out once per (shared, immutable) automation object, in rule order.
const eventRulesOf = new WeakMap<AssetNode['automation'], readonly MaterializeRule[]>();
const skipRulesOf = new WeakMap<AssetNode['automation'], readonly (readonly [SkipRuleName, SkipRule])[]>();

function eventRules(automation: AssetNode['automation']): readonly MaterializeRule[] {
  let rules = eventRulesOf.get(automation);
  if (!rules) {
    rules = EVENT_RULES.filter((name) => automation.materializeOn.has(name)).map((name) => MATERIALIZE_RULES[name]);
    eventRulesOf.set(automation, rules);
  }
  return rules;
}

function skipRules(automation: AssetNode['automation']): readonly (readonly [SkipRuleName, SkipRule])[] {
  let rules = skipRulesOf.get(automation);
  if (!rules) {
    rules = SKIP_ORDER.filter((name) => automation.skipOn.has(name)).map((name) => [name, SKIP_RULES[name]] as const);
    skipRulesOf.set(automation, rules);
  }
  return rules;
}

function pushAll<T>(into: T[], items: readonly T[]): void {
  for (const it of items) into.push(it);
}

function materializeHits(ctx: TickContext, node: AssetNode): { hits: Hit[]; wakeAt: Instant | null } {
  const on = node.automation.materializeOn;
  const hits: Hit[] = [];
  let wakeAt: Instant | null = null;
  if (node.kind !== 'materializable') return { hits, wakeAt };
  if (node.automation.policy !== 'none') {
    for (const rule of eventRules(node.automation)) pushAll(hits, rule(ctx, node));
    if (on.has('freshness')) {
      const plan = planFreshness(ctx, node);
      pushAll(hits, plan.hits);
      wakeAt = plan.wakeAt;
    }
    if (on.has('cron')) pushAll(hits, cronHits(ctx, node));
    pushAll(hits, owedHits(ctx, node));
  }
  const scoped = inPolicyScope(ctx, node, hits);
  pushAll(scoped, backfillHits(ctx, node));
  return { hits: scoped, wakeAt };
}

/**
 * Automation reconciles only the partitions inside the policy's `partitionScopeMinutes` (Dagster's
 * time-window partition scope): an old partition a parent update touches is a backfill's job, not
 * a candidate that would wait forever on parents nobody materializes. Backfill hits are added after.
 */
function inPolicyScope(ctx: TickContext, node: AssetNode, hits: Hit[]): Hit[] {
  if (node.automation.partitionScopeMinutes === null || !node.isTimePartitioned || hits.length === 0) return hits;
  const existing = ctx.existing(node);
  const out: Hit[] = [];
  for (const h of hits) {
    const partitions = partitionsInScope(node, existing, h.partitions);
    if (!partitions.isEmpty()) out.push(partitions === h.partitions ? h : { ...h, partitions });
  }
  return out;
}

function union(sets: Iterable<IndexSet>): IndexSet {
  let out = IndexSet.EMPTY;
  for (const s of sets) out = out.union(s);
  return out;
}

/** Partitions that only a backfill makes candidates of (`backfill` hits). */
function backfillPartitions(hits: readonly Hit[]): IndexSet {
  let out = IndexSet.EMPTY;
  for (const h of hits) if (h.reason === 'backfill') out = out.union(h.partitions);
  return out;
}

function skipsFor(ctx: TickContext, node: AssetNode, candidates: IndexSet, hits: readonly Hit[]): SkipHit[] {
  if (candidates.isEmpty()) return [];
  const out: SkipHit[] = [];
  const automatic = candidates.difference(backfillPartitions(hits));
  // A freshness-driven candidate is held back by its refresh cone instead of by outdated
  // ancestors: ancestors that satisfy the required data time, or run with it, do not hold it.
  const driven = freshnessDriven(ctx, node) ? automatic.intersect(ctx.existing(node)) : IndexSet.EMPTY;
  for (const [name, rule] of skipRules(node.automation)) {
    // Backfill partitions are exempt from recentFailure (backfillInProgress is sorted out by the caller).
    let scope = name === 'recentFailure' ? automatic : candidates;
    // The outdated-ancestor walk is the costly one: a candidate already held back by a missing or
    // in-flight parent is not walked too (same outcome, and the cheaper reason is the first cause).
    if (name === 'parentOutdated') {
      for (const held of out) scope = scope.difference(held.partitions);
      scope = scope.difference(driven);
    }
    pushAll(out, rule(ctx, node, scope, hits));
  }
  if (!driven.isEmpty()) for (const w of freshnessGate(ctx, node).waiting) out.push({ ...w, partitions: w.partitions.intersect(driven) });
  // A backfill runs parents first.
  const backfilled = candidates.difference(automatic);
  if (!backfilled.isEmpty())
    out.push(...skipEach(backfilled, 'parentOutdated', (i) => {
      const waiting = backfillParentsPending(ctx, node, i);
      return waiting.length > 0 ? waiting : null;
    }));
  // A cron candidate waits until every parent has updated since the tick.
  for (const hit of hits) {
    if (hit.reason !== 'cron' || hit.cronTick === undefined) continue;
    const tick = hit.cronTick;
    out.push(...skipEach(hit.partitions.intersect(candidates), 'notAllParentsUpdated', (i) => {
      const waiting = parentsNotUpdatedSince(ctx, node, i, tick);
      return waiting.length > 0 ? waiting : null;
    }));
  }
  return out;
}

function owedEntries(ctx: TickContext, hits: readonly Hit[], owedSet: IndexSet, isRoot: boolean): OwedEntry[] {
  const out: OwedEntry[] = [];
  for (const hit of hits) {
    const set = hit.partitions.intersect(owedSet);
    if (set.isEmpty()) continue;
    const carry = CARRIED.has(hit.reason) || (hit.reason === 'missing' && !isRoot);
    out.push({
      ranges: set.toJSON(),
      reasons: [hit.reason],
      assets: hit.assets,
      since: ctx.state.lastStorageId,
      carry,
      ...(hit.cronTick !== undefined ? { cronTick: hit.cronTick } : {}),
    });
  }
  return out;
}

function owedOf(ctx: TickContext, node: AssetNode, hits: readonly Hit[], owedSet: IndexSet, requested: IndexSet): OwedEntry[] {
  // With a retry delay, requested work stays owed until it lands, so a failure is retried.
  const retries = node.automation.retryAfterFailureMinutes !== null;
  const owed = owedEntries(ctx, hits, owedSet, node.isRoot);
  if (!retries) return owed;
  const out = owed.map((e) => ({ ...e, carry: true }));
  for (const e of owedEntries(ctx, hits, requested, node.isRoot)) out.push({ ...e, carry: true });
  return out;
}

/**
 * evaluateUnit for a unit of one asset (nearly every unit): the same steps without the
 * per-member bookkeeping, since the tick runs it for every candidate asset.
 */
function evaluateSingle(ctx: TickContext, node: AssetNode): MemberOutcome {
  const { hits, wakeAt } = materializeHits(ctx, node);
  let hit = IndexSet.EMPTY;
  for (const h of hits) hit = hit.union(h.partitions);
  const candidates = hit.intersect(ctx.existing(node));
  if (candidates.isEmpty()) return { node, hits: [], skips: [], requested: IndexSet.EMPTY, discarded: IndexSet.EMPTY, owed: [], notSelected: false, wakeAt };

  const backfillOnly = backfillPartitions(hits);
  const unselected = node.selected ? IndexSet.EMPTY : candidates.difference(backfillOnly);
  const inFlight = ctx.history(node).inFlight().intersect(candidates);
  const open = candidates.difference(inFlight).difference(unselected);
  const rawSkips = skipsFor(ctx, node, candidates.difference(unselected), hits);
  let heldByOthers = IndexSet.EMPTY;
  for (const h of rawSkips) if (h.reason !== 'backfillInProgress') heldByOthers = heldByOthers.union(h.partitions);
  const skips: SkipHit[] = [];
  let skipped = IndexSet.EMPTY;
  for (const raw of rawSkips) {
    const h = raw.reason === 'backfillInProgress' ? { ...raw, partitions: raw.partitions.difference(backfillOnly.difference(heldByOthers)) } : raw;
    if (h.partitions.isEmpty()) continue;
    skips.push(h);
    skipped = skipped.union(h.partitions);
  }
  let requested = open.difference(skipped);

  let discarded = IndexSet.EMPTY;
  const limit = node.automation.maxPerTick;
  if (limit !== null) {
    const limited = requested.difference(backfillOnly);
    const { rest } = node.selfEdge ? limited.takeOldest(limit) : limited.takeNewest(limit);
    discarded = rest;
    requested = requested.difference(rest);
  }

  ctx.setRequested(node.index, requested);
  if (!inFlight.isEmpty()) skips.push({ partitions: inFlight, reason: 'inProgress', assets: [] });
  if (!unselected.isEmpty()) skips.push({ partitions: unselected, reason: 'notSelected', assets: [] });
  if (!discarded.isEmpty()) skips.push({ partitions: discarded, reason: 'rateLimited', assets: [] });
  const owedSet = candidates.difference(requested).difference(discarded).difference(unselected);
  return { node, hits, skips, requested, discarded, owed: owedOf(ctx, node, hits, owedSet, requested), notSelected: !unselected.isEmpty(), wakeAt };
}

/** Evaluates a unit; records its requests in the tick context. */
export function evaluateUnit(ctx: TickContext, members: readonly AssetNode[]): MemberOutcome[] {
  if (members.length === 1) return [evaluateSingle(ctx, members[0] as AssetNode)];
  const perMember = members.map((node) => ({ node, ...materializeHits(ctx, node) }));
  const candidates = union(perMember.flatMap((m) => m.hits.map((h) => h.partitions))).intersect(
    union(members.map((m) => ctx.existing(m))),
  );
  const leader = members[0] as AssetNode;
  if (candidates.isEmpty())
    return perMember.map((m) => ({ node: m.node, hits: [], skips: [], requested: IndexSet.EMPTY, discarded: IndexSet.EMPTY, owed: [], notSelected: false, wakeAt: m.wakeAt }));

  const backfillOnly = union(perMember.flatMap((m) => m.hits.filter((h) => h.reason === 'backfill').map((h) => h.partitions)));
  const unselected = members.some((m) => !m.selected) ? candidates.difference(backfillOnly) : IndexSet.EMPTY;
  const inFlight = union(members.map((m) => ctx.history(m).inFlight())).intersect(candidates);
  const open = candidates.difference(inFlight).difference(unselected);
  // Skip rules also look at in-flight candidates, so every reason that holds is reported.
  const rawSkips = perMember.map((m) => skipsFor(ctx, m.node, candidates.difference(unselected), m.hits));
  // A backfill's own partitions are not held back by the backfill itself; it is reported only
  // when something else holds them back too (the automation part of the candidate waits for it).
  const heldByOthers = union(rawSkips.flatMap((s) => s.filter((h) => h.reason !== 'backfillInProgress').map((h) => h.partitions)));
  const skipsByMember = rawSkips.map((s) =>
    s
      .map((h) => (h.reason === 'backfillInProgress' ? { ...h, partitions: h.partitions.difference(backfillOnly.difference(heldByOthers)) } : h))
      .filter((h) => !h.partitions.isEmpty()),
  );
  const skipped = union(skipsByMember.flatMap((s) => s.map((h) => h.partitions)));
  let requested = open.difference(skipped);

  // Per-tick rate limit: newest partitions first (oldest first for self-dependent assets).
  let discarded = IndexSet.EMPTY;
  const limit = leader.automation.maxPerTick;
  if (limit !== null) {
    const limited = requested.difference(backfillOnly);
    const { rest } = leader.selfEdge ? limited.takeOldest(limit) : limited.takeNewest(limit);
    discarded = rest;
    requested = requested.difference(rest);
  }

  return perMember.map((m, i) => {
    ctx.setRequested(m.node.index, requested);
    const skips: SkipHit[] = [...(skipsByMember[i] ?? [])];
    if (!inFlight.isEmpty()) skips.push({ partitions: inFlight, reason: 'inProgress', assets: [] });
    if (!unselected.isEmpty()) skips.push({ partitions: unselected, reason: 'notSelected', assets: [] });
    if (!discarded.isEmpty()) skips.push({ partitions: discarded, reason: 'rateLimited', assets: [] });
    const owedSet = candidates.difference(requested).difference(discarded).difference(unselected);
    return {
      node: m.node,
      hits: m.hits,
      skips,
      requested,
      discarded,
      owed: owedOf(ctx, m.node, m.hits, owedSet, requested),
      notSelected: !unselected.isEmpty(),
      wakeAt: m.wakeAt,
    };
  });
}
