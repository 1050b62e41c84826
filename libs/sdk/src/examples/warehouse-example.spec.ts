// Loads the example project's code location and runs every asset once against an in-memory
// PGlite warehouse, with the app simulator feeding it: what `freshet dev` does, minus the planner.
import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { createInMemoryExecutionEnv, makeTempDir, removeDir } from '@freshet/testing';
import {
  executeRun,
  IN_MEMORY,
  loadCodeLocation,
  observeSource,
  pgliteResource,
  ResourceSet,
  toAssetSpecs,
  type CodeLocation,
  type RunRequest,
  type SqlResource,
} from '@freshet/sdk';
import { createWarehouseLocation } from '../../../../examples/warehouse/location';
import { createSimulator, dropOrderFile, writeAppEvents, writeAppUsers } from '../../../../examples/warehouse/app-simulator';

const EXAMPLE_DIR = path.resolve(__dirname, '../../../../examples/warehouse');
const DAY = '2024-01-02';
const HOURS = Array.from({ length: 24 }, (_, h) => `${DAY}-${String(h).padStart(2, '0')}:00`);
const UNPARTITIONED = ['churn_model', 'daily_revenue', 'orders_enriched', 'raw_orders', 'stg_orders', 'stg_users'];

jest.setTimeout(120_000);

describe('the example warehouse code location', () => {
  let dataDir: string;
  let location: CodeLocation;
  let resources: ResourceSet;
  let warehouse: SqlResource;

  beforeAll(async () => {
    dataDir = await makeTempDir('freshet-example-');
    await mkdir(path.join(dataDir, 'incoming'));
    for (const file of ['orders-2024-01-01.csv', 'orders-2024-01-02.json']) {
      await copyFile(path.join(EXAMPLE_DIR, 'data', 'incoming', file), path.join(dataDir, 'incoming', file));
    }
    location = createWarehouseLocation({ dataDir, warehouse: pgliteResource(IN_MEMORY) });
    resources = new ResourceSet(location.resources, { env: {}, baseDir: dataDir });
    warehouse = await resources.sql();
    const sim = createSimulator(7);
    await writeAppUsers(warehouse, sim, Date.UTC(2024, 0, 1, 6, 0), 8);
    for (let hour = 0; hour < 24; hour++) await writeAppEvents(warehouse, sim, Date.UTC(2024, 0, 2, hour, 59), 5);
  });

  afterAll(async () => {
    await resources.close();
    await removeDir(dataDir);
  });

  const observeAll = async (env: ReturnType<typeof createInMemoryExecutionEnv>): Promise<void> => {
    for (const key of ['raw_order_files', 'app_users']) {
      const observation = await observeSource(location, key, { resources, log: () => undefined });
      expect(observation).not.toBeNull();
      env.observe(key, null, observation?.dataVersion ?? '', observation?.observedAt);
    }
  };

  const run = (runId: string, assetPartitions: RunRequest['assetPartitions']): RunRequest => ({ runId, attempt: 1, assetPartitions });

  it('is what location.ts exports by default, loaded through loadCodeLocation', () => {
    const loaded = loadCodeLocation(path.join(EXAMPLE_DIR, 'location.ts'));
    expect(loaded.name).toBe('warehouse');
    expect(toAssetSpecs(loaded).map((s) => s.key)).toEqual(toAssetSpecs(location).map((s) => s.key));
  });

  it('materializes every asset once, in dependency order, and the tables hold the cleaned data', async () => {
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    await observeAll(env);

    const tables = await executeRun(location, run('run-tables', UNPARTITIONED.map((asset) => ({ asset, partition: null }))), env);
    expect(tables.failed.map((f) => `${f.asset}: ${f.error.message}`)).toEqual([]);
    expect(tables.status).toBe('completed');
    const order = tables.materialized.map((m) => m.asset);
    expect(order.indexOf('raw_orders')).toBeLessThan(order.indexOf('stg_orders'));
    expect(order.indexOf('stg_orders')).toBeLessThan(order.indexOf('orders_enriched'));
    expect(order.indexOf('stg_users')).toBeLessThan(order.indexOf('orders_enriched'));
    expect(order.indexOf('orders_enriched')).toBeLessThan(order.indexOf('daily_revenue'));
    expect(order.indexOf('orders_enriched')).toBeLessThan(order.indexOf('churn_model'));

    const partitions = await executeRun(
      location,
      run('run-events', [{ asset: 'events_daily_summary', partition: DAY }, ...HOURS.map((partition) => ({ asset: 'events', partition }))]),
      env,
    );
    expect(partitions.failed.map((f) => `${f.asset}: ${f.error.message}`)).toEqual([]);
    expect(partitions.materialized.map((m) => m.partition)).toEqual([...HOURS, DAY]);
    const summary = partitions.materialized.find((m) => m.asset === 'events_daily_summary');
    expect(summary?.inputs.map((i) => i.partition)).toEqual(HOURS);
    expect(summary?.inputs.every((i) => i.producedInRun)).toBe(true);

    // Cleaning: duplicates collapsed (latest line wins), test/fraud orders and unparseable amounts dropped.
    const stg = await warehouse.query('select order_id, amount_cents, status from stg_orders order by order_id');
    expect(stg.rows.map((r) => r.order_id)).toEqual(['o-1001', 'o-1002', 'o-1003', 'o-1004', 'o-1007', 'o-1008', 'o-1009']);
    expect(stg.rows.find((r) => r.order_id === 'o-1002')).toMatchObject({ amount_cents: 1250, status: 'delivered' });
    const revenue = await warehouse.query(
      `select sum(revenue_cents)::int as cents from daily_revenue where order_day = '2024-01-01' and currency = 'EUR'`,
    );
    expect(revenue.rows[0]?.cents).toBe(2550 + 1250 + 9999 + 500);
    const events = await warehouse.query(
      `select (select sum(events)::int from events_daily_summary where day = $1::date) as summarized,
              (select count(*)::int from app_events where occurred_at >= $2::timestamptz and occurred_at < $3::timestamptz) as raw`,
      [DAY, `${DAY}T00:00:00Z`, '2024-01-03T00:00:00Z'],
    );
    expect(events.rows[0]?.summarized).toBe(events.rows[0]?.raw);
    expect(events.rows[0]?.summarized).toBeGreaterThan(0);
    const churn = tables.materialized.find((m) => m.asset === 'churn_model');
    expect(churn?.metadata.users).toBeGreaterThan(0);
  });

  it('gives unchanged code on unchanged data the same data versions, and new files new ones', async () => {
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    await observeAll(env);
    const all = UNPARTITIONED.map((asset) => ({ asset, partition: null }));
    const first = await executeRun(location, run('r1', all), env);
    const second = await executeRun(location, run('r2', all), env);
    const versions = (result: typeof first) => Object.fromEntries(result.materialized.map((m) => [m.asset, m.dataVersion]));
    expect(versions(second)).toEqual(versions(first));

    await dropOrderFile(path.join(dataDir, 'incoming'), createSimulator(3, 8), Date.UTC(2024, 0, 3, 10), 12);
    await observeAll(env);
    const third = await executeRun(location, run('r3', all), env);
    expect(third.status).toBe('completed');
    expect(versions(third).raw_orders).not.toBe(versions(first).raw_orders);
    // stg_users reads only app_users, which did not change.
    expect(versions(third).stg_users).toBe(versions(first).stg_users);
  });
});
