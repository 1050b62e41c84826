// Editing only a comment in a model rebuilds nothing (its code version does not change); changing
// its SQL rebuilds it and its descendants. Real `dbt parse` after each edit, real dbt build.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInMemoryExecutionEnv, createShopWarehouse, ENSURE_DBT_TIMEOUT_MS, PlannerHarness, type ShopWarehouse } from '@freshet/testing';
import { defineCodeLocation, executeRun, postgresResource, ResourceSet, type AssetSpecJson } from '@freshet/sdk';
import { dbtAssets, type DbtProjectAssets, type RunSubsetResult } from '@freshet/dbt';

const DBT_TEST_TIMEOUT_MS = 180_000;
const PLANNED = ['marts/customer_directory', 'marts/customers', 'marts/orders', 'raw_customers', 'raw_orders', 'snapshots/customers_snapshot', 'stg_customers', 'stg_orders', 'stg_payments'];

describe('dbt: code versions from the model SQL', () => {
  let shop: ShopWarehouse;
  const invocations: RunSubsetResult[] = [];
  const load = (): DbtProjectAssets =>
    dbtAssets({
      projectDir: shop.project.projectDir,
      profilesDir: shop.project.projectDir,
      dbtExecutable: shop.dbt,
      env: shop.env,
      threads: 2,
      onInvocation: (result) => invocations.push(result),
    });
  const versions = (specs: readonly AssetSpecJson[]): Record<string, string | undefined> =>
    Object.fromEntries(specs.map((s) => [s.key, s.codeVersion]));

  beforeAll(async () => {
    shop = await createShopWarehouse();
  }, ENSURE_DBT_TIMEOUT_MS);
  afterAll(async () => {
    await shop?.close();
  });

  async function run(project: DbtProjectAssets, keys: readonly string[]) {
    const location = defineCodeLocation({ name: 'shop', assets: project.assets, sources: project.sources, resources: { warehouse: postgresResource(shop.database.url) } });
    const resources = new ResourceSet(location.resources, { env: {}, baseDir: process.cwd() });
    try {
      const env = createInMemoryExecutionEnv();
      env.observe('shop_app/payments', null, 'v1');
      return await executeRun(location, { runId: `run-${invocations.length + 1}`, attempt: 1, assetPartitions: keys.map((asset) => ({ asset, partition: null })) }, { ...env, resources });
    } finally {
      await resources.close();
    }
  }

  it('ignores a comment-only edit and rebuilds the edited model and its descendants after a SQL change', async () => {
    const original = load();
    expect(original.parsed).toBe(true);
    const planner = new PlannerHarness(original.specs);
    planner.observe('shop_app/payments', 'v1');
    expect((await run(original, PLANNED)).status).toBe('completed');
    planner.run(PLANNED);
    expect(planner.evaluate().requested).toEqual([]);

    // A comment and some blank lines: dbt parses again (the files changed), the versions do not.
    const modelPath = join(shop.project.projectDir, 'models/staging/stg_orders.sql');
    const sql = readFileSync(modelPath, 'utf8');
    writeFileSync(modelPath, `-- Orders as the shop app records them.\n\n${sql.replace('from', '\n    from')}`);
    appendFileSync(modelPath, '\n/* trailing note */\n');
    const commented = load();
    expect(commented.parsed).toBe(true);
    expect(versions(commented.specs)).toEqual(versions(original.specs));
    planner.define(commented.specs);
    expect(planner.evaluate().requested).toEqual([]);

    // A real change: a new column.
    writeFileSync(modelPath, readFileSync(modelPath, 'utf8').replace('status\n', "status,\n    'web' as channel\n"));
    const changed = load();
    const before = versions(original.specs);
    const after = versions(changed.specs);
    const differing = Object.keys(after).filter((key) => after[key] !== before[key]);
    expect(differing).toEqual(['stg_orders']);
    planner.define(changed.specs);
    const decision = planner.evaluate();
    expect(decision.requested).toEqual(['marts/customers', 'marts/orders', 'stg_orders']);
    expect(decision.reasons.stg_orders).toContain('codeVersionChanged');
    expect(decision.reasons['marts/orders']).toContain('parentUpdated');

    const invocationsBefore = invocations.length;
    const rebuild = await run(changed, decision.requested);
    expect(rebuild.status).toBe('completed');
    expect(invocations.length).toBe(invocationsBefore + 1);
    expect(rebuild.materialized.find((m) => m.asset === 'stg_orders')?.codeVersion).toBe(after.stg_orders);
    expect(await shop.query("select distinct channel from shop.stg_orders")).toEqual([{ channel: 'web' }]);
  }, DBT_TEST_TIMEOUT_MS);
});
