// The EventBus on Kafka through kafkajs 2.2.4 (pinned, barely maintained: it stays behind the
// port). Settings follow the project's Kafka notes: Java-compatible partitioner, idempotent
// producer with one request in flight (per-key order survives retries), no topic auto-creation,
// manual commits of offset+1 after the handler (or the dead letter), and crashes surfaced.
import { DEAD_LETTER_TOPIC, type TopicConfig } from '@freshet/contracts';
import {
  Kafka,
  Partitioners,
  logLevel as KafkaLogLevel,
  type Admin,
  type Consumer,
  type KafkaConfig,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { deadLetterMessage, deliverWithRetries, normalizeHeaders, retryPolicy, type RetryPolicy } from '../delivery';
import type { BusMessage, Delivery, EventBus, SubscribeOptions, Subscription } from '../event-bus.port';
import { consoleBusLogger, type BusLogger } from '../logger';

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
   * A consumer crashed. kafkajs restarts it after retriable errors (`restart: true`); when it
   * does not, the subscription is dead and the service should exit so a supervisor restarts it.
   */
  readonly onCrash?: (error: Error, info: { readonly group: string; readonly restart: boolean }) => void;
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

interface ActiveSubscription {
  readonly consumer: Consumer;
  closing: boolean;
  closed?: Promise<void>;
}

export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly logger: BusLogger;
  private readonly subscriptions = new Set<ActiveSubscription>();
  private producer?: Promise<Producer>;
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
      retry: { initialRetryTime: 200, retries: 8 },
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
    const producer = await this.connectedProducer();
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({
        key: message.key,
        value: message.value,
        ...(message.headers ? { headers: { ...message.headers } } : {}),
      })),
    });
  }

  async subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) throw new Error('the bus is closed');
    const tuning = this.options.consumer ?? {};
    const policy = retryPolicy(this.options.retry, options.maxAttempts);
    const consumer = this.kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      sessionTimeout: tuning.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: tuning.heartbeatIntervalMs ?? 3000,
      rebalanceTimeout: tuning.rebalanceTimeoutMs ?? 60_000,
      maxWaitTimeInMs: tuning.maxWaitTimeInMs ?? 500,
    });
    const active: ActiveSubscription = { consumer, closing: false };
    this.subscriptions.add(active);

    consumer.on(consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      this.logger.error(`kafka bus: consumer of group ${options.group} crashed (restart: ${restart}): ${error.message}`);
      this.options.onCrash?.(error, { group: options.group, restart });
    });
    const joined = new Promise<void>((resolve) => {
      consumer.on(consumer.events.GROUP_JOIN, () => resolve());
    });

    try {
      await consumer.connect();
      await consumer.subscribe({ topics: [...options.topics], fromBeginning: options.fromBeginning ?? false });
      await consumer.run({
        autoCommit: false,
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
        eachMessage: async (payload) => {
          const { topic, partition, message } = payload;
          const base: Omit<Delivery, 'attempt'> = {
            topic,
            partition,
            offset: message.offset,
            key: message.key === null ? null : message.key.toString('utf8'),
            value: message.value ?? Buffer.alloc(0),
            headers: normalizeHeaders(message.headers),
            heartbeat: () => payload.heartbeat(),
          };
          const outcome = await deliverWithRetries({
            message: base,
            handle: (delivery) => options.handle(delivery),
            policy,
            isClosing: () => active.closing,
            onRetry: (error, attempt, waitMs) =>
              this.logger.warn(
                `kafka bus: ${topic}[${partition}]@${message.offset} attempt ${attempt} failed (${describe(error)}); retrying in ${waitMs} ms`,
              ),
          });
          // Leaving mid-retry: no commit, the partition's next owner starts from this message.
          if (outcome.status === 'abandoned') return;
          if (outcome.status === 'deadLetter') {
            this.logger.warn(`kafka bus: ${topic}[${partition}]@${message.offset} → ${this.deadLetterTopic}: ${outcome.reason}`);
            // If this throws, nothing is committed and kafkajs delivers the message again.
            await this.publish(this.deadLetterTopic, [
              deadLetterMessage(base, {
                service: this.options.service ?? this.options.clientId,
                group: options.group,
                reason: outcome.reason,
                nonRetriable: outcome.nonRetriable,
                attempts: outcome.attempts,
                failedAt: (this.options.clock ?? Date.now)(),
              }),
            ]);
          }
          // The committed offset is the next one to read.
          await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
        },
      });
      await withTimeout(joined, this.options.joinTimeoutMs ?? 30_000, `group ${options.group} join`);
    } catch (error) {
      this.subscriptions.delete(active);
      await consumer.disconnect().catch(() => undefined);
      throw error;
    }

    return {
      group: options.group,
      topics: [...options.topics],
      close: () => this.closeSubscription(active),
    };
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

  private closeSubscription(active: ActiveSubscription): Promise<void> {
    active.closing = true;
    // kafkajs's disconnect waits for the running eachMessage, then leaves the group.
    active.closed ??= active.consumer.disconnect().finally(() => this.subscriptions.delete(active));
    return active.closed;
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        allowAutoTopicCreation: false,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      this.producer = producer.connect().then(() => producer);
      // A failed connect is retried by the next publish, not cached.
      this.producer.catch(() => {
        this.producer = undefined;
      });
    }
    return this.producer;
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

function isTopicAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] } | undefined)?.errors;
  return Array.isArray(errors) && errors.some((inner) => inner.type === 'TOPIC_ALREADY_EXISTS');
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
