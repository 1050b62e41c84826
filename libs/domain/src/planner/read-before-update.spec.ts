// A run reads its inputs when it starts and is recorded when it ends. A parent update that lands
// between the two, and is seen by the planner in the same tick as the run's materialization, is
// new data for the child: its materialization is newer than the update, but read an older version.
// (Found by the fault fuzz test: a child left stale under load, never requested again.)

import { buildAssetGraph } from '../graph/asset-graph';
import { emptyCursor, type PlannerCursor } from '../cursor/cursor';
import type { NewRecord } from '../records/records';
import { PlannerState } from '../state/planner-state';
import { evaluate } from './evaluate';
import type { TickResult } from './types';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function setup(parentKind: 'observableSource' | 'materializable') {
  const graph = buildAssetGraph([
    parentKind === 'observableSource' ? { key: 's', kind: 'observableSource' } : { key: 's', automation: 'none' },
    { key: 'k', deps: ['s'], automation: 'eager' },
  ]);
  const state = new PlannerState(graph);
  let storageId = 1;
  let now = T0;
  let cursor: PlannerCursor = emptyCursor();
  const record = (r: NewRecord): number => {
    const id = storageId++;
    state.apply({ ...r, storageId: id, timestamp: now });
    return id;
  };
  const update = (version: string): number =>
    parentKind === 'observableSource'
      ? record({ type: 'observation', asset: 's', partition: null, dataVersion: version })
      : record({ type: 'materialization', asset: 's', partition: null, runId: `s-${version}`, codeVersion: '1', dataVersion: version, inputs: {}, dataTime: null });
  const tick = (options: { full?: boolean } = {}): TickResult => {
    now += 1000;
    const result = evaluate(graph, state, cursor, now, options);
    cursor = result.cursor;
    return result;
  };
  const requested = (result: TickResult): string[] => result.runs.flatMap((r) => r.assetPartitions.map((ap) => ap.asset)).sort((a, b) => a.localeCompare(b));
  return { graph, state, record, update, tick, requested };
}

describe.each(['observableSource', 'materializable'] as const)('a parent (%s) updated while the child run is reading', (parentKind) => {
  it.each([false, true])('requests the child again when the run lands in the same tick as the update (full=%s)', (full) => {
    const { record, update, tick, requested } = setup(parentKind);
    const v1 = update('v1');
    const first = tick({ full });
    expect(requested(first)).toEqual(['k']);
    const runId = 'r1';
    record({ type: 'runPlanned', runId, codeLocation: 'default', assetPartitions: [{ asset: 'k', partition: null }] });
    // The worker read v1; v2 arrives; then the run's materialization and completion: one batch.
    update('v2');
    record({ type: 'materialization', asset: 'k', partition: null, runId, codeVersion: '1', dataVersion: 'k-of-v1', inputs: { s: { storageId: v1, dataVersion: 'v1' } }, dataTime: null });
    record({ type: 'runFinished', runId, status: 'success', failed: [] });
    expect(requested(tick({ full }))).toEqual(['k']);
  });

  it('does not request the child when its run read the newest version', () => {
    const { record, update, tick, requested } = setup(parentKind);
    update('v1');
    expect(requested(tick())).toEqual(['k']);
    const runId = 'r1';
    record({ type: 'runPlanned', runId, codeLocation: 'default', assetPartitions: [{ asset: 'k', partition: null }] });
    const v2 = update('v2');
    record({ type: 'materialization', asset: 'k', partition: null, runId, codeVersion: '1', dataVersion: 'k-of-v2', inputs: { s: { storageId: v2, dataVersion: 'v2' } }, dataTime: null });
    record({ type: 'runFinished', runId, status: 'success', failed: [] });
    expect(requested(tick())).toEqual([]);
  });
});
