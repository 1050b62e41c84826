// Builds the production adapters of a service process from its config: Kafka (prefixed topics),
// the Postgres event log, Redis for the graph cache, the planner lease and partition locks.
import { RedisGraphCache, RedisKeys, RedisLeaderLease, createRedisClient, type GraphCache, type LeaderLease } from '@freshet/cache';
import type { KafkaConfig } from '@freshet/config';
import type { EventBus } from '@freshet/messaging';
import { createPostgresEventLog, type EventLog } from '@freshet/storage';
import type { Redis } from 'ioredis';
import { consumersCheck, type ConsumersCheck } from './bus/consumers-check';
import { createServiceBus } from './bus/service-bus';
import type { ServiceLogger } from './logger';
import { RedisPartitionLocks, type PartitionLocks } from './worker/partition-locks';

export interface ServiceConfig {
  readonly app: string;
  readonly topicPrefix: string;
  readonly kafka: KafkaConfig;
  readonly database: { readonly url: string };
  readonly redis: { readonly url: string; readonly keyPrefix: string };
}

export interface ServiceAdapters {
  readonly bus: EventBus;
  readonly eventLog: EventLog;
  readonly redis: Redis;
  readonly keys: RedisKeys;
  readonly cache: GraphCache;
  readonly lease: LeaderLease;
  readonly locks: PartitionLocks;
  /** Readiness of the bus's subscriptions (add it to the service's health checks). */
  readonly consumersCheck: ConsumersCheck;
  /** Closes the bus, then the event log and Redis. */
  close(): Promise<void>;
}

export async function createServiceAdapters(
  config: ServiceConfig,
  options: { readonly logger: ServiceLogger; readonly partitionsConsumedConcurrently?: number },
): Promise<ServiceAdapters> {
  const bus = createServiceBus({
    kafka: config.kafka,
    topicPrefix: config.topicPrefix,
    service: config.app,
    logger: options.logger,
    ...(options.partitionsConsumedConcurrently !== undefined ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently } : {}),
    // No onCrash exit: the bus recreates a crashed consumer itself (with bounded backoff) and the
    // service reports unready through `consumersCheck` until it consumes again.
  });
  const eventLog = await createPostgresEventLog({ url: config.database.url, runMigrations: true, applicationName: `freshet-${config.app}`, poolSize: 5 });
  const redis = createRedisClient(config.redis.url, { connectionName: `freshet-${config.app}` });
  const keys = new RedisKeys(config.redis.keyPrefix);
  const cache = new RedisGraphCache(redis, keys);
  const lease = new RedisLeaderLease(redis, keys, 'planner');
  const locks = new RedisPartitionLocks(redis, keys);
  return {
    bus,
    eventLog,
    redis,
    keys,
    cache,
    lease,
    locks,
    consumersCheck: consumersCheck(bus),
    async close() {
      await bus.close().catch((error: unknown) => options.logger.warn(`closing the bus: ${String(error)}`));
      await eventLog.close().catch((error: unknown) => options.logger.warn(`closing the event log: ${String(error)}`));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
