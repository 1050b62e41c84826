// The shape of a rule. A materialize rule names candidate partitions with a reason; a skip rule
// names candidates to hold back with a reason. Both name the assets involved, for the sentence.

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import type { MaterializeReason, SkipReason } from '../planner/types';

export interface Hit {
  readonly partitions: IndexSet;
  readonly reason: MaterializeReason;
  readonly assets: readonly string[];
  /** The cron tick a `cron` hit answers (its parents must have updated since). */
  readonly cronTick?: Instant;
}

export interface SkipHit {
  readonly partitions: IndexSet;
  readonly reason: SkipReason;
  readonly assets: readonly string[];
}

export type MaterializeRule = (ctx: TickContext, node: AssetNode) => readonly Hit[];
export type SkipRule = (ctx: TickContext, node: AssetNode, candidates: IndexSet, hits: readonly Hit[]) => readonly SkipHit[];

/**
 * What a rule returns when nothing holds: shared, since most rules find nothing for most assets
 * on most ticks (an incremental tick asks every rule about ~1,000 assets). Read-only.
 */
export const NO_HITS: readonly Hit[] = [];
export const NO_SKIPS: readonly SkipHit[] = [];

/** Runs `test` on each candidate partition; groups the held-back ones by the assets named. */
export function skipEach(candidates: IndexSet, reason: SkipReason, test: (index: number) => readonly string[] | null): readonly SkipHit[] {
  if (candidates.isEmpty()) return NO_SKIPS;
  if (candidates.size === 1) {
    const only = candidates.first() as number;
    const assets = test(only);
    return assets ? [{ partitions: candidates, reason, assets }] : NO_SKIPS;
  }
  const groups = new Map<string, { assets: readonly string[]; indices: number[] }>();
  for (const i of candidates.ascending()) {
    const assets = test(i);
    if (!assets) continue;
    const key = assets.join('\u0000');
    const g = groups.get(key) ?? { assets, indices: [] };
    g.indices.push(i);
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => ({ partitions: IndexSet.fromIndices(g.indices), reason, assets: g.assets }))
    .sort((a, b) => (a.partitions.first() ?? 0) - (b.partitions.first() ?? 0));
}

export function sortedUnique(keys: Iterable<string>): string[] {
  if (Array.isArray(keys)) {
    const list = keys as string[];
    if (list.length <= 1) return list;
    // Keys usually come in parent order (sorted already): check before copying and sorting.
    let ascending = true;
    for (let i = 1; i < list.length && ascending; i++) ascending = (list[i - 1] as string) < (list[i] as string);
    if (ascending) return list;
  }
  return [...new Set(keys)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
