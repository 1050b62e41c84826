// Where the real services of integration and e2e tests are, and how a test isolates itself on
// them. The services are shared by every test file of a run (and by every engineer on a machine),
// so each test names its own topics, consumer groups, databases and key prefixes.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

// The same defaults as probes.js (jest's globalSetup) and scripts/infra.sh.
const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
const DEFAULT_DATABASE_URL = 'postgres://freshet:freshet@127.0.0.1:5432/freshet';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

function fromEnv(variable: string, fallback: string): string {
  const value = process.env[variable]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

/** Kafka bootstrap brokers: FRESHET_KAFKA_BROKERS (comma-separated) or 127.0.0.1:9092. */
export function kafkaBrokers(): string[] {
  return fromEnv('FRESHET_KAFKA_BROKERS', DEFAULT_KAFKA_BROKERS)
    .split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker !== '');
}

/** The Postgres URL: FRESHET_DATABASE_URL or postgres://freshet:freshet@127.0.0.1:5432/freshet. */
export function databaseUrl(): string {
  return fromEnv('FRESHET_DATABASE_URL', DEFAULT_DATABASE_URL);
}

/** The Redis URL: FRESHET_REDIS_URL or redis://127.0.0.1:6379. */
export function redisUrl(): string {
  return fromEnv('FRESHET_REDIS_URL', DEFAULT_REDIS_URL);
}

/**
 * `prefix` plus a random suffix, e.g. `orders_k3v9x2m7q1`. Lower-case letters, digits and `_`
 * only, so the result is valid as a Kafka topic, a consumer group, a Redis key prefix and an
 * unquoted Postgres identifier (when the prefix is too).
 */
export function uniqueName(prefix: string): string {
  // 10 base-36 characters from 8 random bytes: ~52 bits, no collision across parallel workers.
  const suffix = randomBytes(8).readBigUInt64BE().toString(36).padStart(10, '0').slice(-10);
  return `${prefix}_${suffix}`;
}

export interface TestDatabase {
  /** A URL for the new database, with the same server and credentials as databaseUrl(). */
  readonly url: string;
  /** The database's name. */
  readonly name: string;
  /** Drops the database, closing any connection still open on it. Safe to call twice. */
  drop(): Promise<void>;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

async function withAdminClient<T>(use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates a database of its own on the test Postgres server (the databaseUrl() user needs
 * CREATEDB, which `npm run infra:up` grants). Call `drop()` in afterAll.
 */
export async function createTestDatabase(prefix = 'freshet_test'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await withAdminClient((client) => client.query(`CREATE DATABASE ${quoteIdentifier(name)}`));
  const url = new URL(databaseUrl());
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    url: url.toString(),
    name,
    async drop(): Promise<void> {
      if (dropped) return;
      // WITH (FORCE), Postgres 13+: a pool a test forgot to close must not keep the database.
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
      dropped = true;
    },
  };
}
