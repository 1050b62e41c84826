// Demand-driven freshness planning (README "Freshness planning"): the refresh cone, waiting on
// ancestors, duration-aware periods, and the duration estimates they rest on.

import { buildAssetGraph, type AssetNode } from '../graph/asset-graph';
import { evaluate } from '../planner/evaluate';
import type { NewRecord } from '../records/records';
import { play, requestedKeys, skippedReasons } from '../simulate/play';
import { DurationEstimates } from '../state/durations';
import { PlannerState } from '../state/planner-state';
import { policyFit } from './refresh-plan';
import { currentInputs } from '../versions/data-version';

const MINUTE = 60_000;
const lazy = { defaultAutomation: 'lazy' };

describe('duration estimates', () => {
  it('take a slower step at once and close a fifth of the gap to a faster one', () => {
    const d = new DurationEstimates();
    expect(d.estimate('a')).toBeNull();
    d.observe('a', 10 * MINUTE);
    d.observe('a', 20 * MINUTE);
    expect(d.estimate('a')).toBe(20 * MINUTE);
    d.observe('a', 10 * MINUTE);
    expect(d.estimate('a')).toBe(18 * MINUTE);
    d.observe('a', -1);
    expect(d.estimate('a')).toBe(18 * MINUTE);
  });

  it('are read off runs: from the run start, or from the parent landing in the same run', () => {
    const p = play(
      [{ key: 'a' }, { key: 'b', deps: ['a'], freshness: { maximumLagMinutes: 600 } }],
      [{ run: { assets: ['a', 'b'] } }, { evaluate: {}, at: '2024-01-01T09:00:00Z' }, { complete: 'inProgress', at: '2024-01-01T09:12:00Z' }],
      lazy,
    );
    expect(requestedKeys(p.evaluations[0])).toEqual(['a', 'b']);
    // The simulator lands a run's materializations together: a took 12 minutes, b none after a.
    expect(p.sim.state.durations.estimate('a')).toBe(12 * MINUTE);
    expect(p.sim.state.durations.estimate('b')).toBe(0);
  });
});

describe('refresh cone', () => {
  const diamond = [{ key: 'a' }, { key: 'b', deps: ['a'] }, { key: 'c' }, { key: 'd', deps: ['b', 'c'], freshness: { maximumLagMinutes: 30 } }];

  it('requests only the ancestors older than the required data time, with the asset', () => {
    const p = play(diamond, [{ run: { assets: ['a', 'b', 'c', 'd'] } }, { run: { assets: ['a', 'b'] }, at: '2024-01-01T00:28:00Z' }, { evaluate: {}, at: '2024-01-01T00:29:00Z' }], lazy);
    expect(requestedKeys(p.evaluations[0])).toEqual(['c', 'd']);
    const aps = p.evaluations[0]?.tick.runs.flatMap((r) => r.assetPartitions) ?? [];
    expect(aps.find((ap) => ap.asset === 'c')?.sentence).toContain('freshness policy of d');
  });

  it('is not due before 0.9·lag when its steps were timed at 0 ms (instant runs)', () => {
    const p = play(diamond, [{ run: { assets: ['a', 'b', 'c', 'd'] } }, { evaluate: {}, at: '2024-01-01T00:26:00Z' }], lazy);
    expect(requestedKeys(p.evaluations[0])).toEqual([]);
    expect(p.evaluations[0]?.tick.nextWakeAt).toBe(Date.UTC(2024, 0, 1, 0, 27));
  });

  it('waits, naming the ancestor, when one cannot be requested; requests nothing meanwhile', () => {
    const p = play(diamond, [{ run: { assets: ['a', 'b', 'c', 'd'] } }, { evaluate: {}, at: '2024-01-01T00:28:00Z' }], { ...lazy, selection: ['b', 'c', 'd'] });
    expect(requestedKeys(p.evaluations[0])).toEqual([]);
    expect(skippedReasons(p.evaluations[0])['d']).toEqual(['notSelected']);
  });

  it('waits for an ancestor in flight while the rest of the cone runs', () => {
    const p = play(
      diamond,
      [
        { run: { assets: ['a', 'b', 'c', 'd'] } },
        { run: { id: 'r1', assets: ['a'], status: 'inProgress' }, at: '2024-01-01T00:10:00Z' },
        { evaluate: {}, at: '2024-01-01T00:28:00Z' },
      ],
      lazy,
    );
    // a is in flight: b and d wait for it; c runs now.
    expect(requestedKeys(p.evaluations[0])).toEqual(['c']);
    expect(skippedReasons(p.evaluations[0])['b']).toEqual(['parentInProgress']);
    expect(skippedReasons(p.evaluations[0])['d']).toEqual(['parentOutdated']);
  });
});

