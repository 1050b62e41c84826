import fc from 'fast-check';
import { RangePartitionSet, partitionSetOfIndices } from './partition-set';
import type { PartitionSet } from './types';

// The naive reference: a sorted array of distinct indices.
const indexList = fc.uniqueArray(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }).map((xs) => [...xs].sort((a, b) => a - b));
const asSet = (xs: readonly number[]): PartitionSet => partitionSetOfIndices(xs);
const contents = (s: PartitionSet): number[] => [...s.indices()];
const RUNS = { numRuns: 300 };

describe('RangePartitionSet', () => {
  it('stores ranges, not keys', () => {
    const s = RangePartitionSet.range(0, 49_999).difference(partitionSetOfIndices([10, 11, 500]));
    expect(s.ranges()).toEqual([
      [0, 9],
      [12, 499],
      [501, 49_999],
    ]);
    expect(s.size).toBe(49_997);
    expect(s.first()).toBe(0);
    expect(s.last()).toBe(49_999);
    expect(s.hasIndex(11)).toBe(false);
    expect(s.hasIndex(12)).toBe(true);
  });

  it('normalizes indices and ranges given in any order', () => {
    expect(partitionSetOfIndices([5, 3, 4, 4, 9, 0]).ranges()).toEqual([
      [0, 0],
      [3, 5],
      [9, 9],
    ]);
    expect(
      RangePartitionSet.fromRanges([
        [7, 9],
        [0, 2],
        [3, 4],
        [8, 12],
        [20, 19],
      ]).ranges(),
    ).toEqual([
      [0, 4],
      [7, 12],
    ]);
    expect(RangePartitionSet.range(3, 2).isEmpty()).toBe(true);
    expect(() => partitionSetOfIndices([-1])).toThrow(RangeError);
    expect(() => partitionSetOfIndices([1.5])).toThrow(RangeError);
  });

  it('iterates ascending and descending', () => {
    const s = partitionSetOfIndices([1, 2, 3, 7]);
    expect([...s.indices()]).toEqual([1, 2, 3, 7]);
    expect([...s.indicesDescending()]).toEqual([7, 3, 2, 1]);
    expect(RangePartitionSet.EMPTY.first()).toBeNull();
    expect(RangePartitionSet.EMPTY.last()).toBeNull();
  });

  it('union, intersect and difference agree with the naive reference (property)', () => {
    fc.assert(
      fc.property(indexList, indexList, (a, b) => {
        const sa = asSet(a);
        const sb = asSet(b);
        const inB = new Set(b);
        expect(contents(sa.union(sb))).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
        expect(contents(sa.intersect(sb))).toEqual(a.filter((x) => inB.has(x)));
        expect(contents(sa.difference(sb))).toEqual(a.filter((x) => !inB.has(x)));
        expect(sa.union(sb).size).toBe(new Set([...a, ...b]).size);
        expect(sa.equals(asSet([...a].reverse()))).toBe(true);
        expect(sa.equals(sb)).toBe(a.join() === b.join());
      }),
      RUNS,
    );
  });

  it('keeps ranges normalized: sorted, disjoint, non-adjacent (property)', () => {
    fc.assert(
      fc.property(indexList, indexList, indexList, (a, b, c) => {
        for (const s of [asSet(a).union(asSet(b)).difference(asSet(c)), asSet(a).intersect(asSet(b)).union(asSet(c))]) {
          const ranges = s.ranges();
          ranges.forEach(([lo, hi], i) => {
            expect(lo).toBeLessThanOrEqual(hi);
            const next = ranges[i + 1];
            if (next !== undefined) expect(next[0]).toBeGreaterThan(hi + 1);
          });
        }
      }),
      RUNS,
    );
  });

  it('obeys the set algebra laws (property)', () => {
    fc.assert(
      fc.property(indexList, indexList, indexList, (a, b, c) => {
        const [x, y, z] = [asSet(a), asSet(b), asSet(c)];
        expect(x.union(y).equals(y.union(x))).toBe(true);
        expect(x.intersect(y).equals(y.intersect(x))).toBe(true);
        expect(x.union(y.union(z)).equals(x.union(y).union(z))).toBe(true);
        expect(x.intersect(y.union(z)).equals(x.intersect(y).union(x.intersect(z)))).toBe(true);
        expect(x.difference(y.union(z)).equals(x.difference(y).intersect(x.difference(z)))).toBe(true);
        expect(x.difference(y).union(x.intersect(y)).equals(x)).toBe(true);
        expect(x.union(x).equals(x)).toBe(true);
        expect(x.difference(x).isEmpty()).toBe(true);
        for (const i of [0, 7, 30, 60]) expect(x.hasIndex(i)).toBe(a.includes(i));
      }),
      RUNS,
    );
  });
});
