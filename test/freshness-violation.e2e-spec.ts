// 3. A compute that fails lets its freshness policy lapse: `violated` arrives on the
// freshness-violations topic within a second of the deadline, with no event to wake the planner;
// once the compute is fixed and runs again, `resolved` follows.
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder } from './support/stack';

jest.setTimeout(120_000);

const LAG_MS = 0.1 * 60_000; // the fixture's policy: fragile must reflect source data at most 6 s old

describe('a failing compute under a freshness policy', () => {
  const stack = new E2eStack();
  let recorder: TopicRecorder;
  let outside: OutsideProducer;
  const failFlag = path.join(stack.failDir, 'fragile.fail');

  beforeAll(async () => {
    await stack.init();
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'observations', 'runEvents', 'freshnessViolations']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    stack.start('planner');
    stack.start('observer');
    stack.start('worker');
    await waitFor(() => recorder.of('definitions').length > 0, { timeoutMs: 60_000, description: 'the definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  const outcomes = (kind: 'assetMaterialized' | 'assetFailed') =>
    recorder.of('runEvents').filter((r) => r.event.type === 'dev.freshet.run-event.v1' && r.event.data.kind === kind && r.event.data.asset === 'fragile');
  const violations = (status: 'violated' | 'resolved') =>
    recorder.of('freshnessViolations').filter((r) => r.event.type === 'dev.freshet.freshness-violation.v1' && r.event.data.status === status);

  it('reports violated within a second of the deadline, then resolved after the fix', async () => {
    await outside.sourceChanged('fsrc', 'v1');
    await waitFor(() => outcomes('assetMaterialized').length === 1, { timeoutMs: 30_000, description: 'a first successful build' });

    writeFileSync(failFlag, 'broken');
    await outside.sourceChanged('fsrc', 'v2');
    await waitFor(() => outcomes('assetFailed').length === 1, { timeoutMs: 30_000, description: 'the failed build' });
    // fragile consumed v1; v2 was observed at t: its data time is t, its deadline t + lag.
    const observed = recorder.of('observations').find((r) => r.event.type === 'dev.freshet.observation.v1' && r.event.data.dataVersion === 'v2');
    if (!observed || observed.event.type !== 'dev.freshet.observation.v1') throw new Error('no observation of v2');
    const deadline = Date.parse(observed.event.data.observedAt) + LAG_MS;

    let violated;
    try {
      violated = await waitFor(() => violations('violated')[0], { timeoutMs: LAG_MS + 10_000, description: 'violated' });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }
    expect(violated.event.type === 'dev.freshet.freshness-violation.v1' && violated.event.data.asset).toBe('fragile');
    const emittedAt = Date.parse(violated.event.time);
    expect(emittedAt).toBeGreaterThanOrEqual(deadline);
    expect(emittedAt - deadline).toBeLessThan(1000);
    expect(violated.receivedAt - deadline).toBeLessThan(1500);

    rmSync(failFlag);
    await outside.sourceChanged('fsrc', 'v3');
    const resolved = await waitFor(() => violations('resolved')[0], { timeoutMs: 30_000, description: 'resolved' });
    expect(resolved.event.type === 'dev.freshet.freshness-violation.v1' && resolved.event.data.asset).toBe('fragile');
    expect(violations('violated')).toHaveLength(1);
    expect(outcomes('assetMaterialized').length).toBe(2);
  });
});
