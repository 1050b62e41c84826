import { type Redis, type Result } from 'ioredis';

// Compare-and-act steps that must be atomic, as Lua scripts registered with `defineCommand`
// (ioredis sends EVALSHA and falls back to EVAL). Key names are always passed in from
// `RedisKeys`; the scripts never build a key.

/** KEYS: lease, epoch. ARGV: instance, ttlMs. Returns the epoch granted, or 0 when held by another. */
const LEASE_ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return tonumber(redis.call('GET', KEYS[2]) or '0')
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;

/** KEYS: lease. ARGV: instance, ttlMs. 1 if extended, 0 if not the holder. */
const LEASE_RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

/** KEYS: lease. ARGV: instance. 1 if released, 0 if not the holder. */
const LEASE_RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/**
 * KEYS: current, then every key of the new version. ARGV: new version. Points `current` at the
 * new version and clears any expiry on its keys (a concurrent publisher may have just retired
 * this same version); returns the version it replaced, '' if none.
 */
const GRAPH_SWITCH = `
local previous = redis.call('GET', KEYS[1]) or ''
redis.call('SET', KEYS[1], ARGV[1])
for i = 2, #KEYS do redis.call('PERSIST', KEYS[i]) end
return previous`;

/**
 * KEYS: current, then every key of the version to retire. ARGV: that version, retention ms.
 * Sets an expiry on its keys, so readers that resolved it just before the switch can finish,
 * unless it has meanwhile become current again. 1 = retired.
 */
const GRAPH_RETIRE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return 0 end
for i = 2, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1`;

/**
 * KEYS: state hash, state index. ARGV: field, state JSON, storage id, asset key. Writes only
 * if the cached state is older (lower storage id) or absent. 1 = written.
 */
const STATE_SET_IF_NEWER = `
local cached = redis.call('HGET', KEYS[1], ARGV[1])
if cached then
  local ok, decoded = pcall(cjson.decode, cached)
  if ok and type(decoded) == 'table' and tonumber(decoded['storageId']) and tonumber(decoded['storageId']) >= tonumber(ARGV[3]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[4])
return 1`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    freshetLeaseAcquire(lease: string, epoch: string, instanceId: string, ttlMs: number): Result<number, Context>;
    freshetLeaseRenew(lease: string, instanceId: string, ttlMs: number): Result<number, Context>;
    freshetLeaseRelease(lease: string, instanceId: string): Result<number, Context>;
    freshetGraphSwitch(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Result<string, Context>;
    freshetGraphRetire(numberOfKeys: number, ...keysThenArgs: (string | number)[]): Result<number, Context>;
    freshetStateSetIfNewer(stateKey: string, indexKey: string, field: string, json: string, storageId: number, assetKey: string): Result<number, Context>;
  }
}

const defined = new WeakSet<Redis>();

/** Registers Freshet's scripts on a client, once. */
export function defineFreshetCommands(redis: Redis): void {
  if (defined.has(redis)) return;
  redis.defineCommand('freshetLeaseAcquire', { numberOfKeys: 2, lua: LEASE_ACQUIRE });
  redis.defineCommand('freshetLeaseRenew', { numberOfKeys: 1, lua: LEASE_RENEW });
  redis.defineCommand('freshetLeaseRelease', { numberOfKeys: 1, lua: LEASE_RELEASE });
  redis.defineCommand('freshetGraphSwitch', { lua: GRAPH_SWITCH });
  redis.defineCommand('freshetGraphRetire', { lua: GRAPH_RETIRE });
  redis.defineCommand('freshetStateSetIfNewer', { numberOfKeys: 2, lua: STATE_SET_IF_NEWER });
  defined.add(redis);
}
