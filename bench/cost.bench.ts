// `npm run bench:cost`: the work Freshet saves. Seven simulated days of a 50-asset warehouse,
// scheduled by Freshet's planner (the same `evaluate` the service runs), by an hourly cron of
// every asset, and eagerly on every change; each judged on the materialization history it
// produced, against a lower bound for any scheduler. Prints figures next to their targets;
// never fails the build.

import * as path from 'node:path';
import { parseInstant, type AutomationSpec } from '@freshet/domain';
import { Executor, type SimulationResult } from './cost/executor';
import { violationMinutes } from './cost/history';
import { lowerBound, type AssetBound } from './cost/lower-bound';
import { EagerStrategy, FreshetStrategy, HourlyCronStrategy } from './cost/strategies';
import { DAY, MINUTE } from './cost/trace';
import { makeWarehouse, WAREHOUSE, type Warehouse, type WarehouseAsset } from './cost/warehouse';
import { targetLine } from './lib/stats';

export const COST_FROM = parseInstant('2024-03-04T00:00:00Z');
export const COST_DAYS = 7;

export interface StrategyFigures {
  readonly name: string;
  readonly total: number;
  readonly perAsset: ReadonlyMap<string, number>;
  readonly violationMinutes: ReadonlyMap<string, number>;
  readonly totalViolationMinutes: number;
}

function figures(w: Warehouse, r: SimulationResult): StrategyFigures {
  const violations = new Map<string, number>();
  for (const a of w.assets) violations.set(a.key, violationMinutes(a, r.history.completed, r.bootstrap.get(a.key) ?? w.from, w.from, w.to));
  const total = [...r.materializations.values()].reduce((x, y) => x + y, 0);
  return { name: r.strategy, total, perAsset: r.materializations, violationMinutes: violations, totalViolationMinutes: [...violations.values()].reduce((x, y) => x + y, 0) };
}

export interface CostRun {
  readonly warehouse: Warehouse;
  readonly freshet: StrategyFigures;
  /** Null when the run was asked without baselines. */
  readonly hourly: StrategyFigures | null;
  readonly eager: StrategyFigures | null;
  readonly bound: readonly AssetBound[];
  readonly boundTotal: number;
  /** The looser bound (every ancestor refreshed instantly), as reported before the tighter one. */
  readonly relaxedBoundTotal: number;
  readonly planner: FreshetStrategy;
  /** Violation minutes by the planner's own violated/resolved events (a cross-check). */
  readonly plannerViolationMinutes: number;
}

export interface CostOptions {
  readonly baselines?: boolean;
  /** Automation overrides for the Freshet run (diagnosis); default: every asset `reconcile`. */
  readonly automation?: (a: WarehouseAsset) => AutomationSpec | undefined;
}

export function runCost(w: Warehouse, o: CostOptions = {}): CostRun {
  const planner = new FreshetStrategy(w, o.automation);
  const freshetRun = new Executor(w).run(planner);
  const freshet = figures(w, freshetRun);
  const withBaselines = o.baselines ?? true;
  const hourly = withBaselines ? figures(w, new Executor(w).run(new HourlyCronStrategy())) : null;
  const eager = withBaselines ? figures(w, new Executor(w).run(new EagerStrategy())) : null;
  const bound = lowerBound(w, freshetRun.bootstrap);
  const relaxed = lowerBound(w, freshetRun.bootstrap, { parentsAlwaysFresh: true });
  const open = new Map<string, number>();
  let plannerMinutes = 0;
  for (const c of planner.violationChanges) {
    if (c.partition !== null) continue;
    if (c.kind === 'violated') open.set(c.asset, c.since);
    else {
      plannerMinutes += c.durationMinutes;
      open.delete(c.asset);
    }
  }
  for (const since of open.values()) plannerMinutes += (w.to - since) / MINUTE;
  return {
    warehouse: w,
    freshet,
    hourly,
    eager,
    bound,
    boundTotal: bound.reduce((n, b) => n + b.refreshes, 0),
    relaxedBoundTotal: relaxed.reduce((n, b) => n + b.refreshes, 0),
    planner,
    plannerViolationMinutes: plannerMinutes,
  };
}

/** Every asset lazy except leaf marts (eager), none of them skipping on parentOutdated. */
export function withoutParentOutdated(w: Warehouse): (a: WarehouseAsset) => AutomationSpec {
  const read = new Set(w.assets.flatMap((a) => a.deps));
  return (a) => ({
    policy: a.freshness && !read.has(a.key) ? 'eager' : 'lazy',
    skipOn: ['parentMissing', 'parentInProgress', 'recentFailure', 'nonexistentParentPartitions', 'backfillInProgress'],
  });
}

function policyText(a: WarehouseAsset): string {
  if (!a.freshness) return '—';
  return a.freshness.cronSchedule ? `${a.freshness.maximumLagMinutes}m @9:00` : `${a.freshness.maximumLagMinutes}m`;
}

