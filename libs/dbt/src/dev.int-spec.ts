// `freshet dev path/to/dbt_project --once`: the CLI detects dbt_project.yml, builds a code
// location from the project, and the embedded planner, worker and observer build it with real dbt
// until nothing is left to request.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createShopWarehouse, ENSURE_DBT_TIMEOUT_MS, type ShopWarehouse } from '@freshet/testing';

const CLI = resolve(__dirname, '../../../bin/freshet.js');
const DEV_TEST_TIMEOUT_MS = 300_000;

function runCli(args: readonly string[], cwd: string, env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('freshet dev on a dbt project', () => {
  let shop: ShopWarehouse;
  let cwd: string;

  beforeAll(async () => {
    shop = await createShopWarehouse();
    cwd = mkdtempSync(join(tmpdir(), 'freshet-dev-dbt-'));
  }, ENSURE_DBT_TIMEOUT_MS);
  afterAll(async () => {
    if (cwd) rmSync(cwd, { recursive: true, force: true });
    await shop?.close();
  });

  it('builds every asset the planner manages, then settles', async () => {
    const env: Record<string, string> = {
      ...shop.env,
      PATH: process.env.PATH ?? '',
      FRESHET_DBT: shop.dbt,
      FRESHET_WAREHOUSE_URL: shop.database.url,
    };
    const result = await runCli(['dev', shop.project.projectDir, '--once', '--timeout', '240'], cwd, env);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toContain('freshet dev: shop');
    expect(result.stdout).toContain('settled: no run in flight');
    expect(await shop.query('select customer_id, number_of_orders::int as n from shop_marts.customers order by 1')).toEqual([
      { customer_id: 1, n: 2 },
      { customer_id: 2, n: 1 },
      { customer_id: 3, n: 1 },
    ]);
    // The audit models are `automation: none`: manual runs only.
    expect(await shop.query("select table_name from information_schema.tables where table_schema = 'shop' and table_name = 'status_report'")).toEqual([]);
  }, DEV_TEST_TIMEOUT_MS);
});
