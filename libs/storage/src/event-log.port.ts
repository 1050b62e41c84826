/**
 * The event-log port: Freshet's append-only record of everything that happened, with a few
 * derived tables kept in the same transaction (latest materialization and observation per asset
 * partition, runs), a versioned key/value store for the planner cursor, and a transactional
 * outbox for events that must reach the bus because a database change happened.
 *
 * Storage ids are JS `number`s: Postgres BIGSERIAL values, exact below 2^53 (9 quadrillion
 * records), converted from the driver's strings at the adapter edge. They increase with commit
 * order (appends are serialized, see `TypeOrmEventLog.append`), so "everything since storage id
 * N" never misses a record that commits later with a smaller id.
 */

export type StorageId = number;

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An asset partition: `partitionKey` is `null` for an unpartitioned asset. */
export interface AssetPartitionRef {
  readonly assetKey: string;
  readonly partitionKey: string | null;
}

/** Record types the adapters give meaning to (derived tables); any other string is stored as is. */
export const RecordTypes = {
  materialization: 'materialization',
  observation: 'observation',
  request: 'request',
  runStarted: 'runStarted',
  runCompleted: 'runCompleted',
  runFailed: 'runFailed',
  assetFailed: 'assetFailed',
  definitions: 'definitions',
  tick: 'tick',
} as const;
export type KnownRecordType = (typeof RecordTypes)[keyof typeof RecordTypes];

export interface NewRecord {
  /** Idempotency key chosen by the producer (for example the CloudEvent id). */
  readonly eventId: string;
  readonly type: KnownRecordType | (string & {});
  /** Required for materialization, observation and assetFailed records. */
  readonly assetKey?: string | null;
  readonly partitionKey?: string | null;
  readonly runId?: string | null;
  /** When it happened, epoch ms (producer's clock; storage ids, not times, order records). */
  readonly occurredAt: number;
  readonly payload: JsonValue;
  /** For `request` records: the asset partitions the run will materialize. */
  readonly plannedAssetPartitions?: readonly AssetPartitionRef[];
}

export interface EventRecord {
  readonly storageId: StorageId;
  readonly eventId: string;
  readonly type: string;
  readonly assetKey: string | null;
  readonly partitionKey: string | null;
  readonly runId: string | null;
  readonly occurredAt: number;
  /** When the log stored it, epoch ms (database clock). */
  readonly recordedAt: number;
  readonly payload: JsonValue;
}

