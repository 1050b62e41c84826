// Delivery policy of batches, shared by both adapters (as delivery.ts is for single messages).
// A batch is messages of ONE partition in offset order. The handler takes the whole batch:
//  - it resolves: the batch is handled, except the messages it rejects (dead-lettered at once,
//    the handler's error as the reason);
//  - it throws because a dependency is down: the whole batch is retried after a bounded backoff
//    (attempts are not used up, as for single messages);
//  - it throws anything else: the messages go one at a time, in order, through the single-message
//    policy (`handle`), so a bad message is retried or dead-lettered alone and the rest handled.
// The adapter then publishes the dead letters and commits past the batch.
import { backoffMs, deliverWithRetries, sleepUnlessClosing, type DeliveryOutcome, type RetryPolicy } from './delivery';
import type { BatchResult, Delivery, DeliveryBatch } from './event-bus.port';
import { describeError, isNonRetriable, isUnavailable } from './errors';

export interface BatchDeadLetter {
  readonly message: Omit<Delivery, 'attempt'>;
  readonly reason: string;
  readonly nonRetriable: boolean;
  readonly attempts: number;
}

export type BatchOutcome =
  | { readonly status: 'handled'; readonly deadLetters: readonly BatchDeadLetter[] }
  /** The consumer is closing mid-batch: commit nothing, the partition's next owner starts over. */
  | { readonly status: 'abandoned' };

export interface DeliverBatchOptions {
  readonly topic: string;
  readonly partition: number;
  /** In offset order, at least one. */
  readonly messages: readonly Omit<Delivery, 'attempt'>[];
  readonly handleBatch: (batch: DeliveryBatch) => Promise<BatchResult | void>;
  readonly handle: (delivery: Delivery) => Promise<void>;
  readonly policy: RetryPolicy;
  readonly isClosing: () => boolean;
  readonly heartbeat: () => Promise<void>;
  readonly onRetry?: (error: unknown, attempt: number, waitMs: number, what: string) => void;
}

export async function deliverBatchWithRetries(options: DeliverBatchOptions): Promise<BatchOutcome> {
  const { messages, policy } = options;
  for (let attempt = 1; ; attempt++) {
    let result: BatchResult | void;
    try {
      result = await options.handleBatch({
        topic: options.topic,
        partition: options.partition,
        deliveries: messages.map((message) => ({ ...message, attempt })),
        heartbeat: options.heartbeat,
      });
    } catch (error) {
      if (!isNonRetriable(error) && isUnavailable(error)) {
        const waitMs = backoffMs(policy, attempt);
        options.onRetry?.(error, attempt, waitMs, `batch of ${messages.length}`);
        if (!(await sleepUnlessClosing(waitMs, options.isClosing, options.heartbeat))) return { status: 'abandoned' };
        continue;
      }
      return oneByOne(options, error);
    }
    return { status: 'handled', deadLetters: rejectedLetters(messages, result) };
  }
}

/** The batch failed as a whole: each message alone, in order, under the single-message policy. */
async function oneByOne(options: DeliverBatchOptions, batchError: unknown): Promise<BatchOutcome> {
  const deadLetters: BatchDeadLetter[] = [];
  for (const message of options.messages) {
    if (options.isClosing()) return { status: 'abandoned' };
    const outcome: DeliveryOutcome = await deliverWithRetries({
      message,
      handle: options.handle,
      policy: options.policy,
      isClosing: options.isClosing,
      onRetry: (error, attempt, waitMs) => options.onRetry?.(error, attempt, waitMs, `offset ${message.offset} (its batch failed: ${describeError(batchError)})`),
    });
    if (outcome.status === 'abandoned') return { status: 'abandoned' };
    if (outcome.status === 'deadLetter') deadLetters.push({ message, reason: outcome.reason, nonRetriable: outcome.nonRetriable, attempts: outcome.attempts });
  }
  return { status: 'handled', deadLetters };
}

function rejectedLetters(messages: readonly Omit<Delivery, 'attempt'>[], result: BatchResult | void): BatchDeadLetter[] {
  const rejected = result?.rejected ?? [];
  if (rejected.length === 0) return [];
  const byOffset = new Map(messages.map((message) => [message.offset, message]));
  const letters: BatchDeadLetter[] = [];
  for (const { offset, error } of rejected) {
    const message = byOffset.get(offset);
    // An offset not in the batch is the handler's bug; it must not dead-letter someone else's message.
    if (!message) throw new RangeError(`batch handler rejected offset ${offset}, which is not in the batch`);
    letters.push({ message, reason: `rejected: ${describeError(error)}`, nonRetriable: true, attempts: 1 });
  }
  return letters;
}

