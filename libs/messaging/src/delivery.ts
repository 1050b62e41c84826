// Delivery policy shared by every adapter, so the in-memory twin and Kafka retry and dead-letter
// the same way: bounded exponential backoff for retriable errors, the dead-letter topic at once
// for non-retriable ones, and in every case the offset is committed afterwards.
import { encode, type DeadLetterV1 } from '@freshet/contracts';
import type { BusMessage, Delivery } from './event-bus.port';
import { describeError, isNonRetriable, isUnavailable } from './errors';

export interface RetryPolicy {
  /** Tries per message, the first included. */
  readonly maxAttempts: number;
  readonly initialBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly multiplier: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  initialBackoffMs: 200,
  maxBackoffMs: 10_000,
  multiplier: 2,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}, maxAttempts?: number): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides, ...(maxAttempts !== undefined ? { maxAttempts } : {}) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be a positive integer, got ${policy.maxAttempts}`);
  }
  return policy;
}

/** The wait after the `failedAttempt`-th failure (1-based). */
export function backoffMs(policy: RetryPolicy, failedAttempt: number): number {
  const raw = policy.initialBackoffMs * policy.multiplier ** Math.max(0, failedAttempt - 1);
  return Math.min(policy.maxBackoffMs, raw);
}

export type DeliveryOutcome =
  | { readonly status: 'handled'; readonly attempts: number }
  | { readonly status: 'deadLetter'; readonly attempts: number; readonly reason: string; readonly nonRetriable: boolean }
  /** The consumer is closing: leave the message uncommitted, another member gets it. */
  | { readonly status: 'abandoned'; readonly attempts: number };

export interface DeliverOptions {
  readonly message: Omit<Delivery, 'attempt'>;
  readonly handle: (delivery: Delivery) => Promise<void>;
  readonly policy: RetryPolicy;
  readonly isClosing: () => boolean;
  readonly onRetry?: (error: unknown, attempt: number, waitMs: number) => void;
}

// Backoff sleeps in slices, so a closing consumer stops waiting quickly and a long wait still
// heartbeats (Kafka's default heartbeat interval is 3 s).
const SLEEP_SLICE_MS = 100;
const HEARTBEAT_EVERY_MS = 1000;

export async function deliverWithRetries(options: DeliverOptions): Promise<DeliveryOutcome> {
  const { message, handle, policy, isClosing } = options;
  // Failures because a dependency is down do not use up the message's attempts: a valid message is
  // never dead-lettered because Postgres or Redis was away for longer than the retry budget.
  let counted = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await handle({ ...message, attempt });
      return { status: 'handled', attempts: attempt };
    } catch (error) {
      const nonRetriable = isNonRetriable(error);
      if (!nonRetriable && isUnavailable(error)) {
        const waitMs = backoffMs(policy, attempt);
        options.onRetry?.(error, attempt, waitMs);
        if (!(await sleepUnlessClosing(waitMs, isClosing, () => message.heartbeat()))) return { status: 'abandoned', attempts: attempt };
        continue;
      }
      counted++;
      if (nonRetriable || counted >= policy.maxAttempts) {
        const why = nonRetriable ? 'rejected' : `failed ${attempt} time${attempt === 1 ? '' : 's'}`;
        return { status: 'deadLetter', attempts: attempt, nonRetriable, reason: `${why}: ${describeError(error)}` };
      }
      const waitMs = backoffMs(policy, counted);
      options.onRetry?.(error, attempt, waitMs);
      const completed = await sleepUnlessClosing(waitMs, isClosing, () => message.heartbeat());
      if (!completed) return { status: 'abandoned', attempts: attempt };
    }
  }
}

/** Waits `ms` in short slices, heartbeating about every second; false as soon as the consumer is closing. */
export async function sleepUnlessClosing(ms: number, isClosing: () => boolean, heartbeat: () => Promise<void>): Promise<boolean> {
  let slept = 0;
  let sinceHeartbeat = 0;
  while (slept < ms) {
    if (isClosing()) return false;
    const slice = Math.min(SLEEP_SLICE_MS, ms - slept);
    await new Promise<void>((resolve) => setTimeout(resolve, slice));
    slept += slice;
    sinceHeartbeat += slice;
    if (sinceHeartbeat >= HEARTBEAT_EVERY_MS) {
      sinceHeartbeat = 0;
      await heartbeat();
    }
  }
  return !isClosing();
}

/** Dead letters keep at most this much of the original value, so they fit the message limit. */
export const DEAD_LETTER_MAX_RAW_BYTES = 512 * 1024;

export interface DeadLetterContext {
  readonly service: string;
  readonly group: string;
  readonly reason: string;
  readonly nonRetriable: boolean;
  readonly attempts: number;
  readonly failedAt: number;
}

/** The dead-letter message for a delivery: the raw value, where it came from and why. */
export function deadLetterMessage(delivery: Omit<Delivery, 'attempt'>, context: DeadLetterContext): BusMessage {
  const data: DeadLetterV1 = {
    originalTopic: delivery.topic,
    originalPartition: delivery.partition,
    originalOffset: delivery.offset,
    originalKey: delivery.key,
    value: rawValue(delivery.value),
    ...(Object.keys(delivery.headers).length > 0 ? { headers: { ...delivery.headers } } : {}),
    reason: truncateText(context.reason, 4096),
    nonRetriable: context.nonRetriable,
    service: context.service,
    group: context.group,
    attempts: context.attempts,
    failedAt: new Date(context.failedAt).toISOString(),
  };
  const value = encode('dev.freshet.dead-letter.v1', data, {
    source: `freshet/${context.service}`,
    time: context.failedAt,
    ...(delivery.key !== null && delivery.key !== '' ? { subject: delivery.key } : {}),
  });
  return { key: delivery.key ?? '', value };
}

function rawValue(value: Buffer): DeadLetterV1['value'] {
  const kept = value.subarray(0, DEAD_LETTER_MAX_RAW_BYTES);
  const text = kept.toString('utf8');
  // Valid UTF-8 round-trips byte for byte; anything else (or a cut mid-character) goes as base64.
  const isText = Buffer.from(text, 'utf8').equals(kept);
  return {
    encoding: isText ? 'utf8' : 'base64',
    data: isText ? text : kept.toString('base64'),
    originalBytes: value.byteLength,
    truncated: kept.byteLength < value.byteLength,
  };
}

function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Header values as strings (kafkajs gives Buffers, arrays or undefined). */
export function normalizeHeaders(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    const first: unknown = Array.isArray(value) ? value[0] : value;
    if (first === undefined || first === null) continue;
    if (Buffer.isBuffer(first)) out[name] = first.toString('utf8');
    else if (typeof first === 'string') out[name] = first;
  }
  return out;
}
