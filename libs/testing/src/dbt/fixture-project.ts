// Helpers for tests of the dbt integration: the dbt install (a virtualenv under .cache, made by
// scripts/dbt/ensure-venv.sh), the fixture project copied where a test may edit it, and the
// environment that points the fixture's profile at a test database.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '../../../..');

/** The fixture dbt project (test/fixtures/dbt/shop) and its committed `dbt parse` manifest. */
export const DBT_SHOP_PROJECT_DIR = join(REPO_ROOT, 'test/fixtures/dbt/shop');
export const DBT_SHOP_MANIFEST = join(REPO_ROOT, 'test/fixtures/dbt/shop-manifest.json');

/** Generous: the first call on a machine installs dbt with pip. */
export const ENSURE_DBT_TIMEOUT_MS = 10 * 60_000;

let cached: string | null = null;

/**
 * The dbt executable of the test virtualenv, installed on first use (pip, pinned versions).
 * Throws with pip's output when it cannot be installed: tests that need dbt fail, never skip.
 */
export function ensureDbt(): string {
  if (cached !== null) return cached;
  const output = execFileSync('bash', [join(REPO_ROOT, 'scripts/dbt/ensure-venv.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: ENSURE_DBT_TIMEOUT_MS,
  });
  const path = output.trim().split('\n').pop();
  if (!path) throw new Error('scripts/dbt/ensure-venv.sh printed no dbt path');
  cached = path;
  return path;
}

export interface DbtProjectCopy {
  readonly projectDir: string;
  remove(): void;
}

/** A private copy of the fixture project (no target/ or logs/), for tests that edit or parse it. */
export function copyShopProject(): DbtProjectCopy {
  const root = mkdtempSync(join(tmpdir(), 'freshet-dbt-shop-'));
  const projectDir = join(root, 'shop');
  cpSync(DBT_SHOP_PROJECT_DIR, projectDir, {
    recursive: true,
    filter: (source) => !/[/\\](target|logs)([/\\]|$)/.test(source.slice(DBT_SHOP_PROJECT_DIR.length)),
  });
  return { projectDir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The environment the fixture's profiles.yml reads: a database URL's parts. */
export function shopProfileEnv(databaseUrl: string): Record<string, string> {
  const url = new URL(databaseUrl);
  return {
    FRESHET_DBT_HOST: url.hostname,
    FRESHET_DBT_PORT: url.port === '' ? '5432' : url.port,
    FRESHET_DBT_USER: decodeURIComponent(url.username),
    FRESHET_DBT_PASSWORD: decodeURIComponent(url.password),
    FRESHET_DBT_DBNAME: url.pathname.replace(/^\//, ''),
  };
}
