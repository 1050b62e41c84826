/** Shared argument checks, so every lease adapter refuses the same mistakes. */
export function validateLeaseArguments(instanceId: string, ttlMs: number): void {
  if (instanceId === '') throw new Error('A lease instance id must be non-empty');
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new Error(`A lease ttl must be a positive integer of ms, got ${ttlMs}`);
}
