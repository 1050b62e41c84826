/** A record or outbox message the log refuses before writing anything. Not retriable. */
export class InvalidRecordError extends Error {
  override readonly name = 'InvalidRecordError';
  readonly retriable = false;

  constructor(
    readonly eventId: string,
    reason: string,
  ) {
    super(`Invalid record ${JSON.stringify(eventId)}: ${reason}`);
  }
}

/**
 * Another writer saved the cursor since it was read. Retriable after reloading: the usual
 * cause is a second planner that briefly believed it was the leader.
 */
export class CursorVersionConflictError extends Error {
  override readonly name = 'CursorVersionConflictError';
  readonly retriable = true;

  constructor(
    readonly cursorName: string,
    readonly expectedVersion: number,
    readonly actualVersion: number | null,
  ) {
    super(`Cursor ${JSON.stringify(cursorName)} is at version ${actualVersion ?? 'none'}, expected ${expectedVersion}`);
  }
}
