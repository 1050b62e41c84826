// No event lost, none counted twice: while source changes flow, each service in turn is killed
// (SIGKILL) at seeded random points and restarted, FAULTS_KILLS times (default 20). At the end
// every accepted change is in the event log exactly once (as its observation), every owed
// materialization happened, no run completed twice, and no asset partition ran on two workers at once.
import type { AppName } from '../support/stack';
import { FaultStack, log, runSeed, seededRandom, sleep } from './support/fault-stack';

const KILLS = Number(process.env['FAULTS_KILLS'] ?? '20');
const SOURCES = ['s0', 's1', 's2', 's3', 's4', 's5'];
const downstream = (source: string): string => `k${source.slice(1)}`;

jest.setTimeout(30 * 60_000);

describe.each<AppName>(['observer', 'planner', 'worker'])('SIGKILL the %s under load', (app) => {
  const faults = new FaultStack({ env: { FIXTURE_SLEEP_MS: '300' } });

  beforeAll(async () => {
    await faults.start();
  });

  afterAll(async () => {
    await faults.dispose();
  });

  it(`survives ${KILLS} kills and restarts with nothing lost or doubled`, async () => {
    const random = seededRandom(runSeed(`kill ${app}`));
    const load = faults.load(SOURCES, 150);
    const started = Date.now();
    let victim = faults.running(app);
    for (let kill = 1; kill <= KILLS; kill++) {
      // A random point: somewhere in the first 2.5 s after the previous restart came up.
      await waitUp(victim.text.bind(victim), app);
      await sleep(Math.floor(random() * 2500));
      victim = await faults.killAndRestart(victim, app);
    }
    await waitUp(victim.text.bind(victim), app);
    const sent = await load.stop();
    log(`${app}: ${KILLS} kills in ${Math.round((Date.now() - started) / 1000)} s while ${sent} source changes were sent`);

    await faults.waitOwedDone(downstream, 180_000);
    const counts = await faults.assertNothingCountedTwice();
    const computes = faults.assertNoOverlap();
    faults.assertNoSecretsInLogs();
    log(`${app}: survived ${KILLS} kills; ${counts.observations} observations (one per change), ${counts.runs} runs, ${counts.materializations} materializations, ${computes} computes, no overlap`);
  });
});

/** Until the process says it is listening (or 60 s). */
async function waitUp(text: () => string, app: AppName): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!text().includes('listening')) {
    if (Date.now() > deadline) throw new Error(`${app} did not come up:\n${text().slice(-4000)}`);
    await sleep(100);
  }
}