describe('duration-aware periods', () => {
  it('open 1.1 × the critical path + 5 % of the lag before the deadline once compute times are known', () => {
    const p = play(
      [{ key: 'a' }, { key: 'b', deps: ['a'], freshness: { maximumLagMinutes: 60 } }],
      [
        { run: { assets: ['a', 'b'] } },
        { evaluate: {}, at: '2024-01-01T00:54:00Z' },
        { complete: 'inProgress', at: '2024-01-01T01:14:00Z' },
        { evaluate: {}, at: '2024-01-01T01:48:00Z' },
        { evaluate: {}, at: '2024-01-01T01:49:00Z' },
      ],
      lazy,
    );
    expect(requestedKeys(p.evaluations[0])).toEqual(['a', 'b']);
    // Data time 01:14 (a is a root: its own materialization time) + 60m − (1.1 × 20m + 3m) = 01:49.
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(p.evaluations[1]?.tick.nextWakeAt).toBe(Date.UTC(2024, 0, 1, 1, 49));
    expect(requestedKeys(p.evaluations[2])).toEqual(['a', 'b']);
  });
});

describe('compute times never seen', () => {
  // a -> b, b with a 60-minute policy, both materialized at 00:00 without a run (reported by hand,
  // or before Freshet took over): nothing says how long they take.
  const graph = buildAssetGraph([{ key: 'a' }, { key: 'b', deps: ['a'], freshness: { maximumLagMinutes: 60 } }], { defaultAutomation: 'lazy' });
  const state = new PlannerState(graph);
  let storageId = 0;
  const append = (r: NewRecord, at: number): void => state.apply({ ...r, storageId: ++storageId, timestamp: at });
  const t0 = Date.UTC(2024, 0, 1);
  append({ type: 'materialization', asset: 'a', partition: null, runId: null, codeVersion: '1', dataVersion: 'a1', inputs: {} }, t0);
  append({ type: 'materialization', asset: 'b', partition: null, runId: null, codeVersion: '1', dataVersion: 'b1', inputs: currentInputs(graph, state, 'b', 0, t0) }, t0);

  it('open the refresh at half the lag, not at 0.9·lag', () => {
    expect(state.durations.estimate('a')).toBeNull();
    const early = evaluate(graph, state, null, t0 + 29 * MINUTE);
    expect(early.runs).toEqual([]);
    expect(early.nextWakeAt).toBe(t0 + 30 * MINUTE);
    const due = evaluate(graph, state, early.cursor, t0 + 30 * MINUTE);
    expect(due.runs.flatMap((r) => r.assetPartitions.map((ap) => ap.asset))).toEqual(['a', 'b']);
  });
});

