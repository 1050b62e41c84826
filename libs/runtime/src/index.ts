// @freshet/runtime: the service cores the NestJS apps and `freshet dev` share (same code, other
// adapters), and the bus plumbing every service process needs.
export { TopicNames } from './bus/topic-names';
export { PrefixedEventBus } from './bus/prefixed-event-bus';
export { createServiceBus, kafkaSecurityOptions, type ServiceBusOptions } from './bus/service-bus';
export { jsonLineLogger, silentLogger, type ServiceLogger } from './logger';
export { PlannerCore, PLANNER_CURSOR_NAME, type PlannerCoreOptions, type PlannerDeps, type TickReport } from './planner/planner-core';
export { recordOfEvent, PlannerRecordTypes } from './planner/ingest-records';
export { plannerRecordOf } from './planner/replay-records';
export { DefinitionsBook } from './planner/definitions-book';
export { decisionWrites } from './planner/decision-events';
export { OutboxRelay } from './planner/outbox-relay';
export { WorkerCore, workerGroup, type WorkerDeps, type WorkerOptions, type RunOutcome, type RequestEvent } from './worker/worker-core';
export {
  PARTITION_LOCKS,
  RedisPartitionLocks,
  InMemoryPartitionLocks,
  type PartitionLocks,
  type AssetPartitionId,
} from './worker/partition-locks';
export { ObserverCore, OBSERVER_GROUP, type ObserverDeps, type ObserverOptions, type SourceChangeEvent } from './observer/observer-core';
export * from './tokens';
export { createServiceAdapters, type ServiceAdapters, type ServiceConfig } from './adapters';
