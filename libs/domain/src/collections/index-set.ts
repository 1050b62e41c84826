// A compact, immutable set of non-negative integers stored as sorted, disjoint, inclusive
// ranges. The planner keeps every per-asset partition set in this form, so 50,000 hourly
// partitions materialized by a few backfills cost a few numbers, not 50,000 entries.

export type IndexRange = readonly [number, number];

export class IndexSet {
  static readonly EMPTY = new IndexSet([]);

  private constructor(private readonly rangesSorted: readonly IndexRange[]) {}

  /** Ranges must be inclusive; they may overlap or touch and come in any order. */
  static fromRanges(ranges: Iterable<IndexRange>): IndexSet {
    const list = [...ranges].filter(([a, b]) => a <= b);
    list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const merged: [number, number][] = [];
    for (const [a, b] of list) {
      const last = merged[merged.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    return merged.length === 0 ? IndexSet.EMPTY : new IndexSet(merged);
  }

  static fromIndices(indices: Iterable<number>): IndexSet {
    if (Array.isArray(indices) && indices.length <= 1) return indices.length === 0 ? IndexSet.EMPTY : IndexSet.single(indices[0] as number);
    const sorted = [...indices].sort((a, b) => a - b);
    const ranges: [number, number][] = [];
    for (const i of sorted) {
      const last = ranges[ranges.length - 1];
      if (last && i <= last[1] + 1) last[1] = Math.max(last[1], i);
      else ranges.push([i, i]);
    }
    return ranges.length === 0 ? IndexSet.EMPTY : new IndexSet(ranges);
  }

  static single(index: number): IndexSet {
    // Index 0 is every unpartitioned asset's only partition: share one instance.
    return index === 0 ? ZERO : new IndexSet([[index, index]]);
  }

  /** Both sets are one range each: [a0, a1] and [b0, b1]. */
  private static oneRange(a: IndexSet, b: IndexSet): boolean {
    return a.rangesSorted.length === 1 && b.rangesSorted.length === 1;
  }

  static range(first: number, last: number): IndexSet {
    return first > last ? IndexSet.EMPTY : new IndexSet([[first, last]]);
  }

  get size(): number {
    let n = 0;
    for (const [a, b] of this.rangesSorted) n += b - a + 1;
    return n;
  }

  isEmpty(): boolean {
    return this.rangesSorted.length === 0;
  }

  ranges(): readonly IndexRange[] {
    return this.rangesSorted;
  }

  has(index: number): boolean {
    let lo = 0;
    let hi = this.rangesSorted.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = this.rangesSorted[mid] as IndexRange;
      if (index < r[0]) hi = mid - 1;
      else if (index > r[1]) lo = mid + 1;
      else return true;
    }
    return false;
  }

  first(): number | null {
    return this.rangesSorted[0]?.[0] ?? null;
  }

  last(): number | null {
    return this.rangesSorted[this.rangesSorted.length - 1]?.[1] ?? null;
  }

  *ascending(): Iterable<number> {
    for (const [a, b] of this.rangesSorted) for (let i = a; i <= b; i++) yield i;
  }

  *descending(): Iterable<number> {
    for (let r = this.rangesSorted.length - 1; r >= 0; r--) {
      const [a, b] = this.rangesSorted[r] as IndexRange;
      for (let i = b; i >= a; i--) yield i;
    }
  }

  union(other: IndexSet): IndexSet {
    if (other.isEmpty() || other === this) return this;
    if (this.isEmpty()) return other;
    if (IndexSet.oneRange(this, other)) {
      const [a0, a1] = this.rangesSorted[0] as IndexRange;
      const [b0, b1] = other.rangesSorted[0] as IndexRange;
      if (a0 <= b0 && b1 <= a1) return this;
      if (b0 <= a0 && a1 <= b1) return other;
    }
    return IndexSet.fromRanges([...this.rangesSorted, ...other.rangesSorted]);
  }

  intersect(other: IndexSet): IndexSet {
    if (other === this) return this;
    if (this.isEmpty() || other.isEmpty()) return IndexSet.EMPTY;
    if (IndexSet.oneRange(this, other)) {
      const [a0, a1] = this.rangesSorted[0] as IndexRange;
      const [b0, b1] = other.rangesSorted[0] as IndexRange;
      if (b0 <= a0 && a1 <= b1) return this;
      if (a0 <= b0 && b1 <= a1) return other;
    }
    const out: [number, number][] = [];
    let i = 0;
    let j = 0;
    const a = this.rangesSorted;
    const b = other.rangesSorted;
    while (i < a.length && j < b.length) {
      const x = a[i] as IndexRange;
      const y = b[j] as IndexRange;
      const lo = Math.max(x[0], y[0]);
      const hi = Math.min(x[1], y[1]);
      if (lo <= hi) out.push([lo, hi]);
      if (x[1] < y[1]) i++;
      else j++;
    }
    return out.length === 0 ? IndexSet.EMPTY : new IndexSet(out);
  }

  difference(other: IndexSet): IndexSet {
    if (other.isEmpty() || this.isEmpty()) return this;
    if (other === this) return IndexSet.EMPTY;
    if (IndexSet.oneRange(this, other)) {
      const [a0, a1] = this.rangesSorted[0] as IndexRange;
      const [b0, b1] = other.rangesSorted[0] as IndexRange;
      if (b0 <= a0 && a1 <= b1) return IndexSet.EMPTY;
      if (b1 < a0 || a1 < b0) return this;
    }
    const out: [number, number][] = [];
    let j = 0;
    const b = other.rangesSorted;
    for (const [start, end] of this.rangesSorted) {
      let lo = start;
      while (j < b.length && (b[j] as IndexRange)[1] < lo) j++;
      let k = j;
      while (lo <= end) {
        const cut = b[k];
        if (!cut || cut[0] > end) {
          out.push([lo, end]);
          break;
        }
        if (cut[0] > lo) out.push([lo, cut[0] - 1]);
        lo = Math.max(lo, cut[1] + 1);
        k++;
      }
    }
    return out.length === 0 ? IndexSet.EMPTY : new IndexSet(out);
  }

  equals(other: IndexSet): boolean {
    const a = this.rangesSorted;
    const b = other.rangesSorted;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as IndexRange;
      const y = b[i] as IndexRange;
      if (x[0] !== y[0] || x[1] !== y[1]) return false;
    }
    return true;
  }

