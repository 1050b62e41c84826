// The HTTP client of the commands that talk to a running planner (`status`, `why`, `materialize`,
// `backfill`): base URL from --api or FRESHET_API_URL, bearer token from FRESHET_API_TOKEN. An
// answer other than 2xx becomes an ApiError carrying the API's message (and the field it names).
import { loadCliApiConfig } from '@freshet/config';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  readonly api?: string;
}

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  static from(options: ApiClientOptions): ApiClient {
    const config = loadCliApiConfig(process.env, options.api);
    return new ApiClient(config.url, config.token);
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers['authorization'] = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiError(0, `cannot reach the Freshet API at ${this.baseUrl} (${cause}); start a planner or \`freshet dev\`, or pass --api`, null);
    }
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = text === '' ? null : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    if (!res.ok) {
      const answer = (parsed ?? {}) as { message?: unknown; field?: unknown };
      const message = typeof answer.message === 'string' ? answer.message : `HTTP ${res.status}`;
      const hint = res.status === 401 ? ' (set FRESHET_API_TOKEN)' : '';
      throw new ApiError(res.status, `${message}${hint}`, typeof answer.field === 'string' ? answer.field : null);
    }
    return parsed as T;
  }
}

/** Shared by the API commands: runs `action`, prints an ApiError's message on stderr and returns exit code 1. */
export async function withApi(action: () => Promise<number>): Promise<number> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof ApiError || (error instanceof Error && error.name === 'InvalidConfigError')) {
      process.stderr.write(`freshet: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Fixed-width columns: every column padded to its widest cell but the last. */
export function renderColumns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

export function formatMinutes(m: number | null): string {
  if (m === null) return '-';
  if (m < 1) return `${Math.round(m * 60)}s`;
  if (m < 120) return `${Math.round(m)}m`;
  if (m < 48 * 60) return `${Math.floor(m / 60)}h ${Math.round(m % 60)}m`;
  return `${Math.floor(m / 1440)}d ${Math.floor((m % 1440) / 60)}h`;
}

export function formatTime(iso: string | null): string {
  return iso === null ? '-' : iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
