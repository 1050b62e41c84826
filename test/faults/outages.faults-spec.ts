// Broker and store outages under load: Kafka stopped for 30 s, Postgres stopped for 30 s, Redis
// flushed. Every service's /health/ready is polled throughout: each must answer "unready" while
// the dependency is away and "ready" again after it is back; meanwhile they retry with bounded
// backoff, resume by themselves (no restart), and the end state is what it would be without the
// outage. Two recovery times are printed, both from the dependency answering again: to every
// service ready, and to the first event stored.
import { RecordTypes } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import { FaultStack, log, sleep } from './support/fault-stack';
import { ReadinessWatch } from './support/readiness';

const OUTAGE_MS = Number(process.env['FAULTS_OUTAGE_MS'] ?? '30000');
const SOURCES = ['s0', 's1', 's2', 's3'];
const downstream = (source: string): string => `k${source.slice(1)}`;

jest.setTimeout(15 * 60_000);

describe('outages of Kafka, Postgres and Redis under load', () => {
  const faults = new FaultStack({ env: { FIXTURE_SLEEP_MS: '100' } });
  const recoveries: string[] = [];

  beforeAll(async () => {
    await faults.start();
  });

  afterAll(async () => {
    log(`recovery times: ${recoveries.join('; ')}`);
    await faults.dispose();
  });

  interface Outage {
    /** When the dependency went away; undefined for an instant fault (no unready window). */
    readonly stoppedAt?: number;
    /** When it answered again. */
    readonly restoredAt: number;
  }

  /**
   * Runs `outage` under load with every service's readiness polled; checks they went unready
   * during it (when it lasted) and ready after, and that events flow again. Returns what the
   * services said meanwhile.
   */
  async function underLoad(name: string, outage: () => Promise<Outage>): Promise<string> {
    const watch = new ReadinessWatch(() => faults.readinessTargets());
    watch.start();
    try {
      return await underWatchedLoad(name, outage, watch);
    } finally {
      await watch.stop();
    }
  }

  async function underWatchedLoad(name: string, outage: () => Promise<Outage>, watch: ReadinessWatch): Promise<string> {
    const services = faults.readinessTargets().map((target) => target.name).sort((a, b) => a.localeCompare(b));
    // Everyone ready first: otherwise "unready during the outage" would prove nothing.
    await waitFor(() => watch.allReadyAfter(0) !== undefined, { timeoutMs: 60_000, intervalMs: 100, description: `every service ready before the ${name} outage` });
    const outputBefore = faults.stack.processes.map((p) => p.output.length);
    const load = faults.load(SOURCES, 200);
    await sleep(2000);
    const { stoppedAt, restoredAt } = await outage();
    if (stoppedAt !== undefined) expect({ name, unready: watch.unreadyBetween(stoppedAt, restoredAt) }).toEqual({ name, unready: services });
    try {
      await waitFor(() => watch.allReadyAfter(restoredAt) !== undefined, { timeoutMs: 120_000, intervalMs: 100, description: `every service ready after the ${name} outage` });
    } catch (error) {
      throw new Error(`${(error as Error).message}; last answers: ${JSON.stringify(watch.last())}\n${faults.stack.logs().slice(-6000)}`);
    }
    const readyMs = (watch.allReadyAfter(restoredAt) ?? restoredAt) - restoredAt;
    const log0 = await faults.stack.eventLog();
    let firstAfter = 0;
    await waitFor(
      async () => {
        const latest = await log0.readSince(Math.max(0, (await log0.latestStorageId()) - 200), 200, { types: [RecordTypes.observation] });
        const after = latest.find((r) => r.recordedAt >= restoredAt);
        if (after) firstAfter = after.recordedAt;
        return after !== undefined;
      },
      { timeoutMs: 120_000, intervalMs: 100, description: `an event stored after the ${name} outage` },
    );
    await sleep(2000);
    await load.stop();
    const recoveryMs = firstAfter - restoredAt;
    recoveries.push(`${name}: ready in ${readyMs} ms, first event in ${recoveryMs} ms`);
    log(`${name}: outage end → every service ready in ${readyMs} ms, first event processed in ${recoveryMs} ms`);
    await faults.waitOwedDone(downstream, 180_000);
    await faults.assertNothingCountedTwice();
    faults.assertNoOverlap();
    faults.assertNoSecretsInLogs();
    // Nobody died: each service resumed by itself.
    for (const p of faults.stack.processes) expect({ name: p.name, running: p.running }).toEqual({ name: p.name, running: true });
    // What they said while it was away.
    return faults.stack.processes.map((p, i) => p.output.slice(outputBefore[i] ?? 0).join('')).join('');
  }

  // A consumer kafkajs gives up on during the outage is recreated by the bus (with bounded
  // backoff), never by exiting the process.
  it('Kafka stopped for 30 s: services report unready, wait, then resume and catch up', async () => {
    const said = await underLoad('kafka', async () => {
      await faults.infra.stopKafka();
      const stoppedAt = Date.now();
      await sleep(OUTAGE_MS);
      await faults.infra.restartKafka();
      log(`kafka was down ${Date.now() - stoppedAt} ms`);
      return { stoppedAt, restoredAt: Date.now() };
    });
    expect(said).toMatch(/kafkajs|ECONNREFUSED|Connection error/i);
  });

  it('Postgres stopped for 30 s: no valid event is dead-lettered, services resume', async () => {
    const before = faults.deadLetters().length;
    const said = await underLoad('postgres', async () => {
      faults.infra.stopPostgres('fast');
      const stoppedAt = Date.now();
      await sleep(OUTAGE_MS);
      await faults.infra.startPostgres();
      return { stoppedAt, restoredAt: Date.now() };
    });
    expect(faults.deadLetters().slice(before)).toEqual([]);
    expect(said).toMatch(/ECONNREFUSED|terminat|Connection/i);
  });

  it('Redis flushed: the lease, locks and cache are rebuilt, nothing lost', async () => {
    await underLoad('redis-flush', async () => {
      await faults.infra.flushRedis();
      return { restoredAt: Date.now() };
    });
    // The planner re-published the graph into the emptied cache.
    const { RedisGraphCache, RedisKeys, createRedisClient } = await import('@freshet/cache');
    const redis = createRedisClient(faults.infra.redisUrl);
    try {
      const cache = new RedisGraphCache(redis, new RedisKeys(faults.stack.keyPrefix));
      await waitFor(async () => (await cache.getAsset('k0')) !== null, { timeoutMs: 30_000, description: 'the graph back in Redis' });
    } finally {
      redis.disconnect();
    }
  });
});
