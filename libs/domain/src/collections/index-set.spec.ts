// IndexSet laws against a plain Set<number> reference, and RangeMap segment behaviour.

import fc from 'fast-check';
import { IndexSet } from './index-set';
import { RangeMap } from './range-map';

const setArb = fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 8 })), { maxLength: 6 }).map((rs) =>
  IndexSet.fromRanges(rs.map(([a, len]) => [a, a + len] as const)),
);
const toSet = (s: IndexSet): Set<number> => new Set(s.ascending());
const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

describe('IndexSet', () => {
  it('union, intersect and difference agree with Set<number>', () => {
    fc.assert(
      fc.property(setArb, setArb, (a, b) => {
        const x = toSet(a);
        const y = toSet(b);
        expect([...a.union(b).ascending()]).toEqual(sorted(new Set([...x, ...y])));
        expect([...a.intersect(b).ascending()]).toEqual(sorted(new Set([...x].filter((i) => y.has(i)))));
        expect([...a.difference(b).ascending()]).toEqual(sorted(new Set([...x].filter((i) => !y.has(i)))));
        expect(a.size).toBe(x.size);
        for (let i = 0; i < 70; i++) expect(a.has(i)).toBe(x.has(i));
      }),
      { numRuns: 300 },
    );
  });

  it('takes the newest or oldest n', () => {
    const s = IndexSet.fromIndices([1, 2, 3, 7, 8, 20]);
    expect([...s.takeNewest(3).taken.ascending()]).toEqual([7, 8, 20]);
    expect([...s.takeNewest(3).rest.ascending()]).toEqual([1, 2, 3]);
    expect([...s.takeOldest(4).taken.ascending()]).toEqual([1, 2, 3, 7]);
    expect([...s.descending()]).toEqual([20, 8, 7, 3, 2, 1]);
  });
});

describe('RangeMap', () => {
  it('splits and replaces segments, and agrees with a plain map', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 5 })), { maxLength: 20 }), (ops) => {
        const m = new RangeMap<number>();
        const ref = new Map<number, number>();
        for (const [a, len, v] of ops) {
          m.set(a, a + len, v);
          for (let i = a; i <= a + len; i++) ref.set(i, v);
        }
        for (let i = 0; i < 55; i++) expect(m.get(i)).toBe(ref.get(i));
        expect([...m.keys().ascending()]).toEqual([...ref.keys()].sort((x, y) => x - y));
      }),
      { numRuns: 300 },
    );
  });
});
