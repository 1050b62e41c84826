// The worker core with the in-memory bus and locks and the embedded event log.
import { TOPICS, createEvent, decode, topicConfigs, type RunEventV1 } from '@freshet/contracts';
import { InMemoryEventBus, TypedBus, silentBusLogger } from '@freshet/messaging';
import { asset, defineCodeLocation } from '@freshet/sdk';
import { RecordTypes, createEmbeddedEventLog, type EventLog } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import { silentLogger } from '../logger';
import { InMemoryPartitionLocks } from './partition-locks';
import { WorkerCore, type RequestEvent } from './worker-core';

const order: string[] = [];
const location = defineCodeLocation({
  name: 'wk',
  sources: [],
  assets: [
    asset({ key: 'up', compute: () => void order.push('up') }),
    asset({ key: 'down', deps: ['up'], compute: () => void order.push('down') }),
  ],
  resources: {},
});

const request = (runId: string, codeLocation = 'wk'): RequestEvent =>
  createEvent(
    'dev.freshet.materialization-request.v1',
    {
      runId,
      codeLocation,
      assetPartitions: [{ asset: 'up' }, { asset: 'down' }],
      reasons: [{ asset: 'up', codes: ['missing'], sentence: 'up has never been materialized' }],
      attempt: 1,
      plannerEpoch: 1,
      requestedAt: new Date().toISOString(),
    },
    { source: 'spec' },
  );

// Opening the embedded event log (PGlite compiled to WASM) takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('WorkerCore', () => {
  let eventLog: EventLog;
  let bus: InMemoryEventBus;
  let locks: InMemoryPartitionLocks;
  const events: RunEventV1[] = [];
  const heartbeat = (): Promise<void> => Promise.resolve();
  const worker = (): WorkerCore =>
    new WorkerCore({ location, eventLog, bus: new TypedBus(bus, 'spec'), locks, logger: silentLogger }, { workerId: 'w-1', lockTtlMs: 5000, log: () => undefined });

  beforeAll(async () => {
    eventLog = await createEmbeddedEventLog();
  });

  afterAll(async () => {
    await eventLog.close();
  });

  beforeEach(async () => {
    order.length = 0;
    events.length = 0;
    locks = new InMemoryPartitionLocks();
    bus = new InMemoryEventBus({ logger: silentBusLogger });
    await bus.ensureTopics(topicConfigs());
    await bus.subscribe({
      topics: [TOPICS.runEvents.name],
      group: 'spec',
      fromBeginning: true,
      handle: (delivery) => {
        const result = decode(delivery.value);
        if (result.ok && result.event.type === 'dev.freshet.run-event.v1') events.push(result.event.data);
        return Promise.resolve();
      },
    });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('runs the request in dependency order and reports each step', async () => {
    const outcome = await worker().handleRequest(request('run-1'), heartbeat);
    expect(outcome).toEqual({ runId: 'run-1', status: 'completed' });
    expect(order).toEqual(['up', 'down']);
    await waitFor(() => events.length === 4, { description: 'four run events' });
    expect(events.map((e) => (e.kind === 'assetMaterialized' ? `${e.kind}:${e.asset}` : e.kind))).toEqual([
      'started',
      'assetMaterialized:up',
      'assetMaterialized:down',
      'completed',
    ]);
    expect(events[0]).toMatchObject({ kind: 'started', workerId: 'w-1', codeLocation: 'wk' });
  });

  it('skips a run the event log says is finished, and a request for another code location', async () => {
    await eventLog.append([{ eventId: 'done-run', type: RecordTypes.runCompleted, runId: 'run-done', occurredAt: Date.now(), payload: {} }]);
    expect(await worker().handleRequest(request('run-done'), heartbeat)).toMatchObject({ status: 'skipped', reason: 'already finished' });
    expect(await worker().handleRequest(request('run-x', 'other'), heartbeat)).toMatchObject({ status: 'skipped' });
    expect(order).toEqual([]);
  });

  it('waits for another holder of an asset partition before running', async () => {
    await locks.tryAcquireAll([{ asset: 'down', partition: null }], 'someone-else', 60_000);
    const running = worker().handleRequest(request('run-2'), heartbeat);
    await waitFor(() => events.length === 0 && order.length === 0, { description: 'nothing to run yet' });
    await locks.releaseAll([{ asset: 'down', partition: null }], 'someone-else');
    expect(await running).toEqual({ runId: 'run-2', status: 'completed' });
    expect(order).toEqual(['up', 'down']);
  });
});
