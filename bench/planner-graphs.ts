// Deterministic graphs shaped like Dagster's asset-daemon perf tests, for the planner benchmark.

import type { AssetSpec, PartitionsSpec } from '@freshet/domain';
import { Prng } from './lib/prng';

export interface RandomGraphOptions {
  readonly assets: number;
  /** The first `roots` assets have no parents. */
  readonly roots: number;
  readonly maxParents: number;
  readonly seed: number;
}

/** (a) unpartitioned assets, each non-root with 1–maxParents random earlier parents. */
export function randomUnpartitionedGraph(o: RandomGraphOptions): AssetSpec[] {
  const rng = new Prng(o.seed);
  const keys = Array.from({ length: o.assets }, (_, i) => `asset_${String(i).padStart(5, '0')}`);
  return keys.map((key, i) => {
    if (i < o.roots) return { key, codeVersion: '1' };
    const earlier = keys.slice(0, i);
    return { key, codeVersion: '1', deps: rng.sample(earlier, rng.int(1, o.maxParents)) };
  });
}

export interface LayeredGraphOptions {
  /** Assets per layer. */
  readonly layers: readonly number[];
  /** Parents per asset in each layer (from the previous layer). */
  readonly parents: readonly number[];
  /** Partitions of each layer. */
  readonly partitions: readonly PartitionsSpec[];
  readonly seed: number;
}

/** (b) layered partitioned assets; each asset's parents are random assets of the previous layer. */
export function layeredPartitionedGraph(o: LayeredGraphOptions): AssetSpec[] {
  const rng = new Prng(o.seed);
  const specs: AssetSpec[] = [];
  let previous: string[] = [];
  o.layers.forEach((size, layer) => {
    const keys = Array.from({ length: size }, (_, i) => `l${layer + 1}_${String(i).padStart(4, '0')}`);
    const partitions = o.partitions[layer];
    const parentCount = o.parents[layer] ?? 0;
    for (const key of keys)
      specs.push({
        key,
        codeVersion: '1',
        ...(partitions ? { partitions } : {}),
        ...(parentCount > 0 ? { deps: rng.sample(previous, parentCount) } : {}),
      });
    previous = keys;
  });
  return specs;
}

export const HOURLY_FROM_2020: PartitionsSpec = { kind: 'hourly', start: '2020-01-01-00:00' };
export const DAILY_FROM_2020: PartitionsSpec = { kind: 'daily', start: '2020-01-01' };

/** The shapes the benchmark measures (scaled down by the smoke test). */
export const GRAPH_A: RandomGraphOptions = { assets: 2000, roots: 500, maxParents: 20, seed: 0xa11ce };
export const GRAPH_B: LayeredGraphOptions = {
  layers: [100, 200, 200, 200, 200, 100],
  parents: [0, 2, 4, 4, 2, 2],
  partitions: [HOURLY_FROM_2020, HOURLY_FROM_2020, HOURLY_FROM_2020, DAILY_FROM_2020, DAILY_FROM_2020, DAILY_FROM_2020],
  seed: 0xb0b,
};
