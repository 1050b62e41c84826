// @freshet/testing: what tests across the repo import. Each area appends its own exports.
export {
  kafkaBrokers,
  databaseUrl,
  redisUrl,
  uniqueName,
  createTestDatabase,
  type TestDatabase,
} from './infra/endpoints';
