// `npm run bench:planner`: tick latency and memory of the planner on graphs shaped like Dagster's
// asset-daemon perf tests. Each case runs in its own Node process (with --expose-gc), so its peak
// RSS is its own. Prints figures next to their targets; never fails the build.

import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseInstant } from '@freshet/domain';
import { GRAPH_A, GRAPH_B, layeredPartitionedGraph, randomUnpartitionedGraph } from './planner-graphs';
import { runPartitionedCase, runUnpartitionedCase, type CaseResult, type TickSample } from './planner-cases';
import { median, mib, ms, percentile, targetLine } from './lib/stats';

/** (b): 2020-01-01 + ~5.7 years ⇒ 50,016 hourly and 2,084 daily partitions per asset. */
export const GRAPH_B_NOW = parseInstant('2025-09-15T00:00:00Z');
const GRAPH_A_START = parseInstant('2024-01-01T00:00:00Z');
const COLD_REPS = 5;
const INCREMENTAL_REPS = 20;
const GIB = 1024 * 1024 * 1024;

function runCase(name: 'a' | 'b'): CaseResult {
  const o = { cold: COLD_REPS, incremental: INCREMENTAL_REPS };
  return name === 'a'
    ? runUnpartitionedCase(randomUnpartitionedGraph(GRAPH_A), GRAPH_A_START, o)
    : runPartitionedCase(layeredPartitionedGraph(GRAPH_B), GRAPH_B_NOW, o);
}

function spawnCase(name: 'a' | 'b'): CaseResult {
  const root = path.resolve(__dirname, '..');
  const child = spawnSync(process.execPath, ['--expose-gc', path.join(root, 'bin/run-ts.js'), path.join(__dirname, 'planner.bench.ts'), '--case', name], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`case ${name} failed with exit code ${String(child.status)}`);
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as CaseResult;
}

function summary(label: string, samples: readonly TickSample[]): string {
  const times = samples.map((s) => s.ms);
  const cpu = samples.map((s) => s.cpuMs);
  const evaluated = samples.map((s) => s.evaluatedAssets);
  const requested = samples.map((s) => s.requested);
  return `  ${label.padEnd(44)} median ${ms(median(times)).padStart(10)}  p95 ${ms(percentile(times, 95)).padStart(10)}  cpu median ${ms(median(cpu)).padStart(10)}  (n=${samples.length}; assets evaluated ≈${median(evaluated)}, APs requested ≈${median(requested)})`;
}

function report(r: CaseResult, targets: { incremental: number; cold: number; rss?: number }): void {
  console.log(summary('cold, empty cursor, empty log', r.coldEmpty));
  console.log(summary('cold, empty cursor, materialized log', r.coldWithHistory));
  console.log(summary('incremental tick', r.incremental));
  const coldMedian = Math.max(median(r.coldEmpty.map((s) => s.ms)), median(r.coldWithHistory.map((s) => s.ms)));
  const incMedian = median(r.incremental.map((s) => s.ms));
  console.log(targetLine('incremental tick, median', ms(incMedian), `< ${targets.incremental} ms`, incMedian < targets.incremental));
  console.log(targetLine('cold tick, median (worse of the two)', ms(coldMedian), `< ${targets.cold} ms`, coldMedian < targets.cold));
  if (targets.rss !== undefined) console.log(targetLine('peak RSS', mib(r.peakRssBytes), '< 1 GiB', r.peakRssBytes < targets.rss));
  else console.log(`  peak RSS ${mib(r.peakRssBytes)}`);
  console.log(`  peak heap used (sampled after each tick) ${mib(r.peakHeapUsedBytes)}`);
}

function main(): void {
  const caseArg = process.argv.indexOf('--case');
  if (caseArg >= 0) {
    const name = process.argv[caseArg + 1];
    if (name !== 'a' && name !== 'b') throw new Error('--case a|b');
    console.log(JSON.stringify(runCase(name)));
    return;
  }
  console.log(`Freshet planner benchmark (node ${process.version}; ${COLD_REPS} cold and ${INCREMENTAL_REPS} incremental ticks per case)`);
  console.log('Times are wall clock per evaluate() call; "cpu" is its user+system CPU time (steadier on a shared machine). Targets judge wall-clock medians.');
  console.log('');
  console.log(`(a) ${GRAPH_A.assets} unpartitioned eager assets, ${GRAPH_A.roots} roots, 1–${GRAPH_A.maxParents} random earlier parents each`);
  report(spawnCase('a'), { incremental: 10, cold: 200 });
  console.log('');
  console.log(
    `(b) ${GRAPH_B.layers.reduce((a, b) => a + b, 0)} eager assets in layers ${GRAPH_B.layers.join('/')} with ${GRAPH_B.parents.join('/')} parents; ` +
      `hourly ×3 then daily ×3 from 2020-01-01, now = 2025-09-15 (50,016 hourly / 2,084 daily partitions)`,
  );
  report(spawnCase('b'), { incremental: 200, cold: 5000, rss: GIB });
}

// Run only as an entry point (bin/run-ts.js puts the file's path in argv[1]), not when imported.
if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) main();
