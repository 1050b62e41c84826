// The graph-cache and leader-lease ports, their Redis adapters and in-memory twins.
export * from './graph-cache.port';
export * from './leader-lease.port';
export { canonicalJson } from './canonical-json';
export { buildGraphSnapshot, graphFromBlob, GraphCycleError, DuplicateAssetKeyError, type GraphSnapshot } from './graph-snapshot';
export { RedisKeys } from './redis-keys';
export { createRedisClient, type RedisClientOptions } from './redis/redis-client';
export { RedisGraphCache, type RedisGraphCacheOptions } from './redis/redis-graph-cache';
export { RedisLeaderLease } from './redis/redis-leader-lease';
export { InMemoryGraphCache } from './memory/in-memory-graph-cache';
export { InMemoryLeaderLease, LocalLeaderLease } from './memory/in-memory-leader-lease';
