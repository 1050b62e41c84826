// The observer core with the in-memory bus and cache and the embedded event log.
import { InMemoryGraphCache } from '@freshet/cache';
import { TOPICS, createEvent, decode, topicConfigs } from '@freshet/contracts';
import { InMemoryEventBus, TypedBus, silentBusLogger } from '@freshet/messaging';
import { asset, defineCodeLocation, observableSource } from '@freshet/sdk';
import { createEmbeddedEventLog, type EventLog } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import { silentLogger } from '../logger';
import { ObserverCore, type SourceChangeEvent } from './observer-core';

const location = defineCodeLocation({
  name: 'obs',
  sources: [observableSource({ key: 'files', observe: () => 'from-observe', intervalSeconds: 3600 })],
  assets: [asset({ key: 'table', deps: ['files'], compute: () => undefined })],
  resources: {},
});

const change = (assetKey: string, dataVersion?: string, partition?: string): SourceChangeEvent =>
  createEvent(
    'dev.freshet.source-change.v1',
    { asset: assetKey, occurredAt: new Date().toISOString(), ...(dataVersion === undefined ? {} : { dataVersion }), ...(partition === undefined ? {} : { partition }) },
    { source: 'spec' },
  );

// Opening the embedded event log (PGlite compiled to WASM) takes seconds on a busy machine.
jest.setTimeout(30_000);

describe('ObserverCore', () => {
  let eventLog: EventLog;
  let bus: InMemoryEventBus;
  let cache: InMemoryGraphCache;
  const published: string[] = [];

  const observer = (emitUnchanged = false): ObserverCore =>
    new ObserverCore({ location, bus: new TypedBus(bus, 'spec'), cache, eventLog, logger: silentLogger }, { emitUnchanged, schedule: false });

  beforeAll(async () => {
    eventLog = await createEmbeddedEventLog();
  });

  afterAll(async () => {
    await eventLog.close();
  });

  beforeEach(async () => {
    published.length = 0;
    cache = new InMemoryGraphCache();
    bus = new InMemoryEventBus({ logger: silentBusLogger });
    await bus.ensureTopics(topicConfigs());
    await bus.subscribe({
      topics: [TOPICS.observations.name],
      group: 'spec',
      fromBeginning: true,
      handle: (delivery) => {
        const result = decode(delivery.value);
        if (result.ok && result.event.type === 'dev.freshet.observation.v1') published.push(result.event.data.dataVersion);
        return Promise.resolve();
      },
    });
  });

  afterEach(async () => {
    await bus.close();
  });

  it('emits an observation only when the data version changed', async () => {
    const core = observer();
    expect(await core.handleSourceChange(change('files', 'v1'))).toBe(true);
    expect(await core.handleSourceChange(change('files', 'v1'))).toBe(false);
    expect(await core.handleSourceChange(change('files', 'v2'))).toBe(true);
    await waitFor(() => published.length === 2, { description: 'two observations' });
    expect(published).toEqual(['v1', 'v2']);
  });

  it('emits every change when configured to', async () => {
    const core = observer(true);
    await core.handleSourceChange(change('files', 'v1'));
    await core.handleSourceChange(change('files', 'v1'));
    await waitFor(() => published.length === 2, { description: 'two observations' });
  });

  it('asks the observe function when the change carries no version', async () => {
    await observer().handleSourceChange(change('files'));
    await waitFor(() => published.length === 1, { description: 'an observation' });
    expect(published).toEqual(['from-observe']);
  });

  it('rejects unknown assets and materializable ones as non-retriable, with the reason', async () => {
    const core = observer();
    await expect(core.handleSourceChange(change('nobody'))).rejects.toMatchObject({ nonRetriable: true, message: 'unknown asset nobody: no code location defines it' });
    await expect(core.handleSourceChange(change('table'))).rejects.toMatchObject({ nonRetriable: true, code: 'NOT_A_SOURCE' });
  });

  it('knows the sources of other code locations from the graph cache', async () => {
    await cache.publishGraph({ assets: [{ key: 'elsewhere', deps: [], spec: { key: 'elsewhere', kind: 'observableSource' } }] });
    expect(await observer().handleSourceChange(change('elsewhere', 'x1'))).toBe(true);
  });

  it('rejects a partition key the source does not have: time windows by their key format and start, static by key', async () => {
    await cache.publishGraph({
      assets: [
        { key: 'hourly_feed', deps: [], spec: { key: 'hourly_feed', kind: 'observableSource', partitions: { kind: 'hourly', start: '2024-01-01-00:00' } } },
        { key: 'regions', deps: [], spec: { key: 'regions', kind: 'observableSource', partitions: { kind: 'static', keys: ['eu', 'us'] } } },
      ],
    });
    const core = observer();
    expect(await core.handleSourceChange(change('hourly_feed', 'h1', '2024-03-01-05:00'))).toBe(true);
    for (const bad of ['2024-03-01', '2024-13-01-05:00', '2023-12-31-23:00', 'yesterday'])
      await expect(core.handleSourceChange(change('hourly_feed', 'h2', bad))).rejects.toMatchObject({ nonRetriable: true, code: 'UNKNOWN_PARTITION', message: `hourly_feed has no partition "${bad}"` });
    await expect(core.handleSourceChange(change('hourly_feed', 'h3'))).rejects.toMatchObject({ nonRetriable: true, code: 'MISSING_PARTITION' });
    expect(await core.handleSourceChange(change('regions', 'r1', 'eu'))).toBe(true);
    await expect(core.handleSourceChange(change('regions', 'r2', 'asia'))).rejects.toMatchObject({ nonRetriable: true, code: 'UNKNOWN_PARTITION' });
  });
});