  /** The newest `n` indices (highest first); the rest are returned as `rest`. */
  takeNewest(n: number): { taken: IndexSet; rest: IndexSet } {
    return this.take(n, true);
  }

  /** The oldest `n` indices (lowest first); the rest are returned as `rest`. */
  takeOldest(n: number): { taken: IndexSet; rest: IndexSet } {
    return this.take(n, false);
  }

  private take(n: number, newest: boolean): { taken: IndexSet; rest: IndexSet } {
    if (n >= this.size) return { taken: this, rest: IndexSet.EMPTY };
    if (n <= 0) return { taken: IndexSet.EMPTY, rest: this };
    const out: [number, number][] = [];
    let left = n;
    const order = newest ? [...this.rangesSorted].reverse() : this.rangesSorted;
    for (const [a, b] of order) {
      if (left <= 0) break;
      const len = b - a + 1;
      if (len <= left) {
        out.push([a, b]);
        left -= len;
      } else {
        out.push(newest ? [b - left + 1, b] : [a, a + left - 1]);
        left = 0;
      }
    }
    const taken = IndexSet.fromRanges(out);
    return { taken, rest: this.difference(taken) };
  }

  toJSON(): IndexRange[] {
    return this.rangesSorted.map(([a, b]) => [a, b] as const);
  }
}

const ZERO: IndexSet = IndexSet.range(0, 0);
