// 6. `freshet dev --once` on the example project (embedded bus, event log and warehouse, one
// process) settles with every asset fresh, and exits 0. The app's users table is seeded first,
// as the example's README says (`simulate-app.ts --seed`), so the observed users source has data.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_EMBEDDED_WAREHOUSE_DIR, openPglite } from '@freshet/sdk';
import { createSimulator, writeAppUsers } from '../examples/warehouse/app-simulator';
import { ServiceProcess } from './support/stack';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..');

describe('freshet dev --once on the example warehouse', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'freshet-dev-'));
  let dev: ServiceProcess | undefined;

  beforeAll(async () => {
    const warehouse = await openPglite(path.join(cwd, DEFAULT_EMBEDDED_WAREHOUSE_DIR));
    try {
      await writeAppUsers(warehouse, createSimulator(7), Date.now(), 12);
    } finally {
      await warehouse.close();
    }
  });

  afterAll(async () => {
    await dev?.stop('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  /** Runs `freshet dev --once` on the example in `cwd` (its `.freshet/` state persists between calls). */
  const devOnce = async (timeoutSeconds: number): Promise<string> => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'freshet.js'), 'dev', path.join(ROOT, 'examples', 'warehouse'), '--once', '--timeout', String(timeoutSeconds)], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, FRESHET_FROM_SOURCE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev = new ServiceProcess('dev', child);
    const code = await dev.exited;
    const output = dev.text();
    expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    expect(output).toContain('settled: no run in flight, nothing requested in the last tick');
    return output;
  };

  it('settles with every asset fresh and exits 0', async () => {
    const output = await devOnce(120);

    // The last snapshot: one row per asset, between the header line and the "settled" line.
    const lines = output.split('\n');
    const header = lines.map((line, i) => (line.startsWith('ASSET ') ? i : -1)).filter((i) => i >= 0).at(-1) ?? -1;
    const rows = lines.slice(header + 1).filter((line) => line.trim() !== '' && !line.startsWith('settled'));
    const status = new Map(rows.map((line) => [line.split(/\s+/)[0] ?? '', line.split(/\s{2,}/)[1] ?? '']));
    for (const asset of ['raw_orders', 'stg_orders', 'stg_users', 'orders_enriched', 'daily_revenue', 'churn_model']) {
      expect(`${asset}: ${status.get(asset) ?? '(no row)'}`).toBe(`${asset}: fresh`);
    }
    // Partitioned assets: nothing running, every partition in the policy's scope built.
    expect(status.get('events')).toMatch(/^(\d+)\/\1 recent \(of \d+\)$/);
    expect(status.get('events_daily_summary')).toMatch(/^(\d+)\/\1 recent \(of \d+\)$/);
  });

  it('settles again when restarted on the same state (.freshet/)', async () => {
    await devOnce(60);
  });
});