function reasonsText(run: CostRun, key: string): string {
  const m = run.planner.reasons.get(key);
  if (!m) return '';
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${r} ${n}`).join(', ');
}

function skipsText(run: CostRun, key: string): string {
  const m = run.planner.skips.get(key);
  if (!m) return '';
  return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([r, n]) => `${r} ${n}`).join(', ');
}

function printRun(run: CostRun, detail: boolean): void {
  const w = run.warehouse;
  const n = w.assets.length;
  const rows = [run.freshet, run.hourly, run.eager].filter((f): f is StrategyFigures => f !== null);
  console.log(`  ${'strategy'.padEnd(24)} ${'materializations'.padStart(16)} ${'per asset'.padStart(10)} ${'violation-min'.padStart(14)} ${'assets late'.padStart(12)}`);
  for (const f of rows) {
    const late = [...f.violationMinutes.values()].filter((v) => v > 0).length;
    console.log(`  ${f.name.padEnd(24)} ${String(f.total).padStart(16)} ${(f.total / n).toFixed(1).padStart(10)} ${f.totalViolationMinutes.toFixed(0).padStart(14)} ${String(late).padStart(12)}`);
  }
  const infeasible = run.bound.filter((b) => b.infeasible).length;
  console.log(`  ${'lower bound (any scheduler)'.padEnd(24)} ${String(run.boundTotal).padStart(16)} ${(run.boundTotal / n).toFixed(1).padStart(10)} ${'0'.padStart(14)} ${''.padStart(12)}${infeasible > 0 ? `   (${infeasible} assets infeasible even for an ideal scheduler)` : ''}`);
  console.log(`  ${'  relaxed (instant chains)'.padEnd(24)} ${String(run.relaxedBoundTotal).padStart(16)} ${(run.relaxedBoundTotal / n).toFixed(1).padStart(10)} ${'0'.padStart(14)} ${''.padStart(12)}`);
  console.log(`  Freshet ticks: ${run.planner.ticks}, planner CPU ${(run.planner.tickCpuMs / 1000).toFixed(1)} s in total (${(run.planner.tickCpuMs / Math.max(1, run.planner.ticks)).toFixed(2)} ms per tick)`);
  console.log(`  cross-check: violation minutes from the planner's own violated/resolved events: ${run.plannerViolationMinutes.toFixed(0)}`);
  const ratio = run.freshet.total / Math.max(1, run.boundTotal);
  console.log(targetLine('Freshet freshness violation', `${run.freshet.totalViolationMinutes.toFixed(0)} min`, '0 min', run.freshet.totalViolationMinutes === 0));
  console.log(targetLine('Freshet materializations / lower bound', `${ratio.toFixed(2)}×`, '≤ 1.2×', ratio <= 1.2));
  const relaxedRatio = run.freshet.total / Math.max(1, run.relaxedBoundTotal);
  console.log(targetLine('  … / relaxed bound (instant chains)', `${relaxedRatio.toFixed(2)}×`, '≤ 1.2×', relaxedRatio <= 1.2));
  if (run.hourly) {
    const share = run.freshet.total / Math.max(1, run.hourly.total);
    console.log(targetLine('Freshet materializations / hourly cron', `${(100 * share).toFixed(0)}%`, '≤ 30%', share <= 0.3));
    // Any scheduler that meets every policy needs at least the bound: the 30 % target is out of reach when the bound is above it.
    const floor = run.boundTotal / Math.max(1, run.hourly.total);
    if (floor > 0.3) console.log(`  note: the lower bound alone is ${(100 * floor).toFixed(0)}% of the hourly cron (${run.boundTotal} / ${run.hourly.total}): no scheduler that meets every policy reaches 30% on this trace.`);
  }
  if (run.freshet.totalViolationMinutes > 0)
    console.log('  note: Freshet misses policies here, so its materialization counts are not savings: it did not do all the work the policies need.');
  if (!detail) {
    const late = run.warehouse.assets.filter((a) => (run.freshet.violationMinutes.get(a.key) ?? 0) > 0);
    console.log(`  Freshet late assets (violation minutes): ${late.map((a) => `${a.key} ${(run.freshet.violationMinutes.get(a.key) ?? 0).toFixed(0)}`).join(', ') || 'none'}`);
    return;
  }
  console.log('');
  console.log('  per asset (d = compute minutes, path = longest source-to-asset compute path; violation minutes in brackets):');
  console.log(`  ${'asset'.padEnd(20)} ${'d'.padStart(3)} ${'path'.padStart(5)} ${'policy'.padStart(11)} ${'bound'.padStart(6)} ${'Freshet'.padStart(13)} ${'hourly'.padStart(13)} ${'eager'.padStart(13)}  Freshet: requested for | held back (ticks)`);
  const bounds = new Map(run.bound.map((b) => [b.asset, b]));
  const cell = (f: StrategyFigures | null, key: string): string => {
    if (!f) return '—'.padStart(13);
    const v = f.violationMinutes.get(key) ?? 0;
    return `${f.perAsset.get(key) ?? 0}${v > 0 ? ` [${v.toFixed(0)}]` : ''}`.padStart(13);
  };
  for (const a of w.assets) {
    const b = bounds.get(a.key);
    console.log(
      `  ${a.key.padEnd(20)} ${String(a.durationMs / MINUTE).padStart(3)} ${String(a.criticalPathMs / MINUTE).padStart(5)} ${policyText(a).padStart(11)} ${`${b?.refreshes ?? 0}${b?.infeasible ? '!' : ''}`.padStart(6)} ${cell(run.freshet, a.key)} ${cell(run.hourly, a.key)} ${cell(run.eager, a.key)}  ${reasonsText(run, a.key)} | ${skipsText(run, a.key)}`,
    );
  }
}

