// Smoke test of the planner benchmark: scaled-down graphs, to keep the generators and cases
// compiling and correct. No timings are asserted (speed is the benchmark's job).

import { buildAssetGraph, parseInstant } from '@freshet/domain';
import { DAILY_FROM_2020, HOURLY_FROM_2020, layeredPartitionedGraph, randomUnpartitionedGraph } from './planner-graphs';
import { runPartitionedCase, runUnpartitionedCase } from './planner-cases';

const small = { assets: 60, roots: 15, maxParents: 5, seed: 42 };
const layered = {
  layers: [4, 6, 6, 4],
  parents: [0, 2, 3, 2],
  partitions: [HOURLY_FROM_2020, HOURLY_FROM_2020, DAILY_FROM_2020, DAILY_FROM_2020],
  seed: 7,
};

describe('planner benchmark graphs', () => {
  it('builds the same random graph from the same seed, with parents only among earlier assets', () => {
    const specs = randomUnpartitionedGraph(small);
    expect(randomUnpartitionedGraph(small)).toEqual(specs);
    expect(specs).toHaveLength(60);
    specs.forEach((s, i) => {
      const deps = (s.deps ?? []) as string[];
      if (i < 15) expect(deps).toHaveLength(0);
      else {
        expect(deps.length).toBeGreaterThanOrEqual(1);
        expect(deps.length).toBeLessThanOrEqual(5);
        for (const d of deps) expect(d < s.key).toBe(true);
      }
    });
    expect(() => buildAssetGraph(specs)).not.toThrow();
  });

  it('builds layers with the asked parent counts from the previous layer', () => {
    const specs = layeredPartitionedGraph(layered);
    expect(specs).toHaveLength(20);
    const layerOf = (key: string): number => Number(key.slice(1, key.indexOf('_')));
    for (const s of specs) {
      const layer = layerOf(s.key);
      const deps = (s.deps ?? []) as string[];
      expect(deps).toHaveLength(layered.parents[layer - 1] ?? -1);
      for (const d of deps) expect(layerOf(d)).toBe(layer - 1);
      expect(s.partitions?.kind).toBe(layer <= 2 ? 'hourly' : 'daily');
    }
  });
});

describe('planner benchmark cases (scaled down)', () => {
  it('(a) cold ticks request every missing asset; an incremental tick requests the root’s descendants', () => {
    const r = runUnpartitionedCase(randomUnpartitionedGraph(small), parseInstant('2024-01-01T00:00:00Z'), { cold: 2, incremental: 3 });
    expect(r.coldEmpty.map((s) => s.requested)).toEqual([60, 60]);
    expect(r.coldWithHistory.map((s) => s.requested)).toEqual([0, 0]);
    expect(r.incremental).toHaveLength(3);
    for (const s of r.incremental) {
      expect(s.requested).toBeGreaterThan(0);
      expect(s.evaluatedAssets).toBeLessThan(60);
    }
  });

  it('(b) a cold tick requests the newest partition of each root and its same-run hourly children', () => {
    const r = runPartitionedCase(layeredPartitionedGraph(layered), parseInstant('2020-01-03T00:00:00Z'), { cold: 1, incremental: 2 });
    // 4 hourly roots (rate limit: newest partition only) + their 6 hourly children in the same run.
    expect(r.coldEmpty[0]?.requested).toBe(10);
    expect(r.incremental.map((s) => s.evaluatedAssets)).toEqual([20, 20]);
    for (const s of r.incremental) expect(s.requested).toBeGreaterThan(0);
    expect(r.peakRssBytes).toBeGreaterThan(0);
  });
});
