import { readFileSync } from 'node:fs';
import { parseAssetSpecs } from '@freshet/domain';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { buildProjectGraph, readManifest, type DbtError } from '@freshet/dbt';

const manifest = readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8')));

describe('loading the shop project from its dbt parse manifest', () => {
  const graph = buildProjectGraph(manifest);
  const asset = (key: string) => {
    const found = graph.assets.find((a) => a.key === key);
    if (!found) throw new Error(`no asset ${key}`);
    return found;
  };

  it('makes every model, seed and snapshot an asset (ephemeral models and tests are not), keyed by the documented scheme', () => {
    expect(graph.assets.map((a) => [a.key, a.uniqueId])).toEqual([
      ['marts/customer_directory', 'model.shop.customer_directory'],
      ['marts/customers', 'model.shop.customers'],
      ['marts/orders', 'model.shop.orders'],
      ['order_statuses', 'model.shop.order_statuses'],
      ['raw_customers', 'seed.shop.raw_customers'],
      ['raw_orders', 'seed.shop.raw_orders'],
      ['snapshots/customers_snapshot', 'snapshot.shop.customers_snapshot'],
      ['status_report', 'model.shop.status_report'],
      ['stg_customers', 'model.shop.stg_customers'],
      ['stg_orders', 'model.shop.stg_orders'],
      ['stg_payments', 'model.shop.stg_payments'],
    ]);
    expect(graph.sources.map((s) => [s.key, s.spec.kind])).toEqual([['shop_app/payments', 'observableSource']]);
  });

  it('turns ref() and source() into dependencies, bridging through the ephemeral model', () => {
    expect(asset('stg_payments').deps).toEqual(['shop_app/payments']);
    // orders reads int_order_payments (ephemeral), which reads stg_payments.
    expect(asset('marts/orders').deps).toEqual(['stg_orders', 'stg_payments']);
    expect(asset('marts/customers').deps).toEqual(['marts/orders', 'stg_customers']);
    expect(asset('snapshots/customers_snapshot').deps).toEqual(['stg_customers']);
    expect(asset('raw_orders').deps).toEqual([]);
  });

  it('selects each asset by its fully qualified name, and knows the tests attached to it', () => {
    expect(asset('marts/orders').selector).toBe('fqn:shop.marts.orders');
    expect(asset('raw_orders').selector).toBe('fqn:shop.raw_orders');
    expect(graph.testsOf.get('model.shop.order_statuses')).toEqual(['test.shop.accepted_values_order_statuses_status__placed__completed.98f456373a']);
    expect(graph.testsOf.get('model.shop.orders')).toHaveLength(2);
  });

  it('gives each asset a code version and maps its dbt config onto policies', () => {
    for (const a of graph.assets) expect(a.codeVersion).toMatch(/^dbt-[0-9a-f]{16}$/);
    expect(new Set(graph.assets.map((a) => a.codeVersion)).size).toBe(graph.assets.length);
    expect(asset('marts/customers').spec).toMatchObject({ freshness: { maximumLagMinutes: 60 }, automation: 'eager' });
    expect(asset('marts/orders').spec.freshness).toEqual({ maximumLagMinutes: 120, cronSchedule: '0 6 * * *', cronTimezone: 'Europe/Berlin' });
    expect(asset('marts/customer_directory').spec).toMatchObject({
      freshness: { maximumLagMinutes: 240 },
      automation: { policy: 'lazy', skipOn: expect.arrayContaining(['notAllParentsUpdated']) as unknown },
    });
    expect(asset('order_statuses').spec.automation).toBe('none');
    expect(asset('stg_orders').spec.automation).toBeUndefined();
    expect(asset('marts/customers').spec.description).toBe('One row per customer with order counts and lifetime value.');
  });

  it('produces specs the planner accepts', () => {
    const specs = [...graph.sources, ...graph.assets].map(({ spec }) => {
      const { description: _d, group: _g, ...rest } = spec;
      return rest;
    });
    expect(() => parseAssetSpecs(specs)).not.toThrow();
  });

  it('observes the source through max(loaded_at_field), without the parse-time database in the relation', () => {
    expect(graph.sources[0]?.observeQuery).toBe('select max(loaded_at) as loaded_at, count(*) as row_count from "shop_app"."payments"');
  });

  it('lets the key scheme be overridden and prefixed', () => {
    const custom = buildProjectGraph(manifest, {
      assetKey: (r) => (r.kind === 'node' && r.node.resourceType === 'seed' ? `seeds/${r.node.name}` : undefined),
      keyPrefix: 'shop',
    });
    expect(custom.assets.map((a) => a.key)).toContain('shop/seeds/raw_orders');
    expect(custom.assets.find((a) => a.uniqueId === 'model.shop.stg_payments')?.deps).toEqual(['shop/shop_app/payments']);
  });

  it('rejects two resources with one key, naming both', () => {
    expect(() => buildProjectGraph(manifest, { assetKey: (r) => (r.kind === 'node' && r.node.name.startsWith('stg_') ? 'staging' : undefined) })).toThrow(
      expect.objectContaining({ code: 'duplicateKey' }) as DbtError,
    );
  });

  it('reads meta.freshet.key and dagster asset_key overrides', () => {
    const raw = JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8')) as { nodes: Record<string, { config: { meta: Record<string, unknown> } }> };
    (raw.nodes['model.shop.stg_orders'] as { config: { meta: Record<string, unknown> } }).config.meta = { freshet: { key: 'staging/orders' } };
    (raw.nodes['model.shop.stg_customers'] as { config: { meta: Record<string, unknown> } }).config.meta = { dagster: { asset_key: ['staging', 'customers'] } };
    const keys = buildProjectGraph(readManifest(raw)).assets.map((a) => a.key);
    expect(keys).toEqual(expect.arrayContaining(['staging/orders', 'staging/customers']));
  });
});
