import { eventBusContract, uniqueName, waitFor } from '@freshet/testing';
import { InMemoryEventBus } from './in-memory-event-bus';
import { UnknownTopicError } from '../errors';

eventBusContract('in-memory', {
  createBus: ({ deadLetterTopic, retry }) => new InMemoryEventBus({ deadLetterTopic, retry, service: 'contract-test' }),
  timeoutMs: 2000,
});

describe('InMemoryEventBus specifics', () => {
  it('refuses unknown topics unless told to create them', async () => {
    const strict = new InMemoryEventBus();
    await expect(strict.publish('nope', [{ key: 'k', value: 'v' }])).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(strict.subscribe({ topics: ['nope'], group: 'g', handle: () => Promise.resolve() })).rejects.toBeInstanceOf(
      UnknownTopicError,
    );
    const lenient = new InMemoryEventBus({ autoCreateTopics: true, defaultPartitions: 2 });
    await lenient.publish('auto', [{ key: 'k', value: 'v' }]);
    expect(lenient.messagesOf('auto')).toHaveLength(1);
  });

  it('starts a new group at the end unless fromBeginning', async () => {
    const bus = new InMemoryEventBus();
    const topic = uniqueName('t');
    await bus.ensureTopics([{ name: topic, partitions: 2 }]);
    await bus.publish(topic, [{ key: 'k', value: 'old' }]);
    const got: string[] = [];
    await bus.subscribe({ topics: [topic], group: 'late', handle: (d) => Promise.resolve(void got.push(d.value.toString())) });
    await bus.publish(topic, [{ key: 'k', value: 'new' }]);
    await waitFor(() => got.length >= 1, { timeoutMs: 1000 });
    expect(got).toEqual(['new']);
    await bus.close();
  });

  it('hands an abandoned retry to the next member when its member leaves', async () => {
    const bus = new InMemoryEventBus({ retry: { initialBackoffMs: 60_000, maxBackoffMs: 60_000 } });
    const topic = uniqueName('t');
    await bus.ensureTopics([{ name: topic, partitions: 1 }]);
    let firstAttempts = 0;
    const leaving = await bus.subscribe({
      topics: [topic],
      group: 'g',
      fromBeginning: true,
      handle: () => {
        firstAttempts++;
        return Promise.reject(new Error('down'));
      },
    });
    await bus.publish(topic, [{ key: 'k', value: 'v' }]);
    await waitFor(() => firstAttempts >= 1, { timeoutMs: 1000 });
    const got: string[] = [];
    await bus.subscribe({ topics: [topic], group: 'g', handle: (d) => Promise.resolve(void got.push(d.value.toString())) });
    // The first member is waiting a minute before its retry; closing it must not wait that long.
    await leaving.close();
    await waitFor(() => got.length >= 1, { timeoutMs: 1000 });
    expect(got).toEqual(['v']);
    expect(firstAttempts).toBe(1);
    await bus.close();
  });
});
