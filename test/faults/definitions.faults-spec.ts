// Definitions that change under load: while source changes flow, the code location is redeployed
// (its definitions re-published) with an asset removed, then with a changed partitions definition,
// then with a cycle. The first two are taken in; the cycle is rejected with a clear reason on the
// dead-letter topic and the definitions before it stay in force: changes keep being materialized.
import { TOPICS, encode, type DefinitionsV1 } from '@freshet/contracts';
import { RecordTypes } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import { FaultStack, log, sleep } from './support/fault-stack';

const SOURCES = ['s0', 's1', 's2', 's3'];
const downstream = (source: string): string => `k${source.slice(1)}`;

jest.setTimeout(10 * 60_000);

type Spec = DefinitionsV1['assets'][number];

describe('definitions redeployed under load', () => {
  const faults = new FaultStack({ env: { FIXTURE_SLEEP_MS: '100' } });

  beforeAll(async () => {
    await faults.start();
  });

  afterAll(async () => {
    await faults.dispose();
  });

  it('takes a removed asset and a changed partitions definition, rejects a cycle and keeps the previous definitions', async () => {
    const first = faults.recorder.of('definitions')[0]?.event;
    if (first?.type !== 'dev.freshet.definitions.v1') throw new Error('no definitions published');
    const original = first.data;
    const kafka = new Kafka({ clientId: 'faults-deploy', brokers: [faults.infra.kafkaBrokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const deploy = async (assets: Spec[]): Promise<string> => {
      const id = `deploy-${Math.random().toString(36).slice(2)}`;
      const value = encode('dev.freshet.definitions.v1', { ...original, assets }, { source: 'faults/deploy', id, subject: original.codeLocation });
      await producer.send({ topic: `${faults.stack.topicPrefix}${TOPICS.definitions.name}`, messages: [{ key: original.codeLocation, value }] });
      return id;
    };
    const stored = async (id: string): Promise<boolean> => (await faults.all()).some((r) => r.type === RecordTypes.definitions && r.eventId === id);
    const load = faults.load(SOURCES, 150);
    try {
      await sleep(2000);
      // 1. k9 removed.
      const withoutK9 = original.assets.filter((a) => a.key !== 'k9');
      const removed = await deploy(withoutK9);
      await waitFor(() => stored(removed), { timeoutMs: 30_000, description: 'the redeploy without k9 to be stored' });
      const requestsBefore = (await faults.all()).filter((r) => r.type === RecordTypes.request).length;
      await faults.change('s9');
      await sleep(3000);
      const k9Requests = (await faults.all()).filter((r) => r.type === RecordTypes.request).slice(requestsBefore).filter((r) => JSON.stringify(r.payload).includes('"asset":"k9"'));
      expect(k9Requests).toEqual([]);
      faults.lastSent.delete('s9');

      // 2. p's static partitions changed (one key dropped, one added).
      const repartitioned = withoutK9.map((a): Spec => (a.key === 'p' && a.partitions?.kind === 'static' ? { ...a, partitions: { kind: 'static', keys: [...a.partitions.keys.slice(1), 'extra'] } } : a));
      const changed = await deploy(repartitioned);
      await waitFor(() => stored(changed), { timeoutMs: 30_000, description: 'the repartitioned redeploy to be stored' });

      // 3. A cycle: k0 → k1 → k0.
      const cyclic = repartitioned.map((a): Spec => (a.key === 'k0' ? { ...a, deps: [...(a.deps ?? []), 'k1'] } : a.key === 'k1' ? { ...a, deps: [...(a.deps ?? []), 'k0'] } : a));
      const cycle = await deploy(cyclic);
      await waitFor(
        () => faults.deadLetters().some((e) => e.type === 'dev.freshet.dead-letter.v1' && e.data.value.data.includes(cycle)),
        { timeoutMs: 30_000, description: 'the cyclic definitions on the dead-letter topic' },
      );
      const letter = faults.deadLetters().find((e) => e.type === 'dev.freshet.dead-letter.v1' && e.data.value.data.includes(cycle));
      const reason = letter?.type === 'dev.freshet.dead-letter.v1' ? letter.data.reason : '';
      log(`definitions: the cycle was rejected: ${reason}`);
      expect(reason).toMatch(/cycle/i);
      expect(reason).toMatch(/k0/);
      expect(await stored(cycle)).toBe(false);
      await sleep(3000);
    } finally {
      await load.stop();
      await producer.disconnect();
    }
    // The definitions before the cycle are in force: every change of s0..s3 was materialized.
    await faults.waitOwedDone(downstream, 120_000);
    await faults.assertNothingCountedTwice();
    for (const p of faults.stack.processes) expect({ name: p.name, running: p.running }).toEqual({ name: p.name, running: true });
    faults.assertNoSecretsInLogs();
  });
});
