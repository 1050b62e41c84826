import { MigrationExecutor, type DataSource, type EntityManager } from 'typeorm';
import { CursorVersionConflictError } from '../errors';
import {
  RecordTypes,
  type AppendOptions,
  type AppendResult,
  type ClaimOptions,
  type CursorWrite,
  type EventLog,
  type EventRecord,
  type JsonValue,
  type LatestRecords,
  type NewOutboxMessage,
  type NewRecord,
  type OutboxMessage,
  type PartitionLatest,
  type RunRecord,
  type RunStatus,
  type StorageId,
  type StoredCursor,
} from '../event-log.port';
import { runUpdateFor } from '../run-updates';
import { validateOutbox, validateRecords } from '../validation';
import { EventLogRow } from './entities';
import {
  eventLogColumns,
  jsonParam,
  toEpochMs,
  toEventRecord,
  toOutboxMessage,
  toRunRecord,
  toStorageId,
  type EventLogSqlRow,
  type OutboxSqlRow,
  type RunSqlRow,
} from './row-mapping';

/** Rows per INSERT statement: 8 columns × 1000 stays far below Postgres's 65 535 bind parameters. */
export const APPEND_CHUNK_SIZE = 1000;
const MAX_READ_LIMIT = 10_000;
const DEFAULT_CLAIM_LEASE_MS = 30_000;
/** Published outbox rows deleted per statement when pruning. */
const PRUNE_SLICE = 5_000;

// Advisory lock keys (arbitrary constants, unique within Freshet's database).
/** Held for the length of each append transaction: see `append`. */
const APPEND_LOCK_KEY = 4_210_001;
/** Held while migrations run, so two processes starting together do not race on the schema. */
const MIGRATION_LOCK_KEY = 4_210_002;

/**
 * The event log on Postgres through TypeORM: the same class serves a real Postgres and the
 * embedded PGlite (through pglite-socket), which run the same entities, migrations and SQL.
 *
 * Every transaction uses only its own EntityManager: the embedded pool holds ONE connection, so
 * a query on the DataSource inside a transaction would wait for itself for ever.
 */
export class TypeOrmEventLog implements EventLog {
  private closed = false;

