// The planner benchmark cases: build a graph, feed the planner state the records a scenario
// produces, and time `evaluate` (the same function the planner service calls each tick).

import { buildAssetGraph, evaluate, PlannerState, type AssetGraph, type AssetSpec, type Instant, type PlannerCursor, type TickResult } from '@freshet/domain';
import { collectGarbage, MemoryPeak } from './lib/stats';
import { RecordLog } from './lib/record-log';
import { Prng } from './lib/prng';

export interface TickSample {
  /** Wall-clock time of the tick. */
  readonly ms: number;
  /** CPU time (user + system) of the tick: less sensitive to other processes on a busy machine. */
  readonly cpuMs: number;
  readonly evaluatedAssets: number;
  readonly requested: number;
}

export interface CaseResult {
  readonly name: string;
  readonly assets: number;
  /** Cold ticks (empty cursor) on an empty event log. */
  readonly coldEmpty: TickSample[];
  /** Cold ticks (empty cursor, i.e. a restarted planner) over a log where assets were materialized. */
  readonly coldWithHistory: TickSample[];
  readonly incremental: TickSample[];
  readonly peakRssBytes: number;
  readonly peakHeapUsedBytes: number;
}

const MINUTE = 60_000;

class Bench {
  readonly graph: AssetGraph;
  readonly state: PlannerState;
  readonly log: RecordLog;
  readonly memory = new MemoryPeak();

  constructor(specs: readonly AssetSpec[]) {
    this.graph = buildAssetGraph(specs, { defaultAutomation: 'eager' });
    this.state = new PlannerState(this.graph);
    this.log = new RecordLog(this.state);
  }

  tick(cursor: PlannerCursor | null, now: Instant): { sample: TickSample; result: TickResult } {
    collectGarbage();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = evaluate(this.graph, this.state, cursor, now);
    const elapsed = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    this.memory.sample();
    const requested = result.runs.reduce((n, r) => n + r.assetPartitions.length, 0);
    return { sample: { ms: elapsed, cpuMs: (cpu.user + cpu.system) / 1000, evaluatedAssets: result.evaluatedAssets, requested }, result };
  }

  /** Launches and completes the tick's runs at `now`, then ticks until nothing more is requested. */
  settle(first: TickResult, now: Instant): PlannerCursor {
    let result = first;
    for (let round = 0; round < 5 && result.runs.length > 0; round++) {
      for (const run of result.runs) this.log.instantRun(run.assetPartitions.map((ap) => ({ asset: ap.asset, partition: ap.partition })), now, run.codeLocation);
      result = evaluate(this.graph, this.state, result.cursor, now);
    }
    return result.cursor;
  }
}

export interface CaseOptions {
  readonly cold: number;
  readonly incremental: number;
}

/**
 * (a) unpartitioned random graph. Cold: empty cursor, first on an empty log (every root missing),
 * then with every asset materialized once (a restarted planner). Incremental: one root is
 * materialized by hand, then one tick (timed); its requests are launched and completed before
 * the next repetition, so each timed tick starts from a settled state.
 */
export function runUnpartitionedCase(specs: readonly AssetSpec[], start: Instant, o: CaseOptions): CaseResult {
  const b = new Bench(specs);
  const coldEmpty: TickSample[] = [];
  for (let i = 0; i < o.cold; i++) coldEmpty.push(b.tick(null, start).sample);

  // Everything materialized once, in dependency order, by hand (no run).
  for (const node of b.graph.nodes)
    if (node.kind === 'materializable') b.log.materialize({ asset: node.key, partition: null }, null, b.log.inputsOf({ asset: node.key, partition: null }, start), start);
  let now = start + MINUTE;
  const coldWithHistory: TickSample[] = [];
  let cursor: PlannerCursor | null = null;
  for (let i = 0; i < o.cold; i++) {
    const { sample, result } = b.tick(null, now);
    coldWithHistory.push(sample);
    cursor = result.cursor;
  }
  if (cursor === null) throw new Error('need at least one cold tick');
  cursor = b.settle(evaluate(b.graph, b.state, cursor, now), now);

  const roots = b.graph.nodes.filter((n) => n.isRoot && n.kind === 'materializable').map((n) => n.key);
  const rng = new Prng(7);
  const incremental: TickSample[] = [];
  for (let i = 0; i < o.incremental; i++) {
    now += MINUTE;
    const root = rng.pick(roots);
    b.log.materialize({ asset: root, partition: null }, null, b.log.inputsOf({ asset: root, partition: null }, now), now);
    const { sample, result } = b.tick(cursor, now);
    incremental.push(sample);
    cursor = b.settle(result, now);
  }
  return { name: 'a', assets: b.graph.nodes.length, coldEmpty, coldWithHistory, incremental, peakRssBytes: b.memory.peakRssBytes, peakHeapUsedBytes: b.memory.peakHeapUsedBytes };
}

/**
 * (b) layered partitioned graph. Cold: empty cursor on an empty log (every root partition
 * missing). Incremental: one partition of every asset is materialized by hand (children before
 * parents, so every child sees a newer parent), then one tick (timed); requests are not launched.
 * Finally cold again over that history.
 */
export function runPartitionedCase(specs: readonly AssetSpec[], now0: Instant, o: CaseOptions): CaseResult {
  const b = new Bench(specs);
  const coldEmpty: TickSample[] = [];
  let cursor: PlannerCursor | null = null;
  for (let i = 0; i < o.cold; i++) {
    const { sample, result } = b.tick(null, now0);
    coldEmpty.push(sample);
    cursor = result.cursor;
  }
  const incremental: TickSample[] = [];
  const reversed = [...b.graph.nodes].reverse();
  let now = now0;
  for (let i = 0; i < o.incremental; i++) {
    now += MINUTE;
    for (const node of reversed) {
      if (node.kind !== 'materializable' || !node.partitions) continue;
      const count = node.partitions.countAt(now);
      const key = node.partitions.keyAt(Math.max(0, count - 1 - i));
      if (key === null) continue;
      const ap = { asset: node.key, partition: key };
      b.log.materialize(ap, null, b.log.inputsOf(ap, now), now);
    }
    const { sample, result } = b.tick(cursor, now);
    incremental.push(sample);
    cursor = result.cursor;
  }
  const coldWithHistory: TickSample[] = [];
  for (let i = 0; i < o.cold; i++) coldWithHistory.push(b.tick(null, now).sample);
  return { name: 'b', assets: b.graph.nodes.length, coldEmpty, coldWithHistory, incremental, peakRssBytes: b.memory.peakRssBytes, peakHeapUsedBytes: b.memory.peakHeapUsedBytes };
}
