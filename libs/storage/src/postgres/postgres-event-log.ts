import { TypeOrmEventLog } from '../typeorm/typeorm-event-log';
import { createEventLogDataSource } from '../typeorm/data-source';

export interface PostgresEventLogOptions {
  /** postgres:// URL (from `loadConfig(...).database.url`). */
  readonly url: string;
  readonly poolSize?: number;
  readonly applicationName?: string;
  /** Apply pending migrations before returning (under an advisory lock). Default false: run them as an explicit step. */
  readonly runMigrations?: boolean;
}

/** Connects to Postgres. Call `runMigrations()` once per deployment (or pass `runMigrations: true`). */
export async function createPostgresEventLog(options: PostgresEventLogOptions): Promise<TypeOrmEventLog> {
  const dataSource = createEventLogDataSource({
    url: options.url,
    poolSize: options.poolSize ?? 10,
    ...(options.applicationName === undefined ? {} : { applicationName: options.applicationName }),
  });
  await dataSource.initialize();
  const log = new TypeOrmEventLog(dataSource);
  try {
    if (options.runMigrations === true) await log.runMigrations();
  } catch (error) {
    await log.close();
    throw error;
  }
  return log;
}

/**
 * The explicit migration step (for a `freshet migrate` command or a deploy job): connects,
 * applies pending migrations under an advisory lock, disconnects. Returns the names applied.
 */
export async function migrateEventLog(url: string): Promise<string[]> {
  const log = await createPostgresEventLog({ url, poolSize: 1, applicationName: 'freshet-migrate' });
  try {
    return await log.runMigrations();
  } finally {
    await log.close();
  }
}
