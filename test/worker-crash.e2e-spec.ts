// 4. Two workers share a burst of runs; one is killed (SIGKILL) in the middle of a run. Nothing is
// lost: its run is redelivered and completes on the other worker, and no asset partition was ever
// materialized by two workers at once.
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder, type JournalLine, type ServiceProcess } from './support/stack';

jest.setTimeout(180_000);

const BURST = Array.from({ length: 10 }, (_, i) => i);

describe('two workers, one killed mid-run', () => {
  const stack = new E2eStack({ env: { FIXTURE_SLEEP_MS: '1500', FRESHET_WORKER_CONCURRENCY: '3' } });
  let recorder: TopicRecorder;
  let outside: OutsideProducer;
  let doomed: ServiceProcess;
  let survivor: ServiceProcess;

  beforeAll(async () => {
    await stack.init();
    recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions', 'materializationRequests', 'runEvents']);
    outside = await OutsideProducer.connect(stack.topicPrefix);
    stack.start('planner');
    stack.start('observer');
    doomed = stack.start('worker');
    survivor = stack.start('worker');
    await waitFor(() => recorder.of('definitions').length >= 2, { timeoutMs: 60_000, description: 'both workers to publish definitions' });
  });

  afterAll(async () => {
    await outside?.close();
    await recorder?.close();
    await stack.dispose();
  });

  it('completes every run once the killed worker’s run is redelivered', async () => {
    // One change at a time: the planner groups what it requests in one tick into one run, and the
    // burst must be ten runs for two workers to share.
    for (const i of BURST) {
      await outside.sourceChanged(`s${i}`, 'v1');
      await waitFor(() => recorder.of('materializationRequests').length > i, { timeoutMs: 30_000, description: `the request for k${i}` }).catch(async (error: unknown) => {
        throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
      });
    }
    // Kill the first worker while it is inside a compute (a start without an end).
    const running = (pid: number): JournalLine | undefined => {
      const lines = stack.journal().filter((line) => line.pid === pid);
      return lines.find((start) => start.event === 'start' && !lines.some((l) => l.event !== 'start' && l.runId === start.runId && l.asset === start.asset));
    };
    const victim = await waitFor(() => running(doomed.pid), { timeoutMs: 60_000, description: 'the first worker to be mid-run' });
    const killedAt = Date.now();
    await doomed.stop('SIGKILL');

    const completed = (): Set<string> =>
      new Set(recorder.of('runEvents').flatMap((r) => (r.event.type === 'dev.freshet.run-event.v1' && r.event.data.kind === 'completed' ? [r.event.data.runId] : [])));
    const requested = (): Set<string> =>
      new Set(recorder.of('materializationRequests').flatMap((r) => (r.event.type === 'dev.freshet.materialization-request.v1' ? [r.event.data.runId] : [])));
    try {
      await waitFor(async () => requested().size === BURST.length && [...requested()].every((id) => completed().has(id)) && (await stack.settled()), {
        timeoutMs: 90_000,
        description: 'every requested run to complete',
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${await stack.diagnose()}`);
    }

    const journal = stack.journal();
    // The interrupted run ran again, to the end, on the survivor.
    expect(journal.some((line) => line.event === 'end' && line.runId === victim.runId && line.asset === victim.asset && line.pid === survivor.pid)).toBe(true);
    for (const i of BURST) expect(journal.filter((line) => line.event === 'end' && line.asset === `k${i}`)).toHaveLength(1);

    // Never two workers in one asset partition at once: each start begins after the previous
    // holder's end (or, for the killed worker, after it died).
    for (const i of BURST) {
      const asset = `k${i}`;
      const starts = journal.filter((line) => line.event === 'start' && line.asset === asset).sort((a, b) => a.t - b.t);
      for (let n = 1; n < starts.length; n++) {
        const earlier = starts[n - 1] as JournalLine;
        const later = starts[n] as JournalLine;
        const earlierEnd = journal.find((line) => line.event !== 'start' && line.runId === earlier.runId && line.asset === asset && line.pid === earlier.pid)?.t ?? killedAt;
        expect(later.t).toBeGreaterThanOrEqual(earlierEnd);
      }
    }
  });
});
