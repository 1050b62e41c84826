// Errors classified at the edge: the messaging layer must know whether retrying can help.

/**
 * A message that can never be handled (bad schema, unknown asset, …). The consumer sends it to
 * the dead-letter topic at once with this reason, commits, and moves on.
 */
export class NonRetriableError extends Error {
  override readonly name: string = 'NonRetriableError';
  readonly nonRetriable = true as const;
  constructor(
    message: string,
    readonly code = 'NON_RETRIABLE',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * True for NonRetriableError and for any error that says so itself (`nonRetriable: true`), so
 * errors of other libraries (the domain's coded errors) can opt in without importing this class.
 */
export function isNonRetriable(error: unknown): boolean {
  if (error instanceof NonRetriableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const flags = error as { nonRetriable?: unknown };
  return flags.nonRetriable === true;
}

/** One line describing any thrown value, for logs and dead letters. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

/** A topic the bus does not know (in-memory: not created by ensureTopics). */
export class UnknownTopicError extends Error {
  override readonly name = 'UnknownTopicError';
  constructor(readonly topic: string) {
    super(`topic ${topic} does not exist; create it with ensureTopics first`);
  }
}
