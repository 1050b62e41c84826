// Starts `freshet dev`'s runtime in-process on the API fixture (in-memory event log, API on a free
// port) and offers a small HTTP client and condition waits for the API and CLI tests.
import * as path from 'node:path';
import { loadConfig } from '@freshet/config';
import { silentLogger } from '@freshet/runtime';
import { startDevRuntime, type DevRuntime } from '../../apps/cli/src/commands/dev-runtime';

export const API_FIXTURE = path.join(__dirname, 'fixtures', 'location.ts');
export const TOKEN = 'api-test-token';

export async function startFixtureRuntime(env: Readonly<Record<string, string>> = {}, location = API_FIXTURE): Promise<DevRuntime> {
  const config = loadConfig('dev', {
    FRESHET_DEV_EVENT_LOG_DIR: 'memory://',
    FRESHET_API_PORT: '0',
    FRESHET_API_TOKEN: TOKEN,
    FRESHET_PLANNER_TICK_MS: '200',
    ...env,
  });
  return startDevRuntime(config, location, silentLogger, process.cwd(), () => undefined);
}

export interface Reply<T = Record<string, unknown>> {
  readonly status: number;
  readonly body: T;
}

export async function call<T = Record<string, unknown>>(base: string, method: string, route: string, options: { token?: string | null; body?: unknown; rawBody?: string } = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? TOKEN : options.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined || options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = options.rawBody ?? JSON.stringify(options.body);
  }
  const res = await fetch(`${base}${route}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (metrics, HTML): the text itself.
  }
  return { status: res.status, body: parsed as T };
}

/** Polls `probe` until it returns a value other than undefined, or fails naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? ` (last error: ${last.message})` : ''}`);
}

