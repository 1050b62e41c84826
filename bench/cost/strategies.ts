// The three schedulers the cost benchmark compares, each driving the same executor.

import {
  buildAssetGraph,
  computeDataVersion,
  evaluate,
  PlannerState,
  type AssetGraph,
  type AutomationSpec,
  type InputPointer,
  type Instant,
  type MaterializeReason,
  type PlannerCursor,
  type SkipReason,
  type TickResult,
  type ViolationChange,
} from '@freshet/domain';
import { RecordLog } from '../lib/record-log';
import type { Executor, Strategy } from './executor';
import { HOUR } from './trace';
import { warehouseSpecs, type Warehouse, type WarehouseAsset } from './warehouse';

/**
 * Freshet: the planner's own `evaluate` (as the planner service runs it: the state is fed every
 * record, the cursor goes through JSON as when persisted) ticks on every event and at the wake-up
 * instant it asks for; each tick's runs are launched at once. The strategy plays the observer
 * (an observation when a source changes) and the workers (a materialization record, with the
 * input pointers read when the step started, when the step completes; runPlanned/runFinished).
 */
export class FreshetStrategy implements Strategy {
  readonly name: string = 'Freshet';
  readonly graph: AssetGraph;
  readonly state: PlannerState;
  private readonly log: RecordLog;
  private cursor: PlannerCursor | null = null;
  private wake: Instant | null = null;
  private dirty = true;
  /** Steps started and not yet ended: the inputs they read and when they started. */
  private readonly steps = new Map<string, { readonly inputs: Record<string, InputPointer>; readonly start: Instant }>();
  ticks = 0;
  tickCpuMs = 0;
  /** Requests per asset and reason. */
  readonly reasons = new Map<string, Map<MaterializeReason, number>>();
  readonly violationChanges: ViolationChange[] = [];
  /** Ticks in which each asset was held back, per skip reason (for diagnosis). */
  readonly skips = new Map<string, Map<SkipReason, number>>();
  /** Called with every tick's result (for diagnosis). */
  onTick: ((t: Instant, tick: TickResult) => void) | null = null;

  constructor(warehouse: Warehouse, automation?: (a: WarehouseAsset) => AutomationSpec | undefined, label?: string) {
    if (label) this.name = label;
    this.graph = buildAssetGraph(warehouseSpecs(warehouse, automation), { defaultAutomation: 'reconcile' });
    this.state = new PlannerState(this.graph);
    this.log = new RecordLog(this.state);
  }

  init(ex: Executor): void {
    // The same bootstrap every strategy starts from: sources observed, every asset materialized at
    // `from`. The warehouse is as Freshet found it: materializations reported without a run, so
    // the planner knows no compute time yet (an instant run would teach it 0 ms for every asset).
    for (const s of ex.warehouse.sources) this.log.append({ type: 'observation', asset: s.key, partition: null, dataVersion: s.versionAt(ex.from) }, ex.from);
    for (const a of ex.warehouse.assets) this.log.materialize({ asset: a.key, partition: null }, null, this.log.inputsOf({ asset: a.key, partition: null }, ex.from), ex.from);
  }

  onSourceChange(_ex: Executor, source: string, version: string, t: number): void {
    this.log.append({ type: 'observation', asset: source, partition: null, dataVersion: version }, t);
    this.dirty = true;
  }

  onStepStart(_ex: Executor, runId: string, asset: string, t: number): void {
    this.steps.set(`${runId}/${asset}`, { inputs: this.log.inputsOf({ asset, partition: null }, t), start: t });
  }

  onStepEnd(_ex: Executor, runId: string, asset: string, t: number): void {
    const key = `${runId}/${asset}`;
    const step = this.steps.get(key);
    if (!step) throw new Error(`step ${key} ended without starting`);
    this.steps.delete(key);
    // As a worker does: the step's own duration travels on the record the planner learns from.
    this.materialize(asset, runId, step.inputs, t, t - step.start);
    this.dirty = true;
  }

