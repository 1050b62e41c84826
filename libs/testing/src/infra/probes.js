'use strict';
// Readiness probes for the three real services, shared by `scripts/infra.sh` (through the
// scripts/infra/wait-*.js wrappers) and jest's globalSetup. Plain CommonJS so both can load it
// without the TypeScript hook. Each probe really talks to the service (a Kafka metadata request,
// a SQL query, a Redis PING) and polls until a deadline, because "the port is open" is not
// "the service answers": a JVM binds 9092 seconds before the broker can serve metadata.

const { Kafka, logLevel } = require('kafkajs');
const { Client } = require('pg');
const Redis = require('ioredis');

const DEFAULTS = Object.freeze({
  kafkaBrokers: '127.0.0.1:9092',
  databaseUrl: 'postgres://freshet:freshet@127.0.0.1:5432/freshet',
  redisUrl: 'redis://127.0.0.1:6379',
});

/** The endpoints the project uses: the FRESHET_* variables when set, else the local defaults. */
function endpointsFromEnv(env = process.env) {
  return {
    kafkaBrokers: nonEmpty(env.FRESHET_KAFKA_BROKERS) ?? DEFAULTS.kafkaBrokers,
    databaseUrl: nonEmpty(env.FRESHET_DATABASE_URL) ?? DEFAULTS.databaseUrl,
    redisUrl: nonEmpty(env.FRESHET_REDIS_URL) ?? DEFAULTS.redisUrl,
  };
}

function nonEmpty(value) {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function splitBrokers(brokers) {
  return brokers
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` every `intervalMs` until it resolves or `timeoutMs` has passed.
 * Stops early on an error marked `permanent`, or when `abortIf()` returns a reason (retrying
 * cannot help).
 * Resolves `{ ok: true, detail, elapsedMs }` or `{ ok: false, error, elapsedMs }`; never throws.
 */
async function pollUntil(attempt, { timeoutMs, intervalMs, abortIf }) {
  const started = Date.now();
  let lastError = new Error('no attempt made');
  for (;;) {
    // e.g. the process being waited for has exited: waiting longer cannot help.
    const abortReason = abortIf?.();
    if (abortReason !== undefined) {
      return { ok: false, error: new Error(abortReason), elapsedMs: Date.now() - started };
    }
    try {
      const detail = await attempt();
      return { ok: true, detail, elapsedMs: Date.now() - started };
    } catch (error) {
      lastError = error instanceof Error ? error : new Error(String(error));
    }
    if (lastError.permanent === true || Date.now() - started + intervalMs > timeoutMs) {
      return { ok: false, error: lastError, elapsedMs: Date.now() - started };
    }
    await sleep(intervalMs);
  }
}

/** Kafka answers when a kafkajs admin can connect and describe the cluster (one fresh client per try). */
function probeKafka(brokers, { timeoutMs = 5000, intervalMs = 250, abortIf } = {}) {
  return pollUntil(async () => {
    const kafka = new Kafka({
      clientId: 'freshet-probe',
      brokers: splitBrokers(brokers),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      requestTimeout: 2000,
      retry: { retries: 0 },
    });
    const admin = kafka.admin({ retry: { retries: 0 } });
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return `cluster ${cluster.clusterId}, ${cluster.brokers.length} broker(s), controller ${cluster.controller}`;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }, { timeoutMs, intervalMs, abortIf });
}

// Answers that waiting will not change: wrong password, unknown role, unknown database.
// (28P01 invalid_password, 28000 invalid_authorization_specification, 3D000 invalid_catalog_name)
const PERMANENT_POSTGRES_ERRORS = new Set(['28P01', '28000', '3D000']);

/** Postgres answers when a real query runs as the configured user on the configured database. */
function probePostgres(url, { timeoutMs = 5000, intervalMs = 250, abortIf } = {}) {
  return pollUntil(async () => {
    const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined); // a dropped connection surfaces through the query instead
    try {
      await client.connect();
      const { rows } = await client.query("SELECT current_setting('server_version') AS version");
      return `PostgreSQL ${rows[0].version}`;
    } catch (error) {
      if (error && PERMANENT_POSTGRES_ERRORS.has(error.code)) error.permanent = true;
      throw error;
    } finally {
      await client.end().catch(() => undefined);
    }
  }, { timeoutMs, intervalMs, abortIf });
}

/** Redis answers when PING returns PONG. */
function probeRedis(url, { timeoutMs = 5000, intervalMs = 250, abortIf } = {}) {
  return pollUntil(async () => {
    const redis = new Redis(url, {
      lazyConnect: true,
      connectTimeout: 1000,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    // ioredis rejects with a bare "Connection is closed."; the socket error says why.
    let socketError;
    redis.on('error', (error) => {
      socketError = error;
    });
    try {
      await redis.connect().catch((error) => {
        throw socketError ?? error;
      });
      const pong = await redis.ping();
      if (pong !== 'PONG') throw new Error(`PING answered ${pong}`);
      const info = await redis.info('server');
      const version = /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
      return `Redis ${version}`;
    } finally {
      redis.disconnect();
    }
  }, { timeoutMs, intervalMs, abortIf });
}

/** Where a URL points, without its password, for messages. */
function describeUrl(url) {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || defaultPort(parsed.protocol)}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

function defaultPort(protocol) {
  if (protocol.startsWith('postgres')) return '5432';
  if (protocol.startsWith('redis')) return '6379';
  return '';
}

module.exports = {
  DEFAULTS,
  endpointsFromEnv,
  splitBrokers,
  probeKafka,
  probePostgres,
  probeRedis,
  describeUrl,
};
