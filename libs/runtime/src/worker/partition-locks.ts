// One lock per asset partition, so no two workers materialize the same one at once: Redis
// `SET key holder NX PX ttl`, renewed while the run goes on, released with compare-and-delete.
// A worker that dies stops renewing; its locks lapse after the TTL and the redelivered run takes them.
import type { Redis } from 'ioredis';
import type { RedisKeys } from '@freshet/cache';

export interface AssetPartitionId {
  readonly asset: string;
  readonly partition: string | null;
}

export interface PartitionLocks {
  /** Takes every lock or none (all-or-nothing, so two runs cannot each hold half). */
  tryAcquireAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean>;
  /** Extends the locks `holder` still holds; false if any was lost. */
  renewAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean>;
  releaseAll(aps: readonly AssetPartitionId[], holder: string): Promise<void>;
}

/** DI token for the partition locks. */
export const PARTITION_LOCKS = Symbol('freshet.PartitionLocks');

const lockName = (ap: AssetPartitionId): string => `ap:${ap.asset}:${ap.partition === null ? '~' : `=${ap.partition}`}`;

/** Sorted, without repeats: every worker takes locks in the same order. */
function ordered(aps: readonly AssetPartitionId[]): string[] {
  return [...new Set(aps.map(lockName))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export class RedisPartitionLocks implements PartitionLocks {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async tryAcquireAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean> {
    const taken: string[] = [];
    for (const name of ordered(aps)) {
      const key = this.keys.lease(name);
      const ok = await this.redis.set(key, holder, 'PX', ttlMs, 'NX');
      if (ok !== 'OK' && (await this.redis.get(key)) !== holder) {
        for (const held of taken) await this.redis.eval(RELEASE, 1, held, holder);
        return false;
      }
      taken.push(key);
    }
    return true;
  }

  async renewAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean> {
    let all = true;
    for (const name of ordered(aps)) {
      const renewed = await this.redis.eval(RENEW, 1, this.keys.lease(name), holder, String(ttlMs));
      if (renewed !== 1) all = false;
    }
    return all;
  }

  async releaseAll(aps: readonly AssetPartitionId[], holder: string): Promise<void> {
    for (const name of ordered(aps)) await this.redis.eval(RELEASE, 1, this.keys.lease(name), holder);
  }
}

/** The same semantics in one process (`freshet dev`, unit tests), on an injectable clock. */
export class InMemoryPartitionLocks implements PartitionLocks {
  private readonly held = new Map<string, { holder: string; expiresAt: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  tryAcquireAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean> {
    const names = ordered(aps);
    const t = this.now();
    const free = names.every((name) => {
      const lock = this.held.get(name);
      return !lock || lock.expiresAt <= t || lock.holder === holder;
    });
    if (free) for (const name of names) this.held.set(name, { holder, expiresAt: t + ttlMs });
    return Promise.resolve(free);
  }

  renewAll(aps: readonly AssetPartitionId[], holder: string, ttlMs: number): Promise<boolean> {
    const t = this.now();
    let all = true;
    for (const name of ordered(aps)) {
      const lock = this.held.get(name);
      if (lock && lock.holder === holder && lock.expiresAt > t) lock.expiresAt = t + ttlMs;
      else all = false;
    }
    return Promise.resolve(all);
  }

  releaseAll(aps: readonly AssetPartitionId[], holder: string): Promise<void> {
    for (const name of ordered(aps)) if (this.held.get(name)?.holder === holder) this.held.delete(name);
    return Promise.resolve();
  }
}