  constructor(
    readonly dataSource: DataSource,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  /** Applies pending migrations under an advisory lock; safe to call from several processes. */
  async runMigrations(): Promise<string[]> {
    const queryRunner = this.dataSource.createQueryRunner();
    try {
      await queryRunner.connect();
      await queryRunner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
      try {
        const executor = new MigrationExecutor(this.dataSource, queryRunner);
        executor.transaction = 'all';
        const applied = await executor.executePendingMigrations();
        return applied.map((migration) => migration.name);
      } finally {
        await queryRunner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
      }
    } finally {
      await queryRunner.release();
    }
  }

  /**
   * One transaction: take the append lock, insert new records (ON CONFLICT DO NOTHING on
   * event_id), update the derived tables from what was really inserted, write the outbox and
   * the cursor. The lock serializes appenders so storage ids become visible in increasing order:
   * a BIGSERIAL is drawn at INSERT but seen at COMMIT, and without it a reader at "since N" could
   * pass over a smaller id that commits later. Readers never take it.
   */
  async append(records: readonly NewRecord[], options: AppendOptions = {}): Promise<AppendResult> {
    validateRecords(records);
    const outbox = options.outbox ?? [];
    validateOutbox(outbox);
    const { unique, repeated } = splitRepeatedEventIds(records);
    if (unique.length === 0 && outbox.length === 0 && options.cursor === undefined) {
      return { inserted: [], duplicates: repeated, outboxInserted: 0 };
    }
    return this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK_KEY]);
      const storageIds = new Map<string, StorageId>();
      for (const chunk of chunks(unique, APPEND_CHUNK_SIZE)) {
        for (const [eventId, storageId] of await insertChunk(em, chunk)) storageIds.set(eventId, storageId);
      }
      const insertedRecords = unique
        .filter((record) => storageIds.has(record.eventId))
        .map((record) => ({ record, storageId: storageIds.get(record.eventId) ?? 0 }))
        .sort((a, b) => a.storageId - b.storageId);
      await updateLatest(em, 'latest_materialization', insertedRecords.filter(({ record }) => record.type === RecordTypes.materialization));
      await updateLatest(em, 'latest_observation', insertedRecords.filter(({ record }) => record.type === RecordTypes.observation));
      for (const { record, storageId } of insertedRecords) await applyRunUpdate(em, record, storageId);
      let outboxInserted = 0;
      for (const chunk of chunks(outbox, APPEND_CHUNK_SIZE)) outboxInserted += await insertOutbox(em, chunk);
      const cursorVersion = options.cursor === undefined ? undefined : await saveCursorIn(em, options.cursor);
      const duplicates = [...unique.filter((record) => !storageIds.has(record.eventId)).map((r) => r.eventId), ...repeated];
      return {
        inserted: insertedRecords.map(({ record, storageId }) => ({ eventId: record.eventId, storageId })),
        duplicates: orderLike(records, duplicates),
        outboxInserted,
        ...(cursorVersion === undefined ? {} : { cursorVersion }),
      };
    });
  }

  async readSince(afterStorageId: StorageId, limit: number, filter: { readonly types?: readonly string[] } = {}): Promise<EventRecord[]> {
    const boundedLimit = Math.max(0, Math.min(Math.floor(limit), MAX_READ_LIMIT));
    if (boundedLimit === 0) return [];
    const params: unknown[] = [afterStorageId, boundedLimit];
    let typeClause = '';
    if (filter.types !== undefined) {
      if (filter.types.length === 0) return [];
      params.push([...filter.types]);
      typeClause = 'AND event_type = ANY($3::text[])';
    }
    const rows = await this.dataSource.query<EventLogSqlRow[]>(
      `SELECT ${eventLogColumns()} FROM event_log WHERE id > $1 ${typeClause} ORDER BY id LIMIT $2`,
      params,
    );
    return rows.map(toEventRecord);
  }

  async latestStorageId(): Promise<StorageId> {
    const rows = await this.dataSource.query<{ max: string | null }[]>('SELECT max(id) AS max FROM event_log');
    return rows[0]?.max == null ? 0 : toStorageId(rows[0].max);
  }

  async latestFor(assetKey: string, partitionKey: string | null = null): Promise<LatestRecords> {
    const [materialization, observation] = await Promise.all(
      (['latest_materialization', 'latest_observation'] as const).map(async (table) => {
        const rows = await this.dataSource.query<EventLogSqlRow[]>(
          `SELECT ${eventLogColumns('e')} FROM ${table} l JOIN event_log e ON e.id = l.storage_id
            WHERE l.asset_key = $1 AND l.partition_key IS NOT DISTINCT FROM $2`,
          [assetKey, partitionKey],
        );
        return rows[0] === undefined ? null : toEventRecord(rows[0]);
      }),
    );
    return { materialization: materialization ?? null, observation: observation ?? null };
  }

  async latestForAsset(assetKey: string): Promise<PartitionLatest[]> {
    const rows = await this.dataSource.query<(EventLogSqlRow & { kind: 'm' | 'o' })[]>(
      `SELECT 'm' AS kind, ${eventLogColumns('e')} FROM latest_materialization l JOIN event_log e ON e.id = l.storage_id WHERE l.asset_key = $1
       UNION ALL
       SELECT 'o' AS kind, ${eventLogColumns('e')} FROM latest_observation l JOIN event_log e ON e.id = l.storage_id WHERE l.asset_key = $1`,
      [assetKey],
    );
    const byPartition = new Map<string | null, { materialization: EventRecord | null; observation: EventRecord | null }>();
    for (const row of rows) {
      const entry = byPartition.get(row.partition_key) ?? { materialization: null, observation: null };
      if (row.kind === 'm') entry.materialization = toEventRecord(row);
      else entry.observation = toEventRecord(row);
      byPartition.set(row.partition_key, entry);
    }
    return [...byPartition.entries()]
      .map(([partitionKey, latest]) => ({ partitionKey, ...latest }))
      .sort((a, b) => comparePartitionKeys(a.partitionKey, b.partitionKey));
  }

  async getRun(runId: string): Promise<RunRecord | null> {
    const rows = await this.dataSource.query<RunSqlRow[]>('SELECT * FROM runs WHERE run_id = $1', [runId]);
    return rows[0] === undefined ? null : toRunRecord(rows[0]);
  }

  async runsByStatus(statuses: readonly RunStatus[]): Promise<RunRecord[]> {
    if (statuses.length === 0) return [];
    const rows = await this.dataSource.query<RunSqlRow[]>(
      'SELECT * FROM runs WHERE status = ANY($1::text[]) ORDER BY first_storage_id, run_id',
      [[...statuses]],
    );
    return rows.map(toRunRecord);
  }

  async saveCursor(name: string, value: JsonValue, expectedVersion?: number): Promise<number> {
    return this.dataSource.transaction((em) => saveCursorIn(em, { name, value, ...(expectedVersion === undefined ? {} : { expectedVersion }) }));
  }

  async loadCursor(name: string): Promise<StoredCursor | null> {
    const rows = await this.dataSource.query<{ name: string; value: JsonValue; version: string; updated_at: Date }[]>(
      'SELECT name, value, version, updated_at FROM planner_state WHERE name = $1',
      [name],
    );
    const row = rows[0];
    return row === undefined ? null : { name: row.name, value: row.value, version: Number(row.version), updatedAt: toEpochMs(row.updated_at) };
  }

  async claimOutbox(limit: number, options: ClaimOptions = {}): Promise<OutboxMessage[]> {
    const boundedLimit = Math.max(0, Math.min(Math.floor(limit), MAX_READ_LIMIT));
    if (boundedLimit === 0) return [];
    const leaseMs = Math.max(0, options.leaseMs ?? DEFAULT_CLAIM_LEASE_MS);
    // The claim is a lease written in a short transaction, not a lock held while publishing:
    // holding the transaction open across a publish would pin the embedded log's only connection.
    const rows = await this.dataSource.query<OutboxSqlRow[]>(
      `UPDATE outbox SET claimed_until = now() + $2 * interval '1 millisecond', attempts = attempts + 1
        WHERE id IN (SELECT id FROM outbox
                      WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until <= now())
                      ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, topic, message_key, event_id, value, headers, created_at, attempts`,
      [boundedLimit, leaseMs],
    );
    // The query returns [rows, affectedCount] for UPDATE … RETURNING through TypeORM's postgres driver.
    return unwrapReturning<OutboxSqlRow>(rows).map(toOutboxMessage).sort((a, b) => a.id - b.id);
  }

  async markPublished(ids: readonly number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const result = await this.dataSource.query<unknown>(
      'UPDATE outbox SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL RETURNING id',
      [[...ids]],
    );
    return unwrapReturning(result).length;
  }

  async releaseClaims(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query('UPDATE outbox SET claimed_until = NULL WHERE id = ANY($1::bigint[]) AND published_at IS NULL', [[...ids]]);
  }

  async pendingOutboxCount(): Promise<number> {
    const rows = await this.dataSource.query<{ n: string }[]>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL');
    return Number(rows[0]?.n ?? 0);
  }

  async pruneOutbox(retentionMs: number): Promise<number> {
    const keepMs = Math.max(0, retentionMs);
    let deleted = 0;
    // In slices: one statement over a large backlog would hold its row locks for as long.
    for (;;) {
      const result = await this.dataSource.query<unknown>(
        `DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
                                          WHERE published_at IS NOT NULL AND published_at < now() - $1 * interval '1 millisecond'
                                          ORDER BY id LIMIT $2)
          RETURNING id`,
        [keepMs, PRUNE_SLICE],
      );
      const n = unwrapReturning(result).length;
      deleted += n;
      if (n < PRUNE_SLICE) return deleted;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.onClose();
  }
}

