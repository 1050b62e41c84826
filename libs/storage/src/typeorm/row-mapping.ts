import { type AssetPartitionRef, type EventRecord, type JsonValue, type OutboxMessage, type RunRecord, type RunStatus, type StorageId } from '../event-log.port';

// Conversions between raw `pg` rows (bigint as string, timestamptz as Date, jsonb parsed) and
// the port's types. Kept apart so every query reads rows the same way.

/** A BIGSERIAL from `pg` (a string) as a JS number; refuses values that would lose precision. */
export function toStorageId(value: unknown): StorageId {
  const id = typeof value === 'number' ? value : Number(value);
  if (!Number.isSafeInteger(id)) throw new Error(`Storage id ${String(value)} is not a safe integer`);
  return id;
}

export function toEpochMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const parsed = new Date(String(value)).getTime();
  if (Number.isNaN(parsed)) throw new Error(`Not a timestamp: ${String(value)}`);
  return parsed;
}

export function toEpochMsOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : toEpochMs(value);
}

export interface EventLogSqlRow {
  id: string;
  event_id: string;
  event_type: string;
  asset_key: string | null;
  partition_key: string | null;
  run_id: string | null;
  occurred_at: Date;
  recorded_at: Date;
  payload: JsonValue;
}

/** Column list matching `EventLogSqlRow`, optionally qualified by a table alias. */
export function eventLogColumns(alias?: string): string {
  const q = alias === undefined ? '' : `${alias}.`;
  return ['id', 'event_id', 'event_type', 'asset_key', 'partition_key', 'run_id', 'occurred_at', 'recorded_at', 'payload'].map((c) => q + c).join(', ');
}

export function toEventRecord(row: EventLogSqlRow): EventRecord {
  return {
    storageId: toStorageId(row.id),
    eventId: row.event_id,
    type: row.event_type,
    assetKey: row.asset_key,
    partitionKey: row.partition_key,
    runId: row.run_id,
    occurredAt: toEpochMs(row.occurred_at),
    recordedAt: toEpochMs(row.recorded_at),
    payload: row.payload,
  };
}

export interface RunSqlRow {
  run_id: string;
  status: RunStatus;
  planned: AssetPartitionRef[];
  materialized: AssetPartitionRef[];
  failed: AssetPartitionRef[];
  requested_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  error: string | null;
  first_storage_id: string;
  last_storage_id: string;
}

export function toRunRecord(row: RunSqlRow): RunRecord {
  return {
    runId: row.run_id,
    status: row.status,
    plannedAssetPartitions: row.planned,
    materializedAssetPartitions: row.materialized,
    failedAssetPartitions: row.failed,
    requestedAt: toEpochMsOrNull(row.requested_at),
    startedAt: toEpochMsOrNull(row.started_at),
    finishedAt: toEpochMsOrNull(row.finished_at),
    error: row.error,
    firstStorageId: toStorageId(row.first_storage_id),
    lastStorageId: toStorageId(row.last_storage_id),
  };
}

export interface OutboxSqlRow {
  id: string;
  topic: string;
  message_key: string | null;
  event_id: string;
  value: JsonValue;
  headers: Record<string, string>;
  created_at: Date;
  attempts: number;
}

export function toOutboxMessage(row: OutboxSqlRow): OutboxMessage {
  return {
    id: toStorageId(row.id),
    topic: row.topic,
    key: row.message_key,
    eventId: row.event_id,
    value: row.value,
    headers: row.headers,
    createdAt: toEpochMs(row.created_at),
    attempts: row.attempts,
  };
}

/** A JSON parameter for `$n::jsonb`: `pg` would turn a JS array into a Postgres array otherwise. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}
