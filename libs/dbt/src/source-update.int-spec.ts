// A source update triggers exactly the affected models, built by one `dbt build`, and the marts
// land in Postgres with the right rows. Real dbt, real Postgres; the planner's pure evaluation
// decides what is affected.
import { createInMemoryExecutionEnv, createShopWarehouse, ENSURE_DBT_TIMEOUT_MS, PlannerHarness, type ShopWarehouse } from '@freshet/testing';
import { defineCodeLocation, executeRun, observeSource, postgresResource, ResourceSet, type CodeLocation } from '@freshet/sdk';
import { dbtAssets, type DbtProjectAssets, type RunSubsetResult } from '@freshet/dbt';

/** Several real dbt invocations (a few seconds each on 2 cores). */
const DBT_TEST_TIMEOUT_MS = 180_000;

/** Everything the planner may request: the audit models are `automation: none` (manual only). */
const PLANNED = ['marts/customer_directory', 'marts/customers', 'marts/orders', 'raw_customers', 'raw_orders', 'snapshots/customers_snapshot', 'stg_customers', 'stg_orders', 'stg_payments'];

describe('dbt: a source update', () => {
  let shop: ShopWarehouse;
  let project: DbtProjectAssets;
  let location: CodeLocation;
  let resources: ResourceSet;
  const invocations: RunSubsetResult[] = [];

  beforeAll(async () => {
    shop = await createShopWarehouse();
    project = dbtAssets({
      projectDir: shop.project.projectDir,
      profilesDir: shop.project.projectDir,
      dbtExecutable: shop.dbt,
      env: shop.env,
      threads: 2,
      onInvocation: (result) => invocations.push(result),
    });
    location = defineCodeLocation({ name: 'shop', assets: project.assets, sources: project.sources, resources: { warehouse: postgresResource(shop.database.url) } });
    resources = new ResourceSet(location.resources, { env: {}, baseDir: process.cwd() });
  }, ENSURE_DBT_TIMEOUT_MS);

  afterAll(async () => {
    await resources?.close();
    await shop?.close();
  });

  const observePayments = async () => {
    const observation = await observeSource(location, 'shop_app/payments', { resources, log: () => undefined });
    if (!observation) throw new Error('the payments source observed nothing');
    return observation;
  };

  it('rebuilds only stg_payments, orders and customers, in one dbt build, with the new rows', async () => {
    const env = createInMemoryExecutionEnv();
    const planner = new PlannerHarness(project.specs);

    // Start: the app has two payments; everything the planner manages is built once.
    const first = await observePayments();
    env.observe('shop_app/payments', null, first.dataVersion);
    planner.observe('shop_app/payments', first.dataVersion);
    const initial = await executeAll(PLANNED);
    expect(initial.status).toBe('completed');
    expect(invocations).toHaveLength(1);
    planner.run(PLANNED);
    expect(planner.evaluate().requested).toEqual([]);
    expect(await shop.query('select customer_id, number_of_orders::int as n, lifetime_value::numeric(16, 2)::text as ltv from shop_marts.customers order by 1')).toEqual([
      { customer_id: 1, n: 2, ltv: '35.00' },
      { customer_id: 2, n: 1, ltv: '0.00' },
      { customer_id: 3, n: 1, ltv: '0.00' },
    ]);

    // The shop app records two more payments: the observer sees a new data version.
    await shop.addPayments([
      { id: 3, orderId: 103, method: 'voucher', amountCents: 1250 },
      { id: 4, orderId: 104, method: 'card', amountCents: 799 },
    ]);
    const second = await observePayments();
    expect(second.dataVersion).not.toBe(first.dataVersion);
    expect(second.metadata).toMatchObject({ rowCount: 4, dbtSourceFreshness: 'pass' });
    env.observe('shop_app/payments', null, second.dataVersion);
    planner.observe('shop_app/payments', second.dataVersion);

    const decision = planner.evaluate();
    expect(decision.requested).toEqual(['marts/customers', 'marts/orders', 'stg_payments']);
    expect(decision.reasons.stg_payments).toContain('newSourceData');

    const rebuild = await executeAll(decision.requested, env);
    expect(rebuild.status).toBe('completed');
    expect(rebuild.materialized.map((m) => m.asset)).toEqual(['stg_payments', 'marts/orders', 'marts/customers']);
    // One dbt invocation, selecting exactly those three.
    expect(invocations).toHaveLength(2);
    const args = invocations[1]?.invocation.args ?? [];
    expect(args[0]).toBe('build');
    expect(args.filter((a) => a.startsWith('fqn:'))).toEqual(['fqn:shop.marts.customers', 'fqn:shop.marts.orders', 'fqn:shop.staging.stg_payments']);
    expect(args).toEqual(expect.arrayContaining(['--threads', '2', '--indirect-selection', 'cautious']));

    expect(await shop.query('select order_id, amount::numeric(16, 2)::text as amount from shop_marts.orders order by 1')).toEqual([
      { order_id: 101, amount: '10.00' },
      { order_id: 102, amount: '25.00' },
      { order_id: 103, amount: '12.50' },
      { order_id: 104, amount: '7.99' },
    ]);
    expect(await shop.query('select customer_id, number_of_orders::int as n, lifetime_value::numeric(16, 2)::text as ltv from shop_marts.customers order by 1')).toEqual([
      { customer_id: 1, n: 2, ltv: '35.00' },
      { customer_id: 2, n: 1, ltv: '12.50' },
      { customer_id: 3, n: 1, ltv: '7.99' },
    ]);
    // Per-model results from run_results.json, and dbt's log lines in the run's log.
    const customers = rebuild.materialized.find((m) => m.asset === 'marts/customers');
    expect(customers?.metadata).toMatchObject({ dbtUniqueId: 'model.shop.customers', dbtStatus: 'success', dbtTests: 2, rowsAffected: 3 });
    expect(env.logs.some((line) => line.fields?.dbtUniqueId === 'model.shop.orders' && line.fields.asset === 'marts/orders')).toBe(true);

    // Built: the planner has nothing left to do.
    planner.run(decision.requested);
    expect(planner.evaluate().requested).toEqual([]);
  }, DBT_TEST_TIMEOUT_MS);

  async function executeAll(keys: readonly string[], env = createInMemoryExecutionEnv()) {
    const request = { runId: `run-${invocations.length + 1}`, attempt: 1, assetPartitions: keys.map((asset) => ({ asset, partition: null })) };
    return executeRun(location, request, { ...env, resources });
  }
});
