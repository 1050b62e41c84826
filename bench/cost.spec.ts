// Smoke test of the cost benchmark: a scaled-down warehouse and trace, the violation arithmetic
// and the lower bound on hand-checked cases, and consistency between the strategies' figures.
// No timings are asserted.

import { parseInstant } from '@freshet/domain';
import { runCost, withoutParentOutdated } from './cost.bench';
import { violationMinutes } from './cost/history';
import { lowerBound } from './cost/lower-bound';
import { DAY, HOUR, MINUTE, SourceTimeline } from './cost/trace';
import { makeWarehouse, type Warehouse, type WarehouseAsset } from './cost/warehouse';

const from = parseInstant('2024-03-04T00:00:00Z');
const small = { seed: 11, sources: { every5min: 1, hourly: 1, daily: 1 }, intermediates: 4, marts: 4, intermediatePolicies: 1, from, to: from + DAY };

function asset(freshness: WarehouseAsset['freshness'], durationMin = 10): WarehouseAsset {
  return { key: 'a', deps: ['s'], durationMs: durationMin * MINUTE, freshness, criticalPathMs: durationMin * MINUTE };
}

describe('cost benchmark warehouse', () => {
  it('is deterministic, in dependency order, and every policy allows twice the compute path', () => {
    const w = makeWarehouse(small);
    expect(makeWarehouse(small).assets).toEqual(w.assets);
    const seen = new Set(w.sources.map((s) => s.key));
    for (const a of w.assets) {
      for (const d of a.deps) expect(seen.has(d)).toBe(true);
      seen.add(a.key);
      expect(a.durationMs).toBeGreaterThanOrEqual(MINUTE);
      expect(a.durationMs).toBeLessThanOrEqual(20 * MINUTE);
      if (a.freshness) expect(a.freshness.maximumLagMinutes * MINUTE).toBeGreaterThanOrEqual(2 * a.criticalPathMs);
    }
    expect(w.assets.filter((a) => a.key.startsWith('mart_')).every((a) => a.freshness !== null)).toBe(true);
  });

  it('keeps the graph when only the trace length changes', () => {
    expect(makeWarehouse({ ...small, to: from + 3 * DAY }).assets).toEqual(makeWarehouse(small).assets);
  });
});

describe('violation minutes', () => {
  it('without cron: overdue from dataTime + lag until a materialization lands', () => {
    const a = asset({ maximumLagMinutes: 60 });
    expect(violationMinutes(a, [], from, from, from + 3 * HOUR)).toBe(120);
    const fixed = [{ asset: 'a', start: from + 90 * MINUTE, end: from + 100 * MINUTE, dataTime: from + 95 * MINUTE }];
    // Late from 60 to 100, then fresh until 95 + 60 = 155, late until 180.
    expect(violationMinutes(a, fixed, from, from, from + 3 * HOUR)).toBe(40 + 25);
  });

  it('with a 9:00 cron: overdue from the first tick that needs newer data', () => {
    const a = asset({ maximumLagMinutes: 60, cronSchedule: '0 9 * * *', cronTimezone: 'UTC' });
    // Data as of 07:30 is not enough at 09:00 (needs 08:00): late from 09:00 to 10:00.
    expect(violationMinutes(a, [], from + 7.5 * HOUR, from, from + 10 * HOUR)).toBe(60);
    expect(violationMinutes(a, [], from + 8 * HOUR, from, from + 10 * HOUR)).toBe(0);
  });
});

describe('lower bound', () => {
  it('starts each refresh as late as the previous data time allows', () => {
    const changes = Array.from({ length: 40 }, (_, i) => from + i * 5 * MINUTE);
    const w: Warehouse = { sources: [new SourceTimeline('s', 'every5min', changes)], assets: [asset({ maximumLagMinutes: 30 })], from, to: from + 120 * MINUTE };
    // Bootstrap data time 00:05; deadlines 00:35, 01:00, 01:25, 01:50 (each refresh starts 10 min before and reads data up to the next change).
    const [bound] = lowerBound(w, new Map([['a', from + 5 * MINUTE]]));
    expect(bound).toEqual({ asset: 'a', refreshes: 4, infeasible: false, requirements: 1 });
  });
});

describe('lower bound through a chain', () => {
  it('lets data reach an asset no faster than its parents compute', () => {
    const changes = Array.from({ length: 40 }, (_, i) => from + i * 5 * MINUTE);
    const up: WarehouseAsset = { key: 'u', deps: ['s'], durationMs: 20 * MINUTE, freshness: null, criticalPathMs: 20 * MINUTE };
    const down: WarehouseAsset = { key: 'a', deps: ['u'], durationMs: 10 * MINUTE, freshness: { maximumLagMinutes: 60 }, criticalPathMs: 30 * MINUTE };
    const w: Warehouse = { sources: [new SourceTimeline('s', 'every5min', changes)], assets: [up, down], from, to: from + 180 * MINUTE };
    const bootstrap = new Map([
      ['u', from + 5 * MINUTE],
      ['a', from + 5 * MINUTE],
    ]);
    // Relaxed: a refresh of a could carry data as of its own start: deadlines 01:05, 02:00, 02:55.
    expect(lowerBound(w, bootstrap, { parentsAlwaysFresh: true }).find((b) => b.asset === 'a')?.refreshes).toBe(3);
    // Through u (20 minutes), the data a reads was read by u at least 20 minutes before a starts:
    // deadlines 01:05, 01:40, 02:15, 02:50 (a started at 00:55 reads u started by 00:35: data 00:40).
    const [u, a] = lowerBound(w, bootstrap);
    expect(a?.refreshes).toBe(4);
    expect(a?.infeasible).toBe(false);
    expect(u?.refreshes).toBeGreaterThanOrEqual(a?.refreshes ?? 0);
  });
});

describe('cost benchmark run (one simulated day, 8 assets)', () => {
  const run = runCost(makeWarehouse(small));

  it('counts the hourly cron exactly and agrees (to rounding) with the planner on Freshet’s violations', () => {
    expect(run.hourly?.total).toBe(23 * run.warehouse.assets.length);
    expect(run.freshet.total).toBeGreaterThan(0);
    // The planner rounds durations to hundredths of a minute.
    expect(Math.abs(run.freshet.totalViolationMinutes - run.plannerViolationMinutes)).toBeLessThan(0.1);
  });

  it('never beats the lower bound with a schedule that meets every policy', () => {
    expect(run.eager?.totalViolationMinutes).toBe(0);
    for (const b of run.bound) expect(run.eager?.perAsset.get(b.asset) ?? 0).toBeGreaterThanOrEqual(b.refreshes);
    if (run.freshet.totalViolationMinutes === 0) for (const b of run.bound) expect(run.freshet.perAsset.get(b.asset) ?? 0).toBeGreaterThanOrEqual(b.refreshes);
    expect(run.relaxedBoundTotal).toBeLessThanOrEqual(run.boundTotal);
  });

  it('runs the diagnosis variant (no parentOutdated skips) without baselines', () => {
    const w = makeWarehouse(small);
    const variant = runCost(w, { baselines: false, automation: withoutParentOutdated(w) });
    expect(variant.hourly).toBeNull();
    expect(variant.freshet.total).toBeGreaterThan(0);
    expect(variant.planner.skips.get('mart_00')?.get('parentOutdated')).toBeUndefined();
  });
});
