// The live table of `freshet dev`: in a log (no terminal) a snapshot is printed when its signature
// changes, so the signature must stay put while only the clock moves.
import { buildAssetGraph, emptyCursor, evaluate, PlannerState, type NewRecord } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';
import { DecisionLog, tableRows, tableSignature } from './dev-table';

const T0 = Date.parse('2026-01-01T00:00:00Z');

function setup() {
  const graph = buildAssetGraph([
    { key: 'src', kind: 'observableSource' },
    { key: 'table', deps: ['src'], automation: 'eager', freshness: { maximumLagMinutes: 60 } },
  ]);
  const state = new PlannerState(graph);
  let storageId = 1;
  const record = (r: NewRecord, at: number): number => {
    const id = storageId++;
    state.apply({ ...r, storageId: id, timestamp: at });
    return id;
  };
  const report = (at: number): TickReport => ({ at, result: evaluate(graph, state, emptyCursor(), at), runIds: [], graph, state, durationMs: 0, readUpTo: storageId - 1 });
  const signatureAt = (at: number): string => tableSignature(tableRows(report(at), new DecisionLog(), at));
  return { record, signatureAt };
}

describe('dev table signature', () => {
  it('does not change while only the clock moves, though data time and deadline of current data do', () => {
    const { record, signatureAt } = setup();
    const v1 = record({ type: 'observation', asset: 'src', partition: null, dataVersion: 'v1' }, T0);
    record({ type: 'materialization', asset: 'table', partition: null, runId: null, codeVersion: '1', dataVersion: 't1', inputs: { src: { storageId: v1, dataVersion: 'v1' } }, dataTime: null }, T0 + 1000);
    expect(signatureAt(T0 + 5_000)).toBe(signatureAt(T0 + 65_000));
  });

  it('changes when a source changes, and stays put while the data falls behind', () => {
    const { record, signatureAt } = setup();
    const v1 = record({ type: 'observation', asset: 'src', partition: null, dataVersion: 'v1' }, T0);
    record({ type: 'materialization', asset: 'table', partition: null, runId: null, codeVersion: '1', dataVersion: 't1', inputs: { src: { storageId: v1, dataVersion: 'v1' } }, dataTime: null }, T0 + 1000);
    const before = signatureAt(T0 + 5_000);
    record({ type: 'observation', asset: 'src', partition: null, dataVersion: 'v2' }, T0 + 10_000);
    const after = signatureAt(T0 + 11_000);
    expect(after).not.toBe(before);
    // The table's data time is now fixed (v2 arrived at T0 + 10 s): its lag grows, the signature does not.
    expect(signatureAt(T0 + 120_000)).toBe(after);
  });
});
