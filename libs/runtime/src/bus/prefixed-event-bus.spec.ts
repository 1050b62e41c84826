import { topicConfigs } from '@freshet/contracts';
import { InMemoryEventBus, silentBusLogger, type Delivery } from '@freshet/messaging';
import { waitFor } from '@freshet/testing';
import { PrefixedEventBus } from './prefixed-event-bus';

describe('PrefixedEventBus', () => {
  it('keeps two deployments on one cluster apart and hands services the contract names', async () => {
    const cluster = new InMemoryEventBus({ logger: silentBusLogger });
    const blue = new PrefixedEventBus(cluster, 'blue.');
    const green = new PrefixedEventBus(cluster, 'green.');
    await blue.ensureTopics(topicConfigs());
    await green.ensureTopics(topicConfigs());
    const seen: { who: string; delivery: Delivery }[] = [];
    // The same group name in both deployments: still two groups, each sees its own messages.
    await blue.subscribe({ topics: ['freshet.observations.v1'], group: 'planner', fromBeginning: true, handle: (delivery) => Promise.resolve(void seen.push({ who: 'blue', delivery })) });
    await green.subscribe({ topics: ['freshet.observations.v1'], group: 'planner', fromBeginning: true, handle: (delivery) => Promise.resolve(void seen.push({ who: 'green', delivery })) });
    await blue.publish('freshet.observations.v1', [{ key: 'a', value: 'for blue' }]);
    await green.publish('freshet.observations.v1', [{ key: 'a', value: 'for green' }]);
    await waitFor(() => seen.length === 2, { description: 'both deliveries' });
    const byWho = Object.fromEntries(seen.map((s) => [s.who, { topic: s.delivery.topic, value: s.delivery.value.toString('utf8') }]));
    expect(byWho).toEqual({
      blue: { topic: 'freshet.observations.v1', value: 'for blue' },
      green: { topic: 'freshet.observations.v1', value: 'for green' },
    });
    await cluster.close();
  });
});
