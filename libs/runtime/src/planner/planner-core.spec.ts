// The planner core on the embedded event log (PGlite in this process) and in-memory bus, cache
// and lease: what it stores, what it decides, and what a restarted planner does.
import { InMemoryGraphCache, InMemoryLeaderLease } from '@freshet/cache';
import { createEvent, topicConfigs, type AnyCloudEvent, type DefinitionsV1 } from '@freshet/contracts';
import { InMemoryEventBus, silentBusLogger } from '@freshet/messaging';
import { createEmbeddedEventLog, type EventLog } from '@freshet/storage';
import { PlannerState } from '@freshet/domain';
import { waitFor } from '@freshet/testing';
import { silentLogger } from '../logger';
import { PlannerCore } from './planner-core';

const DEFINITIONS: DefinitionsV1 = {
  codeLocation: 'spec',
  assets: [
    { key: 'src', kind: 'observableSource' },
    { key: 'child', deps: ['src'], automation: 'eager', codeVersion: '1' },
  ],
  sources: [{ asset: 'src', observeIntervalSeconds: 60 }],
};

const definitions = (payload: DefinitionsV1 = DEFINITIONS): AnyCloudEvent => createEvent('dev.freshet.definitions.v1', payload, { source: 'spec' });
const observation = (dataVersion: string): AnyCloudEvent =>
  createEvent('dev.freshet.observation.v1', { asset: 'src', dataVersion, observedAt: new Date().toISOString() }, { source: 'spec' });

// Opening the embedded event log (PGlite compiled to WASM) takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('PlannerCore', () => {
  let eventLog: EventLog;
  let bus: InMemoryEventBus;
  const lease = new InMemoryLeaderLease();
  const planners: PlannerCore[] = [];

  const planner = async (): Promise<PlannerCore> => {
    // A long safety tick: these tests see the planner react to events, not to its clock.
    const core = new PlannerCore({ eventLog, bus, cache: new InMemoryGraphCache(), lease, logger: silentLogger }, { tickMs: 60_000, leaseTtlMs: 60_000 });
    planners.push(core);
    await core.start();
    return core;
  };
  const requests = async (): Promise<string[][]> =>
    (await eventLog.readSince(0, 1000, { types: ['request'] })).map((r) => ((r.payload as { assetPartitions: { asset: string }[] }).assetPartitions ?? []).map((ap) => ap.asset));

  beforeEach(async () => {
    eventLog = await createEmbeddedEventLog();
    bus = new InMemoryEventBus({ logger: silentBusLogger, autoCreateTopics: true });
    await bus.ensureTopics(topicConfigs());
  });

  afterEach(async () => {
    for (const core of planners.splice(0)) await core.stop();
    await bus.close();
    await eventLog.close();
  });

  it('stores each event once, however often it is delivered', async () => {
    const core = await planner();
    const event = observation('v1');
    await core.ingest(event);
    await core.ingest(event);
    expect((await eventLog.readSince(0, 100, { types: ['observation'] })).map((r) => r.eventId)).toEqual([event.id]);
  });

  it('counts an observation that arrived before its asset was defined', async () => {
    const core = await planner();
    await core.ingest(observation('v1'));
    await core.ingest(definitions());
    await waitFor(async () => (await requests()).length === 1, { timeoutMs: 20_000, description: 'a request for child' });
    expect(await requests()).toEqual([['child']]);
  });

  it('keeps its state when a second worker publishes the same definitions', async () => {
    const core = await planner();
    await core.ingest(definitions());
    await core.ingest(observation('v1'));
    await waitFor(async () => (await requests()).length === 1, { timeoutMs: 20_000, description: 'the first request' });
    await core.ingest(definitions());
    await core.ingest(observation('v2'));
    // child's first run is still in flight: v2 is owed, not requested twice.
    await waitFor(() => core.latestTick()?.result.skipped.some((s) => s.asset === 'child') ?? false, { timeoutMs: 20_000, description: 'child skipped while in flight' });
    expect(await requests()).toHaveLength(1);
  });

  it('rebuilds from the log after a restart and requests nothing twice', async () => {
    const first = await planner();
    await first.ingest(definitions());
    await first.ingest(observation('v1'));
    await waitFor(async () => (await requests()).length === 1, { timeoutMs: 20_000, description: 'the first request' });
    await first.stop();

    const second = await planner();
    await waitFor(() => second.isLeader && second.latestTick() !== null, { timeoutMs: 20_000, description: 'the second planner to tick' });
    second.requestTick();
    await second.idle();
    expect(await requests()).toHaveLength(1);
    // Its cursor went on from the first planner's (one saved version after another).
    expect((await eventLog.loadCursor('planner'))?.version).toBeGreaterThan(1);
  });

  it('rejects definitions the domain cannot build a graph from, as non-retriable', async () => {
    const core = await planner();
    const cyclic: DefinitionsV1 = {
      codeLocation: 'spec',
      assets: [
        { key: 'x', deps: ['y'] },
        { key: 'y', deps: ['x'] },
      ],
      sources: [],
    };
    await expect(core.ingest(definitions(cyclic))).rejects.toMatchObject({ nonRetriable: true, code: 'INVALID_DEFINITIONS' });
    expect(await eventLog.latestStorageId()).toBe(0);
  });

  it('runs a write made on its behalf between two ticks, never during one, and ticks after it', async () => {
    const core = await planner();
    await core.ingest(definitions());
    await waitFor(() => core.latestTick() !== null, { timeoutMs: 20_000, description: 'a first tick' });
    const ticks: number[] = [];
    core.onTick((report) => ticks.push(report.at));
    let inside = false;
    const during: boolean[] = [];
    core.onTick(() => during.push(inside));
    const result = await core.betweenTicks(async () => {
      inside = true;
      // Events keep asking for ticks while the write runs; none may start before it ends.
      await core.ingest(observation('v1'));
      core.requestTick();
      await new Promise((resolve) => setTimeout(resolve, 300));
      inside = false;
      return 'written';
    });
    expect(result).toBe('written');
    await waitFor(async () => (await requests()).length === 1 && ticks.length > 0, { timeoutMs: 20_000, description: 'the request the next tick makes' });
    expect(during.every((d) => !d)).toBe(true);
  });

  it('has the state forget its update log up to the cursor after each tick (it would grow with every record)', async () => {
    const compact = jest.spyOn(PlannerState.prototype, 'compact');
    try {
      const core = await planner();
      await core.ingest(definitions());
      for (const v of ['v1', 'v2', 'v3']) await core.ingest(observation(v));
      await waitFor(async () => (await requests()).length === 1, { timeoutMs: 20_000, description: 'a request for child' });
      core.requestTick();
      await core.idle();
      const cursor = core.latestTick()?.result.cursor.lastStorageId ?? 0;
      expect(cursor).toBeGreaterThan(0);
      expect(compact).toHaveBeenLastCalledWith(cursor);
    } finally {
      compact.mockRestore();
    }
  });
});
