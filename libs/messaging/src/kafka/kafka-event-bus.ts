// The EventBus on Kafka through kafkajs 2.2.4 (pinned, barely maintained: it stays behind the
// port). Settings follow the project's Kafka notes: Java-compatible partitioner, idempotent
// producer with one request in flight (per-key order survives retries), no topic auto-creation,
// manual commits of offset+1 after the handler (or the dead letter). A consumer that crashes is
// replaced (supervised-consumer.ts) and a publish the broker does not take is retried with a
// bounded backoff, then failed as unavailable: an outage never ends a subscription or a service.
import { DEAD_LETTER_TOPIC, type TopicConfig } from '@freshet/contracts';
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type EachMessagePayload,
  type KafkaConfig,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { deliverBatchWithRetries } from '../batch-delivery';
import { deadLetterMessage, deliverWithRetries, normalizeHeaders, retryPolicy, type DeadLetterContext, type RetryPolicy } from '../delivery';
import { BusUnavailableError } from '../errors';
import { DEFAULT_MAX_BATCH_SIZE, type BusMessage, type Delivery, type EventBus, type SubscribeOptions, type Subscription, type SubscriptionHealth } from '../event-bus.port';
import { consoleBusLogger, type BusLogger } from '../logger';
import { isBrokerUnavailable } from './broker-errors';
import { SupervisedConsumer, type ResubscribeBackoff } from './supervised-consumer';

export type KafkaLogLevelName = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaConsumerTuning {
  /** Default 30000. Tests use the broker minimum, 6000. */
  readonly sessionTimeoutMs?: number;
  /** Default 3000. */
  readonly heartbeatIntervalMs?: number;
  /** Default 60000. */
  readonly rebalanceTimeoutMs?: number;
  /** How long a fetch waits for data. Default 500; tests use ~100. */
  readonly maxWaitTimeInMs?: number;
}

export interface KafkaEventBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** Passed to kafkajs as is (from libs/config). */
  readonly ssl?: KafkaConfig['ssl'];
  readonly sasl?: KafkaConfig['sasl'];
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
  readonly logLevel?: KafkaLogLevelName;
  readonly consumer?: KafkaConsumerTuning;
  /** Partitions one subscription handles at once (order is kept within each). Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /** For created topics without their own. Default 1 (a single broker). */
  readonly replicationFactor?: number;
  readonly deadLetterTopic?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Named in dead letters. Default: clientId. */
  readonly service?: string;
  /** How long subscribe() waits for the member to join its group. Default 30000. */
  readonly joinTimeoutMs?: number;
  /**
   * A consumer crashed (for information: the bus replaces it itself, see `resubscribe`). `restart`
   * is what kafkajs would have done; the bus always recreates the consumer.
   */
  readonly onCrash?: (error: Error, info: { readonly group: string; readonly restart: boolean }) => void;
  /** Backoff between attempts to recreate a crashed consumer. Default 1 s doubling to 30 s, forever. */
  readonly resubscribe?: ResubscribeBackoff;
  /**
   * A publish the broker does not take (down, unreachable, leaders moving) is retried with a
   * backoff doubling from `initialMs` to `maxMs` for up to `timeoutMs`, then fails with
   * BusUnavailableError (handlers are then retried until the broker is back; the outbox keeps
   * its rows). Defaults 250 ms, 5 s, 30 s.
   */
  readonly publishRetry?: { readonly initialMs?: number; readonly maxMs?: number; readonly timeoutMs?: number };
  readonly logger?: BusLogger;
  readonly clock?: () => number;
}

const LOG_LEVELS: Record<KafkaLogLevelName, KafkaLogLevel> = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
};

