// Runs a scenario on a simulated clock through exactly the code the planner service runs: the
// state is fed records (`PlannerState.apply`) and each evaluate step calls `evaluate` with the
// persisted-form cursor. The simulator plays the other services: it writes the records a worker
// would (materializations with input pointers and data versions) and launches requested runs.

import { InvalidScenarioError } from '../errors';
import type { AssetPartitionRef, NewRecord } from '../records/records';
import { buildAssetGraph, type AssetGraph, type AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import { emptyCursor, type PlannerCursor } from '../cursor/cursor';
import { evaluate } from '../planner/evaluate';
import type { TickResult } from '../planner/types';
import { compareStrings } from '../specs/json';
import type { AssetSpec } from '../specs/types';
import { PlannerState } from '../state/planner-state';
import { currentInputs, dataVersionFor } from '../versions/data-version';
import { checkExpectations } from './expectations';
import type { Scenario, ScenarioAction, ScenarioStep } from './scenario';

export interface EvaluateStepResult {
  readonly step: number;
  readonly at: Instant;
  readonly tick: TickResult;
  /** Null when the step has no expectation to check. */
  readonly ok: boolean | null;
  readonly failures: readonly string[];
  readonly action: Extract<ScenarioAction, { kind: 'evaluate' }>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly evaluations: readonly EvaluateStepResult[];
  readonly passed: number;
  readonly failed: number;
}

interface OpenRun {
  readonly runId: string;
  readonly aps: AssetPartitionRef[];
  readonly done: Set<string>;
}

function apId(ap: AssetPartitionRef): string {
  return JSON.stringify([ap.asset, ap.partition]);
}

export class Simulation {
  private specs: AssetSpec[];
  graph: AssetGraph;
  readonly state: PlannerState;
  cursor: PlannerCursor = emptyCursor();
  clock: Instant;
  private nextStorageId = 1;
  private runCounter = 0;
  private readonly open = new Map<string, OpenRun>();

  constructor(
    private readonly scenario: Scenario,
    /**
     * `full`: evaluate every asset on each tick instead of only what changed (must decide the
     * same). `runSweepEvery`: see PlannerStateOptions (tests compare it too).
     */
    private readonly options: { readonly full?: boolean; readonly runSweepEvery?: number } = {},
  ) {
    this.specs = [...scenario.assets];
    this.graph = this.build(this.specs, '$.assets');
    this.state = new PlannerState(this.graph, options.runSweepEvery === undefined ? {} : { runSweepEvery: options.runSweepEvery });
    this.clock = scenario.start;
  }

  private build(specs: readonly AssetSpec[], path: string): AssetGraph {
    try {
      return buildAssetGraph(specs, {
        defaultAutomation: this.scenario.defaultAutomation,
        ...(this.scenario.selection ? { selection: this.scenario.selection.filter((k) => specs.some((s) => s.key === k)) } : {}),
      });
    } catch (error) {
      if (error instanceof Error && 'problems' in error)
        throw new InvalidScenarioError((error as { problems: { path: string; message: string }[] }).problems.map((p) => ({ path: p.path.replace('$.assets', path), message: p.message })));
      throw error;
    }
  }

  private record(r: NewRecord): void {
    this.state.apply({ ...r, storageId: this.nextStorageId++, timestamp: this.clock });
  }

  private node(key: string, path: string): AssetNode {
    const n = this.graph.get(key);
    if (!n) throw new InvalidScenarioError([{ path, message: `unknown asset "${key}"` }]);
    return n;
  }

  private apFor(key: string, partition: string | null, path: string): AssetPartitionRef {
    const n = this.node(key, path);
    if (n.kind !== 'materializable') throw new InvalidScenarioError([{ path, message: `"${key}" is a source: it is observed, never materialized` }]);
    if (!n.partitions) return { asset: key, partition: null };
    if (partition === null) throw new InvalidScenarioError([{ path, message: `"${key}" is partitioned: give the run a "partition"` }]);
    if (n.partitions.indexOf(partition) === null) throw new InvalidScenarioError([{ path, message: `"${partition}" is not a partition of "${key}"` }]);
    return { asset: key, partition };
  }

  /** Plays a worker: materializes `ap` now, with the inputs it would read. */
  private materialize(runId: string, ap: AssetPartitionRef): void {
    const node = this.graph.get(ap.asset) as AssetNode;
    const index = this.state.partitionIndex(node, ap.partition);
    const inputs = currentInputs(this.graph, this.state, ap.asset, index, this.clock);
    const codeVersion = node.codeVersion ?? runId;
    this.record({ type: 'materialization', asset: ap.asset, partition: ap.partition, runId, codeVersion, dataVersion: dataVersionFor(this.graph, ap.asset, runId, inputs), inputs });
  }

  private inDependencyOrder(aps: readonly AssetPartitionRef[]): AssetPartitionRef[] {
    return [...aps].sort((a, b) => (this.graph.get(a.asset)?.index ?? 0) - (this.graph.get(b.asset)?.index ?? 0) || (a.partition ?? '').localeCompare(b.partition ?? ''));
  }

  private planRun(runId: string, aps: readonly AssetPartitionRef[], path: string): void {
    const locations = [...new Set(aps.map((ap) => this.node(ap.asset, path).codeLocation))].sort(compareStrings);
    if (locations.length > 1) throw new InvalidScenarioError([{ path, message: `a run never spans two code locations (${locations.join(', ')})` }]);
    if (this.open.has(runId) || this.state.run(runId)) throw new InvalidScenarioError([{ path, message: `run id "${runId}" is already used` }]);
    this.record({ type: 'runPlanned', runId, codeLocation: locations[0] ?? 'default', assetPartitions: aps });
    this.open.set(runId, { runId, aps: [...aps], done: new Set() });
  }

  private finishRun(runId: string, failedAssets: ReadonlySet<string>): void {
    const run = this.open.get(runId);
    if (!run) return;
    for (const ap of this.inDependencyOrder(run.aps)) {
      if (run.done.has(apId(ap)) || failedAssets.has(ap.asset)) continue;
      this.materialize(runId, ap);
      run.done.add(apId(ap));
    }
    const failed = run.aps.filter((ap) => !run.done.has(apId(ap)));
    this.record({ type: 'runFinished', runId, status: failed.length > 0 ? 'failure' : 'success', failed });
    this.open.delete(runId);
  }

  private rebuild(specs: AssetSpec[], path: string): void {
    const before = new Set(this.graph.nodes.map((n) => n.key));
    this.specs = specs;
    this.graph = this.build(specs, path);
    this.state.rebind(this.graph);
    const keys = [...new Set([...before, ...this.graph.nodes.map((n) => n.key)])].filter((k) => this.graph.has(k)).sort(compareStrings);
    this.record({ type: 'definitionsChanged', assets: keys });
  }

  private moveClock(step: ScenarioStep): void {
    const p = `$.steps[${step.index}]`;
    if (step.at !== null) {
      if (step.at < this.clock) throw new InvalidScenarioError([{ path: `${p}.at`, message: 'the clock never moves back' }]);
      this.clock = step.at;
    }
    if (step.advanceMs !== null) this.clock += step.advanceMs;
  }

  /** Runs one step; returns the evaluation result for evaluate steps. */
  step(step: ScenarioStep): EvaluateStepResult | null {
    this.moveClock(step);
    const p = `$.steps[${step.index}]`;
    const a = step.action;
    switch (a.kind) {
      case 'run': {
        const path = `${p}.run`;
        if (a.id !== null && this.open.has(a.id)) {
          const run = this.open.get(a.id) as OpenRun;
          for (const key of a.assets) {
            const ap = run.aps.find((x) => x.asset === key);
            if (!ap) throw new InvalidScenarioError([{ path: `${path}.assets`, message: `"${key}" was not planned by run "${a.id}"` }]);
          }
          this.finishRun(a.id, new Set([...a.failed, ...run.aps.filter((x) => !a.assets.includes(x.asset)).map((x) => x.asset)]));
          return null;
        }
        const runId = a.id ?? `manual-${++this.runCounter}`;
        const aps = [...a.assets, ...a.failed].map((k) => this.apFor(k, a.partition, `${path}.assets`));
        this.planRun(runId, aps, path);
        if (a.inProgress) {
          const run = this.open.get(runId) as OpenRun;
          for (const ap of this.inDependencyOrder(aps.filter((x) => a.materialized.includes(x.asset)))) {
            this.materialize(runId, ap);
            run.done.add(apId(ap));
          }
          return null;
        }
        this.finishRun(runId, new Set(a.failed));
        return null;
      }
      case 'observe': {
        const n = this.node(a.asset, `${p}.observe.asset`);
        if (n.kind !== 'observableSource') throw new InvalidScenarioError([{ path: `${p}.observe.asset`, message: `"${a.asset}" is not an observableSource` }]);
        this.record({ type: 'observation', asset: a.asset, partition: n.partitions ? a.partition : null, dataVersion: a.dataVersion });
        return null;
      }
      case 'codeVersion': {
        this.node(a.asset, `${p}.codeVersion.asset`);
        this.rebuild(this.specs.map((s) => (s.key === a.asset ? { ...s, codeVersion: a.version } : s)), '$.assets');
        this.record({ type: 'codeVersionDeployed', asset: a.asset, codeVersion: a.version });
        return null;
      }
      case 'define':
        this.rebuild([...a.assets], `${p}.define.assets`);
        return null;
      case 'backfill': {
        const aps: AssetPartitionRef[] = [];
        for (const [key, parts] of Object.entries(a.assets).sort((x, y) => x[0].localeCompare(y[0]))) {
          const n = this.node(key, `${p}.backfill.assets.${key}`);
          if (!n.partitions) aps.push(this.apFor(key, null, `${p}.backfill.assets.${key}`));
          else for (const part of parts) aps.push(this.apFor(key, part, `${p}.backfill.assets.${key}`));
        }
        this.record({ type: 'backfillRequested', backfillId: a.id, assetPartitions: aps });
        return null;
      }
      case 'complete': {
        if (a.target !== 'inProgress' && !this.open.has(a.target))
          throw new InvalidScenarioError([{ path: `${p}.complete`, message: `no run in progress with id "${a.target}"` }]);
        const ids = a.target === 'inProgress' ? [...this.open.keys()] : [a.target];
        for (const id of ids) this.finishRun(id, new Set(a.failed));
        return null;
      }
      case 'evaluate': {
        // The cursor goes through JSON, as the planner service persists it.
        const tick = evaluate(this.graph, this.state, JSON.parse(JSON.stringify(this.cursor)) as PlannerCursor, this.clock, { full: this.options.full === true });
        this.cursor = tick.cursor;
        if (a.launch)
          for (const run of tick.runs)
            this.planRun(`planned-${++this.runCounter}`, run.assetPartitions.map((x) => ({ asset: x.asset, partition: x.partition })), `${p}.evaluate`);
        const failures = checkExpectations(a, tick, this.graph);
        const hasExpectation = a.expect !== null || a.reasons !== null || a.expectSkipped !== null || a.expectViolations !== null;
        return { step: step.index, at: this.clock, tick, ok: hasExpectation ? failures.length === 0 : null, failures, action: a };
      }
    }
  }
}

/** Runs every step of a scenario; throws InvalidScenarioError when a step cannot be applied. */
export function runScenario(scenario: Scenario, onEvaluate?: (r: EvaluateStepResult) => void): ScenarioResult {
  const sim = new Simulation(scenario);
  const evaluations: EvaluateStepResult[] = [];
  for (const step of scenario.steps) {
    const r = sim.step(step);
    if (r) {
      evaluations.push(r);
      onEvaluate?.(r);
    }
  }
  const checked = evaluations.filter((e) => e.ok !== null);
  const passed = checked.filter((e) => e.ok).length;
  return { name: scenario.name, evaluations, passed, failed: checked.length - passed };
}
