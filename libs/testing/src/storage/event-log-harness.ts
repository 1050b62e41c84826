import { type TypeOrmEventLog } from '@freshet/storage';

/** Empties every event-log table and restarts the storage-id sequences: a clean log per test. */
export async function truncateEventLog(log: TypeOrmEventLog): Promise<void> {
  await log.dataSource.query(
    'TRUNCATE event_log, latest_materialization, latest_observation, runs, planner_state, outbox RESTART IDENTITY CASCADE',
  );
}
