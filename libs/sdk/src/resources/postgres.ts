// A SqlResource on a real Postgres, through a pg Pool.
import { Pool, type PoolClient } from 'pg';
import { defineResource, type ResourceDefinition } from './resource';
import type { SqlExecutor, SqlQueryResult, SqlResource } from './sql-resource';

export function maskUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):([^@]*)@/, '//$1:***@');
}

export interface PostgresResourceOptions {
  readonly maxConnections?: number;
}

function executorOn(target: Pool | PoolClient): SqlExecutor {
  return {
    async query(sql: string, params: readonly unknown[] = []): Promise<SqlQueryResult> {
      const result = await target.query<Record<string, unknown>>(sql, [...params]);
      return { rows: result.rows, rowCount: result.rowCount };
    },
    async exec(sql: string): Promise<void> {
      // A parameterless query uses the simple protocol, which accepts several statements.
      await target.query(sql);
    },
  };
}

/** Opens a pool now; `close()` ends it. */
export function openPostgres(url: string, options: PostgresResourceOptions = {}): SqlResource {
  const pool = new Pool({ connectionString: url, max: options.maxConnections ?? 4 });
  const onPool = executorOn(pool);
  return {
    dialect: 'postgres',
    description: `postgres ${maskUrl(url)}`,
    query: onPool.query,
    exec: onPool.exec,
    async transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await work(executorOn(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close(): Promise<void> {
      await pool.end();
    },
  };
}

/** A resource definition that opens a pg Pool on `url` when first used. */
export function postgresResource(url: string, options: PostgresResourceOptions = {}): ResourceDefinition<SqlResource> {
  return defineResource(`postgres ${maskUrl(url)}`, () => Promise.resolve(openPostgres(url, options)));
}
