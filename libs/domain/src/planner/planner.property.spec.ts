// Properties of the tick function on random graphs and histories (fast-check, 200 runs each):
// determinism, nothing in flight requested again, no child before an outdated parent unless in
// the same run (or freshness-driven), incremental evaluation deciding exactly what a full
// evaluation decides, and dropping finished runs nothing names deciding what keeping them does.

import fc from 'fast-check';
import { parseScenario } from '../simulate/scenario';
import { Simulation, type EvaluateStepResult } from '../simulate/simulator';

const RUNS = 200;

interface GeneratedAsset {
  key: string;
  kind?: 'observableSource';
  deps?: string[];
  codeVersion?: string;
  automation?: string;
  freshness?: { maximumLagMinutes: number };
  partitions?: { kind: 'daily'; start: string };
}

interface Case {
  readonly assets: GeneratedAsset[];
  readonly steps: Record<string, unknown>[];
  readonly partitioned: boolean;
  readonly defaultAutomation: string;
}

const ASSET_SLOTS = 7;

/** A random DAG: asset i may depend on any j < i; asset 0 may be an observable source. */
const graphArb = fc
  .record({
    size: fc.integer({ min: 2, max: ASSET_SLOTS }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 14 }),
    automations: fc.array(fc.constantFrom('eager', 'lazy', 'none', 'default'), { minLength: ASSET_SLOTS, maxLength: ASSET_SLOTS }),
    policies: fc.array(fc.constantFrom(0, 20, 30, 60, 240), { minLength: ASSET_SLOTS, maxLength: ASSET_SLOTS }),
    versioned: fc.array(fc.boolean(), { minLength: ASSET_SLOTS, maxLength: ASSET_SLOTS }),
    source: fc.boolean(),
    partitioned: fc.boolean(),
    defaultAutomation: fc.constantFrom('eager', 'lazy', 'reconcile'),
  })
  .map(({ size, edges, automations, policies, versioned, source, partitioned, defaultAutomation }) => {
    const assets: GeneratedAsset[] = [];
    for (let i = 0; i < size; i++) {
      const key = `a${i}`;
      if (i === 0 && source && !partitioned) {
        assets.push({ key, kind: 'observableSource' });
        continue;
      }
      const deps = [...new Set(edges.filter(([c, p]) => c % size === i && p % size < i).map(([, p]) => `a${p % size}`))].sort((x, y) => x.localeCompare(y));
      const a: GeneratedAsset = { key };
      if (deps.length > 0) a.deps = deps;
      if (versioned[i]) a.codeVersion = '1';
      if (automations[i] !== 'default') a.automation = automations[i];
      const lag = policies[i] ?? 0;
      if (lag > 0 && !partitioned) a.freshness = { maximumLagMinutes: lag };
      if (partitioned) a.partitions = { kind: 'daily', start: '2024-01-01' };
      assets.push(a);
    }
    return { assets, partitioned, defaultAutomation };
  });

function historyArb(assets: GeneratedAsset[], partitioned: boolean): fc.Arbitrary<Record<string, unknown>[]> {
  const materializable = assets.filter((a) => a.kind !== 'observableSource').map((a) => a.key);
  const source = assets.find((a) => a.kind === 'observableSource')?.key;
  const advance = fc.constantFrom(undefined, '1m', '5m', '20m', '45m', '2h');
  const withAdvance = (step: Record<string, unknown>, adv: string | undefined): Record<string, unknown> => (adv ? { ...step, advance: adv } : step);
  const steps: fc.Arbitrary<Record<string, unknown>>[] = [
    fc
      .record({ assets: fc.subarray(materializable, { minLength: 1 }), failed: fc.subarray(materializable), partition: fc.constantFrom('2024-01-01', '2024-01-02', '2024-01-03'), advance })
      .map((r) => withAdvance({ run: { assets: r.assets, failed: r.failed.filter((f) => !r.assets.includes(f)), ...(partitioned ? { partition: r.partition } : {}) } }, r.advance)),
    fc.record({ launch: fc.boolean(), advance }).map((r) => withAdvance({ evaluate: { launch: r.launch } }, r.advance)),
    fc.record({ failed: fc.subarray(materializable), advance }).map((r) => withAdvance({ complete: 'inProgress', failed: r.failed }, r.advance)),
    fc.record({ asset: fc.constantFrom(...materializable), version: fc.constantFrom('1', '2', '3') }).map((r) => ({ codeVersion: { asset: r.asset, version: r.version } })),
  ];
  if (source) steps.push(fc.record({ v: fc.constantFrom('v1', 'v2', 'v3'), advance }).map((r) => withAdvance({ observe: { asset: source, dataVersion: r.v } }, r.advance)));
  // Always end with an evaluation, so every history checks something.
  return fc.array(fc.oneof(...steps), { minLength: 1, maxLength: 14 }).map((s) => [...s, { evaluate: {}, advance: '10m' }]);
}

const caseArb: fc.Arbitrary<Case> = graphArb.chain((g) => historyArb(g.assets, g.partitioned).map((steps) => ({ ...g, steps })));

interface Hooks {
  readonly before?: (sim: Simulation) => void;
  readonly after?: (sim: Simulation, r: EvaluateStepResult) => void;
}

function replay(c: Case, full: boolean, hooks: Hooks = {}, runSweepEvery?: number): EvaluateStepResult[] {
  const scenario = parseScenario({
    name: 'property',
    start: c.partitioned ? '2024-01-04T00:00:00Z' : '2024-01-01T00:00:00Z',
    defaultAutomation: c.defaultAutomation,
    assets: c.assets,
    steps: c.steps,
  });
  const sim = new Simulation(scenario, { full, ...(runSweepEvery === undefined ? {} : { runSweepEvery }) });
  const out: EvaluateStepResult[] = [];
  for (const s of scenario.steps) {
    if (s.action.kind === 'evaluate') hooks.before?.(sim);
    const r = sim.step(s);
    if (r) {
      hooks.after?.(sim, r);
      out.push(r);
    }
  }
  return out;
}

