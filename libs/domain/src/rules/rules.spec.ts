// Each materialize and skip rule, on the smallest history that shows it.

import { play, requestedKeys, skippedReasons } from '../simulate/play';

const reasonsOf = (p: ReturnType<typeof play>, step: number, asset: string): readonly string[] =>
  p.evaluations[step]?.tick.runs.flatMap((r) => r.assetPartitions).find((a) => a.asset === asset)?.reasons ?? [];

describe('materialize rules', () => {
  it('missing: a never-handled root once, not again while in flight or after it failed', () => {
    const p = play([{ key: 'a' }], [{ evaluate: {} }, { evaluate: {} }, { complete: 'inProgress', failed: ['a'] }, { evaluate: {} }]);
    expect(requestedKeys(p.evaluations[0])).toEqual(['a']);
    expect(reasonsOf(p, 0, 'a')).toEqual(['missing']);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(requestedKeys(p.evaluations[2])).toEqual([]);
  });

  it('parentUpdated: once per parent update, with the child in the same run when eligible', () => {
    const p = play(
      [{ key: 'a', automation: 'none' }, { key: 'b', deps: ['a'] }, { key: 'c', deps: ['b'] }],
      [{ run: { assets: ['a', 'b', 'c'] } }, { evaluate: {} }, { run: { assets: ['a'] } }, { evaluate: {} }, { complete: 'inProgress' }, { evaluate: {} }],
    );
    expect(requestedKeys(p.evaluations[0])).toEqual([]);
    expect(requestedKeys(p.evaluations[1])).toEqual(['b', 'c']);
    expect(p.evaluations[1]?.tick.runs).toHaveLength(1);
    expect(reasonsOf(p, 1, 'c')).toEqual(['parentUpdated']);
    expect(requestedKeys(p.evaluations[2])).toEqual([]);
  });

  it('parentUpdated (Freshet): a parent rebuilt with an unchanged data version does not trigger', () => {
    const assets = [{ key: 'src', kind: 'observableSource' }, { key: 'a', deps: ['src'], codeVersion: '1', automation: 'none' }, { key: 'b', deps: ['a'] }];
    const p = play(assets, [{ observe: { asset: 'src', dataVersion: 'v1' } }, { run: { assets: ['a', 'b'] } }, { evaluate: {} }, { run: { assets: ['a'] } }, { evaluate: {} }]);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
  });

  it('parentUpdated ignores updates from a run that also planned the child', () => {
    const p = play([{ key: 'a' }, { key: 'b', deps: ['a'] }], [{ run: { assets: ['a', 'b'] } }, { evaluate: {} }, { run: { assets: ['a'], failed: ['b'] } }, { evaluate: {} }]);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
  });

  it('newSourceData: only a changed observed version', () => {
    const assets = [{ key: 'src', kind: 'observableSource' }, { key: 'a', deps: ['src'] }];
    const p = play(assets, [
      { observe: { asset: 'src', dataVersion: 'v1' } },
      { run: { assets: ['a'] } },
      { evaluate: {} },
      { observe: { asset: 'src', dataVersion: 'v1' } },
      { evaluate: {} },
      { observe: { asset: 'src', dataVersion: 'v2' } },
      { evaluate: {} },
    ]);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(requestedKeys(p.evaluations[2])).toEqual(['a']);
    expect(reasonsOf(p, 2, 'a')).toEqual(['newSourceData']);
  });

  it('codeVersionChanged (Freshet): new code rebuilds the asset, and then its children', () => {
    const p = play(
      [{ key: 'a', codeVersion: '1' }, { key: 'b', deps: ['a'] }],
      [{ run: { assets: ['a', 'b'] } }, { evaluate: {} }, { codeVersion: { asset: 'a', version: '2' } }, { evaluate: {} }],
    );
    expect(requestedKeys(p.evaluations[1])).toEqual(['a', 'b']);
    expect(reasonsOf(p, 1, 'a')).toEqual(['codeVersionChanged']);
    expect(reasonsOf(p, 1, 'b')).toEqual(['parentUpdated']);
  });

  it('freshness / downstreamFreshness: lazy ancestors run only when a policy needs them', () => {
    const assets = [{ key: 'a' }, { key: 'b', deps: ['a'] }, { key: 'c', deps: ['b'], freshness: { maximumLagMinutes: 30 } }];
    const p = play(assets, [{ run: { assets: ['a', 'b', 'c'] } }, { evaluate: {}, advance: '20m' }, { evaluate: {}, advance: '8m' }], { defaultAutomation: 'lazy' });
    expect(requestedKeys(p.evaluations[0])).toEqual([]);
    expect(requestedKeys(p.evaluations[1])).toEqual(['a', 'b', 'c']);
    expect(reasonsOf(p, 1, 'a')).toEqual(['downstreamFreshness']);
    expect(reasonsOf(p, 1, 'c')).toEqual(['freshness']);
    // The planner asks to be woken when the period opens.
    expect(p.evaluations[0]?.tick.nextWakeAt).toBe(Date.UTC(2024, 0, 1, 0, 27));
  });

  it('cron: a tick passed and every parent updated since', () => {
    const assets = [{ key: 'a', automation: 'none' }, { key: 'b', deps: ['a'], automation: { policy: 'lazy', cronSchedule: '0 9 * * *' } }];
    const p = play(assets, [
      { run: { assets: ['a', 'b'] } },
      { evaluate: {}, at: '2024-01-01T08:00:00Z' },
      { evaluate: {}, at: '2024-01-01T09:05:00Z' },
      { run: { assets: ['a'] }, at: '2024-01-01T09:10:00Z' },
      { evaluate: {} },
    ]);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(skippedReasons(p.evaluations[1])).toEqual({ b: ['notAllParentsUpdated'] });
    expect(requestedKeys(p.evaluations[2])).toEqual(['b']);
    expect(reasonsOf(p, 2, 'b')).toEqual(['cron']);
  });

  it('backfill: requests its partitions parents first, regardless of policy', () => {
    const daily = { kind: 'daily', start: '2024-01-01' };
    const p = play(
      [{ key: 'p', partitions: daily, automation: 'none' }, { key: 'c', deps: ['p'], partitions: daily, automation: 'none', codeLocation: 'other' }],
      [{ backfill: { id: 'b1', assets: { p: ['2024-01-01'], c: ['2024-01-01'] } } }, { evaluate: {} }, { complete: 'inProgress' }, { evaluate: {} }],
      { start: '2024-01-03T00:00:00Z' },
    );
    expect(requestedKeys(p.evaluations[0])).toEqual(['p[2024-01-01]']);
    expect(requestedKeys(p.evaluations[1])).toEqual(['c[2024-01-01]']);
    expect(reasonsOf(p, 1, 'c')).toEqual(['backfill']);
  });
});