describe('demands sharing a cone member', () => {
  // a (20 min) -> b (1 min) -> x (44-minute policy); b and c -> y (60-minute policy). Everything
  // was materialized at 00:00 in one run, and a again (alone) at `aAgain` minutes.
  const t0 = Date.UTC(2024, 0, 1);
  const durations: Record<string, number> = { a: 20 * MINUTE, b: MINUTE, c: 0, x: 0, y: 0 };
  const fixture = (aAgain: number): { graph: ReturnType<typeof buildAssetGraph>; state: PlannerState } => {
    const graph = buildAssetGraph(
      [
        { key: 'a' },
        { key: 'b', deps: ['a'] },
        { key: 'c' },
        { key: 'x', deps: ['b'], freshness: { maximumLagMinutes: 44 } },
        { key: 'y', deps: ['b', 'c'], freshness: { maximumLagMinutes: 60 } },
      ],
      { defaultAutomation: 'lazy' },
    );
    const state = new PlannerState(graph);
    let storageId = 0;
    const append = (r: NewRecord, at: number): void => state.apply({ ...r, storageId: ++storageId, timestamp: at });
    const materialize = (asset: string, runId: string, at: number): void =>
      append({ type: 'materialization', asset, partition: null, runId, codeVersion: '1', dataVersion: `${asset}@${at}`, inputs: currentInputs(graph, state, asset, 0, at), durationMs: durations[asset] }, at);
    append({ type: 'runPlanned', runId: 'r0', codeLocation: 'default', assetPartitions: ['a', 'b', 'c', 'x', 'y'].map((asset) => ({ asset, partition: null })) }, t0);
    for (const k of ['a', 'b', 'c', 'x', 'y']) materialize(k, 'r0', t0);
    append({ type: 'runFinished', runId: 'r0', status: 'success', failed: [] }, t0);
    const landed = t0 + aAgain * MINUTE;
    append({ type: 'runPlanned', runId: 'r1', codeLocation: 'default', assetPartitions: [{ asset: 'a', partition: null }] }, landed - 20 * MINUTE);
    materialize('a', 'r1', landed);
    append({ type: 'runFinished', runId: 'r1', status: 'success', failed: [] }, landed);
    return { graph, state };
  };
  const requested = (aAgain: number, at: number): string[] => {
    const { graph, state } = fixture(aAgain);
    return evaluate(graph, state, null, t0 + at * MINUTE)
      .runs.flatMap((r) => r.assetPartitions.map((ap) => ap.asset))
      .sort((p, q) => (p < q ? -1 : p > q ? 1 : 0));
  };

  it('a demand whose required data time has passed joins a refresh of a member of its cone', () => {
    // a landed at 00:35. At 00:40, x is due (44 − 0.1 × 44 = 39.6 min) with cone {b}. y's required
    // data time is 60 − (1.1 × 21 + 3) = 33.9 min, but its cone {b, c} (a is fresh) could start at
    // 54: waiting, it would find b in flight having read a for x, and run b again. It joins now.
    expect(requested(35, 40)).toEqual(['b', 'c', 'x', 'y']);
  });

  it('an ancestor read within the slack counts on the critical path (another policy may run it first in the same run)', () => {
    // a landed at 00:25: older than y's required 33.9 min, within its slack (≥ 21.9): y reads it as
    // it is, cone {b, c}. Were a requested for another policy in the same tick, b would wait for it
    // in the run: y opens at 60 − (1.1 × (20 + 1) + 3) = 33.9 min, not 54.
    expect(requested(25, 33)).not.toContain('y');
    expect(requested(25, 34)).toEqual(expect.arrayContaining(['b', 'c', 'y']));
  });
});

describe('policyFit', () => {
  const specs = [
    { key: 'src', kind: 'observableSource' as const },
    { key: 'stage', deps: ['src'], codeVersion: '1' },
    { key: 'mart', deps: ['stage'], codeVersion: '1', freshness: { maximumLagMinutes: 60 } },
  ];
  const fitAfter = (stageMinutes: number | null, martMinutes: number): ReturnType<typeof policyFit> => {
    const graph = buildAssetGraph(specs);
    const state = new PlannerState(graph);
    let id = 1;
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    state.apply({ type: 'observation', asset: 'src', partition: null, dataVersion: 'v1', storageId: id++, timestamp: t0 });
    if (stageMinutes !== null)
      state.apply({ type: 'materialization', asset: 'stage', partition: null, runId: 'r', codeVersion: '1', dataVersion: 's1', inputs: {}, dataTime: null, durationMs: stageMinutes * 60_000, storageId: id++, timestamp: t0 + 1 });
    state.apply({ type: 'materialization', asset: 'mart', partition: null, runId: 'r', codeVersion: '1', dataVersion: 'm1', inputs: {}, dataTime: null, durationMs: martMinutes * 60_000, storageId: id++, timestamp: t0 + 2 });
    return policyFit(graph, state, graph.get('mart') as AssetNode);
  };

  it('sums the longest chain of compute a refresh may re-run against the lag', () => {
    expect(fitAfter(5, 10)).toEqual({ pipelineMs: 15 * 60_000, partial: false, fit: 'ok' });
    expect(fitAfter(20, 10)).toEqual({ pipelineMs: 30 * 60_000, partial: false, fit: 'tight' });
    expect(fitAfter(40, 20)).toEqual({ pipelineMs: 60 * 60_000, partial: false, fit: 'tooTight' });
  });

  it('says when a step on the chain was never timed', () => {
    expect(fitAfter(null, 10)).toEqual({ pipelineMs: 10 * 60_000, partial: true, fit: 'ok' });
  });
});
