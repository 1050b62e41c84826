import { Partitioners } from 'kafkajs';
import { partitionForKey } from './partitioner';

describe('partitionForKey', () => {
  // kafkajs's own partitioner is the reference: the in-memory bus must agree with Kafka.
  const kafkajs = Partitioners.DefaultPartitioner();
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'orders', 'warehouse/orders', 'run-2024-01-02-0001', 'émoji-✓', 'x'.repeat(101)];

  it.each(keys)('puts %j where kafkajs DefaultPartitioner does', (key) => {
    for (const partitions of [1, 3, 6, 12]) {
      const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
      const expected = kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } });
      expect(partitionForKey(key, partitions)).toBe(expected);
    }
  });
});
