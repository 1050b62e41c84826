// Source change traces: when each source's data changes. A source's data version changes at each
// listed instant; the observer records an observation at that instant.

import { type Prng } from '../lib/prng';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type SourceCadence = 'every5min' | 'hourly' | 'daily';

/** The change instants of one source, ascending. */
export class SourceTimeline {
  constructor(
    readonly key: string,
    readonly cadence: SourceCadence,
    readonly changes: readonly number[],
  ) {}

  /** Index of the latest change at or before t (-1 if none). */
  latestIndexAtOrBefore(t: number): number {
    let lo = 0;
    let hi = this.changes.length - 1;
    let at = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.changes[mid] as number) <= t) {
        at = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return at;
  }

  /**
   * Data time of a read at t: the data is complete up to the next change after t (the version
   * read stays the newest until then). Infinity if the trace has no later change.
   */
  nextChangeAfter(t: number): number {
    return this.changes[this.latestIndexAtOrBefore(t) + 1] ?? Number.POSITIVE_INFINITY;
  }

  versionAt(t: number): string {
    return `v${this.latestIndexAtOrBefore(t)}`;
  }
}

/**
 * Changes from one day before `from` to one day after `to`: every 5 minutes (at a per-source
 * offset), once an hour at a random minute, or once a day at a random time.
 */
export function makeTimeline(key: string, cadence: SourceCadence, from: number, to: number, rng: Prng): SourceTimeline {
  const changes: number[] = [];
  const begin = from - DAY;
  const end = to + DAY;
  if (cadence === 'every5min') {
    const offset = rng.int(0, 299) * 1000;
    for (let t = begin + offset; t <= end; t += 5 * MINUTE) changes.push(t);
  } else {
    const period = cadence === 'hourly' ? HOUR : DAY;
    for (let p = begin; p < end; p += period) changes.push(p + rng.int(0, period / MINUTE - 1) * MINUTE + rng.int(0, 59) * 1000);
  }
  return new SourceTimeline(key, cadence, changes);
}
