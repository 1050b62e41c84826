// What the planner state keeps of finished runs: those an attempt or a kept materialization still
// names (a failed attempt's data time and "updated by a run that also planned the child" read them),
// and nothing else, so a long-lived planner does not keep every run it ever saw.

import { buildAssetGraph } from '../graph/asset-graph';
import type { NewRecord } from '../records/records';
import { PlannerState } from './planner-state';

function setup() {
  const graph = buildAssetGraph([{ key: 'a' }, { key: 'b', deps: ['a'] }]);
  const state = new PlannerState(graph);
  let storageId = 1;
  let now = Date.parse('2026-01-01T00:00:00Z');
  const record = (r: NewRecord): void => {
    state.apply({ ...r, storageId: storageId++, timestamp: (now += 1000) });
  };
  const plan = (runId: string, assets: readonly string[]): void =>
    record({ type: 'runPlanned', runId, codeLocation: 'default', assetPartitions: assets.map((asset) => ({ asset, partition: null })) });
  /** A run of `assets`; those in `fails` are not materialized (the run fails them). */
  const run = (runId: string, assets: readonly string[], fails: readonly string[] = []): void => {
    plan(runId, assets);
    for (const asset of assets)
      if (!fails.includes(asset)) record({ type: 'materialization', asset, partition: null, runId, codeVersion: '1', dataVersion: `${asset}-${runId}`, inputs: {}, dataTime: null });
    record({ type: 'runFinished', runId, status: fails.length > 0 ? 'failure' : 'success', failed: fails.map((asset) => ({ asset, partition: null })) });
  };
  return { state, run, plan };
}

describe('finished runs in the planner state', () => {
  it('drops runs nothing names any more and keeps those an attempt or a materialization names', () => {
    const { state, run } = setup();
    run('first', ['a', 'b']);
    // b's latest attempt fails in this run: its failed data time reads the run.
    run('b-failed', ['a', 'b'], ['b']);
    for (let i = 0; i < 3000; i++) run(`a-${i}`, ['a']);
    // b's latest materialization came from the first run.
    expect(state.run('first')?.status).toBe('success');
    expect(state.run('a-0')).toBeUndefined();
    expect(state.run('a-2000')).toBeUndefined();
    expect(state.run('b-failed')?.status).toBe('failure');
    expect(state.run('a-2999')?.finished).toBe(true);
    // Older materializations kept for lagging input pointers still name their runs.
    expect(state.run('a-2990')).toBeDefined();
    expect(state.activeRuns()).toEqual([]);
  });

  it('never drops a run in flight', () => {
    const { state, run, plan } = setup();
    plan('open', ['b']);
    for (let i = 0; i < 2500; i++) run(`a-${i}`, ['a']);
    expect(state.run('open')?.finished).toBe(false);
    expect(state.activeRuns().map((r) => r.runId)).toEqual(['open']);
  });
});
