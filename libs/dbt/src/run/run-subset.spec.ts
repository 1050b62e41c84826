// The runner's error handling, with a fake dbt executable (real dbt runs in the integration tests).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DBT_SHOP_MANIFEST } from '@freshet/testing';
import { buildProjectGraph, parseDbtLogLine, readManifest, runDbtSubset, type DbtLogLine } from '@freshet/dbt';

const graph = buildProjectGraph(readManifest(JSON.parse(readFileSync(DBT_SHOP_MANIFEST, 'utf8'))));
const FAKE_DBT = join(__dirname, 'fixtures/fake-dbt.sh');

describe('runDbtSubset', () => {
  it('fails every selected asset with dbt\'s error when dbt ends abnormally, and streams its lines', async () => {
    const lines: DbtLogLine[] = [];
    const result = await runDbtSubset({
      graph,
      projectDir: __dirname,
      dbtExecutable: FAKE_DBT,
      env: { FAKE_DBT_MODE: 'crash', PATH: process.env.PATH },
      selected: ['model.shop.orders', 'model.shop.customers'],
      onLine: (line) => lines.push(line),
    });
    expect(result.invocation.exitCode).toBe(2);
    expect(result.runResults).toBeNull();
    expect(result.invocation.args.slice(0, 1)).toEqual(['build']);
    expect(result.invocation.args.filter((a) => a.startsWith('fqn:'))).toEqual(['fqn:shop.marts.customers', 'fqn:shop.marts.orders']);
    for (const id of ['model.shop.orders', 'model.shop.customers']) {
      const outcome = result.outcomes.get(id);
      expect(outcome?.status).toBe('failed');
      expect(outcome?.status === 'failed' && outcome.message).toMatch(/^dbt did not run it: dbt exited with code 2: .*Could not find profile named shop/s);
    }
    expect(lines.map((l) => l.level)).toEqual(['error', 'warn']);
    expect(lines[0]?.fields).toEqual({ dbtEvent: 'MainEncounteredError' });
  });

  it('gives dbt only the environment it was told, plus the switches that keep it quiet', async () => {
    const lines: DbtLogLine[] = [];
    await runDbtSubset({
      graph,
      projectDir: __dirname,
      dbtExecutable: FAKE_DBT,
      env: { FAKE_DBT_MODE: 'env', PATH: process.env.PATH },
      runEnv: { RUN_VAR: 'from-worker' },
      selected: ['seed.shop.raw_orders'],
      onLine: (line) => lines.push(line),
    });
    expect(lines.map((l) => l.message)).toEqual(['tracking=1 run_var=from-worker leaked=none']);
  });

  it('stops dbt when the run is aborted (the compute timeout), and leaves no artifacts behind', async () => {
    const controller = new AbortController();
    const lines: DbtLogLine[] = [];
    const artifactsDir = mkdtempSync(join(tmpdir(), 'freshet-dbt-spec-'));
    const running = runDbtSubset({
      graph,
      projectDir: __dirname,
      dbtExecutable: FAKE_DBT,
      env: { FAKE_DBT_MODE: 'hang', PATH: process.env.PATH },
      selected: ['seed.shop.raw_orders'],
      artifactsDir,
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        controller.abort();
      },
    });
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    expect(lines.map((l) => l.message)).toEqual(['Running with dbt=fake']);
    expect(readdirSync(artifactsDir)).toEqual([]);
    rmSync(artifactsDir, { recursive: true, force: true });
  });

  it('says so when the dbt executable does not exist', async () => {
    await expect(runDbtSubset({ graph, projectDir: __dirname, dbtExecutable: join(__dirname, 'no-such-dbt'), selected: ['seed.shop.raw_orders'] })).rejects.toMatchObject({
      code: 'dbtNotFound',
    });
  });

  it('refuses to select something that is not an asset of the project', async () => {
    await expect(runDbtSubset({ graph, projectDir: __dirname, dbtExecutable: FAKE_DBT, selected: ['model.shop.int_order_payments'] })).rejects.toMatchObject({ code: 'unknownSelection' });
  });
});

describe('parseDbtLogLine', () => {
  it('reads dbt\'s JSON log events, with the node they are about', () => {
    const line = JSON.stringify({
      info: { level: 'info', msg: '1 of 3 OK created sql view model shop.stg_orders \u001b[32m[CREATE VIEW in 0.05s]\u001b[0m', name: 'LogModelResult' },
      data: { node_info: { unique_id: 'model.shop.stg_orders' } },
    });
    expect(parseDbtLogLine(line)).toEqual({
      level: 'info',
      message: '1 of 3 OK created sql view model shop.stg_orders [CREATE VIEW in 0.05s]',
      fields: { dbtEvent: 'LogModelResult', dbtUniqueId: 'model.shop.stg_orders' },
    });
    expect(parseDbtLogLine('plain text')).toEqual({ level: 'info', message: 'plain text', fields: {} });
    expect(parseDbtLogLine('   ')).toBeNull();
  });
});
