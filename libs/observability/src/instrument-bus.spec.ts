// instrumentBus over the in-process bus (the same delivery policy as Kafka's adapter): every
// message counts once, whether it came alone, in a batch, in a retried batch or in a batch handed
// one by one to `handle`; the in-process lag holds a batch's messages until they are handled.
import { InMemoryEventBus, type Delivery, type DeliveryBatch } from '@freshet/messaging';
import { instrumentBus } from './instrument-bus';
import { FreshetMetrics } from './metrics';

const TOPIC = 'instrumented';
const GROUP = 'g';

async function consumed(metrics: FreshetMetrics): Promise<number> {
  const metric = await metrics.eventsConsumed.get();
  return metric.values.filter((v) => v.labels['topic'] === TOPIC).reduce((sum, v) => sum + v.value, 0);
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  if (!condition()) throw new Error('condition not met in 2.5 s');
}

describe('instrumentBus', () => {
  let inner: InMemoryEventBus;
  let metrics: FreshetMetrics;

  beforeEach(async () => {
    inner = new InMemoryEventBus({ retry: { initialBackoffMs: 1, maxBackoffMs: 1, maxAttempts: 2 } });
    await inner.ensureTopics([{ name: TOPIC, partitions: 1 }]);
    metrics = new FreshetMetrics('test');
  });

  afterEach(() => inner.close());

  const publish = (n: number): Promise<void> => inner.publish(TOPIC, Array.from({ length: n }, (_, i) => ({ key: 'k', value: `m${i}` })));

  it('counts a batch\'s messages once and holds them in process while the batch is handled', async () => {
    const bus = instrumentBus(inner, metrics);
    const seenPending: number[] = [];
    let handled = 0;
    await publish(5);
    await bus.subscribe({
      topics: [TOPIC],
      group: GROUP,
      fromBeginning: true,
      handle: () => Promise.reject(new Error('batches only')),
      handleBatch: (batch: DeliveryBatch) => {
        seenPending.push(bus.pending()[GROUP] ?? -1);
        handled += batch.deliveries.length;
        return Promise.resolve();
      },
    });
    await until(() => handled === 5);
    expect(await consumed(metrics)).toBe(5);
    expect(seenPending).toEqual([5]);
    expect(bus.pending()).toEqual({ [GROUP]: 0 });
  });

  it('does not count again a batch that falls back to one message at a time, and its lag drains message by message', async () => {
    const bus = instrumentBus(inner, metrics);
    const pendingAtSingle: number[] = [];
    await publish(3);
    await bus.subscribe({
      topics: [TOPIC],
      group: GROUP,
      fromBeginning: true,
      handle: (_delivery: Delivery) => {
        pendingAtSingle.push(bus.pending()[GROUP] ?? -1);
        return Promise.resolve();
      },
      handleBatch: () => Promise.reject(new Error('one of them is bad')),
    });
    await until(() => pendingAtSingle.length === 3);
    await until(() => bus.pending()[GROUP] === 0);
    expect(await consumed(metrics)).toBe(3);
    expect(pendingAtSingle).toEqual([3, 2, 1]);
  });

  it('counts a retried single delivery once', async () => {
    const bus = instrumentBus(inner, metrics);
    const attempts: number[] = [];
    await publish(1);
    await bus.subscribe({
      topics: [TOPIC],
      group: GROUP,
      fromBeginning: true,
      handle: (delivery: Delivery) => {
        attempts.push(delivery.attempt);
        return delivery.attempt === 1 ? Promise.reject(new Error('transient')) : Promise.resolve();
      },
    });
    await until(() => attempts.length === 2);
    await until(() => bus.pending()[GROUP] === 0);
    expect(await consumed(metrics)).toBe(1);
  });

  it('passes the subscriptions\' health through', async () => {
    const bus = instrumentBus(inner, metrics);
    await bus.subscribe({ topics: [TOPIC], group: GROUP, handle: () => Promise.resolve() });
    expect(bus.subscriptionHealth?.().map((h) => [h.group, h.consuming])).toEqual([[GROUP, true]]);
  });
});
