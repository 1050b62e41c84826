// Drives the planner's pure evaluation (through the domain's simulator, the same code the planner
// service runs) with the records a dbt test produces, to ask "what would Freshet rebuild now?".
import { Simulation, parseAssetSpecs, parseScenario } from '@freshet/domain';
import type { AssetSpecJson } from '@freshet/sdk';

export interface PlannerDecision {
  /** Requested asset keys, sorted. */
  readonly requested: readonly string[];
  readonly reasons: Readonly<Record<string, readonly string[]>>;
}

/** The planner's view of specs: display fields (description, group) are not its business. */
export function plannerSpecs(specs: readonly AssetSpecJson[]): Record<string, unknown>[] {
  return specs.map((spec) => {
    const { description: _description, group: _group, ...rest } = spec;
    return rest;
  });
}

type ScenarioAction = Parameters<Simulation['step']>[0]['action'];

export class PlannerHarness {
  private readonly simulation: Simulation;
  private index = 0;

  constructor(specs: readonly AssetSpecJson[], defaultAutomation: 'eager' | 'lazy' | 'reconcile' = 'eager') {
    this.simulation = new Simulation(parseScenario({ name: 'dbt', start: '2024-01-01T00:00:00Z', defaultAutomation, assets: plannerSpecs(specs), steps: [] }));
  }

  private step(action: ScenarioAction, advanceMs = 60_000): ReturnType<Simulation['step']> {
    return this.simulation.step({ index: this.index++, at: null, advanceMs, action });
  }

  observe(asset: string, dataVersion: string): void {
    this.step({ kind: 'observe', asset, dataVersion, partition: null });
  }

  /** A run that materialized `assets` (and failed `failed`). */
  run(assets: readonly string[], failed: readonly string[] = []): void {
    this.step({ kind: 'run', id: null, assets, partition: null, failed, inProgress: false, materialized: [] });
  }

  define(specs: readonly AssetSpecJson[]): void {
    this.step({ kind: 'define', assets: parseAssetSpecs(plannerSpecs(specs)) });
  }

  /** One planner tick; nothing is launched. */
  evaluate(): PlannerDecision {
    const result = this.step({ kind: 'evaluate', expect: null, reasons: null, expectSkipped: null, expectViolations: null, launch: false });
    if (!result) throw new Error('evaluate returned no result');
    const reasons: Record<string, string[]> = {};
    for (const run of result.tick.runs) for (const ap of run.assetPartitions) reasons[ap.asset] = [...ap.reasons];
    return { requested: Object.keys(reasons).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), reasons };
  }
}
