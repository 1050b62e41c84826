// A mixed graph in one code location: a TypeScript asset loads the table a dbt source names, dbt
// models build on it, and a TypeScript asset reads a dbt mart. One request runs all three layers
// in dependency order, the dbt part as one dbt build.
import { createInMemoryExecutionEnv, createShopWarehouse, ENSURE_DBT_TIMEOUT_MS, type ShopWarehouse } from '@freshet/testing';
import { asset, defineCodeLocation, executeRun, postgresResource, ResourceSet, sqlAsset } from '@freshet/sdk';
import { dbtAssets, type RunSubsetResult } from '@freshet/dbt';

const DBT_TEST_TIMEOUT_MS = 180_000;

describe('dbt: TypeScript assets upstream and downstream of dbt models', () => {
  let shop: ShopWarehouse;

  beforeAll(async () => {
    shop = await createShopWarehouse([]);
  }, ENSURE_DBT_TIMEOUT_MS);
  afterAll(async () => {
    await shop?.close();
  });

  it('runs the loader, the dbt models and the report in one run, in order', async () => {
    const invocations: RunSubsetResult[] = [];
    const dbt = dbtAssets({
      projectDir: shop.project.projectDir,
      profilesDir: shop.project.projectDir,
      dbtExecutable: shop.dbt,
      env: shop.env,
      threads: 2,
      sourcesDefinedElsewhere: ['shop_app/payments'],
      onInvocation: (result) => invocations.push(result),
    });
    expect(dbt.sources).toEqual([]);

    const loadPayments = sqlAsset({
      key: 'shop_app/payments',
      sql: "insert into shop_app.payments values (1, 101, 'card', 1000, now()), (2, 103, 'card', 4000, now())",
    });
    const topCustomer = asset({
      key: 'reports/top_customer',
      deps: ['marts/customers'],
      compute: async (ctx) => {
        const warehouse = await ctx.resources.sql();
        const { rows } = await warehouse.query('select first_name, lifetime_value::numeric(16, 2)::text as ltv from shop_marts.customers order by lifetime_value desc limit 1');
        return { metadata: { top: `${String(rows[0]?.first_name)} ${String(rows[0]?.ltv)}` } };
      },
    });
    const location = defineCodeLocation({
      name: 'shop',
      assets: [loadPayments, ...dbt.assets, topCustomer],
      sources: dbt.sources,
      resources: { warehouse: postgresResource(shop.database.url) },
    });
    const resources = new ResourceSet(location.resources, { env: {}, baseDir: process.cwd() });
    const env = createInMemoryExecutionEnv();
    const keys = ['reports/top_customer', 'marts/customers', 'marts/orders', 'stg_payments', 'stg_orders', 'stg_customers', 'raw_orders', 'raw_customers', 'shop_app/payments'];
    const result = await executeRun(location, { runId: 'mixed-1', attempt: 1, assetPartitions: keys.map((key) => ({ asset: key, partition: null })) }, { ...env, resources }).finally(() =>
      resources.close(),
    );

    expect(result.status).toBe('completed');
    const order = result.materialized.map((m) => m.asset);
    expect(order[0]).toBe('shop_app/payments');
    expect(order[order.length - 1]).toBe('reports/top_customer');
    expect(invocations).toHaveLength(1);
    expect(result.materialized.find((m) => m.asset === 'reports/top_customer')?.metadata).toEqual({ top: 'Alan 40.00' });
    // Lineage crosses the boundary: stg_payments consumed the TypeScript asset's materialization.
    const loaded = result.materialized.find((m) => m.asset === 'shop_app/payments');
    const staged = result.materialized.find((m) => m.asset === 'stg_payments');
    expect(staged?.inputs).toEqual([expect.objectContaining({ asset: 'shop_app/payments', eventId: loaded?.eventId, producedInRun: true })]);
  }, DBT_TEST_TIMEOUT_MS);
});
