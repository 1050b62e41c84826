// PartitionSet as sorted, disjoint, non-adjacent inclusive index ranges. Set operations merge
// the two range lists in one pass (O(ranges)), so 50,000 hourly partitions with a few holes
// cost a few numbers.

import type { PartitionSet } from './types';

type Range = readonly [number, number];

export class RangePartitionSet implements PartitionSet {
  readonly size: number;

  /** Use `partitionSetOf*` helpers; `ranges` must already be normalized. */
  private constructor(private readonly normalized: readonly Range[]) {
    let size = 0;
    for (const [a, b] of normalized) size += b - a + 1;
    this.size = size;
  }

  static readonly EMPTY = new RangePartitionSet([]);

  /** Trusted constructor for ranges known to be sorted, disjoint and non-adjacent. */
  static fromNormalized(ranges: readonly Range[]): RangePartitionSet {
    return ranges.length === 0 ? RangePartitionSet.EMPTY : new RangePartitionSet(ranges);
  }

  /** Any inclusive ranges, in any order, overlapping or not; empty ranges (a > b) are dropped. */
  static fromRanges(ranges: Iterable<readonly [number, number]>): RangePartitionSet {
    const list: Range[] = [];
    for (const [a, b] of ranges) {
      assertIndex(a);
      assertIndex(b);
      if (a <= b) list.push([a, b]);
    }
    list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    return RangePartitionSet.fromNormalized(mergeSorted(list));
  }

  static fromIndices(indices: Iterable<number>): RangePartitionSet {
    const sorted = [...indices];
    for (const i of sorted) assertIndex(i);
    sorted.sort((a, b) => a - b);
    const ranges: Range[] = [];
    let start = -1;
    let end = -2;
    for (const i of sorted) {
      if (i <= end + 1) {
        if (i > end) end = i;
        continue;
      }
      if (end >= start && start >= 0) ranges.push([start, end]);
      start = i;
      end = i;
    }
    if (start >= 0 && end >= start) ranges.push([start, end]);
    return RangePartitionSet.fromNormalized(ranges);
  }

  static range(first: number, last: number): RangePartitionSet {
    assertIndex(first);
    assertIndex(last);
    return first > last ? RangePartitionSet.EMPTY : new RangePartitionSet([[first, last]]);
  }

  isEmpty(): boolean {
    return this.normalized.length === 0;
  }

  hasIndex(index: number): boolean {
    let lo = 0;
    let hi = this.normalized.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.normalized[mid] as Range;
      if (index < a) hi = mid - 1;
      else if (index > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  *indices(): Generator<number> {
    for (const [a, b] of this.normalized) for (let i = a; i <= b; i += 1) yield i;
  }

  *indicesDescending(): Generator<number> {
    for (let r = this.normalized.length - 1; r >= 0; r -= 1) {
      const [a, b] = this.normalized[r] as Range;
      for (let i = b; i >= a; i -= 1) yield i;
    }
  }

  ranges(): readonly Range[] {
    return this.normalized;
  }

  union(other: PartitionSet): PartitionSet {
    const b = other.ranges();
    if (b.length === 0) return this;
    if (this.normalized.length === 0) return asRangeSet(other);
    const merged: Range[] = [];
    let i = 0;
    let j = 0;
    while (i < this.normalized.length || j < b.length) {
      const x = this.normalized[i];
      const y = b[j];
      let next: Range;
      if (y === undefined || (x !== undefined && x[0] <= y[0])) {
        next = x as Range;
        i += 1;
      } else {
        next = y;
        j += 1;
      }
      const last = merged[merged.length - 1];
      if (last !== undefined && next[0] <= last[1] + 1) {
        if (next[1] > last[1]) merged[merged.length - 1] = [last[0], next[1]];
      } else {
        merged.push(next);
      }
    }
    return RangePartitionSet.fromNormalized(merged);
  }

  intersect(other: PartitionSet): PartitionSet {
    const b = other.ranges();
    const out: Range[] = [];
    let i = 0;
    let j = 0;
    while (i < this.normalized.length && j < b.length) {
      const [a0, a1] = this.normalized[i] as Range;
      const [b0, b1] = b[j] as Range;
      const lo = Math.max(a0, b0);
      const hi = Math.min(a1, b1);
      if (lo <= hi) out.push([lo, hi]);
      if (a1 < b1) i += 1;
      else j += 1;
    }
    return RangePartitionSet.fromNormalized(out);
  }

  difference(other: PartitionSet): PartitionSet {
    const b = other.ranges();
    if (b.length === 0 || this.normalized.length === 0) return this;
    const out: Range[] = [];
    let j = 0;
    for (const [a0, a1] of this.normalized) {
      let start = a0;
      while (j < b.length && (b[j] as Range)[1] < start) j += 1;
      let k = j;
      while (k < b.length && (b[k] as Range)[0] <= a1) {
        const [b0, b1] = b[k] as Range;
        if (b0 > start) out.push([start, b0 - 1]);
        start = Math.max(start, b1 + 1);
        if (b1 >= a1) break;
        k += 1;
      }
      if (start <= a1) out.push([start, a1]);
    }
    return RangePartitionSet.fromNormalized(out);
  }

  equals(other: PartitionSet): boolean {
    const b = other.ranges();
    if (b.length !== this.normalized.length || other.size !== this.size) return false;
    for (let i = 0; i < b.length; i += 1) {
      const x = this.normalized[i] as Range;
      const y = b[i] as Range;
      if (x[0] !== y[0] || x[1] !== y[1]) return false;
    }
    return true;
  }

  first(): number | null {
    return this.normalized[0]?.[0] ?? null;
  }

  last(): number | null {
    return this.normalized[this.normalized.length - 1]?.[1] ?? null;
  }

  toString(): string {
    return `{${this.normalized.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',')}}`;
  }
}

function mergeSorted(sorted: readonly Range[]): Range[] {
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && r[0] <= last[1] + 1) {
      if (r[1] > last[1]) out[out.length - 1] = [last[0], r[1]];
    } else {
      out.push(r);
    }
  }
  return out;
}

function assertIndex(i: number): void {
  if (!Number.isSafeInteger(i) || i < 0) throw new RangeError(`partition index ${i} is not a non-negative integer`);
}

/** Another implementation's set as ours (ranges are normalized by contract). */
function asRangeSet(set: PartitionSet): RangePartitionSet {
  return set instanceof RangePartitionSet ? set : RangePartitionSet.fromRanges(set.ranges());
}

export const emptyPartitionSet = (): PartitionSet => RangePartitionSet.EMPTY;
export const partitionRange = (first: number, last: number): PartitionSet => RangePartitionSet.range(first, last);
export const partitionSetOfIndices = (indices: Iterable<number>): PartitionSet => RangePartitionSet.fromIndices(indices);
export const partitionSetOfRanges = (ranges: Iterable<readonly [number, number]>): PartitionSet =>
  RangePartitionSet.fromRanges(ranges);
