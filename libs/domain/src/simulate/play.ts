// Plays a scenario given as plain objects and returns the evaluate results; for tests and tools
// that want the simulator without files.

import { parseScenario } from './scenario';
import { Simulation, type EvaluateStepResult } from './simulator';

export interface PlayOptions {
  readonly start?: string;
  readonly defaultAutomation?: string;
  readonly selection?: readonly string[];
  readonly full?: boolean;
}

export interface Played {
  readonly sim: Simulation;
  readonly evaluations: readonly EvaluateStepResult[];
}

export function play(assets: readonly unknown[], steps: readonly unknown[], options: PlayOptions = {}): Played {
  const scenario = parseScenario({
    name: 'play',
    start: options.start ?? '2024-01-01T00:00:00Z',
    defaultAutomation: options.defaultAutomation ?? 'eager',
    ...(options.selection ? { selection: options.selection } : {}),
    assets,
    steps,
  });
  const sim = new Simulation(scenario, { full: options.full === true });
  const evaluations: EvaluateStepResult[] = [];
  for (const s of scenario.steps) {
    const r = sim.step(s);
    if (r) evaluations.push(r);
  }
  return { sim, evaluations };
}

/** Requested asset partitions of a tick as sorted `asset` / `asset[partition]` strings. */
export function requestedKeys(r: EvaluateStepResult | undefined): string[] {
  if (!r) return [];
  return r.tick.runs
    .flatMap((run) => run.assetPartitions.map((a) => (a.partition === null ? a.asset : `${a.asset}[${a.partition}]`)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Skip reasons per asset (and partition) of a tick. */
export function skippedReasons(r: EvaluateStepResult | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const s of r?.tick.skipped ?? [])
    for (const p of s.partitions ?? [null]) out[p === null ? s.asset : `${s.asset}[${p}]`] = [...s.reasons];
  return out;
}
