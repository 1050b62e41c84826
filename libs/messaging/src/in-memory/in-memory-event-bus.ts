// The in-process twin of the Kafka adapter, for `freshet dev`, the simulator and unit tests.
// Same semantics: N partitions per topic chosen by key hash (the same murmur2 as Kafka), serial
// delivery per partition and group, every group sees every message once, members of a group
// share the partitions, committed offsets outlive members, retries then the dead-letter topic;
// a batch subscriber gets what is pending on a partition (up to its maxBatchSize) at once.
import { DEAD_LETTER_TOPIC, type TopicConfig } from '@freshet/contracts';
import { deliverBatchWithRetries } from '../batch-delivery';
import { deadLetterMessage, deliverWithRetries, retryPolicy, type RetryPolicy } from '../delivery';
import { DEFAULT_MAX_BATCH_SIZE, type BusMessage, type Delivery, type EventBus, type SubscribeOptions, type Subscription, type SubscriptionHealth } from '../event-bus.port';
import { UnknownTopicError } from '../errors';
import { silentBusLogger, type BusLogger } from '../logger';
import { partitionForKey } from '../partitioner';

export interface InMemoryEventBusOptions {
  /** Publishing to a topic that was never ensured creates it (Kafka's adapter never does). Default false. */
  readonly autoCreateTopics?: boolean;
  /** Partitions of auto-created topics. Default 3. */
  readonly defaultPartitions?: number;
  readonly deadLetterTopic?: string;
  readonly retry?: Partial<RetryPolicy>;
  /** Named in dead letters. Default `in-memory`. */
  readonly service?: string;
  /** Epoch ms; only stamps dead letters. */
  readonly clock?: () => number;
  readonly logger?: BusLogger;
}

interface StoredMessage {
  readonly key: string;
  readonly value: Buffer;
  readonly headers: Record<string, string>;
}

interface Member {
  readonly id: number;
  readonly options: SubscribeOptions;
  readonly policy: RetryPolicy;
  readonly joinedAt: number;
  closing: boolean;
  /** Deliveries running on this member; close() waits for them. */
  readonly inFlight: Set<Promise<void>>;
}

interface Group {
  readonly name: string;
  readonly members: Member[];
  /** `topic\0partition` → next offset to deliver. Survives members, like Kafka's committed offsets. */
  readonly committed: Map<string, number>;
  readonly pumping: Set<string>;
}

class AbandonedDelivery extends Error {}

const slot = (topic: string, partition: number) => `${topic}\u0000${partition}`;

