// Counts what a service consumes: wraps the bus its consumer (the Nest transport) subscribes
// through, so every message counts once on `freshet_events_consumed_total{topic}` and the messages
// taken but not yet handled show as that consumer's in-process lag. Single deliveries and batches
// alike: a batch counts its messages; its retries, and its messages handed one at a time to
// `handle` after it failed, do not count again (the highest offset counted per partition says
// what was), and those messages stay in process until each one is handled.
import type { DeliveryBatch, Delivery, EventBus, SubscribeOptions, Subscription } from '@freshet/messaging';
import type { FreshetMetrics } from './metrics';

export interface InstrumentedBus extends EventBus {
  /** Messages received and not yet handled, by consumer group. */
  pending(): Record<string, number>;
}

export function instrumentBus(bus: EventBus, metrics: Pick<FreshetMetrics, 'eventsConsumed'>): InstrumentedBus {
  const counters = new Map<string, ConsumerCounter[]>();
  return {
    publish: (topic, messages) => bus.publish(topic, messages),
    ensureTopics: (topics) => bus.ensureTopics(topics),
    close: () => bus.close(),
    // Readiness reads the subscriptions through whichever bus the service holds.
    subscriptionHealth: () => bus.subscriptionHealth?.() ?? [],
    pending: () =>
      Object.fromEntries(
        [...counters.entries()]
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([group, list]) => [group, list.reduce((sum, counter) => sum + counter.pending(), 0)]),
      ),
    subscribe(options: SubscribeOptions): Promise<Subscription> {
      const counter = new ConsumerCounter(metrics);
      counters.set(options.group, [...(counters.get(options.group) ?? []), counter]);
      return bus.subscribe({
        ...options,
        handle: (delivery: Delivery) => counter.single(delivery, () => options.handle(delivery)),
        ...(options.handleBatch
          ? { handleBatch: (batch: DeliveryBatch) => counter.batch(batch, () => options.handleBatch?.(batch) ?? Promise.resolve()) }
          : {}),
      });
    },
  };
}

/** One subscription's counts: what it consumed (once per message) and what it holds. */
class ConsumerCounter {
  /** Highest offset counted, by `topic/partition`. */
  private readonly counted = new Map<string, bigint>();
  /** Offsets of a batch not handled yet, by `topic/partition` (a failed batch keeps them until handled one by one). */
  private readonly outstanding = new Map<string, readonly bigint[]>();
  /** Single deliveries being handled that belong to no outstanding batch. */
  private singles = 0;

  constructor(private readonly metrics: Pick<FreshetMetrics, 'eventsConsumed'>) {}

  pending(): number {
    let sum = this.singles;
    for (const offsets of this.outstanding.values()) sum += offsets.length;
    return sum;
  }

  async batch<T>(batch: DeliveryBatch, handle: () => Promise<T>): Promise<T> {
    const key = partitionKey(batch.topic, batch.partition);
    const offsets = batch.deliveries.map((delivery) => BigInt(delivery.offset));
    this.count(batch.topic, key, offsets);
    this.outstanding.set(key, offsets);
    const result = await handle();
    // Handled (the rejected ones are dead-lettered): none of it is held any more. On a throw the
    // batch stays outstanding: it is retried whole, or its messages come one by one to `single`.
    this.outstanding.delete(key);
    return result;
  }

  async single(delivery: Delivery, handle: () => Promise<void>): Promise<void> {
    const key = partitionKey(delivery.topic, delivery.partition);
    const offset = BigInt(delivery.offset);
    this.count(delivery.topic, key, [offset]);
    const ofBatch = this.outstanding.get(key)?.includes(offset) ?? false;
    if (!ofBatch) this.singles++;
    try {
      await handle();
    } finally {
      if (ofBatch) {
        // Handled, or going to be retried or dead-lettered by the policy: either way the batch's
        // later messages are what is still waiting.
        const rest = (this.outstanding.get(key) ?? []).filter((o) => o > offset);
        if (rest.length > 0) this.outstanding.set(key, rest);
        else this.outstanding.delete(key);
      } else {
        this.singles = Math.max(0, this.singles - 1);
      }
    }
  }

  /** Counts the offsets above the highest counted: a retry or a redelivery to this consumer counts once. */
  private count(topic: string, key: string, offsets: readonly bigint[]): void {
    const highest = this.counted.get(key) ?? -1n;
    let fresh = 0;
    let top = highest;
    for (const offset of offsets) {
      if (offset > highest) fresh++;
      if (offset > top) top = offset;
    }
    if (fresh > 0) this.metrics.eventsConsumed.inc({ topic }, fresh);
    this.counted.set(key, top);
  }
}

const partitionKey = (topic: string, partition: number): string => `${topic}/${partition}`;
