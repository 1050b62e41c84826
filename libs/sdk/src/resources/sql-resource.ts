// The one interface SQL assets, query observations and user code use to reach a database:
// Postgres in production, PGlite (Postgres in WASM) under `freshet dev`. Parameters are always
// bound by the driver (`$1..$n` placeholders), never interpolated into the statement.
import type { Closeable } from './closeable';

export interface SqlQueryResult {
  readonly rows: readonly Record<string, unknown>[];
  /** Rows affected (INSERT/UPDATE/DELETE) or returned; null when the driver does not say. */
  readonly rowCount: number | null;
}

/** What can run statements: the resource itself, or one transaction of it. */
export interface SqlExecutor {
  readonly query: (sql: string, params?: readonly unknown[]) => Promise<SqlQueryResult>;
  /** Runs statements separated by `;` with no parameters (DDL, seeds). */
  readonly exec: (sql: string) => Promise<void>;
}

export interface SqlResource extends SqlExecutor, Closeable {
  readonly dialect: 'postgres';
  /** Where it points, with any password masked, for logs. */
  readonly description: string;
  /** Runs `work` in one transaction on one connection: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T>;
}

export function isSqlResource(value: unknown): value is SqlResource {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<SqlResource>;
  return (
    candidate.dialect === 'postgres' && typeof candidate.query === 'function' && typeof candidate.exec === 'function' &&
    typeof candidate.transaction === 'function'
  );
}
