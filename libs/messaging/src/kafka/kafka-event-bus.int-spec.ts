import { eventBusContract, kafkaBrokers, uniqueName, waitFor } from '@freshet/testing';
import { silentBusLogger } from '../logger';
import { KafkaEventBus, type KafkaEventBusOptions } from './kafka-event-bus';

// Short timeouts so joins, rebalances and leaves take ~1 s instead of the production 30 s.
const testTuning = {
  sessionTimeoutMs: 6000,
  heartbeatIntervalMs: 300,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeInMs: 100,
} as const;

const busOptions = (extra: Partial<KafkaEventBusOptions> = {}): KafkaEventBusOptions => ({
  brokers: kafkaBrokers(),
  clientId: uniqueName('freshet_test'),
  consumer: testTuning,
  logLevel: 'error',
  logger: silentBusLogger,
  ...extra,
});

jest.setTimeout(60_000);

eventBusContract('kafka', {
  createBus: ({ deadLetterTopic, retry }) =>
    new KafkaEventBus(busOptions({ deadLetterTopic, retry, partitionsConsumedConcurrently: 3, service: 'contract-test' })),
  timeoutMs: 30_000,
});

describe('KafkaEventBus specifics', () => {
  let bus: KafkaEventBus;
  beforeEach(() => {
    bus = new KafkaEventBus(busOptions());
  });
  afterEach(async () => {
    await bus.close();
  });

  it('creates missing topics and leaves existing ones alone, with their config', async () => {
    const existing = uniqueName('existing');
    const fresh = uniqueName('compacted');
    await bus.ensureTopics([{ name: existing, partitions: 2 }]);
    await bus.ensureTopics([
      { name: existing, partitions: 5 },
      { name: fresh, partitions: 1, configEntries: { 'cleanup.policy': 'compact' } },
    ]);
    const { Kafka } = await import('kafkajs');
    const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: 0 }).admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [existing, fresh] });
      const partitions = Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
      expect(partitions).toEqual({ [existing]: 2, [fresh]: 1 });
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: fresh, configNames: ['cleanup.policy'] }],
      });
      expect(configs.resources[0]?.configEntries[0]?.configValue).toBe('compact');
    } finally {
      await admin.disconnect();
    }
  });

  it('refuses to publish to a topic that was never created (no auto-creation)', async () => {
    await expect(bus.publish(uniqueName('missing'), [{ key: 'k', value: 'v' }])).rejects.toThrow();
  });

  it('survives a consumer crash: reports it, is not consuming meanwhile, resubscribes and consumes again', async () => {
    const crashes: string[] = [];
    const crashing = new KafkaEventBus(
      busOptions({ onCrash: (error, info) => crashes.push(`${info.group}: ${error.message}`), resubscribe: { initialMs: 200, maxMs: 1000 } }),
    );
    const topic = uniqueName('crash');
    await crashing.ensureTopics([{ name: topic, partitions: 1 }]);
    const group = uniqueName('g');
    const got: string[] = [];
    await crashing.subscribe({ topics: [topic], group, fromBeginning: true, handle: (delivery) => Promise.resolve(void got.push(delivery.value.toString('utf8'))) });
    expect(crashing.subscriptionHealth()).toEqual([expect.objectContaining({ group, consuming: true })]);
    await crashing.publish(topic, [{ key: 'k', value: 'before' }]);
    await waitFor(() => got.includes('before'), { timeoutMs: 30_000, description: 'the message before the crash' });
    // Deleting the topic under a running consumer makes kafkajs fail its fetches and crash.
    const { Kafka } = await import('kafkajs');
    const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: 0 }).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
      await waitFor(() => crashes.length > 0, { timeoutMs: 45_000, intervalMs: 100, description: 'a CRASH event' });
      expect(crashes[0]).toContain(group);
      // Resubscribing cannot succeed while the topic is missing: the subscription says so.
      expect(crashing.subscriptionHealth()).toEqual([expect.objectContaining({ group, consuming: false, reason: expect.any(String) as unknown })]);
      await crashing.ensureTopics([{ name: topic, partitions: 1 }]);
      await crashing.publish(topic, [
        { key: 'k', value: 'after-1' },
        { key: 'k', value: 'after-2' },
      ]);
      // The same subscription (same handler, same group) consumes the recreated topic.
      await waitFor(() => got.includes('after-2'), { timeoutMs: 45_000, intervalMs: 100, description: 'a message after the crash' });
      await waitFor(() => crashing.subscriptionHealth()[0]?.consuming === true, { timeoutMs: 10_000, description: 'consuming again' });
    } finally {
      await admin.disconnect();
      await crashing.close();
    }
  });
});
