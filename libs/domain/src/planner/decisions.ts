// Turns unit outcomes into the tick's decisions: requested asset partitions grouped into runs,
// skipped candidates grouped by reasons, and discards; each with reasons and a sentence.

import type { IndexSet } from '../collections/index-set';
import type { AssetGraph } from '../graph/asset-graph';
import { partitionKey } from '../graph/partition-edges';
import type { MemberOutcome } from './evaluate-unit';
import type { Hit, SkipHit } from '../rules/rule';
import { discardSentence, requestSentence, skipSentence, type ReasonDetail } from './sentences';
import {
  MATERIALIZE_REASON_ORDER,
  SKIP_REASON_ORDER,
  type DiscardedDecision,
  type MaterializeReason,
  type RequestedAssetPartition,
  type RunRequest,
  type SkipReason,
  type SkippedDecision,
} from './types';

function mergeDetails<R extends string>(items: readonly { reason: R; assets: readonly string[] }[], order: readonly R[]): ReasonDetail<R>[] {
  const byReason = new Map<R, Set<string>>();
  for (const it of items) {
    const s = byReason.get(it.reason) ?? new Set<string>();
    for (const a of it.assets) s.add(a);
    byReason.set(it.reason, s);
  }
  return order
    .filter((r) => byReason.has(r))
    .map((reason) => ({ reason, assets: [...(byReason.get(reason) ?? [])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) }));
}

function detailsAt<T extends Hit | SkipHit>(items: readonly T[], index: number): T[] {
  return items.filter((h) => h.partitions.has(index));
}

interface PendingRequest {
  readonly order: number;
  readonly index: number;
  readonly codeLocation: string;
  readonly fingerprint: string;
  readonly ap: RequestedAssetPartition;
}

export function collectRequests(graph: AssetGraph, outcomes: readonly MemberOutcome[][]): RunRequest[] {
  const pending: PendingRequest[] = [];
  for (const unit of outcomes) {
    for (const m of unit) {
      for (const i of m.requested.ascending()) {
        const own = mergeDetails<MaterializeReason>(detailsAt(m.hits, i), MATERIALIZE_REASON_ORDER);
        const others = unit.filter((o) => o !== m);
        const partners = others.map((o) => o.node.key);
        const borrowed = own.length > 0 ? own : mergeDetails<MaterializeReason>(others.flatMap((o) => detailsAt(o.hits, i)), MATERIALIZE_REASON_ORDER);
        pending.push({
          order: m.node.index,
          index: i,
          codeLocation: m.node.codeLocation,
          fingerprint: m.node.partitionsFingerprint,
          ap: {
            asset: m.node.key,
            partition: partitionKey(m.node, i),
            reasons: borrowed.map((d) => d.reason),
            sentence: own.length > 0 ? requestSentence(m.node.key, own, partners) : requestSentence(m.node.key, [], partners),
          },
        });
      }
    }
  }
  // Group by (code location, partitions definition, partition key); runs ordered by their first asset.
  const runs = new Map<string, { first: number; key: string | null; location: string; aps: PendingRequest[] }>();
  for (const p of pending) {
    const id = JSON.stringify([p.codeLocation, p.fingerprint, p.ap.partition]);
    const run = runs.get(id) ?? { first: p.order, key: p.ap.partition, location: p.codeLocation, aps: [] };
    run.first = Math.min(run.first, p.order);
    run.aps.push(p);
    runs.set(id, run);
  }
  void graph;
  return [...runs.values()]
    .sort((a, b) => a.first - b.first || (a.key ?? '').localeCompare(b.key ?? '') || a.location.localeCompare(b.location))
    .map((r) => ({
      codeLocation: r.location,
      partitionKey: r.key,
      assetPartitions: [...r.aps].sort((a, b) => a.order - b.order).map((p) => p.ap),
    }));
}

function keysOf(m: MemberOutcome, set: IndexSet): string[] | null {
  if (!m.node.partitions) return null;
  return [...set.ascending()].map((i) => partitionKey(m.node, i) ?? String(i));
}

export function collectSkips(outcomes: readonly MemberOutcome[][]): SkippedDecision[] {
  const out: SkippedDecision[] = [];
  for (const unit of outcomes) {
    for (const m of unit) {
      if (m.skips.length === 0) continue;
      // Group skipped partitions by their full explanation.
      const groups = new Map<string, { indices: number[]; skips: ReasonDetail<SkipReason>[]; cand: ReasonDetail<MaterializeReason>[] }>();
      let all: IndexSet | null = null;
      for (const s of m.skips) all = all ? all.union(s.partitions) : s.partitions;
      for (const i of (all as IndexSet).ascending()) {
        const skips = mergeDetails<SkipReason>(detailsAt(m.skips, i), SKIP_REASON_ORDER);
        const cand = mergeDetails<MaterializeReason>(detailsAt(m.hits, i), MATERIALIZE_REASON_ORDER);
        const key = JSON.stringify([skips, cand]);
        const g = groups.get(key) ?? { indices: [], skips, cand };
        g.indices.push(i);
        groups.set(key, g);
      }
      for (const g of groups.values()) {
        out.push({
          asset: m.node.key,
          partitions: m.node.partitions ? g.indices.map((i) => partitionKey(m.node, i) ?? String(i)) : null,
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
        out.push({ asset: m.node.key, partitions: keysOf(m, m.discarded), sentence: discardSentence(m.node.key, m.discarded.size, m.node.automation.maxPerTick) });
  return out;
}
