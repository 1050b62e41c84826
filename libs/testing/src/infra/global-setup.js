'use strict';
// jest globalSetup of the integration and e2e projects: before any test file runs, check that
// Kafka, Postgres and Redis really answer, and fail the whole run with one message naming each
// service that does not. Integration tests never skip silently because a service is missing.
const { endpointsFromEnv, probeKafka, probePostgres, probeRedis, describeUrl } = require('./probes.js');

// Short: the services are either running or not; `npm run infra:up` is the place that waits.
const TIMEOUT_MS = 5000;

module.exports = async function checkInfrastructure() {
  const endpoints = endpointsFromEnv();
  const hint = (variable) =>
    process.env[variable] ? `check ${variable}` : 'run `npm run infra:up`';
  const checks = [
    {
      name: 'Kafka',
      where: endpoints.kafkaBrokers,
      hint: hint('FRESHET_KAFKA_BROKERS'),
      result: probeKafka(endpoints.kafkaBrokers, { timeoutMs: TIMEOUT_MS }),
    },
    {
      name: 'Postgres',
      where: describeUrl(endpoints.databaseUrl),
      hint: hint('FRESHET_DATABASE_URL'),
      result: probePostgres(endpoints.databaseUrl, { timeoutMs: TIMEOUT_MS }),
    },
    {
      name: 'Redis',
      where: describeUrl(endpoints.redisUrl),
      hint: hint('FRESHET_REDIS_URL'),
      result: probeRedis(endpoints.redisUrl, { timeoutMs: TIMEOUT_MS }),
    },
  ];
  const failures = [];
  for (const check of checks) {
    const result = await check.result;
    if (!result.ok) {
      failures.push(`${check.name} unreachable at ${check.where} — ${check.hint} (${result.error.message})`);
    }
  }
  if (failures.length > 0) {
    throw new Error(
      `Integration and e2e tests need real Kafka, Postgres and Redis:\n  ${failures.join('\n  ')}`,
    );
  }
};
