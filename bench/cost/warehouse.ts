// A 50-asset warehouse for the cost benchmark: observable sources that change every 5 minutes,
// hourly or daily; staging, intermediate and mart layers; compute durations of 1–20 minutes; and
// a mix of freshness policies (30 minutes to a daily 9:00 cron) on the marts and a few
// intermediates. Seeded, so every run simulates the same warehouse.

import type { AssetSpec, AutomationSpec, FreshnessPolicySpec } from '@freshet/domain';
import { Prng } from '../lib/prng';
import { makeTimeline, MINUTE, type SourceCadence, type SourceTimeline } from './trace';

export interface WarehouseAsset {
  readonly key: string;
  /** Parent keys (sources or assets). */
  readonly deps: readonly string[];
  readonly durationMs: number;
  readonly freshness: FreshnessPolicySpec | null;
  /** Longest source-to-asset path of compute durations (this asset included). */
  readonly criticalPathMs: number;
}

export interface Warehouse {
  readonly sources: readonly SourceTimeline[];
  /** In dependency order. */
  readonly assets: readonly WarehouseAsset[];
  readonly from: number;
  readonly to: number;
}

export interface WarehouseOptions {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
  readonly sources: Readonly<Record<SourceCadence, number>>;
  readonly intermediates: number;
  readonly marts: number;
  /** How many intermediates also carry a policy (queried directly). */
  readonly intermediatePolicies: number;
  /** Scales every compute duration (1 = as drawn; 0 = instantaneous compute). */
  readonly durationScale?: number;
}

export const WAREHOUSE: Omit<WarehouseOptions, 'from' | 'to'> = {
  seed: 2024,
  sources: { every5min: 4, hourly: 4, daily: 4 },
  intermediates: 18,
  marts: 20,
  intermediatePolicies: 3,
};

const NINE_AM = '0 9 * * *';
/** Policy menu, tightest first: a drawn policy too tight for the asset's pipeline moves down it. */
const POLICIES: readonly FreshnessPolicySpec[] = [
  { maximumLagMinutes: 30 },
  { maximumLagMinutes: 60 },
  { maximumLagMinutes: 120 },
  { maximumLagMinutes: 240 },
  { maximumLagMinutes: 360 },
  { maximumLagMinutes: 720 },
  { maximumLagMinutes: 60, cronSchedule: NINE_AM, cronTimezone: 'UTC' },
  { maximumLagMinutes: 540, cronSchedule: NINE_AM, cronTimezone: 'UTC' },
];

/**
 * A policy a data team could sign up to: the lag is at least twice the asset's critical path
 * (else the next looser policy of the menu is taken).
 */
function feasiblePolicy(drawn: number, criticalPathMs: number): FreshnessPolicySpec {
  for (let i = drawn; i < POLICIES.length; i++) {
    const p = POLICIES[i] as FreshnessPolicySpec;
    if (p.maximumLagMinutes * MINUTE >= 2 * criticalPathMs) return p;
  }
  return POLICIES[POLICIES.length - 1] as FreshnessPolicySpec;
}

export function makeWarehouse(o: WarehouseOptions): Warehouse {
  // Two generators: the graph does not depend on how long the trace is.
  const rng = new Prng(o.seed);
  const traceRng = new Prng(o.seed ^ 0x5eed);
  const scale = o.durationScale ?? 1;
  const sources: SourceTimeline[] = [];
  for (const cadence of ['every5min', 'hourly', 'daily'] as const)
    for (let i = 0; i < o.sources[cadence]; i++) sources.push(makeTimeline(`src_${cadence}_${i}`, cadence, o.from, o.to, traceRng));

  const draft: { key: string; deps: string[]; durationMin: number; wantsPolicy: boolean }[] = [];
  const staging = sources.map((s) => `stg_${s.key.slice(4)}`);
  sources.forEach((s, i) => draft.push({ key: staging[i] as string, deps: [s.key], durationMin: rng.int(1, 5), wantsPolicy: false }));
  const intermediates: string[] = [];
  for (let i = 0; i < o.intermediates; i++) {
    const key = `int_${String(i).padStart(2, '0')}`;
    // Each staging table feeds at least one intermediate; the rest of the parents are random.
    const own = staging[i % staging.length] as string;
    const others = rng.sample([...staging, ...intermediates].filter((k) => k !== own), rng.int(1, 2));
    draft.push({ key, deps: [own, ...others], durationMin: rng.int(3, 15), wantsPolicy: i >= o.intermediates - o.intermediatePolicies });
    intermediates.push(key);
  }
  const marts: { key: string; deps: string[]; durationMin: number; wantsPolicy: boolean }[] = [];
  for (let i = 0; i < o.marts; i++) {
    const key = `mart_${String(i).padStart(2, '0')}`;
    const deps = rng.sample(intermediates, rng.int(2, 3));
    if (rng.next() < 0.3) deps.push(rng.pick(staging));
    marts.push({ key, deps, durationMin: rng.int(1, 20), wantsPolicy: true });
  }
  // Every intermediate is read by some mart (a warehouse does not build unread tables).
  for (const key of intermediates)
    if (![...draft, ...marts].some((a) => a.deps.includes(key))) rng.pick(marts).deps.push(key);
  draft.push(...marts);

  // Policies are chosen against the pipeline as drawn; `durationScale` then scales the compute
  // durations only, so a scaled warehouse keeps the same graph, trace and policies.
  const pathOf = new Map<string, number>(sources.map((s) => [s.key, 0]));
  const assets: WarehouseAsset[] = draft.map((a) => {
    const deps = [...new Set(a.deps)].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const drawnPathMs = a.durationMin * MINUTE + Math.max(...deps.map((d) => pathOf.get(d) ?? 0));
    pathOf.set(a.key, drawnPathMs);
    const freshness = a.wantsPolicy ? feasiblePolicy(rng.int(0, POLICIES.length - 1), drawnPathMs) : null;
    return { key: a.key, deps, durationMs: Math.round(a.durationMin * MINUTE * scale), freshness, criticalPathMs: Math.round(drawnPathMs * scale) };
  });
  return { sources, assets, from: o.from, to: o.to };
}

/**
 * The warehouse as asset specs for the planner (sources are observable). Assets get the default
 * automation (`reconcile`) unless `automation` gives one for the asset (used for diagnosis).
 */
export function warehouseSpecs(w: Warehouse, automation?: (a: WarehouseAsset) => AutomationSpec | undefined): AssetSpec[] {
  return [
    ...w.sources.map((s): AssetSpec => ({ key: s.key, kind: 'observableSource' })),
    ...w.assets.map((a): AssetSpec => {
      const auto = automation?.(a);
      return { key: a.key, codeVersion: '1', deps: a.deps, ...(a.freshness ? { freshness: a.freshness } : {}), ...(auto ? { automation: auto } : {}) };
    }),
  ];
}
