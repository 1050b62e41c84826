import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createEventLogDataSource } from '../typeorm/data-source';
import { TypeOrmEventLog } from '../typeorm/typeorm-event-log';

export const IN_MEMORY_EVENT_LOG = 'memory://';

export interface EmbeddedEventLogOptions {
  /** PGlite data directory (created if missing), or `memory://` (default) for a throw-away log. */
  readonly dataDir?: string;
}

/**
 * The event log for `freshet dev`: PGlite (Postgres compiled to WASM) in this process, served on
 * 127.0.0.1 at a free port by pglite-socket, reached by the ordinary TypeORM `postgres` driver.
 * It therefore runs exactly the production entities, migrations and SQL.
 *
 * pglite-socket serves one connection, so the pool has size 1: transactions queue instead of
 * interleaving, and no code path may need two connections at once. Migrations run on open.
 * Never query the PGlite instance directly while the socket is attached.
 */
export async function createEmbeddedEventLog(options: EmbeddedEventLogOptions = {}): Promise<TypeOrmEventLog> {
  const dataDir = options.dataDir ?? IN_MEMORY_EVENT_LOG;
  // PGlite creates only the last directory of the path; `.freshet/eventlog` needs its parent too.
  if (!dataDir.includes('://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0 });
  const shutdown = async (): Promise<void> => {
    await server.stop();
    await db.close();
  };
  try {
    await server.start();
    // PGlite accepts any user and password; `postgres` is its only database.
    const dataSource = createEventLogDataSource({ url: `postgres://postgres:postgres@${server.getServerConn()}/postgres`, poolSize: 1 });
    await dataSource.initialize();
    const log = new TypeOrmEventLog(dataSource, shutdown);
    try {
      await log.runMigrations();
    } catch (error) {
      await log.close();
      throw error;
    }
    return log;
  } catch (error) {
    if (db.closed === false) await shutdown().catch(() => undefined);
    throw error;
  }
}
