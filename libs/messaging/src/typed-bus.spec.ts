import { ContractViolation, decode } from '@freshet/contracts';
import { uniqueName, waitFor } from '@freshet/testing';
import { InMemoryEventBus } from './in-memory/in-memory-event-bus';
import { TypedBus } from './typed-bus';

describe('TypedBus', () => {
  let bus: InMemoryEventBus;
  let typed: TypedBus;
  let topic: string;
  const deadLetterTopic = 'dlq';

  beforeEach(async () => {
    topic = uniqueName('t');
    bus = new InMemoryEventBus({ deadLetterTopic, retry: { initialBackoffMs: 1 } });
    await bus.ensureTopics([
      { name: topic, partitions: 2 },
      { name: deadLetterTopic, partitions: 1 },
    ]);
    typed = new TypedBus(bus, 'freshet/test');
  });
  afterEach(() => bus.close());

  it('publishes a validated CloudEvent under the key, with the key as subject', async () => {
    const event = await typed.publishEvent(
      topic,
      'dev.freshet.staleness.v1',
      { asset: 'a', status: 'missing', causes: [], changedAt: '2024-01-01T00:00:00Z' },
      'a',
      { id: 'e-1', time: 0 },
    );
    expect(event).toMatchObject({ id: 'e-1', source: 'freshet/test', subject: 'a', time: '1970-01-01T00:00:00.000Z' });
    const [stored] = bus.messagesOf(topic);
    expect(stored?.key).toBe('a');
    const decoded = decode(stored?.value ?? '');
    expect(decoded.ok && decoded.event).toEqual(event);
  });

  it('refuses to publish an invalid event and publishes nothing', async () => {
    const invalid = { asset: 'a', status: 'rotten', causes: [], changedAt: '2024-01-01T00:00:00Z' } as unknown as {
      asset: string; status: 'fresh'; causes: []; changedAt: string;
    };
    await expect(typed.publishEvent(topic, 'dev.freshet.staleness.v1', invalid, 'a')).rejects.toBeInstanceOf(ContractViolation);
    expect(bus.messagesOf(topic)).toHaveLength(0);
  });

  it('skips valid events of types without a handler, or dead-letters them when asked', async () => {
    const handled: string[] = [];
    const handlers = {
      'dev.freshet.observation.v1': () => Promise.resolve(void handled.push('observation')),
    };
    await typed.subscribeEvents({ topics: [topic], group: 'skipper', fromBeginning: true, handlers });
    await typed.subscribeEvents({ topics: [topic], group: 'strict', fromBeginning: true, handlers, unhandledTypes: 'deadLetter' });
    await typed.publishEvent(topic, 'dev.freshet.source-change.v1', { asset: 'a', occurredAt: '2024-01-01T00:00:00Z' }, 'a');
    await typed.publishEvent(topic, 'dev.freshet.observation.v1', { asset: 'a', dataVersion: 'v', observedAt: '2024-01-01T00:00:00Z' }, 'a');
    await waitFor(() => handled.length >= 2 && bus.messagesOf(deadLetterTopic).length >= 1, { description: 'both groups' });
    const letters = bus.messagesOf(deadLetterTopic).map((m) => decode(m.value));
    expect(letters).toHaveLength(1);
    expect(letters[0]?.ok && letters[0].event.data).toMatchObject({ group: 'strict', nonRetriable: true });
  });
});