  /** The record a worker writes (RecordLog.materialize's, plus the step's `durationMs`). */
  private materialize(asset: string, runId: string, inputs: Record<string, InputPointer>, at: Instant, durationMs: number): void {
    const codeVersion = this.graph.get(asset)?.codeVersion ?? runId;
    // Every warehouse asset reads tracked inputs: code + inputs decide its data version.
    const dataVersion = computeDataVersion(codeVersion, inputs);
    this.log.append({ type: 'materialization', asset, partition: null, runId, codeVersion, dataVersion, inputs, durationMs }, at);
  }

  onRunFinished(_ex: Executor, runId: string, t: number): void {
    this.log.append({ type: 'runFinished', runId, status: 'success', failed: [] }, t);
    this.dirty = true;
  }

  afterInstant(ex: Executor, t: number): void {
    if (!this.dirty && (this.wake === null || this.wake > t)) return;
    this.dirty = false;
    const cpuBefore = process.cpuUsage();
    const tick = evaluate(this.graph, this.state, JSON.parse(JSON.stringify(this.cursor)) as PlannerCursor | null, t);
    const cpu = process.cpuUsage(cpuBefore);
    this.tickCpuMs += (cpu.user + cpu.system) / 1000;
    this.ticks++;
    this.cursor = tick.cursor;
    this.wake = tick.nextWakeAt;
    this.violationChanges.push(...tick.violationChanges);
    this.onTick?.(t, tick);
    for (const skip of tick.skipped) {
      const perAsset = this.skips.get(skip.asset) ?? new Map<SkipReason, number>();
      for (const r of skip.reasons) perAsset.set(r, (perAsset.get(r) ?? 0) + 1);
      this.skips.set(skip.asset, perAsset);
    }
    if (t >= ex.to) return;
    for (const run of tick.runs) {
      const runId = ex.newRunId('planned');
      const aps = run.assetPartitions.map((ap) => ({ asset: ap.asset, partition: ap.partition }));
      this.log.append({ type: 'runPlanned', runId, codeLocation: run.codeLocation, assetPartitions: aps }, t);
      ex.launch(
        aps.map((ap) => ap.asset),
        t,
        runId,
      );
      for (const ap of run.assetPartitions) {
        const perAsset = this.reasons.get(ap.asset) ?? new Map<MaterializeReason, number>();
        for (const r of ap.reasons) perAsset.set(r, (perAsset.get(r) ?? 0) + 1);
        this.reasons.set(ap.asset, perAsset);
      }
    }
  }

  nextWake(): number | null {
    return this.wake;
  }
}

/** Baseline: every hour on the hour, one run of every asset (a cron DAG). */
export class HourlyCronStrategy implements Strategy {
  readonly name = 'hourly cron';
  private next = 0;

  init(ex: Executor): void {
    this.next = ex.from + HOUR;
  }

  afterInstant(ex: Executor, t: number): void {
    if (t < this.next) return;
    ex.launch(
      ex.warehouse.assets.map((a) => a.key),
      t,
    );
    this.next += HOUR;
  }

  nextWake(): number | null {
    return this.next;
  }
}

/**
 * Baseline: eager on every change. An asset runs as soon as a source or parent it reads changes;
 * changes that arrive while it runs are coalesced into one re-run when it finishes.
 */
export class EagerStrategy implements Strategy {
  readonly name = 'eager on every change';
  private readonly running = new Set<string>();
  private readonly rerun = new Set<string>();
  private readonly toStart = new Set<string>();

  init(): void {}

  private touch(ex: Executor, key: string): void {
    for (const child of ex.children.get(key) ?? []) {
      if (this.running.has(child)) this.rerun.add(child);
      else this.toStart.add(child);
    }
  }

  onSourceChange(ex: Executor, source: string): void {
    this.touch(ex, source);
  }

  onStepEnd(ex: Executor, _runId: string, asset: string): void {
    this.running.delete(asset);
    if (this.rerun.delete(asset)) this.toStart.add(asset);
    this.touch(ex, asset);
  }

  afterInstant(ex: Executor, t: number): void {
    for (const a of ex.warehouse.assets) {
      if (!this.toStart.delete(a.key)) continue;
      if (ex.launch([a.key], t)) this.running.add(a.key);
    }
  }

  nextWake(): number | null {
    return null;
  }
}
