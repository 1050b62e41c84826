// 5. The planner is killed (SIGKILL) in the middle of a burst and a new one takes over: it
// rebuilds its state from Postgres, requests nothing twice and forgets nothing owed, including the
// changes that arrived while no planner was running.
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder } from './support/stack';

jest.setTimeout(180_000);

const FIRST = [0, 1, 2, 3, 4];
const SECOND = [5, 6, 7, 8, 9];

describe('a planner restarted during a burst', () => {
  const stack = new E2eStack({ env: { FIXTURE_SLEEP_MS: '300' } });
  let recorder: TopicRecorder;
  let outside: OutsideProducer;

  beforeAll(async () => {
    await stack.init();
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'materializationRequests', 'runEvents']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    stack.start('observer');
    stack.start('worker');
    await waitFor(() => recorder.of('definitions').length > 0, { timeoutMs: 60_000, description: 'the definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  const requestsFor = (asset: string): string[] =>
    recorder
      .of('materializationRequests')
      .flatMap((r) => (r.event.type === 'dev.freshet.materialization-request.v1' && r.event.data.assetPartitions.some((ap) => ap.asset === asset) ? [r.event.data.runId] : []));

  it('requests each owed run exactly once across the restart', async () => {
    const first = stack.start('planner');
    // One at a time, so the first planner has issued several runs (one per tick) when it dies.
    for (const i of FIRST) {
      await outside.sourceChanged(`s${i}`, 'v1');
      await waitFor(() => requestsFor(`k${i}`).length > 0, { timeoutMs: 60_000, description: `the request for k${i}` });
    }
    await first.stop('SIGKILL');
    for (const i of SECOND) await outside.sourceChanged(`s${i}`, 'v1');
    stack.start('planner');

    const ended = (asset: string): number => stack.journal().filter((line) => line.event === 'end' && line.asset === asset).length;
    try {
      await waitFor(async () => [...FIRST, ...SECOND].every((i) => ended(`k${i}`) >= 1) && (await stack.settled()), {
        timeoutMs: 90_000,
        description: 'every k to be materialized',
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }
    for (const i of [...FIRST, ...SECOND]) {
      expect(new Set(requestsFor(`k${i}`)).size).toBe(1);
      expect(ended(`k${i}`)).toBe(1);
    }
    // The log agrees: each k planned by exactly one request record.
    const log = await stack.eventLog();
    const planned = (await log.readSince(0, 5000, { types: ['request'] })).flatMap((record) => {
      const aps = (record.payload as { assetPartitions?: { asset: string }[] }).assetPartitions ?? [];
      return aps.map((ap) => ap.asset);
    });
    const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
    expect([...planned].sort(byName)).toEqual([...FIRST, ...SECOND].map((i) => `k${i}`).sort(byName));
  });
});

describe('a standby planner', () => {
  const stack = new E2eStack({ env: { FIXTURE_SLEEP_MS: '300' } });
  let recorder: TopicRecorder;
  let outside: OutsideProducer;

  beforeAll(async () => {
    await stack.init();
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'materializationRequests']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    stack.start('observer');
    stack.start('worker');
    await waitFor(() => recorder.of('definitions').length > 0, { timeoutMs: 60_000, description: 'the definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  it('takes over within seconds when the leader dies, at a higher epoch', async () => {
    const planners = [stack.start('planner'), stack.start('planner')];
    const leader = await waitFor(() => planners.find((p) => p.text().includes('leading at epoch')), { timeoutMs: 60_000, description: 'a leader' });
    const standby = planners.find((p) => p !== leader);
    if (!standby) throw new Error('no standby');
    await outside.sourceChanged('s0', 'v1');
    const firstEpoch = await waitFor(
      () => recorder.of('materializationRequests').flatMap((r) => (r.event.type === 'dev.freshet.materialization-request.v1' ? [r.event.data.plannerEpoch] : []))[0],
      { timeoutMs: 30_000, description: 'the leader’s request' },
    );
    const killedAt = Date.now();
    await leader.stop('SIGKILL');
    await outside.sourceChanged('s1', 'v1');
    let request;
    try {
      request = await waitFor(
        () => recorder.of('materializationRequests').find((r) => r.event.type === 'dev.freshet.materialization-request.v1' && r.event.data.assetPartitions.some((ap) => ap.asset === 'k1')),
        { timeoutMs: 30_000, description: 'the standby to request k1' },
      );
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }
    expect(standby.text()).toContain('leading at epoch');
    expect(request.event.type === 'dev.freshet.materialization-request.v1' && request.event.data.plannerEpoch).toBeGreaterThan(firstEpoch);
    // The lease lapses after 5 s; the dead member's Kafka partitions move after the 6 s session timeout.
    expect(request.receivedAt - killedAt).toBeLessThan(15_000);
  });
});
