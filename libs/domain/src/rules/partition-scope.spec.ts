// partitionScopeMinutes bounds every automatic candidate, not only missing roots (Dagster's time
// window partition scope: only partitions inside it "may be reconciled").

import { play, requestedKeys, skippedReasons } from '../simulate/play';

const assets = [
  { key: 'h', partitions: { kind: 'hourly', start: '2024-01-01-00:00' }, automation: 'none' },
  { key: 'd', deps: ['h'], partitions: { kind: 'daily', start: '2024-01-01' }, automation: { policy: 'eager', partitionScopeMinutes: 1440 } },
];
const hoursOf = (day: string): string[] => Array.from({ length: 24 }, (_, i) => `${day}-${String(i).padStart(2, '0')}:00`);

describe('partitionScopeMinutes', () => {
  it('an old partition a parent update touches is not a candidate; one in scope is requested', () => {
    const runs = [...hoursOf('2024-01-04'), '2024-01-01-05:00'].map((partition) => ({ run: { assets: ['h'], partition } }));
    const p = play(assets, [...runs, { evaluate: {}, at: '2024-01-05T01:00:00Z' }], { start: '2024-01-05T00:30:00Z' });
    expect(requestedKeys(p.evaluations[0])).toEqual(['d[2024-01-04]']);
    // Out of scope: neither requested nor left waiting (forever) on the hours nobody materializes.
    expect(skippedReasons(p.evaluations[0])).toEqual({});
  });

  it('a backfill still reaches partitions outside the scope', () => {
    const runs = hoursOf('2024-01-01').map((partition) => ({ run: { assets: ['h'], partition } }));
    const p = play(assets, [...runs, { backfill: { id: 'b1', assets: { d: ['2024-01-01'] } } }, { evaluate: {}, at: '2024-01-05T01:00:00Z' }], { start: '2024-01-05T00:30:00Z' });
    expect(requestedKeys(p.evaluations[0])).toContain('d[2024-01-01]');
  });
});
