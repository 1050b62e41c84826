// Asset spec validation reports every problem at once, each with its JSON path.

import { InvalidSpecsError } from '../errors';
import { buildAssetGraph } from '../graph/asset-graph';
import { parseAssetSpecs } from './validate';

function problemsOf(value: unknown): { path: string; message: string }[] {
  try {
    parseAssetSpecs(value);
  } catch (error) {
    if (error instanceof InvalidSpecsError) return [...error.problems];
    throw error;
  }
  return [];
}

describe('asset spec validation', () => {
  it('accepts the FORMAT.md example shapes', () => {
    const specs = parseAssetSpecs([
      { key: 'orders' },
      { key: 'hourly_events', partitions: { kind: 'hourly', start: '2024-01-01-00:00' } },
      {
        key: 'orders_cleaned',
        kind: 'materializable',
        deps: ['orders', { key: 'hourly_events', mapping: { kind: 'timeWindow', startOffset: -1, endOffset: 0 } }],
        codeVersion: '1',
        partitions: { kind: 'daily', start: '2024-01-01' },
        freshness: { maximumLagMinutes: 60, cronSchedule: '0 9 * * *', cronTimezone: 'UTC' },
        automation: 'eager',
        multiAsset: 'stats',
        canSubset: false,
      },
    ]);
    expect(specs.map((s) => s.key)).toEqual(['orders', 'hourly_events', 'orders_cleaned']);
  });

  it('accepts description and group as documentation, carried on the spec and ignored by the planner', () => {
    const documented = parseAssetSpecs([
      { key: 'orders', description: 'Raw orders, as exported nightly', group: 'sales' },
      { key: 'orders_cleaned', deps: ['orders'], description: '' },
    ]);
    expect(documented[0]).toEqual({ key: 'orders', description: 'Raw orders, as exported nightly', group: 'sales' });
    expect(documented[1]?.description).toBe('');
    expect(problemsOf([{ key: 'a', description: 3, group: '' }, { key: 'b', group: ['x'] }]).map((p) => p.path)).toEqual([
      '$.assets[0].description',
      '$.assets[0].group',
      '$.assets[1].group',
    ]);
    // The planner decides the same with or without them.
    const plain = buildAssetGraph(parseAssetSpecs([{ key: 'orders' }, { key: 'orders_cleaned', deps: ['orders'] }]));
    const graph = buildAssetGraph(documented);
    const shape = (g: typeof graph): unknown => g.nodes.map((n) => [n.key, n.parents.map((e) => e.parentKey), n.automation.policy, n.partitionsFingerprint]);
    expect(shape(graph)).toEqual(shape(plain));
  });

  it('reports shape problems of several assets at once, with paths', () => {
    const problems = problemsOf([
      { key: '' },
      { key: 'b', kind: 'table', deps: 'a' },
      { key: 'c', freshness: { maximumLagMinutes: -5 }, automation: { policy: 'sometimes' }, colour: 'red' },
    ]);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining(['$.assets[0].key', '$.assets[1].kind', '$.assets[1].deps', '$.assets[2].freshness.maximumLagMinutes', '$.assets[2].automation.policy', '$.assets[2].colour']),
    );
  });

  it('reports unknown dependencies, duplicate keys, cycles and bad crons together', () => {
    const problems = problemsOf([
      { key: 'a', deps: ['c'] },
      { key: 'b', deps: ['a', 'ghost'] },
      { key: 'c', deps: ['b'] },
      { key: 'a' },
      { key: 'd', freshness: { maximumLagMinutes: 5, cronSchedule: 'every day', cronTimezone: 'Mars/Olympus' } },
    ]);
    const byPath = (path: string): string[] => problems.filter((p) => p.path === path).map((p) => p.message);
    expect(byPath('$.assets[3].key').join()).toMatch(/duplicate asset key "a"/);
    expect(byPath('$.assets[1].deps[1]').join()).toMatch(/unknown dependency "ghost"/);
    expect(byPath('$.assets').join()).toMatch(/dependency cycle: a → c → b → a/);
    expect(byPath('$.assets[4].freshness.cronSchedule')).toHaveLength(1);
    expect(byPath('$.assets[4].freshness.cronTimezone').join()).toMatch(/Mars\/Olympus/);
  });

  it('allows a self-dependency only as a previous-partition time window', () => {
    expect(
      problemsOf([{ key: 'a', partitions: { kind: 'daily', start: '2024-01-01' }, deps: [{ key: 'a', mapping: { kind: 'timeWindow', startOffset: -1, endOffset: -1 } }] }]),
    ).toEqual([]);
    const problems = problemsOf([{ key: 'a', deps: ['a'] }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.path).toBe('$.assets[0].deps[0]');
  });

  it('reports mappings that do not fit the partitions definitions', () => {
    const problems = problemsOf([
      { key: 'u' },
      { key: 's', partitions: { kind: 'static', keys: ['x', 'y'] } },
      { key: 'd', partitions: { kind: 'daily', start: '2024-01-01' }, deps: [{ key: 'u', mapping: { kind: 'timeWindow' } }, 's'] },
    ]);
    expect(problems.map((p) => p.path)).toEqual(expect.arrayContaining(['$.assets[2].deps[0].mapping', '$.assets[2].deps[1]']));
  });

  it('reports a non-subsettable multi-asset split across code locations', () => {
    const problems = problemsOf([
      { key: 'a', multiAsset: 'm', codeLocation: 'one' },
      { key: 'b', multiAsset: 'm', codeLocation: 'two' },
    ]);
    expect(problems).toEqual([expect.objectContaining({ path: '$.assets[1].codeLocation', message: expect.stringMatching(/split across code locations/) })]);
  });

  it('reports bad automation objects', () => {
    const problems = problemsOf([
      { key: 'a', automation: { policy: 'eager', materializeOn: ['missing', 'whenever'], skipOn: ['parentMissing', 7], maxMaterializationsPerMinute: 0 } },
      { key: 'b', automation: { policy: 'lazy', materializeOn: ['cron'] } },
    ]);
    expect(problems.map((p) => p.path).sort((x, y) => x.localeCompare(y))).toEqual([
      '$.assets[0].automation.materializeOn[1]',
      '$.assets[0].automation.maxMaterializationsPerMinute',
      '$.assets[0].automation.skipOn[1]',
      '$.assets[1].automation.materializeOn',
    ]);
  });

  it('builds a graph in topological order, stable by key within a level', () => {
    const graph = buildAssetGraph(parseAssetSpecs([{ key: 'd', deps: ['b', 'c'] }, { key: 'c', deps: ['a'] }, { key: 'b', deps: ['a'] }, { key: 'a' }]));
    expect(graph.nodes.map((n) => `${n.key}:${n.rank}`)).toEqual(['a:0', 'b:1', 'c:1', 'd:2']);
  });
});
