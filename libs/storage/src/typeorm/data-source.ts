import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { EVENT_LOG_ENTITIES } from './entities';
import { EVENT_LOG_MIGRATIONS } from './migrations';

export interface EventLogDataSourceOptions {
  readonly url: string;
  /** pg pool size; the embedded log needs exactly 1 (pglite-socket serves one connection). */
  readonly poolSize: number;
  readonly applicationName?: string;
}

/** The one DataSource definition both adapters use: same entities, same migrations, never synchronize. */
export function createEventLogDataSource(options: EventLogDataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    poolSize: options.poolSize,
    applicationName: options.applicationName ?? 'freshet',
    entities: EVENT_LOG_ENTITIES,
    migrations: EVENT_LOG_MIGRATIONS,
    migrationsTableName: 'freshet_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
  });
}
