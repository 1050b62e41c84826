// Turns unit outcomes into the tick's decisions: requested asset partitions grouped into runs,
// skipped candidates grouped by reasons, and discards; each with reasons and a sentence.

import { IndexSet } from '../collections/index-set';
import type { AssetGraph } from '../graph/asset-graph';
import { partitionKey } from '../graph/partition-edges';
import type { MemberOutcome } from './evaluate-unit';
import type { Hit, SkipHit } from '../rules/rule';
import { discardSentence, requestSentence, skipSentence, type ReasonDetail } from './sentences';
import {
  MATERIALIZE_REASON_ORDER,
  SKIP_REASON_ORDER,
  MAX_LISTED_PARTITIONS,
  type DiscardedDecision,
  type MaterializeReason,
  type PartitionKeyRange,
  type RequestedAssetPartition,
  type RunRequest,
  type SkipReason,
  type SkippedDecision,
} from './types';

const byKey = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Strictly ascending (so already sorted and unique)? */
function isStrictlyAscending(keys: readonly string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (!((keys[i - 1] as string) < (keys[i] as string))) return false;
  return true;
}

function mergeDetails<R extends string>(items: readonly { reason: R; assets: readonly string[] }[], order: readonly R[]): ReasonDetail<R>[] {
  // One item (the usual request: one reason): nothing to merge.
  if (items.length === 1) {
    const only = items[0] as { reason: R; assets: readonly string[] };
    // Details only feed sentences and grouping keys: an already sorted list is used as it is.
    if (order.includes(only.reason)) return [{ reason: only.reason, assets: isStrictlyAscending(only.assets) ? only.assets : [...new Set(only.assets)].sort(byKey) }];
  }
  const byReason = new Map<R, Set<string>>();
  for (const it of items) {
    const s = byReason.get(it.reason) ?? new Set<string>();
    for (const a of it.assets) s.add(a);
    byReason.set(it.reason, s);
  }
  return order
    .filter((r) => byReason.has(r))
    .map((reason) => ({ reason, assets: [...(byReason.get(reason) ?? [])].sort(byKey) }));
}

function detailsAt<T extends Hit | SkipHit>(items: readonly T[], index: number): readonly T[] {
  // Usually every item covers the partition (always, for an unpartitioned asset): no copy then.
  for (const h of items) if (!h.partitions.has(index)) return items.filter((x) => x.partitions.has(index));
  return items;
}

interface PendingRun {
  first: number;
  readonly key: string | null;
  readonly location: string;
  readonly aps: RequestedAssetPartition[];
  /** Node index of each request in `aps`: the dependency order a worker runs them in. */
  readonly orders: number[];
  /** `orders` ascending so far (the usual case: units come in topological order), so no sort. */
  inOrder: boolean;
}

const NO_PARTNERS: readonly string[] = [];

/** One frozen `[reason]` per reason: most requests have exactly one, and the list is read-only. */
const SINGLE_REASONS = new Map<MaterializeReason, readonly MaterializeReason[]>(MATERIALIZE_REASON_ORDER.map((r) => [r, Object.freeze([r])]));

/**
 * The hits explaining a request of partition `index` as reason details. The usual request has
 * one hit whose assets are sorted already: the hit is its own detail (no merge, no copy).
 */
function requestDetails(hits: readonly Hit[], index: number): readonly ReasonDetail<MaterializeReason>[] {
  const items = detailsAt(hits, index);
  if (items.length === 1 && isStrictlyAscending((items[0] as Hit).assets)) return items;
  return mergeDetails<MaterializeReason>(items, MATERIALIZE_REASON_ORDER);
}

function reasonsOf(details: readonly ReasonDetail<MaterializeReason>[]): readonly MaterializeReason[] {
  if (details.length === 1) return SINGLE_REASONS.get((details[0] as ReasonDetail<MaterializeReason>).reason) ?? [(details[0] as ReasonDetail<MaterializeReason>).reason];
  return details.map((d) => d.reason);
}

export function collectRequests(graph: AssetGraph, outcomes: readonly MemberOutcome[][]): RunRequest[] {
  // Group by (code location, partitions definition, partition key); runs ordered by their first asset.
  const runs: PendingRun[] = [];
  const byGroup = new Map<string, Map<string, Map<string | null, PendingRun>>>();
  for (const unit of outcomes) {
    for (const m of unit) {
      if (m.requested.isEmpty()) continue;
      const node = m.node;
      const others = unit.length > 1 ? unit.filter((o) => o !== m) : [];
      const partners = others.length > 0 ? others.map((o) => o.node.key) : NO_PARTNERS;
      let byLocation = byGroup.get(node.codeLocation);
      if (!byLocation) byGroup.set(node.codeLocation, (byLocation = new Map<string, Map<string | null, PendingRun>>()));
      let byKey = byLocation.get(node.partitionsFingerprint);
      if (!byKey) byLocation.set(node.partitionsFingerprint, (byKey = new Map<string | null, PendingRun>()));
      for (const range of m.requested.ranges()) {
        for (let i = range[0]; i <= range[1]; i++) {
          const own = requestDetails(m.hits, i);
          const borrowed = own.length > 0 ? own : mergeDetails<MaterializeReason>(others.flatMap((o) => detailsAt(o.hits, i)), MATERIALIZE_REASON_ORDER);
          const partition = partitionKey(node, i);
          let run = byKey.get(partition);
          if (!run) {
            run = { first: node.index, key: partition, location: node.codeLocation, aps: [], orders: [], inOrder: true };
            byKey.set(partition, run);
            runs.push(run);
          }
          if (node.index < run.first) run.first = node.index;
          if (run.orders.length > 0 && node.index < (run.orders[run.orders.length - 1] as number)) run.inOrder = false;
          run.orders.push(node.index);
          run.aps.push({ asset: node.key, partition, reasons: reasonsOf(borrowed), sentence: requestSentence(node.key, own, partners) });
        }
      }
    }
  }
  void graph;
  return runs
    .sort((a, b) => a.first - b.first || (a.key ?? '').localeCompare(b.key ?? '') || a.location.localeCompare(b.location))
    .map((r) => ({ codeLocation: r.location, partitionKey: r.key, assetPartitions: r.inOrder ? r.aps : inDependencyOrder(r) }));
}

