// A SqlResource on PGlite (Postgres compiled to WASM), in memory or in a data directory, so
// `freshet dev` and the tests need no Postgres server. Same SQL dialect as production.
import { mkdir } from 'node:fs/promises';
import Module from 'node:module';
import * as path from 'node:path';
import type { PGlite as PGliteClass, Transaction } from '@electric-sql/pglite';
import { defineResource, type ResourceDefinition } from './resource';
import type { SqlExecutor, SqlQueryResult, SqlResource } from './sql-resource';

export const IN_MEMORY = 'memory://';

type PGlite = PGliteClass;

/**
 * PGlite loads its WASM and Node modules with dynamic `import()`, which test runners that sandbox
 * modules in a vm (jest without --experimental-vm-modules) reject. Loading it through a module of
 * Node's own loader keeps it outside any such sandbox (jest's `createRequire` would not: it
 * returns jest's require). In a plain Node process this is the same as a static import.
 */
function loadPglite(): typeof PGliteClass {
  const NodeModule = Module as unknown as { new (id: string): NodeJS.Module; _nodeModulePaths(dir: string): string[] };
  const host = new NodeModule(__filename);
  host.filename = __filename;
  host.paths = NodeModule._nodeModulePaths(path.dirname(__filename));
  return (host.require('@electric-sql/pglite') as { PGlite: typeof PGliteClass }).PGlite;
}

function executorOn(target: PGlite | Transaction): SqlExecutor {
  return {
    async query(sql: string, params: readonly unknown[] = []): Promise<SqlQueryResult> {
      const result = await target.query<Record<string, unknown>>(sql, [...params]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

export async function openPglite(dataDir: string): Promise<SqlResource> {
  if (dataDir !== IN_MEMORY) await mkdir(dataDir, { recursive: true });
  const db = await loadPglite().create(dataDir);
  const onDb = executorOn(db);
  let closed = false;
  return {
    dialect: 'postgres',
    description: dataDir === IN_MEMORY ? 'pglite (in memory)' : `pglite ${dataDir}`,
    query: onDb.query,
    exec: onDb.exec,
    transaction<T>(work: (tx: SqlExecutor) => Promise<T>): Promise<T> {
      return db.transaction((tx) => work(executorOn(tx)));
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}

/**
 * A resource definition for an embedded PGlite database. `dataDir` is `memory://` or a directory
 * (relative paths resolve against the code location's base directory).
 */
export function pgliteResource(dataDir: string): ResourceDefinition<SqlResource> {
  return defineResource(`pglite ${dataDir}`, (ctx) =>
    openPglite(dataDir === IN_MEMORY ? IN_MEMORY : path.resolve(ctx.baseDir, dataDir)),
  );
}
