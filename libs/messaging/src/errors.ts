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

// Connection-level failures of a store or broker the handler depends on (Postgres, Redis, Kafka):
// the message is fine, the dependency is down. Node socket codes, Postgres SQLSTATEs of a server
// shutting down or not accepting connections (class 08, 57P01-57P03), and the messages pg and
// ioredis throw for a connection that went away.
const UNAVAILABLE_CODES = new Set(['BUS_UNAVAILABLE', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03']);
const UNAVAILABLE_MESSAGES = [/connection terminated/i, /connection (is )?closed/i, /terminating connection/i, /the database system is (starting up|shutting down)/i, /timeout exceeded when trying to connect/i, /connect ECONNREFUSED/i, /Stream isn't writeable/i, /Driver not Connected/i];

/**
 * True when the error says a dependency is unreachable rather than that the message is bad: the
 * delivery then retries (with bounded backoff) until it is back, instead of dead-lettering a
 * valid message after a few attempts during an outage. Follows `cause` chains (TypeORM wraps).
 */
export function isUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (isNonRetriable(error)) return false;
  const fields = error as { code?: unknown; message?: unknown; cause?: unknown; driverError?: unknown };
  if (typeof fields.code === 'string' && (UNAVAILABLE_CODES.has(fields.code) || fields.code.startsWith('08'))) return true;
  if (typeof fields.message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(fields.message as string))) return true;
  return isUnavailable(fields.driverError, depth + 1) || isUnavailable(fields.cause, depth + 1);
}

/**
 * The broker did not take a publish within the bus's bounded retries (it is down or unreachable).
 * Unavailable, not bad: a handler that fails with it is retried until the broker is back, and the
 * outbox relay keeps the row for its next pass.
 */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
  readonly code = 'BUS_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
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
