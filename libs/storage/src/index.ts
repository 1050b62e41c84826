// The event-log port and its adapters: Postgres (TypeORM) and embedded (PGlite over pglite-socket).
export * from './event-log.port';
export * from './errors';
export { runUpdateFor, RUN_STATUS_RANK, type RunUpdate } from './run-updates';
export { TypeOrmEventLog, APPEND_CHUNK_SIZE } from './typeorm/typeorm-event-log';
export { createEventLogDataSource, type EventLogDataSourceOptions } from './typeorm/data-source';
export { EVENT_LOG_ENTITIES, EventLogRow, LatestMaterializationRow, LatestObservationRow, RunRow, PlannerStateRow, OutboxRow } from './typeorm/entities';
export { EVENT_LOG_MIGRATIONS } from './typeorm/migrations';
export { createPostgresEventLog, migrateEventLog, type PostgresEventLogOptions } from './postgres/postgres-event-log';
export { createEmbeddedEventLog, IN_MEMORY_EVENT_LOG, type EmbeddedEventLogOptions } from './embedded/embedded-event-log';
