import type Redis from 'ioredis';
import { createRedisClient, RedisGraphCache, RedisKeys, RedisLeaderLease, type LeaderLease } from '@freshet/cache';
import { describeGraphCacheContract, describeLeaderLeaseContract, redisUrl, uniqueName, waitFor } from '@freshet/testing';

jest.setTimeout(30_000);

// One client and one key prefix for this file: Redis is shared with every other test file.
let redis: Redis;
const prefix = uniqueName('freshet_test');
function client(): Redis {
  redis ??= createRedisClient(redisUrl(), { connectionName: prefix });
  return redis;
}

afterAll(async () => {
  // Nothing of this file may outlive it.
  const leftovers = await client().keys(`${prefix}*`);
  if (leftovers.length > 0) await client().unlink(...leftovers);
  await client().quit();
});

describeGraphCacheContract('Redis', {
  open: () => Promise.resolve(new RedisGraphCache(client(), new RedisKeys(`${prefix}_graph`))),
});

let leaseCount = 0;
describeLeaderLeaseContract('Redis', {
  open() {
    leaseCount += 1;
    return Promise.resolve(new RedisLeaderLease(client(), new RedisKeys(`${prefix}_lease${leaseCount}`)));
  },
  async expire(lease: LeaderLease, ttlMs: number) {
    await waitFor(async () => (await lease.holder()) === null, { timeoutMs: ttlMs + 5000, description: 'the lease to expire in Redis' });
  },
});

describe('RedisGraphCache on Redis', () => {
  const keys = new RedisKeys(`${prefix}_layout`);
  let cache: RedisGraphCache;

  beforeEach(async () => {
    cache = new RedisGraphCache(client(), keys, { retiredVersionTtlMs: 60_000 });
    await cache.flush();
  });

  it('keeps the current version without expiry and lets a retired one expire; republishing it clears the expiry', async () => {
    const v1 = await cache.publishGraph({ assets: [{ key: 'a', deps: [], spec: { v: 1 } }, { key: 'b', deps: ['a'], spec: null }] });
    expect(await client().get(keys.graphCurrent())).toBe(v1.version);
    expect(await client().pttl(keys.graphBlob(v1.version))).toBe(-1);
    expect(await client().smembers(keys.graphDownstream(v1.version, 'a'))).toEqual(['b']);
    expect(JSON.parse((await client().get(keys.graphBlob(v1.version))) ?? 'null')).toEqual({
      assets: [
        { deps: [], key: 'a', spec: { v: 1 } },
        { deps: ['a'], key: 'b', spec: null },
      ],
      meta: null,
    });

    const v2 = await cache.publishGraph({ assets: [{ key: 'a', deps: [], spec: { v: 2 } }] });
    for (const key of [keys.graphBlob(v1.version), keys.graphAssets(v1.version), keys.graphAsset(v1.version, 'b'), keys.graphUpstream(v1.version, 'b')]) {
      const ttl = await client().pttl(key);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(60_000);
    }
    expect(await client().pttl(keys.graphBlob(v2.version))).toBe(-1);

    await cache.publishGraph({ assets: [{ key: 'a', deps: [], spec: { v: 1 } }, { key: 'b', deps: ['a'], spec: null }] });
    expect(await client().pttl(keys.graphBlob(v1.version))).toBe(-1);
    expect(await client().pttl(keys.graphAsset(v1.version, 'b'))).toBe(-1);
    expect(await client().pttl(keys.graphBlob(v2.version))).toBeGreaterThan(0);
  });

  it('ends with one current version when publishers race', async () => {
    const graphs = Array.from({ length: 6 }, (_, i) => ({ assets: [{ key: 'a', deps: [], spec: { writer: i } }] }));
    const results = await Promise.all(graphs.map((graph) => new RedisGraphCache(client(), keys).publishGraph(graph)));
    const current = await cache.getCurrentVersion();
    expect(results.map((r) => r.version)).toContain(current);
    expect((await cache.getCurrentGraph())?.version).toBe(current);
    // Every version but the current one is retired (has an expiry).
    for (const { version } of results.filter((r) => r.version !== current)) {
      expect(await client().pttl(keys.graphBlob(version))).toBeGreaterThan(0);
    }
  });

  it('flushes only its own prefix', async () => {
    const neighbour = `${prefix}_neighbour:v1:graph:current`;
    await client().set(neighbour, 'keep me');
    await cache.publishGraph({ assets: [{ key: 'a', deps: [], spec: null }] });
    await cache.setAssetState('a', null, { storageId: 1 });
    await cache.flush();
    expect(await client().keys(`${keys.base}*`)).toEqual([]);
    expect(await client().get(neighbour)).toBe('keep me');
  });
});

describe('RedisLeaderLease on Redis', () => {
  it('stores the holder with a ttl and the epoch as a counter', async () => {
    const keys = new RedisKeys(`${prefix}_lease_layout`);
    const lease = new RedisLeaderLease(client(), keys, 'planner');
    await lease.acquire('planner-a', 10_000);
    expect(await client().get(keys.lease('planner'))).toBe('planner-a');
    const ttl = await client().pttl(keys.lease('planner'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10_000);
    expect(await client().get(keys.leaseEpoch('planner'))).toBe('1');
    await lease.renew('planner-a', 50_000);
    expect(await client().pttl(keys.lease('planner'))).toBeGreaterThan(10_000);
  });
});
