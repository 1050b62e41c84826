// Event-log records back into the domain's planner records.
import { PlannerState, buildAssetGraph } from '@freshet/domain';
import { RecordTypes, type EventRecord } from '@freshet/storage';
import { plannerRecordOf } from './replay-records';

describe('plannerRecordOf', () => {
  const graph = buildAssetGraph([{ key: 'src', kind: 'observableSource' }, { key: 'a', deps: ['src'] }]);
  const state = new PlannerState(graph);
  const materialization = (payload: Record<string, number>): EventRecord => ({
    storageId: 7,
    eventId: 'e7',
    type: RecordTypes.materialization,
    assetKey: 'a',
    partitionKey: null,
    runId: 'r1',
    occurredAt: 1_000,
    recordedAt: 1_000,
    payload: { kind: 'assetMaterialized', runId: 'r1', asset: 'a', dataVersion: 'v', codeVersion: '1', inputs: [], dataTime: null, ...payload },
  });

  it("keeps the compute time the worker measured (freshness planning opens refreshes early enough by it)", () => {
    expect(plannerRecordOf(materialization({ durationMs: 4200 }), graph, state, () => null)).toMatchObject({ type: 'materialization', asset: 'a', durationMs: 4200 });
  });

  it('leaves it out when the event has none', () => {
    expect(plannerRecordOf(materialization({}), graph, state, () => null)).not.toHaveProperty('durationMs');
  });
});
