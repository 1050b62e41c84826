// The web UI in headless Chromium (Debian's `chromium`, installed by scripts/browser/ensure-chromium.sh)
// against `freshet dev` serving the example warehouse: the graph renders every asset, clicking an
// asset opens its page with its decision log, and a backfill submitted in the form completes and
// shows as completed. Screenshots of each page go to artifacts/browser/ (gitignored).
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEFAULT_EMBEDDED_WAREHOUSE_DIR, openPglite } from '@freshet/sdk';
import { createSimulator, writeAppUsers } from '../../examples/warehouse/app-simulator';
import { ServiceProcess } from '../support/stack';
import { freePort } from '@freshet/testing';
import { call, waitFor } from '../api/support';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..', '..');
const ARTIFACTS = path.join(ROOT, 'artifacts', 'browser');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The given attributes of every element the selector matches, in document order. */
async function attributes(page: Page, selector: string, names: readonly string[]): Promise<(string | null)[][]> {
  const rows: (string | null)[][] = [];
  for (const element of await page.locator(selector).all()) rows.push(await Promise.all(names.map((name) => element.getAttribute(name))));
  return rows;
}

describe('the web UI in headless Chromium against freshet dev on the example warehouse', () => {
  const cwd = mkdtempSync(path.join(tmpdir(), 'freshet-ui-'));
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'freshet-chromium-'));
  let dev: ServiceProcess | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let base = '';

  beforeAll(async () => {
    // Installs Debian's chromium when /usr/bin/chromium is missing (a no-op otherwise).
    const executablePath = execFileSync('bash', [path.join(ROOT, 'scripts', 'browser', 'ensure-chromium.sh')], { encoding: 'utf8' }).trim();
    mkdirSync(ARTIFACTS, { recursive: true });
    const warehouse = await openPglite(path.join(cwd, DEFAULT_EMBEDDED_WAREHOUSE_DIR));
    try {
      await writeAppUsers(warehouse, createSimulator(11), Date.now(), 8);
    } finally {
      await warehouse.close();
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'freshet.js'), 'dev', path.join(ROOT, 'examples', 'warehouse')], {
      cwd,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? cwd, TZ: 'UTC', FRESHET_FROM_SOURCE: '1', FRESHET_API_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    dev = new ServiceProcess('dev', child);
    await waitFor('freshet dev to serve the API', async () => ((await call(base, 'GET', '/api/assets', { token: null })).status === 200 ? true : undefined), 120_000);
    context = await chromium.launchPersistentContext(userDataDir, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 900 } });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    await dev?.stop('SIGTERM');
    rmSync(cwd, { recursive: true, force: true });
    rmSync(userDataDir, { recursive: true, force: true });
  });

  it('renders the asset graph with every asset, laid out by dagre and colored by status', async () => {
    const { body } = await call<{ assets: { key: string }[] }>(base, 'GET', '/api/assets', { token: null });
    const keys = body.assets.map((a) => a.key);
    expect(keys).toEqual(expect.arrayContaining(['raw_orders', 'orders_enriched', 'daily_revenue', 'events', 'events_daily_summary']));
    await page.goto(`${base}/`);
    await waitFor('every asset drawn', async () => ((await page.locator('svg#graph g.node').count()) === keys.length ? true : undefined));
    const drawn = await attributes(page, 'svg#graph g.node', ['data-asset', 'data-status', 'transform']).then((rows) =>
      rows.map(([key, status, transform]) => ({ key, status, transform })),
    );
    expect(drawn.map((n) => n.key).sort((a, b) => (a ?? '').localeCompare(b ?? ''))).toEqual([...keys].sort((a, b) => a.localeCompare(b)));
    for (const node of drawn) expect(['fresh', 'stale', 'overdue', 'missing', 'running', 'source']).toContain(node.status);
    // dagre placed them: more than one column and one row, no two nodes at the same spot.
    const spots = new Set(drawn.map((n) => n.transform));
    expect(spots.size).toBe(drawn.length);
    expect(await page.locator('svg#graph path.edge').count()).toBeGreaterThanOrEqual(8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'graph.png'), fullPage: true });
  });

  it('opens an asset page with lineage, freshness chart and decision log when the asset is clicked', async () => {
    await waitFor('a stored decision about orders_enriched', async () => {
      const { body } = await call<{ decisions: unknown[] }>(base, 'GET', '/api/assets/orders_enriched/decisions', { token: null });
      return body.decisions?.length > 0 ? true : undefined;
    }, 120_000);
    await page.click('svg#graph g.node[data-asset="orders_enriched"]');
    await page.waitForURL(/#\/asset\/orders_enriched$/);
    await page.waitForSelector('#decision-log tbody tr.decision', { timeout: 30_000 });
    expect(await page.textContent('#asset-title')).toBe('orders_enriched');
    const rows = await page.locator('#decision-log tbody tr.decision').allTextContents();
    expect(rows.some((text) => /requested/.test(text))).toBe(true);
    const lineage = (await attributes(page, 'svg#graph g.node', ['data-asset'])).map(([key]) => key);
    expect(lineage).toEqual(expect.arrayContaining(['stg_orders', 'stg_users', 'orders_enriched', 'daily_revenue']));
    await page.waitForSelector('#chart svg#freshness-chart, #chart p', { timeout: 30_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'asset.png'), fullPage: true });
  });

  it('submits a backfill in the form and shows it completed', async () => {
    await page.goto(`${base}/#/backfills`);
    await page.waitForSelector('form#backfill-form');
    await page.selectOption('form#backfill-form select[name="asset"]', 'events');
    await page.fill('form#backfill-form input[name="from"]', '2024-01-05-00:00');
    await page.fill('form#backfill-form input[name="to"]', '2024-01-05-03:00');
    await page.click('form#backfill-form button');
    await page.waitForSelector('#backfill-result[data-backfill]', { timeout: 30_000 });
    const id = await page.getAttribute('#backfill-result', 'data-backfill');
    expect(id).toMatch(/^bf-[0-9a-f]{8}$/);
    await page.waitForSelector(`tr.backfill[data-id="${id}"][data-status="completed"]`, { timeout: 120_000 });
    expect(await page.textContent(`tr.backfill[data-id="${id}"] td.status`)).toBe('completed');
    expect(await page.textContent(`tr.backfill[data-id="${id}"]`)).toContain('4/4');
    await page.screenshot({ path: path.join(ARTIFACTS, 'backfills.png'), fullPage: true });
    // The partitioned asset's page: its partitions as a grid, newest first, colored by status.
    await page.goto(`${base}/#/asset/events`);
    await page.waitForSelector('#partition-grid .cell', { timeout: 30_000 });
    const cells = await attributes(page, '#partition-grid .cell', ['data-partition', 'data-status']);
    expect(cells.length).toBe(400);
    for (const [, status] of cells) expect(['materialized', 'missing', 'running', 'failed', 'stale']).toContain(status);
    expect(cells.some(([, status]) => status === 'materialized' || status === 'running')).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'partitions.png'), fullPage: true });
    await page.goto(`${base}/#/runs`);
    await page.waitForSelector('#runs tbody tr[data-run]');
    await page.screenshot({ path: path.join(ARTIFACTS, 'runs.png'), fullPage: true });
  });
});
