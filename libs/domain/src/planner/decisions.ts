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

interface PendingRequest {
  readonly order: number;
  readonly ap: RequestedAssetPartition;
}

interface PendingRun {
  first: number;
  readonly key: string | null;
  readonly location: string;
  readonly aps: PendingRequest[];
}

const NO_PARTNERS: readonly string[] = [];

export function collectRequests(graph: AssetGraph, outcomes: readonly MemberOutcome[][]): RunRequest[] {
  // Group by (code location, partitions definition, partition key); runs ordered by their first asset.
  const runs: PendingRun[] = [];
  const byGroup = new Map<string, Map<string, Map<string | null, PendingRun>>>();
  for (const unit of outcomes) {
    for (const m of unit) {
      if (m.requested.isEmpty()) continue;
      const others = unit.length > 1 ? unit.filter((o) => o !== m) : [];
      const partners = others.length > 0 ? others.map((o) => o.node.key) : NO_PARTNERS;
      let byLocation = byGroup.get(m.node.codeLocation);
      if (!byLocation) byGroup.set(m.node.codeLocation, (byLocation = new Map<string, Map<string | null, PendingRun>>()));
      let byKey = byLocation.get(m.node.partitionsFingerprint);
      if (!byKey) byLocation.set(m.node.partitionsFingerprint, (byKey = new Map<string | null, PendingRun>()));
      for (const [first, last] of m.requested.ranges()) {
        for (let i = first; i <= last; i++) {
          const own = mergeDetails<MaterializeReason>(detailsAt(m.hits, i), MATERIALIZE_REASON_ORDER);
          const borrowed = own.length > 0 ? own : mergeDetails<MaterializeReason>(others.flatMap((o) => detailsAt(o.hits, i)), MATERIALIZE_REASON_ORDER);
          const partition = partitionKey(m.node, i);
          const p: PendingRequest = {
            order: m.node.index,
            ap: { asset: m.node.key, partition, reasons: borrowed.map((d) => d.reason), sentence: requestSentence(m.node.key, own, partners) },
          };
          let run = byKey.get(partition);
          if (!run) {
            run = { first: p.order, key: partition, location: m.node.codeLocation, aps: [] };
            byKey.set(partition, run);
            runs.push(run);
          }
          run.first = Math.min(run.first, p.order);
          run.aps.push(p);
        }
      }
    }
  }
  void graph;
  return runs
    .sort((a, b) => a.first - b.first || (a.key ?? '').localeCompare(b.key ?? '') || a.location.localeCompare(b.location))
    .map((r) => ({
      codeLocation: r.location,
      partitionKey: r.key,
      assetPartitions: r.aps.sort((a, b) => a.order - b.order).map((p) => p.ap),
    }));
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