describe('skip rules', () => {
  it('parentMissing: a child waits for a never-materialized parent', () => {
    const p = play([{ key: 'a', automation: 'none' }, { key: 'b' }, { key: 'c', deps: ['a', 'b'] }], [{ run: { assets: ['b'] } }, { evaluate: {} }]);
    expect(skippedReasons(p.evaluations[0])).toEqual({ c: ['parentMissing'] });
  });

  it('parentOutdated: waits on the asset that has not consumed new data', () => {
    const p = play(
      [{ key: 'r', automation: 'none' }, { key: 'a', deps: ['r'], automation: 'none' }, { key: 'x', automation: 'none' }, { key: 'd', deps: ['a', 'x'] }],
      [{ run: { assets: ['r', 'a', 'x', 'd'] } }, { evaluate: {} }, { run: { assets: ['r', 'x'] } }, { evaluate: {} }],
    );
    const skip = p.evaluations[1]?.tick.skipped.find((s) => s.asset === 'd');
    expect(skip?.reasons).toEqual(['parentOutdated']);
    expect(skip?.sentence).toMatch(/^waiting on a:/);
  });

  it('parentInProgress and inProgress: nothing in flight is requested again', () => {
    const p = play(
      [{ key: 'a', automation: 'none' }, { key: 'x', automation: 'none' }, { key: 'b', deps: ['a', 'x'] }],
      [
        { run: { assets: ['a', 'x', 'b'] } },
        { run: { id: 'r1', assets: ['a'], status: 'inProgress' } },
        { run: { assets: ['x'] } },
        { evaluate: {} },
        { run: { id: 'r2', assets: ['b'], status: 'inProgress' } },
        { run: { assets: ['x'] } },
        { evaluate: {} },
      ],
    );
    expect(requestedKeys(p.evaluations[0])).toEqual([]);
    expect(skippedReasons(p.evaluations[0])).toEqual({ b: ['parentInProgress'] });
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(skippedReasons(p.evaluations[1]).b).toEqual(expect.arrayContaining(['inProgress', 'parentInProgress']));
  });

  it('recentFailure: an eager failure is not retried without a new trigger', () => {
    const p = play(
      [{ key: 'a', automation: 'none' }, { key: 'b', deps: ['a'] }],
      [{ run: { assets: ['a', 'b'] } }, { run: { assets: ['a'] } }, { evaluate: {} }, { complete: 'inProgress', failed: ['b'] }, { evaluate: {} }, { run: { assets: ['a'] } }, { evaluate: {} }],
    );
    expect(requestedKeys(p.evaluations[0])).toEqual(['b']);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
    expect(requestedKeys(p.evaluations[2])).toEqual(['b']);
  });

  it('notAllParentsUpdated (opt-in): waits until every parent updated', () => {
    const auto = { policy: 'eager', skipOn: ['notAllParentsUpdated'] };
    const p = play(
      [{ key: 'a', automation: 'none' }, { key: 'b', automation: 'none' }, { key: 'c', deps: ['a', 'b'], automation: auto }],
      [{ run: { assets: ['a', 'b', 'c'] } }, { evaluate: {} }, { run: { assets: ['a'] } }, { evaluate: {} }, { run: { assets: ['b'] } }, { evaluate: {} }],
    );
    expect(skippedReasons(p.evaluations[1])).toEqual({ c: ['notAllParentsUpdated'] });
    expect(requestedKeys(p.evaluations[2])).toEqual(['c']);
  });

  it('nonexistentParentPartitions: a child partition before the parent starts', () => {
    const p = play(
      [
        { key: 'p', partitions: { kind: 'daily', start: '2024-01-02' }, automation: 'none' },
        { key: 'c', deps: ['p'], partitions: { kind: 'daily', start: '2024-01-01' }, automation: { policy: 'eager', maxMaterializationsPerMinute: 5 } },
      ],
      [{ run: { assets: ['p'], partition: '2024-01-02' } }, { evaluate: {} }],
      { start: '2024-01-03T00:00:00Z' },
    );
    expect(requestedKeys(p.evaluations[0])).toEqual(['c[2024-01-02]']);
  });

  it('rateLimited: newest first, the rest discarded for good', () => {
    const p = play([{ key: 'a', partitions: { kind: 'daily', start: '2024-01-01' } }], [{ evaluate: {} }, { complete: 'inProgress' }, { evaluate: {} }], { start: '2024-01-04T01:00:00Z' });
    expect(requestedKeys(p.evaluations[0])).toEqual(['a[2024-01-03]']);
    expect(skippedReasons(p.evaluations[0])).toEqual({ 'a[2024-01-01]': ['rateLimited'], 'a[2024-01-02]': ['rateLimited'] });
    expect(p.evaluations[0]?.tick.discarded[0]?.partitions).toEqual(['2024-01-01', '2024-01-02']);
    expect(requestedKeys(p.evaluations[1])).toEqual([]);
  });

  it('notSelected: outside the selection, never requested', () => {
    const p = play([{ key: 'a' }, { key: 'b' }], [{ evaluate: {} }], { selection: ['b'] });
    expect(requestedKeys(p.evaluations[0])).toEqual(['b']);
    expect(skippedReasons(p.evaluations[0])).toEqual({ a: ['notSelected'] });
  });
});

describe('grouping into runs', () => {
  it('splits by code location and partition key', () => {
    const daily = { kind: 'daily', start: '2024-01-01' };
    const p = play(
      [
        { key: 'a' },
        { key: 'b', codeLocation: 'other' },
        { key: 'd1', partitions: daily, automation: { policy: 'eager', maxMaterializationsPerMinute: 2 } },
      ],
      [{ evaluate: {} }],
      { start: '2024-01-03T00:00:00Z' },
    );
    const runs = p.evaluations[0]?.tick.runs.map((r) => `${r.codeLocation}:${r.partitionKey ?? '-'}:${r.assetPartitions.map((a) => a.asset).join('+')}`);
    // Ordered by their first asset in topological order, then partition key.
    expect(runs).toEqual(['default:-:a', 'other:-:b', 'default:2024-01-01:d1', 'default:2024-01-02:d1']);
  });
});