/** Warehouses drawn from other seeds (same shape and trace rules): the figures above are one draw. */
export const OTHER_SEEDS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9];

function printOtherSeeds(from: number, to: number): void {
  console.log(`Robustness: the same benchmark on warehouses drawn from seeds ${OTHER_SEEDS.join(', ')} (graph, policies and trace all differ; Freshet and the lower bound only; 5–9 were never looked at while tuning).`);
  console.log(`  ${'seed'.padEnd(6)} ${'Freshet'.padStart(8)} ${'bound'.padStart(6)} ${'ratio'.padStart(6)} ${'violation-min'.padStart(14)}  late assets (minutes)`);
  let total = 0;
  let bound = 0;
  let minutes = 0;
  for (const seed of OTHER_SEEDS) {
    const run = runCost(makeWarehouse({ ...WAREHOUSE, seed, from, to }), { baselines: false });
    const late = [...run.freshet.violationMinutes].filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v.toFixed(0)}`);
    total += run.freshet.total;
    bound += run.boundTotal;
    minutes += run.freshet.totalViolationMinutes;
    console.log(
      `  ${String(seed).padEnd(6)} ${String(run.freshet.total).padStart(8)} ${String(run.boundTotal).padStart(6)} ${`${(run.freshet.total / Math.max(1, run.boundTotal)).toFixed(2)}×`.padStart(6)} ${run.freshet.totalViolationMinutes.toFixed(0).padStart(14)}  ${late.join(', ') || 'none'}`,
    );
  }
  console.log(`  ${'all'.padEnd(6)} ${String(total).padStart(8)} ${String(bound).padStart(6)} ${`${(total / Math.max(1, bound)).toFixed(2)}×`.padStart(6)} ${minutes.toFixed(0).padStart(14)}`);
}

function main(): void {
  const from = COST_FROM;
  const to = from + COST_DAYS * DAY;
  const warehouse = makeWarehouse({ ...WAREHOUSE, from, to });
  const cadences = warehouse.sources.map((s) => s.cadence);
  console.log(`Freshet cost benchmark: ${COST_DAYS} simulated days from 2024-03-04, ${warehouse.assets.length} assets, ${warehouse.sources.length} observable sources`);
  console.log(
    `  sources: ${cadences.filter((c) => c === 'every5min').length} change every 5 minutes, ${cadences.filter((c) => c === 'hourly').length} hourly (random minute), ` +
      `${cadences.filter((c) => c === 'daily').length} daily (random time); compute 1–20 min per asset; unlimited workers`,
  );
  console.log(`  policies: ${warehouse.assets.filter((a) => a.freshness).length} assets (lags 30 min–12 h, and "0 9 * * *" with 60 or 540 min), each lag ≥ 2 × its compute path`);
  console.log('  lower bound: per asset, the fewest refreshes that keep its own policy and its descendants’ (shifted by the shortest');
  console.log('  compute path between them) met at every instant/cron tick, if each refresh reflects the freshest data that can have');
  console.log('  flowed down to it through its parents’ compute by its start; greedy latest-start interval cover, optimal for that');
  console.log('  relaxation (bench/README.md). "relaxed": the same with every ancestor refreshed instantly (the looser bound).');
  console.log('');
  const started = performance.now();
  const run = runCost(warehouse);
  printRun(run, true);
  console.log('');
  console.log('Diagnosis 1: same warehouse and trace with instantaneous compute (durations × 0), separating the planner’s decisions from compute time.');
  printRun(runCost(makeWarehouse({ ...WAREHOUSE, from, to, durationScale: 0 }), { baselines: false }), false);
  console.log('');
  console.log('Diagnosis 2: as run, but no asset skips on parentOutdated (assets that serve a policy lazy, leaf marts eager).');
  printRun(runCost(warehouse, { baselines: false, automation: withoutParentOutdated(warehouse) }), false);
  console.log('');
  printOtherSeeds(from, to);
  console.log('');
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) main();
