import Redis from 'ioredis';

export interface RedisClientOptions {
  /** Name shown by CLIENT LIST, to find a connection in production. */
  readonly connectionName?: string;
}

/**
 * An ioredis client for a redis:// or rediss:// URL (from `loadConfig(...).redis.url`). RESP2
 * (ioredis 5's only protocol); commands wait while reconnecting, with a bounded retry per
 * command so a dead Redis surfaces as an error instead of a hang.
 */
export function createRedisClient(url: string, options: RedisClientOptions = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 3,
    enableAutoPipelining: false,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
  });
}
