import { type Redis } from 'ioredis';
import { type LeaderLease, type LeaseGrant } from '../leader-lease.port';
import { type RedisKeys } from '../redis-keys';
import { defineFreshetCommands } from './commands';
import { validateLeaseArguments } from '../lease-arguments';

/**
 * A single-instance Redis lease (the redis.io pattern; no Redlock: with one Redis it buys
 * nothing and gives no fencing) plus an INCR epoch as the fencing token. Acquire, renew and
 * release are compare-and-act Lua scripts, so a holder whose lease expired and was taken over
 * can neither extend nor delete the new holder's lease.
 */
export class RedisLeaderLease implements LeaderLease {
  private readonly leaseKey: string;
  private readonly epochKey: string;

  constructor(
    private readonly redis: Redis,
    keys: RedisKeys,
    name = 'planner',
  ) {
    defineFreshetCommands(redis);
    this.leaseKey = keys.lease(name);
    this.epochKey = keys.leaseEpoch(name);
  }

  async acquire(instanceId: string, ttlMs: number): Promise<LeaseGrant | null> {
    validateLeaseArguments(instanceId, ttlMs);
    const epoch = await this.redis.freshetLeaseAcquire(this.leaseKey, this.epochKey, instanceId, ttlMs);
    return epoch > 0 ? { instanceId, epoch } : null;
  }

  async renew(instanceId: string, ttlMs: number): Promise<boolean> {
    validateLeaseArguments(instanceId, ttlMs);
    return (await this.redis.freshetLeaseRenew(this.leaseKey, instanceId, ttlMs)) === 1;
  }

  async release(instanceId: string): Promise<boolean> {
    return (await this.redis.freshetLeaseRelease(this.leaseKey, instanceId)) === 1;
  }

  async currentEpoch(): Promise<number> {
    return Number((await this.redis.get(this.epochKey)) ?? 0);
  }

  async holder(): Promise<string | null> {
    return this.redis.get(this.leaseKey);
  }
}
