import { DefinitionsV1, explain } from '@freshet/contracts';
import { buildAssetGraph, parseAssetSpecs } from '@freshet/domain';
import {
  asset,
  defineCodeLocation,
  definitionsPayload,
  DefinitionError,
  multiAsset,
  observableSource,
  publishDefinitions,
  shellAsset,
  source,
  sqlAsset,
  sqlCodeVersion,
  toAssetSpecs,
} from '@freshet/sdk';
import warehouse from '../../../../examples/warehouse/location';

const noop = () => undefined;

describe('asset definitions', () => {
  it('produce the JSON spec form, with only the fields that are set', () => {
    const location = defineCodeLocation({
      name: 'shop',
      sources: [observableSource({ key: 'orders_feed', observe: () => 'v1', intervalSeconds: 5 }), source({ key: 'legacy/erp' })],
      assets: [
        asset({
          key: 'orders',
          deps: ['orders_feed', { key: 'legacy/erp', mapping: { kind: 'all' } }],
          codeVersion: '3',
          freshness: { maximumLagMinutes: 60, cronSchedule: '0 9 * * *', cronTimezone: 'UTC' },
          automation: { policy: 'eager', retryAfterFailureMinutes: 30 },
          description: 'all orders',
          compute: noop,
        }),
        asset({ key: 'by_day', deps: ['orders'], partitions: { kind: 'daily', start: '2024-01-01' }, automation: 'lazy', compute: noop }),
      ],
    });
    expect(toAssetSpecs(location)).toEqual([
      { key: 'by_day', kind: 'materializable', deps: ['orders'], partitions: { kind: 'daily', start: '2024-01-01' }, automation: 'lazy', codeLocation: 'shop' },
      { key: 'legacy/erp', kind: 'source', codeLocation: 'shop' },
      {
        key: 'orders',
        kind: 'materializable',
        deps: ['orders_feed', { key: 'legacy/erp', mapping: { kind: 'all' } }],
        codeVersion: '3',
        freshness: { maximumLagMinutes: 60, cronSchedule: '0 9 * * *', cronTimezone: 'UTC' },
        automation: { policy: 'eager', retryAfterFailureMinutes: 30 },
        codeLocation: 'shop',
      },
      { key: 'orders_feed', kind: 'observableSource', codeLocation: 'shop' },
    ]);
    expect(toAssetSpecs(location, { includeDocs: true }).find((s) => s.key === 'orders')?.description).toBe('all orders');
  });

  it('marks multi-asset members with their multi-asset id and subsetting', () => {
    const location = defineCodeLocation({
      name: 'm',
      assets: [multiAsset({ name: 'stats', codeVersion: '1', assets: [{ key: 'a' }, { key: 'b', deps: ['a'] }], compute: noop })],
    });
    expect(toAssetSpecs(location)).toEqual([
      { key: 'a', kind: 'materializable', codeVersion: '1', multiAsset: 'stats', canSubset: false, codeLocation: 'm' },
      { key: 'b', kind: 'materializable', deps: ['a'], codeVersion: '1', multiAsset: 'stats', canSubset: false, codeLocation: 'm' },
    ]);
  });

  it('derive a SQL asset\'s code version from its statements unless one is given', () => {
    const a = sqlAsset({ key: 't', sql: 'select 1' });
    const b = sqlAsset({ key: 't', sql: '  select 1 ' });
    const c = sqlAsset({ key: 't', sql: 'select 2' });
    expect(a.spec.codeVersion).toBe(sqlCodeVersion(['select 1']));
    expect(a.spec.codeVersion).toBe(b.spec.codeVersion);
    expect(a.spec.codeVersion).not.toBe(c.spec.codeVersion);
    expect(sqlAsset({ key: 't', sql: 'select 1', codeVersion: '7' }).spec.codeVersion).toBe('7');
    expect(shellAsset({ key: 's', command: 'echo', args: ['a b'] }).describe).toBe('echo a b');
  });

  const expectDefinitionError = (build: () => unknown, code: string, text: string) => {
    let caught: unknown;
    try {
      build();
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DefinitionError);
    expect((caught as DefinitionError).code).toBe(code);
    expect((caught as DefinitionError).message).toContain(text);
  };

  it('reject mistakes when the location is defined, saying what to do', () => {
    expectDefinitionError(() => asset({ key: 'has space', compute: noop }), 'invalidKey', 'has space');
    expectDefinitionError(() => asset({ key: 'x', freshness: { maximumLagMinutes: -1 }, compute: noop }), 'invalidSpec', 'maximumLagMinutes');
    expectDefinitionError(() => asset({ key: 'x', freshness: { maximumLagMinutes: 5, cronSchedule: '0 9 *' }, compute: noop }), 'invalidSpec', 'cronSchedule');
    expectDefinitionError(() => asset({ key: 'x', partitions: { kind: 'static', keys: ['a', 'a'] }, compute: noop }), 'invalidSpec', 'repeat');
    expectDefinitionError(() => sqlAsset({ key: 'x', sql: [] }), 'invalidSpec', 'sql');
    expectDefinitionError(
      () => defineCodeLocation({ name: 'l', assets: [asset({ key: 'a', compute: noop }), asset({ key: 'a', compute: noop })] }),
      'duplicateKey',
      'defined twice',
    );
    expectDefinitionError(
      () => defineCodeLocation({ name: 'l', assets: [asset({ key: 'a', deps: ['ghost'], compute: noop })] }),
      'unknownDependency',
      "source({ key: 'ghost' })",
    );
    expectDefinitionError(
      () =>
        defineCodeLocation({
          name: 'l',
          assets: [asset({ key: 'a', deps: ['c'], compute: noop }), asset({ key: 'b', deps: ['a'], compute: noop }), asset({ key: 'c', deps: ['b'], compute: noop })],
        }),
      'dependencyCycle',
      'a → c → b → a',
    );
    expectDefinitionError(() => defineCodeLocation({ name: 'l', assets: [asset({ key: 'a', deps: ['a'], compute: noop })] }), 'dependencyCycle', 'itself');
  });

  it('allow a partitioned asset to read its own previous partition', () => {
    const location = defineCodeLocation({
      name: 'l',
      assets: [
        asset({
          key: 'running_total',
          partitions: { kind: 'daily', start: '2024-01-01' },
          deps: [{ key: 'running_total', mapping: { kind: 'timeWindow', startOffset: -1, endOffset: -1 } }],
          compute: noop,
        }),
      ],
    });
    expect(location.assets).toHaveLength(1);
  });
});

