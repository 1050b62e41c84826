import { validateLeaseArguments } from '../lease-arguments';
import { type LeaderLease, type LeaseGrant } from '../leader-lease.port';
import { settle } from './settle';

/**
 * The Redis lease's semantics in memory (expiry, epochs, compare-and-act), on an injectable
 * clock so tests move time instead of waiting. For several planners in one process (tests);
 * `freshet dev` uses `LocalLeaderLease`.
 */
export class InMemoryLeaderLease implements LeaderLease {
  private held: { instanceId: string; expiresAt: number } | null = null;
  private epoch = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  acquire(instanceId: string, ttlMs: number): Promise<LeaseGrant | null> {
    return settle(() => {
      validateLeaseArguments(instanceId, ttlMs);
      const holder = this.liveHolder();
      if (holder === instanceId) {
        this.held = { instanceId, expiresAt: this.now() + ttlMs };
        return { instanceId, epoch: this.epoch };
      }
      if (holder !== null) return null;
      this.epoch += 1;
      this.held = { instanceId, expiresAt: this.now() + ttlMs };
      return { instanceId, epoch: this.epoch };
    });
  }

  renew(instanceId: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      validateLeaseArguments(instanceId, ttlMs);
      if (this.liveHolder() !== instanceId) return false;
      this.held = { instanceId, expiresAt: this.now() + ttlMs };
      return true;
    });
  }

  release(instanceId: string): Promise<boolean> {
    return settle(() => {
      if (this.liveHolder() !== instanceId) return false;
      this.held = null;
      return true;
    });
  }

  currentEpoch(): Promise<number> {
    return settle(() => this.epoch);
  }

  holder(): Promise<string | null> {
    return settle(() => this.liveHolder());
  }

  private liveHolder(): string | null {
    if (this.held !== null && this.held.expiresAt <= this.now()) this.held = null;
    return this.held?.instanceId ?? null;
  }
}

/**
 * `freshet dev` runs one planner in one process: it is always the leader, at epoch 1. Every
 * call succeeds; `holder` reports the last instance that acquired it.
 */
export class LocalLeaderLease implements LeaderLease {
  static readonly EPOCH = 1;
  private lastHolder: string | null = null;

  acquire(instanceId: string, ttlMs: number): Promise<LeaseGrant | null> {
    return settle(() => {
      validateLeaseArguments(instanceId, ttlMs);
      this.lastHolder = instanceId;
      return { instanceId, epoch: LocalLeaderLease.EPOCH };
    });
  }

  renew(instanceId: string, ttlMs: number): Promise<boolean> {
    return settle(() => {
      validateLeaseArguments(instanceId, ttlMs);
      return true;
    });
  }

  release(instanceId: string): Promise<boolean> {
    return settle(() => {
      if (this.lastHolder === instanceId) this.lastHolder = null;
      return true;
    });
  }

  currentEpoch(): Promise<number> {
    return settle(() => LocalLeaderLease.EPOCH);
  }

  holder(): Promise<string | null> {
    return settle(() => this.lastHolder);
  }
}
