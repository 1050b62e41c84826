// The SQL resource and the example warehouse on a real Postgres (a database of its own per file):
// the same statements the PGlite tests run, on the server production uses.
import { copyFile, mkdir } from 'node:fs/promises';
import * as path from 'node:path';
import { createInMemoryExecutionEnv, createTestDatabase, makeTempDir, removeDir, type TestDatabase } from '@freshet/testing';
import {
  executeRun,
  observeSource,
  postgresResource,
  ResourceSet,
  sqlQueryResult,
  warehouseFromEnv,
  type CodeLocation,
  type SqlResource,
} from '@freshet/sdk';
import { createWarehouseLocation } from '../../../../examples/warehouse/location';
import { createSimulator, writeAppEvents, writeAppUsers } from '../../../../examples/warehouse/app-simulator';

jest.setTimeout(120_000);

const EXAMPLE_DIR = path.resolve(__dirname, '../../../../examples/warehouse');
const HOSTILE = "'; DROP TABLE notes; --";

describe('postgresResource on a real Postgres', () => {
  let db: TestDatabase;
  let dataDir: string;
  let location: CodeLocation;
  let resources: ResourceSet;
  let warehouse: SqlResource;

  beforeAll(async () => {
    db = await createTestDatabase('sdk_pg');
    dataDir = await makeTempDir('freshet-example-pg-');
    await mkdir(path.join(dataDir, 'incoming'));
    for (const file of ['orders-2024-01-01.csv', 'orders-2024-01-02.json']) {
      await copyFile(path.join(EXAMPLE_DIR, 'data', 'incoming', file), path.join(dataDir, 'incoming', file));
    }
    location = createWarehouseLocation({ dataDir, warehouse: postgresResource(db.url) });
    resources = new ResourceSet(location.resources, { env: {}, baseDir: dataDir });
    warehouse = await resources.sql();
  });

  afterAll(async () => {
    await resources?.close();
    await db?.drop();
    if (dataDir) await removeDir(dataDir);
  });

  it('binds parameters, and commits or rolls back a transaction as a whole', async () => {
    await warehouse.exec('create table notes (id int primary key, body text); create table other (x int)');
    await warehouse.query('insert into notes values ($1, $2)', [1, HOSTILE]);
    expect((await warehouse.query('select body from notes where id = $1', [1])).rows).toEqual([{ body: HOSTILE }]);
    await expect(
      warehouse.transaction(async (tx) => {
        await tx.query('insert into other values ($1)', [1]);
        await tx.query('select * from no_such_table');
      }),
    ).rejects.toThrow(/no_such_table/);
    expect((await warehouse.query('select count(*)::int as n from other')).rows).toEqual([{ n: 0 }]);
    // The same rows hash the same whatever the order they come back in.
    expect(await sqlQueryResult(warehouse, 'select id, body from notes order by id')).toBe(
      await sqlQueryResult(warehouse, 'select id, body from notes order by id desc'),
    );
  });

  it('runs every asset of the example warehouse', async () => {
    const sim = createSimulator(11);
    await writeAppUsers(warehouse, sim, Date.UTC(2024, 0, 1, 6), 8);
    for (let hour = 0; hour < 24; hour++) await writeAppEvents(warehouse, sim, Date.UTC(2024, 0, 2, hour, 59), 3);
    const env = createInMemoryExecutionEnv({ overrides: { resources } });
    for (const key of ['raw_order_files', 'app_users']) {
      const observation = await observeSource(location, key, { resources, log: () => undefined });
      env.observe(key, null, observation?.dataVersion ?? 'none');
    }
    const hours = Array.from({ length: 24 }, (_, h) => ({ asset: 'events', partition: `2024-01-02-${String(h).padStart(2, '0')}:00` }));
    const assets = ['raw_orders', 'stg_orders', 'stg_users', 'orders_enriched', 'daily_revenue', 'churn_model'].map((asset) => ({ asset, partition: null }));
    const result = await executeRun(
      location,
      { runId: 'pg-1', attempt: 1, assetPartitions: [...assets, ...hours, { asset: 'events_daily_summary', partition: '2024-01-02' }] },
      env,
    );
    expect(result.failed.map((f) => `${f.asset}: ${f.error.message}`)).toEqual([]);
    expect(result.materialized).toHaveLength(assets.length + hours.length + 1);
    const revenue = await warehouse.query(
      `select sum(revenue_cents)::int as cents from daily_revenue where order_day = '2024-01-01' and currency = 'EUR'`,
    );
    expect(revenue.rows[0]?.cents).toBe(2550 + 1250 + 9999 + 500);
    const summary = await warehouse.query(`select sum(events)::int as n from events_daily_summary where day = '2024-01-02'`);
    expect(summary.rows[0]?.n).toBeGreaterThan(0);
  });

  it('is what warehouseFromEnv opens when FRESHET_WAREHOUSE_URL names a Postgres', async () => {
    const opened = await warehouseFromEnv().open({ env: { FRESHET_WAREHOUSE_URL: db.url }, baseDir: dataDir });
    try {
      expect(opened.description).toContain('postgres');
      expect(opened.description).not.toContain('freshet:freshet');
      expect((await opened.query('select count(*)::int as n from notes')).rows).toEqual([{ n: 1 }]);
    } finally {
      await opened.close();
    }
  });
});
