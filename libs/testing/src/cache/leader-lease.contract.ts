import { type LeaderLease } from '@freshet/cache';

export interface LeaderLeaseContractHarness {
  /** A fresh lease with no holder and epoch 0 (own key prefix, or a new instance). */
  open(): Promise<LeaderLease>;
  /**
   * Lets a lease granted with `ttlMs` run out: moves a fake clock, or waits (on a condition,
   * with a deadline) until the real store has expired it.
   */
  expire(lease: LeaderLease, ttlMs: number): Promise<void>;
  dispose?(): Promise<void>;
}

const LONG_TTL_MS = 60_000;
/** Short enough for the Redis suite to wait out, long enough that no step of a test outlives it. */
export const SHORT_TTL_MS = 300;

/** The behaviour of the planner's leader lease, for the in-memory twin and Redis alike. */
export function describeLeaderLeaseContract(adapterName: string, harness: LeaderLeaseContractHarness): void {
  describe(`LeaderLease contract: ${adapterName}`, () => {
    let lease: LeaderLease;

    beforeEach(async () => {
      lease = await harness.open();
    });
    afterAll(async () => {
      await harness.dispose?.();
    });

    it('starts with no holder at epoch 0', async () => {
      expect(await lease.holder()).toBeNull();
      expect(await lease.currentEpoch()).toBe(0);
    });

    it('is held by one instance at a time', async () => {
      expect(await lease.acquire('planner-a', LONG_TTL_MS)).toEqual({ instanceId: 'planner-a', epoch: 1 });
      expect(await lease.acquire('planner-b', LONG_TTL_MS)).toBeNull();
      expect(await lease.holder()).toBe('planner-a');
      expect(await lease.currentEpoch()).toBe(1);
    });

    it('lets the holder acquire again without a new epoch', async () => {
      await lease.acquire('planner-a', LONG_TTL_MS);
      expect(await lease.acquire('planner-a', LONG_TTL_MS)).toEqual({ instanceId: 'planner-a', epoch: 1 });
      expect(await lease.currentEpoch()).toBe(1);
    });

    it('renews and releases only for the holder', async () => {
      await lease.acquire('planner-a', LONG_TTL_MS);
      expect(await lease.renew('planner-a', LONG_TTL_MS)).toBe(true);
      expect(await lease.renew('planner-b', LONG_TTL_MS)).toBe(false);
      expect(await lease.release('planner-b')).toBe(false);
      expect(await lease.holder()).toBe('planner-a');
      expect(await lease.release('planner-a')).toBe(true);
      expect(await lease.holder()).toBeNull();
      expect(await lease.release('planner-a')).toBe(false);
    });

    it('hands over after a release with a higher epoch', async () => {
      await lease.acquire('planner-a', LONG_TTL_MS);
      await lease.release('planner-a');
      expect(await lease.acquire('planner-b', LONG_TTL_MS)).toEqual({ instanceId: 'planner-b', epoch: 2 });
    });

    it('lets another instance take over after expiry, and fences the stale holder', async () => {
      const first = await lease.acquire('planner-a', SHORT_TTL_MS);
      await harness.expire(lease, SHORT_TTL_MS);
      expect(await lease.holder()).toBeNull();
      const second = await lease.acquire('planner-b', LONG_TTL_MS);
      expect(second?.epoch).toBeGreaterThan(first?.epoch ?? Infinity);
      // The stale holder can neither extend nor drop the new holder's lease.
      expect(await lease.renew('planner-a', LONG_TTL_MS)).toBe(false);
      expect(await lease.release('planner-a')).toBe(false);
      expect(await lease.acquire('planner-a', LONG_TTL_MS)).toBeNull();
      expect(await lease.holder()).toBe('planner-b');
      expect(await lease.currentEpoch()).toBe(second?.epoch);
    });

    it('grants exactly one of many simultaneous acquisitions', async () => {
      const grants = await Promise.all(Array.from({ length: 6 }, (_, i) => lease.acquire(`planner-${i}`, LONG_TTL_MS)));
      const granted = grants.filter((grant) => grant !== null);
      expect(granted).toHaveLength(1);
      expect(await lease.holder()).toBe(granted[0]?.instanceId);
      expect(await lease.currentEpoch()).toBe(1);
    });

    it('refuses an empty instance id or a ttl that is not a positive integer', async () => {
      await expect(lease.acquire('', LONG_TTL_MS)).rejects.toThrow(/instance id/);
      await expect(lease.acquire('planner-a', 0)).rejects.toThrow(/ttl/);
      await expect(lease.renew('planner-a', 1.5)).rejects.toThrow(/ttl/);
    });
  });
}