export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly logger: BusLogger;
  private readonly subscriptions = new Set<SupervisedConsumer>();
  private producer?: Promise<Producer>;
  /** The client behind `producer`, to disconnect it when it is replaced. */
  private producerClient?: Producer;
  private closed = false;

  constructor(private readonly options: KafkaEventBusOptions) {
    this.logger = options.logger ?? consoleBusLogger;
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      ...(options.ssl !== undefined ? { ssl: options.ssl } : {}),
      ...(options.sasl !== undefined ? { sasl: options.sasl } : {}),
      connectionTimeout: options.connectionTimeoutMs ?? 3000,
      ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
      // Waits between retries stay ≤ 5 s: a connect that began while the broker was down must
      // notice it is back within seconds, not sleep through a 30 s backoff step.
      retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
      logLevel: LOG_LEVELS[options.logLevel ?? 'warn'],
      logCreator: () => (entry: LogEntry) => this.logKafka(entry),
    });
  }

  get deadLetterTopic(): string {
    return this.options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  }

  async ensureTopics(topics: readonly TopicConfig[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      // kafkajs fails the whole call when some topics exist and others do not: create only the
      // missing ones, and tolerate a concurrent creator winning the race.
      for (let round = 0; round < 3; round++) {
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((topic) => !existing.has(topic.name));
        if (missing.length === 0) return;
        try {
          await this.createTopics(admin, missing);
          return;
        } catch (error) {
          if (round === 2 || !isTopicAlreadyExists(error)) throw error;
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  async publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (this.closed) throw new Error('the bus is closed');
    if (messages.length === 0) return;
    const record = {
      topic,
      acks: -1,
      messages: messages.map((message) => ({
        key: message.key,
        value: message.value,
        ...(message.headers ? { headers: { ...message.headers } } : {}),
      })),
    };
    const retry = this.options.publishRetry ?? {};
    const clock = this.options.clock ?? Date.now;
    const deadline = clock() + (retry.timeoutMs ?? 30_000);
    for (let failed = 0; ; failed++) {
      let used: Promise<Producer> | undefined;
      try {
        used = this.connectedProducer();
        await (await used).send(record);
        return;
      } catch (error) {
        if (this.closed || !isBrokerUnavailable(error)) throw error;
        // A fresh producer next time: after a broker restart the old one may be half dead. Only
        // the one that failed: concurrent publishes must not tear down each other's replacement.
        if (used !== undefined && used === this.producer) this.resetProducer();
        const waitMs = Math.min(retry.maxMs ?? 5000, (retry.initialMs ?? 250) * 2 ** Math.min(failed, 20));
        if (clock() + waitMs > deadline) {
          throw new BusUnavailableError(`kafka bus: publish to ${topic} not accepted within ${retry.timeoutMs ?? 30_000} ms: ${describe(error)}`, { cause: error });
        }
        this.logger.warn(`kafka bus: publish to ${topic} failed (${describe(error)}); retrying in ${waitMs} ms`);
        await new Promise<void>((resolve) => setTimeout(resolve, waitMs));
      }
    }
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('the bus is closed');
    const policy = retryPolicy(this.options.retry, options.maxAttempts);
    const supervised: SupervisedConsumer = new SupervisedConsumer({
      group: options.group,
      topics: options.topics,
      fromBeginning: options.fromBeginning ?? false,
      create: () => this.createConsumer(options.group),
      run: (consumer, isClosing) =>
        consumer.run({
          autoCommit: false,
          partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
          ...(options.handleBatch
            ? {
                // Offsets are resolved and committed by deliverBatch, chunk by chunk, after handling.
                eachBatchAutoResolve: false,
                eachBatch: (payload: EachBatchPayload) => supervised.track(() => this.deliverBatch(consumer, options, policy, isClosing, payload)),
              }
            : { eachMessage: (payload: EachMessagePayload) => supervised.track(() => this.deliverOne(consumer, options, policy, isClosing, payload)) }),
        }),
      joinTimeoutMs: this.options.joinTimeoutMs ?? 30_000,
      // Idle fetches return every maxWaitTimeInMs: several missed in a row is a stall.
      stallMs: Math.max(10_000, 10 * (this.options.consumer?.maxWaitTimeInMs ?? 500)),
      ...(this.options.resubscribe ? { backoff: this.options.resubscribe } : {}),
      logger: this.logger,
      clock: this.options.clock ?? Date.now,
      ...(this.options.onCrash ? { onCrash: this.options.onCrash } : {}),
    });
    this.subscriptions.add(supervised);
    try {
      await supervised.start();
    } catch (error) {
      this.subscriptions.delete(supervised);
      await supervised.close().catch(() => undefined);
      throw error;
    }
    return {
      group: options.group,
      topics: [...options.topics],
      close: () => this.closeSubscription(supervised),
    };
  }

  subscriptionHealth(): readonly SubscriptionHealth[] {
    return [...this.subscriptions].map((subscription) => subscription.health());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Consumers first (they may still dead-letter through the producer), then the producer.
    await Promise.all([...this.subscriptions].map((subscription) => this.closeSubscription(subscription)));
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer.catch(() => undefined))?.disconnect();
  }

  private createConsumer(group: string): Consumer {
    const tuning = this.options.consumer ?? {};
    return this.kafka.consumer({
      groupId: group,
      allowAutoTopicCreation: false,
      sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: tuning.heartbeatIntervalMs ?? 3000,
      rebalanceTimeout: tuning.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 500,
      // Every crash goes to the SupervisedConsumer, which recreates the consumer with its own
      // bounded backoff; kafkajs restarting some crashes itself (and not others) is what left
      // consumers dead after a long outage. Its waits between fetch retries stay short (≤ 5 s), so
      // a broker that is back is fetched from within seconds, not after a 30 s backoff step.
      retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8, restartOnFailure: () => Promise.resolve(false) },
    });
  }

  /** The dead letter for a message the handler gave up on, named after this service and group. */
  private deadLetterOf(message: Omit<Delivery, 'attempt'>, group: string, failure: Pick<DeadLetterContext, 'reason' | 'nonRetriable' | 'attempts'>): BusMessage {
    return deadLetterMessage(message, {
      service: this.options.service ?? this.options.clientId,
      group,
      reason: failure.reason,
      nonRetriable: failure.nonRetriable,
      attempts: failure.attempts,
      failedAt: (this.options.clock ?? Date.now)(),
    });
  }

  private async deliverOne(
    consumer: Consumer,
    options: SubscribeOptions,
    policy: RetryPolicy,
    isClosing: () => boolean,
    payload: EachMessagePayload,
  ): Promise<void> {
    const { topic, partition, message } = payload;
    const base = deliveryOf(topic, partition, message, () => payload.heartbeat());
    const outcome = await deliverWithRetries({
      message: base,
      handle: (delivery) => options.handle(delivery),
      policy,
      isClosing,
      onRetry: (error, attempt, waitMs) =>
        this.logger.warn(`kafka bus: ${topic}[${partition}]@${message.offset} attempt ${attempt} failed (${describe(error)}); retrying in ${waitMs} ms`),
    });
    // Leaving mid-retry: no commit, the partition's next owner starts from this message.
    if (outcome.status === 'abandoned') return;
    if (outcome.status === 'deadLetter') {
      this.logger.warn(`kafka bus: ${topic}[${partition}]@${message.offset} → ${this.deadLetterTopic}: ${outcome.reason}`);
      // If this throws, nothing is committed and kafkajs delivers the message again.
      await this.publish(this.deadLetterTopic, [this.deadLetterOf(base, options.group, outcome)]);
    }
    // The committed offset is the next one to read.
    await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
  }

  /**
   * A fetched batch of one partition, in chunks of at most maxBatchSize: each chunk is handled,
   * its dead letters published, its last offset resolved and committed, then the member
   * heartbeats. A rebalance or close between chunks leaves the rest uncommitted for the next owner.
   */
  private async deliverBatch(
    consumer: Consumer,
    options: SubscribeOptions,
    policy: RetryPolicy,
    isClosing: () => boolean,
    payload: EachBatchPayload,
  ): Promise<void> {
    if (!options.handleBatch) return;
    const { topic, partition, messages } = payload.batch;
    const size = Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
    for (let start = 0; start < messages.length; start += size) {
      if (isClosing() || !payload.isRunning() || payload.isStale()) return;
      const chunk = messages.slice(start, start + size).map((message) => deliveryOf(topic, partition, message, () => payload.heartbeat()));
      const outcome = await deliverBatchWithRetries({
        topic,
        partition,
        messages: chunk,
        handleBatch: (batch) => (options.handleBatch ? options.handleBatch(batch) : Promise.resolve()),
        handle: (delivery) => options.handle(delivery),
        policy,
        isClosing,
        heartbeat: () => payload.heartbeat(),
        onRetry: (error, attempt, waitMs, what) =>
          this.logger.warn(`kafka bus: ${topic}[${partition}] ${what}: attempt ${attempt} failed (${describe(error)}); retrying in ${waitMs} ms`),
      });
      if (outcome.status === 'abandoned') return;
      if (outcome.deadLetters.length > 0) {
        for (const letter of outcome.deadLetters) this.logger.warn(`kafka bus: ${topic}[${partition}]@${letter.message.offset} → ${this.deadLetterTopic}: ${letter.reason}`);
        // If this throws, nothing of the chunk is committed and kafkajs delivers it again.
        await this.publish(
          this.deadLetterTopic,
          outcome.deadLetters.map((letter) => this.deadLetterOf(letter.message, options.group, letter)),
        );
      }
      const last = (chunk[chunk.length - 1] as Omit<Delivery, 'attempt'>).offset;
      payload.resolveOffset(last);
      await consumer.commitOffsets([{ topic, partition, offset: (BigInt(last) + 1n).toString() }]);
      await payload.heartbeat();
    }
  }

  private closeSubscription(subscription: SupervisedConsumer): Promise<void> {
    return subscription.close().finally(() => this.subscriptions.delete(subscription));
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
        // A few quick tries inside kafkajs; publish() owns the longer, bounded wait.
        retry: { initialRetryTime: 200, maxRetryTime: 2000, retries: 4 },
      });
      this.producer = producer.connect().then(() => producer);
      this.producerClient = producer;
      // A failed connect is retried by the next publish, not cached.
      this.producer.catch(() => {
        this.producer = undefined;
      });
    }
    return this.producer;
  }

  private resetProducer(): void {
    const old = this.producerClient;
    this.producer = undefined;
    this.producerClient = undefined;
    void old?.disconnect().catch(() => undefined);
  }

  private async createTopics(admin: Admin, topics: readonly TopicConfig[]): Promise<void> {
    await admin.createTopics({
      waitForLeaders: true,
      topics: topics.map((topic) => ({
        topic: topic.name,
        numPartitions: topic.partitions,
        replicationFactor: topic.replicationFactor ?? this.options.replicationFactor ?? 1,
        configEntries: Object.entries(topic.configEntries ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  }

  private logKafka(entry: LogEntry): void {
    const text = `kafkajs ${entry.namespace}: ${entry.log.message}`;
    if (entry.level <= KafkaLogLevel.ERROR) this.logger.error(text);
    else if (entry.level === KafkaLogLevel.WARN) this.logger.warn(text);
    else this.logger.log(text);
  }
}

/** A kafkajs message as the port's delivery (before its attempt number is known). */
function deliveryOf(topic: string, partition: number, message: KafkaMessage, heartbeat: () => Promise<void>): Omit<Delivery, 'attempt'> {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value ?? Buffer.alloc(0),
    headers: normalizeHeaders(message.headers),
    heartbeat,
  };
}

function isTopicAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
