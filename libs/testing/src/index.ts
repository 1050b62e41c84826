// @freshet/testing: what tests across the repo import. Each area appends its own exports.
export {
  kafkaBrokers,
  databaseUrl,
  redisUrl,
  uniqueName,
  createTestDatabase,
  type TestDatabase,
} from './infra/endpoints';
export { describeEventLogContract, type EventLogContractHarness } from './storage/event-log.contract';
export { truncateEventLog } from './storage/event-log-harness';
export { waitFor, type WaitForOptions } from './wait';
export { freePort } from './infra/free-port';
export { eventBusContract, type EventBusContractOptions } from './messaging/event-bus.contract';
export * from './sdk';
export { describeGraphCacheContract, type GraphCacheContractHarness } from './cache/graph-cache.contract';
export { describeLeaderLeaseContract, type LeaderLeaseContractHarness, SHORT_TTL_MS } from './cache/leader-lease.contract';
export * from './dbt';