describe('the definitions payload', () => {
  it('of the example warehouse is valid against the published contract', async () => {
    const published: { topic: string; key: string; payload: DefinitionsV1 }[] = [];
    const payload = await publishDefinitions(warehouse, (topic, key, p) => {
      published.push({ topic, key, payload: p });
      return Promise.resolve();
    });
    expect(explain(DefinitionsV1, payload)).toEqual([]);
    expect(published).toEqual([{ topic: 'freshet.definitions.v1', key: 'warehouse', payload }]);
    expect(payload.sources).toEqual([
      { asset: 'app_users', observeIntervalSeconds: 30 },
      { asset: 'raw_order_files', observeIntervalSeconds: 15 },
    ]);
    expect(payload.assets.map((a) => a.key)).toEqual([
      'app_events',
      'app_users',
      'churn_model',
      'daily_revenue',
      'events',
      'events_daily_summary',
      'orders_enriched',
      'raw_order_files',
      'raw_orders',
      'stg_orders',
      'stg_users',
    ]);
    expect(definitionsPayload(warehouse)).toEqual(payload);
  });
});

describe('the JSON specs', () => {
  it('of the example warehouse are accepted by the planner\'s own parser and graph builder', () => {
    const specs = parseAssetSpecs(JSON.parse(JSON.stringify(toAssetSpecs(warehouse))));
    const graph = buildAssetGraph(specs);
    expect(specs).toHaveLength(11);
    expect(graph).toBeDefined();
  });

  it('with docs included are still valid for the contracts', () => {
    const assets = JSON.parse(JSON.stringify(toAssetSpecs(warehouse, { includeDocs: true }))) as unknown[];
    expect(explain(DefinitionsV1, { codeLocation: 'warehouse', assets, sources: [] })).toEqual([]);
  });
});
