// 2. Deploying a new code version of b (a worker restarted with new code publishes new
// definitions) rebuilds b and its eager descendant c, and nothing else.
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder, type ServiceProcess } from './support/stack';

jest.setTimeout(120_000);

describe('a code version bump', () => {
  const stack = new E2eStack();
  let recorder: TopicRecorder;
  let outside: OutsideProducer;
  let worker: ServiceProcess;

  beforeAll(async () => {
    await stack.init();
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'materializationRequests']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    stack.start('planner');
    stack.start('observer');
    worker = stack.start('worker');
    await waitFor(() => recorder.of('definitions').length > 0, { timeoutMs: 60_000, description: 'the first definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  const ends = (asset: string): number => stack.journal().filter((line) => line.event === 'end' && line.asset === asset).length;

  it('rebuilds the changed asset and its eager descendants only', async () => {
    await outside.sourceChanged('raw', 'v1');
    try {
      await waitFor(async () => ['a', 'b', 'c', 'd'].every((asset) => ends(asset) === 1) && (await stack.settled()), {
        timeoutMs: 45_000,
        description: 'the first build of the chain',
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }

    await worker.stop('SIGTERM');
    stack.start('worker', { FIXTURE_CODE_VERSION_B: '2' });
    try {
      await waitFor(async () => ends('b') === 2 && ends('c') === 2 && (await stack.settled()), { timeoutMs: 45_000, description: 'b and c to be rebuilt' });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }
    expect({ a: ends('a'), b: ends('b'), c: ends('c'), d: ends('d') }).toEqual({ a: 1, b: 2, c: 2, d: 1 });
    const rebuilt = stack.journal().filter((line) => line.event === 'end').slice(-2).map((line) => line.asset);
    expect(rebuilt).toEqual(['b', 'c']);
  });
});
