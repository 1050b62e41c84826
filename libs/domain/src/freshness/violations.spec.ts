// Per-partition freshness violations: a freshly defined asset with a long history reports its
// overdue partitions as a few ranges, both in `violationChanges` and in `violations` (what is
// overdue now), so 50,000 missing hourly partitions are one entry per tick, not 50,000.

import { play } from '../simulate/play';

const daily = { kind: 'daily', start: '2024-01-01' };
const asset = { key: 'a', partitions: daily, automation: 'none', freshness: { maximumLagMinutes: 120 } };

describe('per-partition violation changes', () => {
  it('a cold tick emits one change per contiguous range of newly overdue partitions', () => {
    // At 2024-03-01 03:00, partitions 01-01 .. 02-29 (60 days) are past their deadline (end + 2 h);
    // 01-10 and 01-20 are materialized, so the overdue ones form three ranges.
    const p = play(
      [asset],
      [{ run: { assets: ['a'], partition: '2024-01-10' } }, { run: { assets: ['a'], partition: '2024-01-20' } }, { evaluate: {}, at: '2024-03-01T03:00:00Z' }],
    );
    const tick = p.evaluations[0]?.tick;
    expect(tick?.violations.map((v) => [v.partition, v.partitionRange?.count ?? 1, v.overdueMinutes])).toEqual([
      ['2024-01-01', 9, (Date.UTC(2024, 2, 1, 3) - Date.UTC(2024, 0, 2, 2)) / 60_000],
      ['2024-01-11', 9, (Date.UTC(2024, 2, 1, 3) - Date.UTC(2024, 0, 12, 2)) / 60_000],
      ['2024-01-21', 40, (Date.UTC(2024, 2, 1, 3) - Date.UTC(2024, 0, 22, 2)) / 60_000],
    ]);
    expect(tick?.violationChanges.map((c) => [c.kind, c.partition, c.partitionRange])).toEqual([
      ['violated', '2024-01-01', { first: '2024-01-01', last: '2024-01-09', count: 9 }],
      ['violated', '2024-01-11', { first: '2024-01-11', last: '2024-01-19', count: 9 }],
      ['violated', '2024-01-21', { first: '2024-01-21', last: '2024-02-29', count: 40 }],
    ]);
    // The change carries the figures of the range's oldest partition.
    const first = tick?.violationChanges[0];
    expect(first?.kind === 'violated' ? first.since : null).toBe(Date.UTC(2024, 0, 2, 2));
  });

  it('years of missing hourly history are one violation per tick', () => {
    const hourly = { key: 'h', partitions: { kind: 'hourly', start: '2020-01-01-00:00' }, automation: 'none', freshness: { maximumLagMinutes: 60 } };
    const p = play([hourly], [{ evaluate: {}, at: '2025-09-15T00:00:00Z' }, { evaluate: {}, advance: '1h' }], { start: '2025-09-15T00:00:00Z' });
    const [cold, next] = p.evaluations.map((e) => e.tick.violations);
    expect(cold?.map((v) => [v.partition, v.partitionRange?.count])).toEqual([['2020-01-01-00:00', 50_014]]);
    // An hour later one more partition is past its deadline: still one entry.
    expect(next?.map((v) => [v.partition, v.partitionRange?.count])).toEqual([['2020-01-01-00:00', 50_015]]);
  });

  it('a single partition is named alone, without a range; resolved partitions are grouped too', () => {
    const p = play(
      [asset],
      [
        { evaluate: {}, at: '2024-01-05T03:00:00Z' },
        { evaluate: {}, at: '2024-01-06T03:00:00Z' },
        { run: { assets: ['a'], partition: '2024-01-02' } },
        { run: { assets: ['a'], partition: '2024-01-03' } },
        { evaluate: {} },
      ],
      { start: '2024-01-05T03:00:00Z' },
    );
    const changes = p.evaluations.map((e) => e.tick.violationChanges.map((c) => [c.kind, c.partition, c.partitionRange ?? null]));
    expect(changes).toEqual([
      [['violated', '2024-01-01', { first: '2024-01-01', last: '2024-01-04', count: 4 }]],
      [['violated', '2024-01-05', null]],
      [['resolved', '2024-01-02', { first: '2024-01-02', last: '2024-01-03', count: 2 }]],
    ]);
  });
});
