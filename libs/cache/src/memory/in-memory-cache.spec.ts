import { InMemoryGraphCache, InMemoryLeaderLease, LocalLeaderLease, type LeaderLease } from '@freshet/cache';
import { describeGraphCacheContract, describeLeaderLeaseContract } from '@freshet/testing';

describeGraphCacheContract('in memory', { open: () => Promise.resolve(new InMemoryGraphCache()) });

// A fake clock per lease: `expire` moves time past the ttl instead of waiting.
const clocks = new WeakMap<LeaderLease, { now: number }>();
describeLeaderLeaseContract('in memory', {
  open() {
    const clock = { now: Date.UTC(2026, 0, 1) };
    const lease = new InMemoryLeaderLease(() => clock.now);
    clocks.set(lease, clock);
    return Promise.resolve(lease);
  },
  expire(lease, ttlMs) {
    const clock = clocks.get(lease);
    if (clock === undefined) throw new Error('lease not opened by this harness');
    clock.now += ttlMs;
    return Promise.resolve();
  },
});

describe('InMemoryGraphCache', () => {
  it('hands out copies, so callers cannot change what is cached', async () => {
    const cache = new InMemoryGraphCache();
    await cache.publishGraph({ assets: [{ key: 'a', deps: [], spec: { codeVersion: '1' } }] });
    const graph = await cache.getCurrentGraph();
    (graph?.assets[0]?.spec as { codeVersion: string }).codeVersion = 'mutated';
    await cache.setAssetState('a', null, { storageId: 1, tags: ['x'] });
    const state = await cache.getAssetState('a', null);
    (state?.['tags'] as string[]).push('mutated');
    expect((await cache.getAsset('a'))?.spec).toEqual({ codeVersion: '1' });
    expect(await cache.getAssetState('a', null)).toEqual({ storageId: 1, tags: ['x'] });
  });
});

describe('LocalLeaderLease (freshet dev)', () => {
  it('is always the leader, at epoch 1', async () => {
    const lease = new LocalLeaderLease();
    expect(await lease.currentEpoch()).toBe(1);
    expect(await lease.acquire('dev-planner', 15_000)).toEqual({ instanceId: 'dev-planner', epoch: 1 });
    expect(await lease.holder()).toBe('dev-planner');
    expect(await lease.renew('dev-planner', 15_000)).toBe(true);
    expect(await lease.release('dev-planner')).toBe(true);
    expect(await lease.holder()).toBeNull();
    expect(await lease.acquire('dev-planner', 15_000)).toEqual({ instanceId: 'dev-planner', epoch: 1 });
  });
});