export class InMemoryEventBus implements EventBus {
  private readonly topics = new Map<string, StoredMessage[][]>();
  private readonly groups = new Map<string, Group>();
  private readonly options: InMemoryEventBusOptions;
  private readonly logger: BusLogger;
  private nextMemberId = 1;
  private closed = false;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? silentBusLogger;
  }

  get deadLetterTopic(): string {
    return this.options.deadLetterTopic ?? DEAD_LETTER_TOPIC;
  }

  ensureTopics(topics: readonly TopicConfig[]): Promise<void> {
    for (const topic of topics) {
      if (!this.topics.has(topic.name)) this.createTopic(topic.name, topic.partitions);
    }
    return Promise.resolve();
  }

  publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    const partitions = this.partitionsOf(topic);
    if (!partitions) return Promise.reject(new UnknownTopicError(topic));
    for (const message of messages) {
      const partition = partitions[partitionForKey(message.key, partitions.length)];
      partition?.push({
        key: message.key,
        value: typeof message.value === 'string' ? Buffer.from(message.value, 'utf8') : Buffer.from(message.value),
        headers: { ...message.headers },
      });
    }
    this.wakeTopic(topic);
    return Promise.resolve();
  }

  subscribe(options: SubscribeOptions): Promise<Subscription> {
    if (this.closed) return Promise.reject(new Error('the bus is closed'));
    for (const topic of options.topics) {
      if (!this.partitionsOf(topic)) return Promise.reject(new UnknownTopicError(topic));
    }
    const group = this.groupNamed(options.group);
    // A group with no committed offset starts at the end unless fromBeginning, as in Kafka.
    for (const topic of options.topics) {
      this.partitionsOf(topic)?.forEach((log, partition) => {
        const key = slot(topic, partition);
        if (!group.committed.has(key)) group.committed.set(key, options.fromBeginning ? 0 : log.length);
      });
    }
    const member: Member = {
      id: this.nextMemberId++,
      options,
      policy: retryPolicy(this.options.retry, options.maxAttempts),
      joinedAt: this.options.clock ? this.options.clock() : Date.now(),
      closing: false,
      inFlight: new Set(),
    };
    group.members.push(member);
    this.wakeGroup(group);
    return Promise.resolve({
      group: options.group,
      topics: [...options.topics],
      close: () => this.leave(group, member),
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const leaving: Promise<void>[] = [];
    for (const group of this.groups.values()) {
      for (const member of [...group.members]) leaving.push(this.leave(group, member));
    }
    await Promise.all(leaving);
  }

  /** In process nothing can crash a member: every open subscription is consuming. */
  subscriptionHealth(): readonly SubscriptionHealth[] {
    return [...this.groups.values()].flatMap((group) =>
      group.members.map((member) => ({ group: group.name, topics: [...member.options.topics], consuming: true, since: member.joinedAt })),
    );
  }

  /** Every message of a topic in partition order, for tests and `freshet dev` inspection. */
  messagesOf(topic: string): readonly { partition: number; offset: string; key: string; value: Buffer }[] {
    const out: { partition: number; offset: string; key: string; value: Buffer }[] = [];
    this.partitionsOf(topic)?.forEach((log, partition) =>
      log.forEach((message, offset) => out.push({ partition, offset: String(offset), key: message.key, value: message.value })),
    );
    return out;
  }

  private partitionsOf(topic: string): StoredMessage[][] | undefined {
    const existing = this.topics.get(topic);
    if (existing || !this.options.autoCreateTopics) return existing;
    return this.createTopic(topic, this.options.defaultPartitions ?? 3);
  }

  private createTopic(name: string, partitions: number): StoredMessage[][] {
    if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`topic ${name}: partitions must be ≥ 1`);
    const logs = Array.from({ length: partitions }, () => [] as StoredMessage[]);
    this.topics.set(name, logs);
    return logs;
  }

  private groupNamed(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, members: [], committed: new Map(), pumping: new Set() };
      this.groups.set(name, group);
    }
    return group;
  }

  private async leave(group: Group, member: Member): Promise<void> {
    member.closing = true;
    const index = group.members.indexOf(member);
    if (index >= 0) group.members.splice(index, 1);
    while (member.inFlight.size > 0) await Promise.allSettled([...member.inFlight]);
    // The partitions it held go to the remaining members.
    this.wakeGroup(group);
  }

  /**
   * The member that owns a partition: members subscribed to the topic, in join order, take
   * partitions round-robin (partition p → member p mod n), like Kafka's round-robin assignor.
   */
  private ownerOf(group: Group, topic: string, partition: number): Member | undefined {
    const candidates = group.members.filter((member) => !member.closing && member.options.topics.includes(topic));
    return candidates[partition % Math.max(1, candidates.length)];
  }

  private wakeTopic(topic: string): void {
    for (const group of this.groups.values()) {
      if (group.members.some((member) => member.options.topics.includes(topic))) this.wakeGroup(group);
    }
  }

  private wakeGroup(group: Group): void {
    const topics = new Set(group.members.flatMap((member) => member.options.topics));
    for (const topic of topics) {
      this.topics.get(topic)?.forEach((_, partition) => this.startPump(group, topic, partition));
    }
  }

  private startPump(group: Group, topic: string, partition: number): void {
    const key = slot(topic, partition);
    if (group.pumping.has(key)) return;
    group.pumping.add(key);
    // Delivery never runs inside publish()'s call stack, as with a real broker.
    setImmediate(() => {
      this.pump(group, topic, partition)
        .catch((error: unknown) => this.logger.error(`in-memory bus: pump ${topic}[${partition}] failed: ${String(error)}`))
        .finally(() => group.pumping.delete(key));
    });
  }

  /** Delivers one partition to its owner, one message at a time, until caught up or unowned. */
  private async pump(group: Group, topic: string, partition: number): Promise<void> {
    const log = this.topics.get(topic)?.[partition];
    if (!log) return;
    const key = slot(topic, partition);
    for (;;) {
      const owner = this.ownerOf(group, topic, partition);
      const offset = group.committed.get(key) ?? 0;
      const message = log[offset];
      if (!owner || !message) return;
      const delivered = owner.options.handleBatch
        ? this.deliverBatch(group, owner, topic, partition, offset, log.slice(offset, offset + Math.max(1, owner.options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE)))
        : this.deliver(group, owner, topic, partition, offset, message);
      owner.inFlight.add(delivered);
      try {
        await delivered;
      } catch (error) {
        if (!(error instanceof AbandonedDelivery)) {
          // E.g. the dead-letter publish failed: the offset stays uncommitted and the message
          // is delivered again at the next wake-up (publish or membership change).
          this.logger.error(`in-memory bus: ${topic}[${partition}]@${offset} not committed: ${String(error)}`);
          return;
        }
      } finally {
        owner.inFlight.delete(delivered);
      }
      // Handled or abandoned by a closing member: loop, the current owner gets what is next.
    }
  }

  /** The batch twin of `deliver`: handled (rejected ones dead-lettered), then committed past its last message. */
  private async deliverBatch(group: Group, member: Member, topic: string, partition: number, first: number, messages: readonly StoredMessage[]): Promise<void> {
    const options = member.options;
    if (!options.handleBatch) return;
    const bases = messages.map((message, i): Omit<Delivery, 'attempt'> => this.baseDelivery(topic, partition, first + i, message));
    const outcome = await deliverBatchWithRetries({
      topic,
      partition,
      messages: bases,
      handleBatch: (batch) => (options.handleBatch ? options.handleBatch(batch) : Promise.resolve()),
      handle: (delivery) => member.options.handle(delivery),
      policy: member.policy,
      isClosing: () => member.closing,
      heartbeat: () => Promise.resolve(),
      onRetry: (error, attempt, waitMs, what) => this.logger.warn(`in-memory bus: ${topic}[${partition}] ${what}: attempt ${attempt} failed (${String(error)}); retrying in ${waitMs} ms`),
    });
    if (outcome.status === 'abandoned') throw new AbandonedDelivery();
    if (outcome.deadLetters.length > 0) {
      const failedAt = this.options.clock ? this.options.clock() : Date.now();
      const letters = outcome.deadLetters.map((letter) => {
        this.logger.warn(`in-memory bus: ${topic}[${partition}]@${letter.message.offset} → ${this.deadLetterTopic}: ${letter.reason}`);
        return deadLetterMessage(letter.message, { service: this.options.service ?? 'in-memory', group: group.name, reason: letter.reason, nonRetriable: letter.nonRetriable, attempts: letter.attempts, failedAt });
      });
      await this.publish(this.deadLetterTopic, letters);
    }
    group.committed.set(slot(topic, partition), first + messages.length);
  }

  private baseDelivery(topic: string, partition: number, offset: number, message: StoredMessage): Omit<Delivery, 'attempt'> {
    return { topic, partition, offset: String(offset), key: message.key, value: message.value, headers: message.headers, heartbeat: () => Promise.resolve() };
  }

  /** Resolves once the message is handled or dead-lettered and its offset committed; rejects if abandoned. */
  private async deliver(group: Group, member: Member, topic: string, partition: number, offset: number, message: StoredMessage): Promise<void> {
    const base: Omit<Delivery, 'attempt'> = {
      topic,
      partition,
      offset: String(offset),
      key: message.key,
      value: message.value,
      headers: message.headers,
      heartbeat: () => Promise.resolve(),
    };
    const outcome = await deliverWithRetries({
      message: base,
      handle: (delivery) => member.options.handle(delivery),
      policy: member.policy,
      isClosing: () => member.closing,
      onRetry: (error, attempt, waitMs) =>
        this.logger.warn(`in-memory bus: ${topic}[${partition}]@${offset} attempt ${attempt} failed (${String(error)}); retrying in ${waitMs} ms`),
    });
    if (outcome.status === 'abandoned') throw new AbandonedDelivery();
    if (outcome.status === 'deadLetter') {
      this.logger.warn(`in-memory bus: ${topic}[${partition}]@${offset} → ${this.deadLetterTopic}: ${outcome.reason}`);
      const letter = deadLetterMessage(base, {
        service: this.options.service ?? 'in-memory',
        group: group.name,
        reason: outcome.reason,
        nonRetriable: outcome.nonRetriable,
        attempts: outcome.attempts,
        failedAt: this.options.clock ? this.options.clock() : Date.now(),
      });
      await this.publish(this.deadLetterTopic, [letter]);
    }
    group.committed.set(slot(topic, partition), offset + 1);
  }
}