/** Inserts one chunk, skipping known event ids; returns event id → storage id of the rows inserted. */
async function insertChunk(em: EntityManager, chunk: readonly NewRecord[]): Promise<Map<string, StorageId>> {
  const result = await em
    .createQueryBuilder()
    .insert()
    .into(EventLogRow)
    .values(
      chunk.map((record) => ({
        eventId: record.eventId,
        eventType: record.type,
        assetKey: record.assetKey ?? null,
        partitionKey: record.partitionKey ?? null,
        runId: record.runId ?? null,
        occurredAt: new Date(record.occurredAt),
        // TypeORM JSON-encodes jsonb values but sends a JS null as SQL NULL, so a JSON null
        // payload goes in as a literal.
        payload: record.payload === null ? () => "'null'::jsonb" : record.payload,
      })),
    )
    .orIgnore()
    // A string is sent verbatim; an array is filtered through entity metadata and, in 0.3.27,
    // silently drops `event_id`.
    .returning('id, event_id')
    .updateEntity(false)
    .execute();
  // Read res.raw, never identifiers/generatedMaps: with orIgnore TypeORM pairs generated ids
  // with the wrong entities when rows are skipped (typeorm/typeorm#5226).
  const raw = result.raw as { id: string; event_id: string }[];
  return new Map(raw.map((row) => [row.event_id, toStorageId(row.id)]));
}

