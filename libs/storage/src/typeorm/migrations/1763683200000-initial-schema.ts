import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The whole event-log schema. Hand-written SQL, never `synchronize`: BIGSERIAL, the NULLS NOT
 * DISTINCT unique indexes and the partial outbox index need exact DDL. Stays within Postgres 15
 * (production, Debian 12) features, which PGlite (Postgres 17+) also runs.
 * Never edit a released migration: add a new one.
 */
export class InitialSchema1763683200000 implements MigrationInterface {
  name = 'InitialSchema1763683200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statements = [
      // Append only: no UPDATE or DELETE ever touches it. event_id is text, not uuid: producers
      // may use any CloudEvents id.
      `CREATE TABLE event_log (
         id            BIGSERIAL   PRIMARY KEY,
         event_id      TEXT        NOT NULL,
         event_type    TEXT        NOT NULL,
         asset_key     TEXT,
         partition_key TEXT,
         run_id        TEXT,
         occurred_at   TIMESTAMPTZ NOT NULL,
         recorded_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
         payload       JSONB       NOT NULL,
         CONSTRAINT event_log_event_id_uq UNIQUE (event_id))`,
      `CREATE INDEX event_log_asset_part_type_id ON event_log (asset_key, partition_key, event_type, id DESC)`,
      `CREATE INDEX event_log_type_id ON event_log (event_type, id)`,
      `CREATE INDEX event_log_run_id ON event_log (run_id, id) WHERE run_id IS NOT NULL`,

      // Derived: the latest record per asset partition (NULL partition = unpartitioned asset).
      `CREATE TABLE latest_materialization (
         asset_key     TEXT   NOT NULL,
         partition_key TEXT,
         storage_id    BIGINT NOT NULL REFERENCES event_log (id))`,
      `CREATE UNIQUE INDEX latest_materialization_ap_uq ON latest_materialization (asset_key, partition_key) NULLS NOT DISTINCT`,
      `CREATE TABLE latest_observation (
         asset_key     TEXT   NOT NULL,
         partition_key TEXT,
         storage_id    BIGINT NOT NULL REFERENCES event_log (id))`,
      `CREATE UNIQUE INDEX latest_observation_ap_uq ON latest_observation (asset_key, partition_key) NULLS NOT DISTINCT`,

      // Derived: one row per run; status_rank keeps the status from moving backwards.
      `CREATE TABLE runs (
         run_id           TEXT        PRIMARY KEY,
         status           TEXT        NOT NULL,
         status_rank      SMALLINT    NOT NULL,
         planned          JSONB       NOT NULL DEFAULT '[]',
         materialized     JSONB       NOT NULL DEFAULT '[]',
         failed           JSONB       NOT NULL DEFAULT '[]',
         requested_at     TIMESTAMPTZ,
         started_at       TIMESTAMPTZ,
         finished_at      TIMESTAMPTZ,
         error            TEXT,
         first_storage_id BIGINT      NOT NULL,
         last_storage_id  BIGINT      NOT NULL)`,
      `CREATE INDEX runs_status_first ON runs (status, first_storage_id)`,

      // Versioned key/value state, e.g. the planner cursor.
      `CREATE TABLE planner_state (
         name       TEXT        PRIMARY KEY,
         value      JSONB       NOT NULL,
         version    BIGINT      NOT NULL,
         updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`,

      // Transactional outbox: each row is marked published on its own (never a max-id cursor).
      `CREATE TABLE outbox (
         id            BIGSERIAL   PRIMARY KEY,
         topic         TEXT        NOT NULL,
         message_key   TEXT,
         event_id      TEXT        NOT NULL,
         value         JSONB       NOT NULL,
         headers       JSONB       NOT NULL DEFAULT '{}',
         created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
         claimed_until TIMESTAMPTZ,
         attempts      INTEGER     NOT NULL DEFAULT 0,
         published_at  TIMESTAMPTZ,
         CONSTRAINT outbox_topic_event_id_uq UNIQUE (topic, event_id))`,
      `CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL`,
    ];
    for (const statement of statements) await queryRunner.query(statement);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['outbox', 'planner_state', 'runs', 'latest_observation', 'latest_materialization', 'event_log']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
