// A mutable map from integer indices to values, stored as sorted, disjoint, inclusive ranges
// that share one value. One materialization record that covers 50,000 partitions (a single-run
// backfill) is one entry; partitions materialized one by one degrade gracefully to one entry each.

import { IndexSet } from './index-set';

interface Segment<T> {
  start: number;
  end: number;
  value: T;
}

export class RangeMap<T> {
  private segments: Segment<T>[] = [];

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Index of the first segment whose end ≥ index. */
  private lowerBound(index: number): number {
    let lo = 0;
    let hi = this.segments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.segments[mid] as Segment<T>).end < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  get(index: number): T | undefined {
    if (this.segments.length === 1) {
      const only = this.segments[0] as Segment<T>;
      return only.start <= index && index <= only.end ? only.value : undefined;
    }
    const s = this.segments[this.lowerBound(index)];
    return s && s.start <= index ? s.value : undefined;
  }

  /** Sets [first, last] to `value`, replacing whatever was there. */
  set(first: number, last: number, value: T): void {
    if (first > last) return;
    // Fast path: appending after the last segment (partitions materialized in order).
    const tail = this.segments[this.segments.length - 1];
    if (!tail || tail.end < first) {
      this.segments.push({ start: first, end: last, value });
      return;
    }
    const i = this.lowerBound(first);
    let j = i;
    const replaced: Segment<T>[] = [];
    while (j < this.segments.length && (this.segments[j] as Segment<T>).start <= last) {
      replaced.push(this.segments[j] as Segment<T>);
      j++;
    }
    const inserted: Segment<T>[] = [];
    const head = replaced[0];
    if (head && head.start < first) inserted.push({ start: head.start, end: first - 1, value: head.value });
    inserted.push({ start: first, end: last, value });
    const end = replaced[replaced.length - 1];
    if (end && end.end > last) inserted.push({ start: last + 1, end: end.end, value: end.value });
    this.segments.splice(i, j - i, ...inserted);
  }

  /** Segments (clipped) overlapping [first, last], ascending. */
  *entriesIn(first: number, last: number): Iterable<{ start: number; end: number; value: T }> {
    for (let i = this.lowerBound(first); i < this.segments.length; i++) {
      const s = this.segments[i] as Segment<T>;
      if (s.start > last) return;
      yield { start: Math.max(s.start, first), end: Math.min(s.end, last), value: s.value };
    }
  }

  *entries(): Iterable<{ start: number; end: number; value: T }> {
    for (const s of this.segments) yield { start: s.start, end: s.end, value: s.value };
  }

  /** Every index that has a value. */
  keys(): IndexSet {
    return IndexSet.fromRanges(this.segments.map((s) => [s.start, s.end] as const));
  }

  /** Indices in `set` whose value satisfies `test`. */
  filter(set: IndexSet, test: (value: T) => boolean): IndexSet {
    const out: [number, number][] = [];
    for (const [a, b] of set.ranges()) {
      for (const e of this.entriesIn(a, b)) if (test(e.value)) out.push([e.start, e.end]);
    }
    return IndexSet.fromRanges(out);
  }

  /** Every stored value, once per range, in index order. */
  *values(): IterableIterator<T> {
    for (const s of this.segments) yield s.value;
  }

  clear(): void {
    this.segments = [];
  }
}
