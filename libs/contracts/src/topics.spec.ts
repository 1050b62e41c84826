import { EVENT_TYPES, EVENT_TYPE_NAMES, TOPICS, TOPIC_IDS, eventTypesOfTopic, isFreshetTopic, topicConfigs } from '@freshet/contracts';

describe('topics', () => {
  it('lists every topic once, versioned, in the freshet namespace', () => {
    const names = TOPIC_IDS.map((id) => TOPICS[id].name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(TOPICS).length).toBe(TOPIC_IDS.length);
    for (const name of names) expect(name).toMatch(/^freshet\.[a-z-]+\.v\d+$/);
  });

  it('creates the definitions topic compacted and the others with delete retention', () => {
    const configs = topicConfigs();
    const definitions = configs.find((config) => config.name === 'freshet.definitions.v1');
    expect(definitions?.configEntries).toEqual({ 'cleanup.policy': 'compact' });
    for (const config of configs.filter((c) => c.name !== 'freshet.definitions.v1')) {
      expect(config.configEntries).toEqual({});
    }
    expect(configs.find((config) => config.name === TOPICS.plannerControl.name)?.partitions).toBe(1);
  });

  it('can override partitions and replication for small setups', () => {
    const configs = topicConfigs({ partitionsOverride: 1, replicationFactor: 1 });
    expect(configs.every((config) => config.partitions === 1 && config.replicationFactor === 1)).toBe(true);
  });

  it('routes every event type to a known topic, one type per topic', () => {
    for (const type of EVENT_TYPE_NAMES) {
      expect(isFreshetTopic(EVENT_TYPES[type].topic)).toBe(true);
      expect(eventTypesOfTopic(EVENT_TYPES[type].topic)).toEqual([type]);
    }
    expect(isFreshetTopic('orders')).toBe(false);
  });
});
