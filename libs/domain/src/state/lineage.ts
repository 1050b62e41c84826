// Lineage: what a materialization's data time is made of, computed once when the record is
// applied so data time never walks history again. `fixed` is the min over the time-only
// contributions (root materialization times, partitioned parents' prefix ends); `sources` are the
// observable-source observations consumed, whose contribution depends on `now` (reference §1.2).

import type { Instant } from '../partitions/types';

export interface Lineage {
  /** null: some root data is missing (unknown); undefined: no contribution at all. */
  readonly fixed: Instant | null | undefined;
  /** [source asset key, storage id of the observation consumed], sorted by key. */
  readonly sources: readonly (readonly [string, number])[];
}

export const EMPTY_LINEAGE: Lineage = { fixed: undefined, sources: [] };
export const MISSING_LINEAGE: Lineage = { fixed: null, sources: [] };

export function rootLineage(timestamp: Instant): Lineage {
  return { fixed: timestamp, sources: [] };
}

/** Per root: null dominates, else the minimum (reference §1.2, collapsed). */
export function mergeLineages(parts: readonly Lineage[]): Lineage {
  let fixed: Instant | null | undefined = undefined;
  const sources = new Map<string, number>();
  for (const p of parts) {
    if (p.fixed === null || fixed === null) fixed = null;
    else if (p.fixed !== undefined) fixed = fixed === undefined ? p.fixed : Math.min(fixed, p.fixed);
    for (const [k, sid] of p.sources) sources.set(k, Math.min(sources.get(k) ?? Infinity, sid));
  }
  return {
    fixed,
    sources: [...sources].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
  };
}