/** Points the latest-record table at the highest new storage id per asset partition. */
async function updateLatest(
  em: EntityManager,
  table: 'latest_materialization' | 'latest_observation',
  inserted: readonly { record: NewRecord; storageId: StorageId }[],
): Promise<void> {
  if (inserted.length === 0) return;
  // One row per asset partition: ON CONFLICT DO UPDATE may not touch a row twice in one statement.
  const newest = new Map<string, { assetKey: string; partitionKey: string | null; storageId: StorageId }>();
  for (const { record, storageId } of inserted) {
    const assetKey = record.assetKey ?? '';
    const partitionKey = record.partitionKey ?? null;
    const id = JSON.stringify([assetKey, partitionKey]);
    const current = newest.get(id);
    if (current === undefined || current.storageId < storageId) newest.set(id, { assetKey, partitionKey, storageId });
  }
  const rows = [...newest.values()];
  for (const chunk of chunks(rows, APPEND_CHUNK_SIZE)) {
    const values = chunk.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}::bigint)`).join(', ');
    await em.query(
      `INSERT INTO ${table} (asset_key, partition_key, storage_id) VALUES ${values}
       ON CONFLICT (asset_key, partition_key) DO UPDATE SET storage_id = EXCLUDED.storage_id
       WHERE ${table}.storage_id < EXCLUDED.storage_id`,
      chunk.flatMap((row) => [row.assetKey, row.partitionKey, row.storageId]),
    );
  }
}

async function applyRunUpdate(em: EntityManager, record: NewRecord, storageId: StorageId): Promise<void> {
  const update = runUpdateFor(record);
  if (update === null) return;
  const at = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));
  await em.query(
    `INSERT INTO runs (run_id, status, status_rank, planned, materialized, failed, requested_at, started_at, finished_at, error, first_storage_id, last_storage_id)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8, $9, $10, $11, $11)
     ON CONFLICT (run_id) DO UPDATE SET
       status           = CASE WHEN EXCLUDED.status_rank > runs.status_rank THEN EXCLUDED.status ELSE runs.status END,
       status_rank      = GREATEST(runs.status_rank, EXCLUDED.status_rank),
       planned          = CASE WHEN jsonb_array_length(runs.planned) = 0 THEN EXCLUDED.planned ELSE runs.planned END,
       materialized     = CASE WHEN runs.materialized @> EXCLUDED.materialized THEN runs.materialized ELSE runs.materialized || EXCLUDED.materialized END,
       failed           = CASE WHEN runs.failed @> EXCLUDED.failed THEN runs.failed ELSE runs.failed || EXCLUDED.failed END,
       requested_at     = COALESCE(runs.requested_at, EXCLUDED.requested_at),
       started_at       = COALESCE(runs.started_at, EXCLUDED.started_at),
       finished_at      = COALESCE(runs.finished_at, EXCLUDED.finished_at),
       error            = COALESCE(runs.error, EXCLUDED.error),
       last_storage_id  = GREATEST(runs.last_storage_id, EXCLUDED.last_storage_id)`,
    [
      update.runId,
      update.status,
      update.statusRank,
      jsonParam(update.planned),
      jsonParam(update.materialized),
      jsonParam(update.failed),
      at(update.requestedAt),
      at(update.startedAt),
      at(update.finishedAt),
      update.error,
      storageId,
    ],
  );
}

async function insertOutbox(em: EntityManager, messages: readonly NewOutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  const values = messages.map((_, i) => `($${i * 5 + 1}, $${i * 5 + 2}, $${i * 5 + 3}, $${i * 5 + 4}::jsonb, $${i * 5 + 5}::jsonb)`).join(', ');
  const result = await em.query<unknown>(
    `INSERT INTO outbox (topic, message_key, event_id, value, headers) VALUES ${values}
     ON CONFLICT (topic, event_id) DO NOTHING RETURNING id`,
    messages.flatMap((m) => [m.topic, m.key, m.eventId, jsonParam(m.value), jsonParam(m.headers ?? {})]),
  );
  return unwrapReturning(result).length;
}

async function saveCursorIn(em: EntityManager, cursor: CursorWrite): Promise<number> {
  const value = jsonParam(cursor.value);
  if (cursor.expectedVersion === undefined) {
    const rows = await em.query<{ version: string }[]>(
      `INSERT INTO planner_state (name, value, version, updated_at) VALUES ($1, $2::jsonb, 1, now())
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, version = planner_state.version + 1, updated_at = now()
       RETURNING version`,
      [cursor.name, value],
    );
    return Number(unwrapReturning<{ version: string }>(rows)[0]?.version);
  }
  const rows =
    cursor.expectedVersion === 0
      ? await em.query<unknown>(
          `INSERT INTO planner_state (name, value, version, updated_at) VALUES ($1, $2::jsonb, 1, now())
           ON CONFLICT (name) DO NOTHING RETURNING version`,
          [cursor.name, value],
        )
      : await em.query<unknown>(
          `UPDATE planner_state SET value = $2::jsonb, version = version + 1, updated_at = now()
            WHERE name = $1 AND version = $3 RETURNING version`,
          [cursor.name, value, cursor.expectedVersion],
        );
  const saved = unwrapReturning<{ version: string }>(rows)[0];
  if (saved !== undefined) return Number(saved.version);
  const actual = await em.query<{ version: string }[]>('SELECT version FROM planner_state WHERE name = $1', [cursor.name]);
  throw new CursorVersionConflictError(cursor.name, cursor.expectedVersion, actual[0] === undefined ? null : Number(actual[0].version));
}

/**
 * TypeORM's postgres driver returns `[rows, rowCount]` for UPDATE/DELETE … RETURNING and plain
 * `rows` for SELECT and INSERT … RETURNING; accept both.
 */
function unwrapReturning<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let start = 0; start < items.length; start += size) yield items.slice(start, start + size);
}

/** Keeps the first record of each event id; later repeats in the same call are duplicates. */
function splitRepeatedEventIds(records: readonly NewRecord[]): { unique: NewRecord[]; repeated: string[] } {
  const seen = new Set<string>();
  const unique: NewRecord[] = [];
  const repeated: string[] = [];
  for (const record of records) {
    if (seen.has(record.eventId)) repeated.push(record.eventId);
    else {
      seen.add(record.eventId);
      unique.push(record);
    }
  }
  return { unique, repeated };
}

/** Orders `eventIds` by their first position in `records` (stable for repeats). */
function orderLike(records: readonly NewRecord[], eventIds: readonly string[]): string[] {
  const position = new Map<string, number>();
  records.forEach((record, index) => {
    if (!position.has(record.eventId)) position.set(record.eventId, index);
  });
  return [...eventIds].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0));
}

/** Null (unpartitioned) first, then by code point: stable across locales. */
function comparePartitionKeys(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}
