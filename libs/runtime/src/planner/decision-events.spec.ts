// The events a tick's decisions become, decoded with the published contracts.
import { decode } from '@freshet/contracts';
import { PlannerState, buildAssetGraph, emptyCursor, evaluate } from '@freshet/domain';
import { decisionWrites } from './decision-events';

describe('decisionWrites', () => {
  it('names a whole range of partitions that became violated at once, not only its first partition', () => {
    // Hourly, never materialized, 30 minutes allowed: at 05:00, hours 00:00–03:00 are overdue together.
    const graph = buildAssetGraph([{ key: 'a', partitions: { kind: 'hourly', start: '2024-01-01-00:00' }, automation: 'none', freshness: { maximumLagMinutes: 30 } }]);
    const state = new PlannerState(graph);
    const now = Date.parse('2024-01-01T05:00:00Z');
    const tick = evaluate(graph, state, emptyCursor(), now);
    const writes = decisionWrites(tick, { graph, state, now, epoch: 1, source: 'freshet/planner', newId: () => 'id-1' });
    const violations = writes.outbox
      .filter((m) => m.topic === 'freshet.freshness-violations.v1')
      .map((m) => decode(Buffer.from(JSON.stringify(m.value))))
      .map((r) => (r.ok && r.event.type === 'dev.freshet.freshness-violation.v1' ? r.event.data : null));
    expect(violations).toEqual([
      expect.objectContaining({
        status: 'violated',
        asset: 'a',
        partition: '2024-01-01-00:00',
        partitionRange: { first: '2024-01-01-00:00', last: '2024-01-01-03:00', count: 4 },
      }),
    ]);
  });
});
