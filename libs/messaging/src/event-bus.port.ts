// The event bus port: what services need from Kafka, and nothing more. Adapters: kafkajs
// (kafka/) and an in-process twin (in-memory/) with the same delivery semantics, checked by one
// contract suite (libs/testing/src/messaging/event-bus.contract.ts).
import type { TopicConfig } from '@freshet/contracts';

export type { TopicConfig };

export interface BusMessage {
  /** Same key ⇒ same partition ⇒ delivered in publish order. */
  readonly key: string;
  readonly value: Buffer | string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface Delivery {
  readonly topic: string;
  readonly partition: number;
  /** Kafka offsets are int64: kept as a decimal string. */
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** 1 on the first try of this message by this consumer, then 2, 3 … on retries. */
  readonly attempt: number;
  /** Long handlers call this between steps so the group does not think the member died. */
  heartbeat(): Promise<void>;
}

/** Messages of one partition, in offset order, handled together (one write for all of them). */
export interface DeliveryBatch {
  readonly topic: string;
  readonly partition: number;
  /** At least one, in offset order; the same `attempt` for all (the batch's try). */
  readonly deliveries: readonly Delivery[];
  /** Long batch handlers call this between steps so the group does not think the member died. */
  heartbeat(): Promise<void>;
}

export interface BatchResult {
  /**
   * Messages of the batch that can never be handled (by offset): each is dead-lettered at once
   * with the error as its reason; the rest of the batch counts as handled. To have a message
   * retried, throw instead.
   */
  readonly rejected?: readonly { readonly offset: string; readonly error: unknown }[];
}

export interface SubscribeOptions {
  readonly topics: readonly string[];
  readonly group: string;
  /** Where a group with no committed offset starts: the oldest message (true) or new ones only. */
  readonly fromBeginning?: boolean;
  /** Tries per message before it is dead-lettered; default DEFAULT_MAX_ATTEMPTS. */
  readonly maxAttempts?: number;
  /**
   * At least once: the offset is committed after this resolves, or after the message was
   * dead-lettered. Throw NonRetriableError to dead-letter at once; anything else is retried
   * with bounded exponential backoff.
   */
  handle(delivery: Delivery): Promise<void>;
  /**
   * Optional: take messages a partition at a time (at most `maxBatchSize`). The offset is
   * committed past the batch after this resolves and the rejected messages are dead-lettered;
   * the consumer heartbeats between batches. When it throws because a dependency is down, the
   * batch is retried with bounded backoff; when it throws anything else, the batch's messages go
   * one at a time through `handle` (retries, dead letters), so a bad message holds nobody up.
   */
  handleBatch?(batch: DeliveryBatch): Promise<BatchResult | void>;
  /** Most messages per `handleBatch` call. Default DEFAULT_MAX_BATCH_SIZE. */
  readonly maxBatchSize?: number;
}

export const DEFAULT_MAX_BATCH_SIZE = 1000;

export interface Subscription {
  readonly group: string;
  readonly topics: readonly string[];
  /** Leaves the group after the in-flight message is handled and committed. */
  close(): Promise<void>;
}

/** Whether a subscription is consuming now; services report unready while one is not. */
export interface SubscriptionHealth {
  readonly group: string;
  readonly topics: readonly string[];
  /** Joined its group and fetching; false while joining, after a crash and while resubscribing. */
  readonly consuming: boolean;
  /** Epoch ms of the last change of `consuming`. */
  readonly since: number;
  /** Why it is not consuming (the crash, the failed resubscribe). */
  readonly reason?: string;
}

export interface EventBus {
  publish(topic: string, messages: readonly BusMessage[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /** Creates the topics that do not exist yet; existing ones are left as they are. */
  ensureTopics(topics: readonly TopicConfig[]): Promise<void>;
  /** Closes every subscription, then the producer. */
  close(): Promise<void>;
  /** One entry per open subscription. Optional: a bus without it is taken as always consuming. */
  subscriptionHealth?(): readonly SubscriptionHealth[];
}

/** DI token for the bus (NestJS modules bind it to an adapter). */
export const EVENT_BUS = Symbol('freshet.EventBus');