/** A message to publish on the bus once the transaction that produced it commits. */
export interface NewOutboxMessage {
  readonly topic: string;
  readonly key: string | null;
  /** Unique per topic: a second message with the same (topic, eventId) is ignored. */
  readonly eventId: string;
  readonly value: JsonValue;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface OutboxMessage extends NewOutboxMessage {
  readonly id: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly createdAt: number;
  /** How many times it was claimed, this claim included. */
  readonly attempts: number;
}

export interface CursorWrite {
  readonly name: string;
  readonly value: JsonValue;
  /** Optimistic concurrency: `0` = must not exist yet; `n` = must be at version n; absent = overwrite. */
  readonly expectedVersion?: number;
}

export interface AppendOptions {
  /** Written in the same transaction as the records. */
  readonly outbox?: readonly NewOutboxMessage[];
  /** Saved in the same transaction, so decisions and the cursor that led to them commit together. */
  readonly cursor?: CursorWrite;
}

export interface AppendResult {
  /** Records actually inserted, in storage-id order. */
  readonly inserted: readonly { readonly eventId: string; readonly storageId: StorageId }[];
  /** Event ids already in the log (or repeated within this call), in input order: ignored. */
  readonly duplicates: readonly string[];
  /** Outbox messages inserted (duplicates by topic and event id are ignored). */
  readonly outboxInserted: number;
  /** The cursor's new version when `options.cursor` was given. */
  readonly cursorVersion?: number;
}

export interface LatestRecords {
  readonly materialization: EventRecord | null;
  readonly observation: EventRecord | null;
}

export interface PartitionLatest extends LatestRecords {
  readonly partitionKey: string | null;
}

export const RUN_STATUSES = ['requested', 'started', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRecord {
  readonly runId: string;
  /** Never moves backwards: a late `runStarted` does not reopen a finished run. */
  readonly status: RunStatus;
  readonly plannedAssetPartitions: readonly AssetPartitionRef[];
  /** In the order their materializations were stored. */
  readonly materializedAssetPartitions: readonly AssetPartitionRef[];
  readonly failedAssetPartitions: readonly AssetPartitionRef[];
  readonly requestedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  /** From a `runFailed` payload's `error` (string, or object with a string `message`). */
  readonly error: string | null;
  readonly firstStorageId: StorageId;
  readonly lastStorageId: StorageId;
}

export interface StoredCursor {
  readonly name: string;
  readonly value: JsonValue;
  readonly version: number;
  readonly updatedAt: number;
}

export interface ClaimOptions {
  /** How long the claim holds before another relay may take the rows again (default 30 s). */
  readonly leaseMs?: number;
}

export interface EventLog {
  /**
   * Appends records in one transaction, idempotently on `eventId`, in statements of at most 1000
   * rows, updating the derived tables and writing `options.outbox`/`options.cursor` in the same
   * transaction. Throws `InvalidRecordError` (nothing written) if any record is malformed, and
   * `CursorVersionConflictError` (nothing written) if the cursor's expected version is stale.
   */
  append(records: readonly NewRecord[], options?: AppendOptions): Promise<AppendResult>;
  /** Records with storage id > `afterStorageId`, ascending, at most `limit` (≤ 10 000). */
  readSince(afterStorageId: StorageId, limit: number, filter?: { readonly types?: readonly string[] }): Promise<EventRecord[]>;
  /** The highest storage id in the log, 0 when empty. */
  latestStorageId(): Promise<StorageId>;
  /** Latest (highest storage id) materialization and observation of one asset partition. */
  latestFor(assetKey: string, partitionKey?: string | null): Promise<LatestRecords>;
  /** Latest records of every partition of an asset, ordered by partition key (null first). */
  latestForAsset(assetKey: string): Promise<PartitionLatest[]>;
  getRun(runId: string): Promise<RunRecord | null>;
  /** Runs in the given statuses, in the order they first appeared in the log. */
  runsByStatus(statuses: readonly RunStatus[]): Promise<RunRecord[]>;
  /** Saves a named cursor; returns its new version. See `CursorWrite.expectedVersion`. */
  saveCursor(name: string, value: JsonValue, expectedVersion?: number): Promise<number>;
  loadCursor(name: string): Promise<StoredCursor | null>;
  /**
   * Claims up to `limit` unpublished outbox messages, oldest first, for one relay: rows locked by
   * another claimer are skipped (`FOR UPDATE SKIP LOCKED`) and a claim is a lease, so two relays
   * never get the same row while the lease holds, and a relay that dies loses its rows to the next
   * claimer after `leaseMs`. Publish, then `markPublished`; at-least-once, consumers dedupe.
   */
  claimOutbox(limit: number, options?: ClaimOptions): Promise<OutboxMessage[]>;
  /** Marks each message published (never a max-id cursor); returns how many were newly marked. */
  markPublished(ids: readonly number[]): Promise<number>;
  /** Gives claimed, unpublished messages back at once (after a failed publish). */
  releaseClaims(ids: readonly number[]): Promise<void>;
  /** Unpublished outbox messages, claimed or not. */
  pendingOutboxCount(): Promise<number>;
  /**
   * Deletes messages published more than `retentionMs` ago (by the database clock); unpublished
   * ones are never deleted. Returns how many were deleted. A message re-appended after its row is
   * gone is published again (at-least-once; consumers dedupe by event id).
   */
  pruneOutbox(retentionMs: number): Promise<number>;
  close(): Promise<void>;
}
