// Readiness checks against the real infrastructure, and against addresses where nothing listens.
import { Redis } from 'ioredis';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { kafkaBrokers, redisUrl } from '@freshet/testing';
import { HealthChecks } from './health';
import { eventLogCheck, kafkaCheck, redisCheck } from './probes';

describe('readiness checks of Kafka, Redis and Postgres', () => {
  const clients: Redis[] = [];
  const redis = (url: string): Redis => {
    const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
    client.on('error', () => undefined);
    clients.push(client);
    return client;
  };
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it('report ready when every dependency answers', async () => {
    const kafka = kafkaCheck({ brokers: kafkaBrokers(), clientId: 'readiness-test' });
    try {
      const report = await new HealthChecks(5000).add(redisCheck(redis(redisUrl()))).add(kafka).add(eventLogCheck({ latestStorageId: () => Promise.resolve(0) })).ready();
      expect(report.checks.map((c) => [c.name, c.ok, c.error])).toEqual([
        ['redis', true, undefined],
        ['kafka', true, undefined],
        ['postgres', true, undefined],
      ]);
      expect(report.status).toBe('ok');
    } finally {
      await kafka.close();
    }
  });

  it('report unavailable, naming each dependency that does not answer', async () => {
    const kafka = kafkaCheck({ brokers: ['127.0.0.1:1'], clientId: 'readiness-test' });
    try {
      const report = await new HealthChecks(5000)
        .add(redisCheck(redis('redis://:secret@127.0.0.1:1')))
        .add(kafka)
        .add(eventLogCheck({ latestStorageId: () => Promise.reject(new Error('connect ECONNREFUSED postgres://freshet:pw@127.0.0.1:1/freshet')) }))
        .ready();
      expect(report.status).toBe('unavailable');
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
        ['redis', false],
        ['kafka', false],
        ['postgres', false],
      ]);
      expect(report.checks[2]?.error).toBe('connect ECONNREFUSED postgres://freshet:***@127.0.0.1:1/freshet');
      expect(JSON.stringify(report)).not.toContain('secret');
    } finally {
      await kafka.close();
    }
  });
});

describe('the Kafka consumer lag query', () => {
  it('answers on a fresh client, before any readiness check', async () => {
    const topic = `lag-probe-${process.pid}-${Date.now()}`;
    const kafka = new Kafka({ brokers: kafkaBrokers(), clientId: 'lag-probe-test', logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await admin.connect();
    await producer.connect();
    const check = kafkaCheck({ brokers: kafkaBrokers(), clientId: 'lag-probe-test' });
    try {
      await admin.createTopics({ topics: [{ topic, numPartitions: 2 }], waitForLeaders: true });
      await producer.send({ topic, messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }] });
      // Nothing committed by the group: every message is lag.
      expect(await check.consumerLag(`${topic}-group`, [topic])).toBe(3);
    } finally {
      await check.close();
      await producer.disconnect();
      await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
      await admin.disconnect();
    }
  });
});
