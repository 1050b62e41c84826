// 1. An outside system announces a source change with a plain kafkajs producer; the observer
// turns it into an observation, the planner requests the eager chain under it, the workers
// materialize it, in dependency order, once.
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder } from './support/stack';

jest.setTimeout(120_000);

describe('a source change from an outside producer', () => {
  const stack = new E2eStack();
  let recorder: TopicRecorder;
  let outside: OutsideProducer;

  beforeAll(async () => {
    await stack.init();
    stack.start('planner');
    stack.start('observer');
    stack.start('worker');
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'materializationRequests', 'runEvents', 'observations', 'deadLetter']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    await waitFor(() => recorder.of('definitions').length > 0, { timeoutMs: 60_000, description: 'the worker to publish its definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  it('materializes the downstream chain in order, once', async () => {
    await outside.sourceChanged('raw', 'v1');
    const materialized = (asset: string): number =>
      recorder.of('runEvents').filter((r) => r.event.type === 'dev.freshet.run-event.v1' && r.event.data.kind === 'assetMaterialized' && r.event.data.asset === asset).length;
    try {
      await waitFor(() => ['a', 'b', 'c', 'd'].every((asset) => materialized(asset) >= 1), { timeoutMs: 45_000, description: 'a, b, c and d to be materialized' });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }
    const ends = stack.journal().filter((line) => line.event === 'end');
    const order = ends.map((line) => line.asset).filter((asset) => ['a', 'b', 'c'].includes(asset));
    expect(order).toEqual(['a', 'b', 'c']);
    const at = (asset: string): number => ends.find((line) => line.asset === asset)?.t ?? Number.NaN;
    expect(at('a')).toBeLessThanOrEqual(at('b'));
    expect(at('b')).toBeLessThanOrEqual(at('c'));

    // Once: when the planner has seen everything and nothing is in flight, nothing else ran.
    await waitFor(() => stack.settled(), { timeoutMs: 20_000, description: 'the planner to settle' });
    for (const asset of ['a', 'b', 'c', 'd']) expect(stack.journal().filter((l) => l.event === 'end' && l.asset === asset)).toHaveLength(1);
    expect(recorder.of('observations').map((r) => (r.event.type === 'dev.freshet.observation.v1' ? r.event.data.dataVersion : null))).toEqual(['v1']);
  });

  it('dead-letters a change of an unknown asset and a payload that is not a source change', async () => {
    await outside.sourceChanged('no_such_asset', 'v1');
    await outside.sendRaw('raw', JSON.stringify({ hello: 'world' }));
    const letters = await waitFor(() => (recorder.of('deadLetter').length >= 2 ? recorder.of('deadLetter') : null), {
      timeoutMs: 20_000,
      description: 'two dead letters',
    });
    const reasons = letters.map((r) => (r.event.type === 'dev.freshet.dead-letter.v1' ? r.event.data.reason : ''));
    expect(reasons.some((reason) => reason.includes('unknown asset no_such_asset'))).toBe(true);
    expect(reasons.some((reason) => reason.includes('not a CloudEvents'))).toBe(true);
  });
});
