import 'reflect-metadata';
import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

// TypeORM mappings of the tables created by the SQL migrations in ./migrations. The migrations
// are the source of truth (synchronize is always off); these describe the same columns so the
// query builder can insert into them. bigint columns come back from `pg` as strings.

@Entity({ name: 'event_log' })
@Index('event_log_event_id_uq', ['eventId'], { unique: true })
export class EventLogRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType!: string;

  @Column({ name: 'asset_key', type: 'text', nullable: true })
  assetKey!: string | null;

  @Column({ name: 'partition_key', type: 'text', nullable: true })
  partitionKey!: string | null;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;

  @Column({ type: 'jsonb' })
  payload!: unknown;
}

@Entity({ name: 'latest_materialization' })
export class LatestMaterializationRow {
  @PrimaryColumn({ name: 'asset_key', type: 'text' })
  assetKey!: string;

  // Part of a NULLS NOT DISTINCT unique index rather than the primary key (NULL = unpartitioned).
  @Column({ name: 'partition_key', type: 'text', nullable: true })
  partitionKey!: string | null;

  @Column({ name: 'storage_id', type: 'bigint' })
  storageId!: string;
}

@Entity({ name: 'latest_observation' })
export class LatestObservationRow {
  @PrimaryColumn({ name: 'asset_key', type: 'text' })
  assetKey!: string;

  @Column({ name: 'partition_key', type: 'text', nullable: true })
  partitionKey!: string | null;

  @Column({ name: 'storage_id', type: 'bigint' })
  storageId!: string;
}

@Entity({ name: 'runs' })
export class RunRow {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'status_rank', type: 'smallint' })
  statusRank!: number;

  @Column({ type: 'jsonb' })
  planned!: unknown;

  @Column({ type: 'jsonb' })
  materialized!: unknown;

  @Column({ type: 'jsonb' })
  failed!: unknown;

  @Column({ name: 'requested_at', type: 'timestamptz', nullable: true })
  requestedAt!: Date | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ name: 'first_storage_id', type: 'bigint' })
  firstStorageId!: string;

  @Column({ name: 'last_storage_id', type: 'bigint' })
  lastStorageId!: string;
}

@Entity({ name: 'planner_state' })
export class PlannerStateRow {
  @PrimaryColumn({ type: 'text' })
  name!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @Column({ type: 'bigint' })
  version!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

@Entity({ name: 'outbox' })
export class OutboxRow {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  topic!: string;

  @Column({ name: 'message_key', type: 'text', nullable: true })
  messageKey!: string | null;

  @Column({ name: 'event_id', type: 'text' })
  eventId!: string;

  @Column({ type: 'jsonb' })
  value!: unknown;

  @Column({ type: 'jsonb' })
  headers!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}

export const EVENT_LOG_ENTITIES = [EventLogRow, LatestMaterializationRow, LatestObservationRow, RunRow, PlannerStateRow, OutboxRow];
