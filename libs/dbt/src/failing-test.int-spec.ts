// A failing dbt test surfaces as a failed materialization carrying dbt's message; what dbt then
// skips is upstreamFailed, blocked by the model whose test failed. Real dbt, real Postgres.
import { createInMemoryExecutionEnv, createShopWarehouse, ENSURE_DBT_TIMEOUT_MS, type ShopWarehouse } from '@freshet/testing';
import { defineCodeLocation, executeRun, postgresResource, ResourceSet } from '@freshet/sdk';
import { dbtAssets } from '@freshet/dbt';

const DBT_TEST_TIMEOUT_MS = 180_000;

describe('dbt: a failing dbt test', () => {
  let shop: ShopWarehouse;

  beforeAll(async () => {
    shop = await createShopWarehouse();
  }, ENSURE_DBT_TIMEOUT_MS);
  afterAll(async () => {
    await shop?.close();
  });

  it('fails the model it tests with dbt\'s message and blocks what reads it', async () => {
    const project = dbtAssets({ projectDir: shop.project.projectDir, profilesDir: shop.project.projectDir, dbtExecutable: shop.dbt, env: shop.env, threads: 2 });
    const location = defineCodeLocation({ name: 'shop', assets: project.assets, sources: project.sources, resources: { warehouse: postgresResource(shop.database.url) } });
    const resources = new ResourceSet(location.resources, { env: {}, baseDir: process.cwd() });
    const env = createInMemoryExecutionEnv();
    const keys = ['raw_orders', 'stg_orders', 'order_statuses', 'status_report'];
    const result = await executeRun(location, { runId: 'audit-1', attempt: 1, assetPartitions: keys.map((asset) => ({ asset, partition: null })) }, { ...env, resources }).finally(() => resources.close());

    expect(result.status).toBe('failed');
    expect(result.materialized.map((m) => m.asset)).toEqual(['raw_orders', 'stg_orders']);
    const [failed] = result.failed;
    expect(result.failed).toHaveLength(1);
    expect(failed).toMatchObject({ asset: 'order_statuses', kind: 'error', error: { name: 'DbtNodeFailed' } });
    expect(failed?.error.message).toMatch(/dbt test accepted_values_order_statuses_status__placed__completed failed: Got 1 result/);
    expect(result.skipped).toEqual([
      expect.objectContaining({ asset: 'status_report', kind: 'upstreamFailed', blockedBy: { asset: 'order_statuses', partition: null } }),
    ]);
    // The run's log holds dbt's own lines about the failure.
    expect(env.logs.some((line) => line.level === 'error' && /accepted_values_order_statuses_status/.test(line.message))).toBe(true);
    expect(env.ofType('failed')).toEqual([
      expect.objectContaining({ failed: [{ asset: 'order_statuses', partition: null }], skipped: [{ asset: 'status_report', partition: null }] }),
    ]);
  }, DBT_TEST_TIMEOUT_MS);
});