const apId = (asset: string, partition: string | null): string => `${asset}|${partition ?? ''}`;

/** Reference check, independent of the rule engine: has the asset partition unconsumed parent data? */
function hasUnconsumedParentData(sim: Simulation, key: string, index: number): boolean {
  const node = sim.graph.get(key);
  if (!node || node.kind !== 'materializable') return false;
  const mine = sim.state.historyOf(key).materializations.get(index);
  for (const edge of node.parents) {
    const parent = sim.graph.node(edge.parent);
    const h = sim.state.historyOf(parent.key);
    const version =
      parent.kind === 'observableSource' ? (h.observationChanges.at(-1)?.dataVersion ?? null) : parent.kind === 'materializable' ? (h.materializations.get(index)?.dataVersion ?? null) : null;
    if (version === null) continue;
    if (!mine || mine.inputs[parent.key]?.dataVersion !== version) return true;
  }
  return false;
}

function isOutdated(sim: Simulation, key: string, index: number, memo = new Map<string, boolean>()): boolean {
  const id = `${key}|${index}`;
  const hit = memo.get(id);
  if (hit !== undefined) return hit;
  const node = sim.graph.get(key);
  let result = false;
  if (node?.kind === 'materializable') {
    result = hasUnconsumedParentData(sim, key, index) || node.parents.some((e) => isOutdated(sim, e.parentKey, index, memo));
  }
  memo.set(id, result);
  return result;
}

describe('planner properties', () => {
  // Incremental evaluation may wake sooner than a full one, never later (see the last property).
  it('same input ⇒ same decisions in the same order', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const a = replay(c, false).map((e) => e.tick);
        const b = replay(c, false).map((e) => e.tick);
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: RUNS },
    );
  });

  it('nothing in flight is requested again', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        let inFlight = new Set<string>();
        replay(c, false, {
          before: (sim) => {
            inFlight = new Set();
            for (const node of sim.graph.nodes)
              for (const i of sim.state.historyOf(node.key).inFlight().ascending()) inFlight.add(apId(node.key, node.partitions ? node.partitions.keyAt(i) : null));
          },
          after: (_sim, r) => {
            const again = r.tick.runs.flatMap((run) => run.assetPartitions).filter((ap) => inFlight.has(apId(ap.asset, ap.partition)));
            expect(again).toEqual([]);
          },
        });
      }),
      { numRuns: RUNS },
    );
  });

  // Freshness-driven requests are exempt (Freshet's refresh cone): a parent whose data already
  // satisfies the required data time does not hold them back, outdated or not.
  it('a child is never requested before an outdated parent, unless in the same run or for freshness', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        let outdated = new Set<string>();
        replay(c, false, {
          before: (sim) => {
            outdated = new Set();
            const memo = new Map<string, boolean>();
            for (const node of sim.graph.nodes) {
              const count = node.partitions ? node.partitions.countAt(sim.clock) : 1;
              for (let i = 0; i < count; i++)
                if (isOutdated(sim, node.key, i, memo)) outdated.add(apId(node.key, node.partitions ? node.partitions.keyAt(i) : null));
            }
          },
          after: (sim, r) => {
            for (const run of r.tick.runs) {
              const inRun = new Set(run.assetPartitions.map((ap) => apId(ap.asset, ap.partition)));
              for (const ap of run.assetPartitions) {
                if (ap.reasons.includes('freshness') || ap.reasons.includes('downstreamFreshness')) continue;
                const node = sim.graph.get(ap.asset);
                for (const e of node?.parents ?? []) {
                  if (sim.graph.node(e.parent).kind !== 'materializable') continue;
                  const parent = apId(e.parentKey, ap.partition);
                  if (outdated.has(parent)) expect({ child: ap.asset, parent, sameRun: inRun.has(parent) }).toEqual({ child: ap.asset, parent, sameRun: true });
                }
              }
            }
          },
        });
      }),
      { numRuns: RUNS },
    );
  });

  it('dropping finished runs that nothing names decides the same as keeping every run', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const decisions = (e: EvaluateStepResult): unknown => ({ step: e.step, tick: e.tick });
        // Checked after every finished run, against a planner that never drops one.
        const dropping = replay(c, false, {}, 1);
        const keeping = replay(c, false, {}, Number.MAX_SAFE_INTEGER);
        expect(JSON.stringify(dropping.map(decisions))).toBe(JSON.stringify(keeping.map(decisions)));
      }),
      { numRuns: RUNS },
    );
  });

  it('incremental and full evaluation decide the same', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const decisions = (e: EvaluateStepResult): unknown => ({
          step: e.step,
          runs: e.tick.runs,
          discarded: e.tick.discarded,
          violations: e.tick.violations.map((v) => apId(v.asset, v.partition)),
          violationChanges: e.tick.violationChanges.map((v) => `${v.kind}:${apId(v.asset, v.partition)}`),
        });
        const incremental = replay(c, false);
        const full = replay(c, true);
        expect(incremental.map(decisions)).toEqual(full.map(decisions));
        // An asset left alone keeps the wake-up computed earlier, which may be sooner than
        // necessary (in-flight data time moves with the clock), never later.
        incremental.forEach((e, i) => {
          const f = full[i]?.tick.nextWakeAt ?? null;
          if (f !== null) expect(e.tick.nextWakeAt ?? Infinity).toBeLessThanOrEqual(f);
        });
      }),
      { numRuns: RUNS },
    );
  });
});