/** The run's requests by node index (stable: a node's partitions keep their order). */
function inDependencyOrder(r: PendingRun): RequestedAssetPartition[] {
  const positions = r.aps.map((_, k) => k).sort((a, b) => (r.orders[a] as number) - (r.orders[b] as number));
  return positions.map((k) => r.aps[k] as RequestedAssetPartition);
}

interface PartitionListing {
  readonly partitions: readonly string[] | null;
  readonly partitionRanges: readonly PartitionKeyRange[] | null;
  readonly partitionCount: number;
}

function listing(m: MemberOutcome, set: IndexSet): PartitionListing {
  if (!m.node.partitions) return { partitions: null, partitionRanges: null, partitionCount: 1 };
  const key = (i: number): string => partitionKey(m.node, i) ?? String(i);
  const listed = set.size > MAX_LISTED_PARTITIONS ? set.takeNewest(MAX_LISTED_PARTITIONS).taken : set;
  return {
    partitions: [...listed.ascending()].map(key),
    partitionRanges: set.ranges().map(([a, b]) => ({ first: key(a), last: key(b), count: b - a + 1 })),
    partitionCount: set.size,
  };
}

/** Splits the union of `sets` into maximal segments on which every set is constant. */
function elementarySegments(sets: readonly IndexSet[]): [number, number][] {
  const cuts: number[] = [];
  let all = IndexSet.EMPTY;
  for (const s of sets) {
    all = all.union(s);
    for (const [a, b] of s.ranges()) cuts.push(a, b + 1);
  }
  cuts.sort((x, y) => x - y);
  const out: [number, number][] = [];
  let c = 0;
  for (const [a, b] of all.ranges()) {
    let start = a;
    while (c < cuts.length && (cuts[c] as number) <= start) c++;
    while (start <= b) {
      const cut = c < cuts.length ? (cuts[c] as number) : Infinity;
      const end = Math.min(b, cut - 1);
      out.push([start, end]);
      start = end + 1;
      while (c < cuts.length && (cuts[c] as number) <= start) c++;
    }
  }
  return out;
}

export function collectSkips(outcomes: readonly MemberOutcome[][]): SkippedDecision[] {
  const out: SkippedDecision[] = [];
  for (const unit of outcomes) {
    for (const m of unit) {
      if (m.skips.length === 0) continue;
      // Group skipped partitions by their full explanation, segment by segment (a segment of
      // 50,000 discarded partitions is one step, not 50,000).
      const groups = new Map<string, { ranges: [number, number][]; skips: ReasonDetail<SkipReason>[]; cand: ReasonDetail<MaterializeReason>[] }>();
      const skipSets = m.skips.map((s) => s.partitions);
      for (const [a, b] of elementarySegments([...skipSets, ...m.hits.map((h) => h.partitions)])) {
        const skips = mergeDetails<SkipReason>(detailsAt(m.skips, a), SKIP_REASON_ORDER);
        if (skips.length === 0) continue;
        const cand = mergeDetails<MaterializeReason>(detailsAt(m.hits, a), MATERIALIZE_REASON_ORDER);
        const key = JSON.stringify([skips, cand]);
        const g = groups.get(key) ?? { ranges: [], skips, cand };
        g.ranges.push([a, b]);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        out.push({
          asset: m.node.key,
          ...listing(m, IndexSet.fromRanges(g.ranges)),
          reasons: g.skips.map((d) => d.reason),
          candidateReasons: g.cand.map((d) => d.reason),
          sentence: skipSentence(m.node.key, g.skips, g.cand),
        });
      }
    }
  }
  return out;
}

export function collectDiscards(outcomes: readonly MemberOutcome[][]): DiscardedDecision[] {
  const out: DiscardedDecision[] = [];
  for (const unit of outcomes)
    for (const m of unit)
      if (!m.discarded.isEmpty())
        out.push({ asset: m.node.key, ...listing(m, m.discarded), sentence: discardSentence(m.node.key, m.discarded.size, m.node.automation.maxPerTick) });
  return out;
}
