/**
 * Leadership for the single active planner: a lease with a time to live and a fencing epoch.
 * The epoch increases on every new acquisition; the planner stamps it on what it emits so that
 * consumers can drop the output of a holder that has since been replaced.
 */
export interface LeaseGrant {
  readonly instanceId: string;
  /** Fencing token: strictly greater than every epoch granted before. */
  readonly epoch: number;
}

export interface LeaderLease {
  /**
   * Takes the lease if nobody holds it (a new, higher epoch), or extends it if `instanceId`
   * already does (same epoch). Null when another instance holds it.
   * `instanceId` must be unique per process lifetime (e.g. host, pid and a random suffix).
   */
  acquire(instanceId: string, ttlMs: number): Promise<LeaseGrant | null>;
  /** Extends the lease only if `instanceId` still holds it. */
  renew(instanceId: string, ttlMs: number): Promise<boolean>;
  /** Gives the lease up only if `instanceId` still holds it. */
  release(instanceId: string): Promise<boolean>;
  /** The latest epoch granted, 0 before the first acquisition. */
  currentEpoch(): Promise<number>;
  /** Who holds the lease now, or null. */
  holder(): Promise<string | null>;
}
