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

  it('reports a consumer crash through onCrash', async () => {
    const crashes: string[] = [];
    const crashing = new KafkaEventBus(
      busOptions({ onCrash: (error, info) => crashes.push(`${info.group}: ${error.message}`) }),
    );
    const topic = uniqueName('crash');
    await crashing.ensureTopics([{ name: topic, partitions: 1 }]);
    const group = uniqueName('g');
    await crashing.subscribe({ topics: [topic], group, fromBeginning: true, handle: () => Promise.resolve() });
    // Deleting the topic under a running consumer makes kafkajs fail its fetches and crash.
    const { Kafka } = await import('kafkajs');
    const admin = new Kafka({ brokers: kafkaBrokers(), logLevel: 0 }).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: [topic] });
    } finally {
      await admin.disconnect();
    }
    try {
      await waitFor(() => crashes.length > 0, { timeoutMs: 45_000, intervalMs: 100, description: 'a CRASH event' });
      expect(crashes[0]).toContain(group);
    } finally {
      await crashing.close();
    }
  });
});
