import { RunEventV1, explain } from '@freshet/contracts';
import { createInMemoryExecutionEnv } from '@freshet/testing';
import {
  asset,
  defineCodeLocation,
  executeRun,
  multiAsset,
  observableSource,
  source,
  toRunEventV1,
  type AssetMaterializedEvent,
  type ComputeContext,
  type RunRequest,
} from '@freshet/sdk';

const fixedClock = () => {
  let t = Date.UTC(2024, 0, 2, 9, 0);
  return () => (t += 1000);
};

/** A diamond raw → (left, right) → joined, recording the order computes ran in. */
function diamond(calls: string[], failing = new Set<string>()) {
  const compute = (ctx: ComputeContext) => {
    calls.push(ctx.asset);
    if (failing.has(ctx.asset)) throw new Error(`${ctx.asset} broke`);
    ctx.logger.info('computed', { asset: ctx.asset });
  };
  return defineCodeLocation({
    name: 'diamond',
    sources: [observableSource({ key: 'events_feed', observe: () => 'v1' }), source({ key: 'manual_sheet' })],
    assets: [
      asset({ key: 'joined', deps: ['left', 'right'], codeVersion: '1', compute }),
      asset({ key: 'right', deps: ['raw'], codeVersion: '1', compute }),
      asset({ key: 'left', deps: ['raw'], codeVersion: '1', compute }),
      asset({ key: 'raw', deps: ['events_feed'], codeVersion: '1', compute }),
      asset({ key: 'tail', deps: ['joined'], codeVersion: '1', compute }),
      asset({ key: 'sheet_copy', deps: ['manual_sheet'], codeVersion: '1', compute }),
    ],
  });
}

const request = (runId: string, assets: string[]): RunRequest => ({
  runId,
  attempt: 1,
  assetPartitions: assets.map((a) => ({ asset: a, partition: null })),
});

describe('executeRun', () => {
  it('runs the members in dependency order whatever the order of the request', async () => {
    const calls: string[] = [];
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    env.observe('events_feed', null, 'v1');
    const result = await executeRun(diamond(calls), request('r1', ['tail', 'joined', 'right', 'left', 'raw']), env);
    expect(result.status).toBe('completed');
    expect(calls).toEqual(['raw', 'left', 'right', 'joined', 'tail']);
    expect(env.events.map((e) => e.type)).toEqual([
      'started',
      'assetMaterialized',
      'assetMaterialized',
      'assetMaterialized',
      'assetMaterialized',
      'assetMaterialized',
      'completed',
    ]);
  });

  it('points inputs at records in the log, and at this run\'s own materializations for parents in the run', async () => {
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    const observationId = env.observe('events_feed', null, 'feed-v7');
    await executeRun(diamond([]), request('r1', ['raw', 'left']), env);
    const [raw, left] = env.ofType('assetMaterialized');
    expect(raw?.inputs).toEqual([
      { asset: 'events_feed', partition: null, storageId: observationId, eventId: null, dataVersion: 'feed-v7', dataTime: null, producedInRun: false },
    ]);
    expect(left?.inputs).toEqual([
      { asset: 'raw', partition: null, storageId: env.latest('raw', null)?.storageId, eventId: raw?.eventId, dataVersion: raw?.dataVersion, dataTime: raw?.dataTime, producedInRun: true },
    ]);

    // A later run reading `left` and a parent outside the run.
    await executeRun(diamond([]), request('r2', ['right', 'joined']), env);
    const joined = env.ofType('assetMaterialized').find((e) => e.asset === 'joined');
    expect(joined?.inputs.map((i) => [i.asset, i.producedInRun, i.storageId])).toEqual([
      ['left', false, env.latest('left', null)?.storageId],
      ['right', true, env.latest('right', null)?.storageId],
    ]);
  });

  it('records the code version and a data version that is stable for unchanged code and inputs', async () => {
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    env.observe('events_feed', null, 'feed-v1');
    await executeRun(diamond([]), request('r1', ['raw', 'left']), env);
    await executeRun(diamond([]), request('r2', ['raw', 'left']), env);
    const versions = (asset: string) => env.ofType('assetMaterialized').filter((e) => e.asset === asset).map((e) => e.dataVersion);
    const [first, second] = versions('raw');
    expect(first).toBe(second);
    expect(versions('left')[0]).toBe(versions('left')[1]);
    expect(env.ofType('assetMaterialized')[0]?.codeVersion).toBe('1');

    // New source data ⇒ new versions all the way down.
    env.observe('events_feed', null, 'feed-v2');
    await executeRun(diamond([]), request('r3', ['raw', 'left']), env);
    expect(versions('raw')[2]).not.toBe(first);
    expect(versions('left')[2]).not.toBe(versions('left')[0]);
  });

  it('gives an asset with no tracked input a new data version every time, and uses the run id as code version when none is set', async () => {
    const location = defineCodeLocation({
      name: 'roots',
      sources: [source({ key: 'manual_sheet' })],
      assets: [
        asset({ key: 'unversioned_root', compute: () => undefined }),
        asset({ key: 'sheet_copy', deps: ['manual_sheet'], codeVersion: '1', compute: () => undefined }),
        asset({ key: 'pinned', codeVersion: '1', compute: () => ({ dataVersion: 'user-v1', metadata: { rows: 3 } }) }),
      ],
    });
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    await executeRun(location, request('r1', ['unversioned_root', 'sheet_copy', 'pinned']), env);
    await executeRun(location, request('r2', ['unversioned_root', 'sheet_copy', 'pinned']), env);
    const byAsset = (key: string) => env.ofType('assetMaterialized').filter((e) => e.asset === key);
    const [u1, u2] = byAsset('unversioned_root');
    expect(u1?.codeVersion).toBe('r1');
    expect(u2?.codeVersion).toBe('r2');
    expect(u1?.dataVersion).not.toBe(u2?.dataVersion);
    const [s1, s2] = byAsset('sheet_copy');
    expect(s1?.dataVersion).not.toBe(s2?.dataVersion);
    expect(byAsset('pinned').map((e) => [e.dataVersion, e.dataVersionIsUserProvided, e.metadata])).toEqual([
      ['user-v1', true, { rows: 3 }],
      ['user-v1', true, { rows: 3 }],
    ]);
  });

  it('stops the descendants of a failed asset and reports them as skipped with the reason', async () => {
    const calls: string[] = [];
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    env.observe('events_feed', null, 'v1');
    const result = await executeRun(diamond(calls, new Set(['left'])), request('r1', ['raw', 'left', 'right', 'joined', 'tail']), env);
    expect(result.status).toBe('failed');
    expect(calls).toEqual(['raw', 'left', 'right']);
    const failed = env.ofType('assetFailed');
    expect(failed.map((f) => [f.asset, f.kind, f.blockedBy?.asset ?? null])).toEqual([
      ['left', 'error', null],
      ['joined', 'upstreamFailed', 'left'],
      ['tail', 'upstreamFailed', 'left'],
    ]);
    expect(failed[0]?.error.message).toBe('left broke');
    expect(failed[0]?.error.stack).toContain('left broke');
    expect(failed[1]?.error.message).toContain('left');
    const end = env.ofType('failed')[0];
    expect(end?.materialized.map((r) => r.asset)).toEqual(['raw', 'right']);
    expect(end?.failed.map((r) => r.asset)).toEqual(['left']);
    expect(end?.skipped.map((r) => r.asset)).toEqual(['joined', 'tail']);
    expect(env.latest('joined', null)).toBeNull();
  });

  it('fails an asset whose compute passes its timeout, and aborts its signal', async () => {
    let aborted = false;
    const location = defineCodeLocation({
      name: 'slow',
      assets: [
        asset({
          key: 'slow',
          timeoutSeconds: 0.05,
          compute: (ctx) =>
            new Promise<void>((resolve) => {
              ctx.signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        }),
        asset({ key: 'after_slow', deps: ['slow'], compute: () => undefined }),
      ],
    });
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(location, request('r1', ['slow', 'after_slow']), env);
    expect(result.failed.map((f) => [f.asset, f.kind])).toEqual([['slow', 'timeout']]);
    expect(result.skipped.map((f) => [f.asset, f.kind])).toEqual([['after_slow', 'upstreamFailed']]);
    expect(aborted).toBe(true);
  });

  it('writes structured log lines carrying the run id, and keeps them on the event', async () => {
    const env = createInMemoryExecutionEnv({ now: fixedClock() });
    env.observe('events_feed', null, 'v1');
    await executeRun(diamond([]), request('run-42', ['raw']), env);
    const line = env.logs.find((l) => l.message === 'computed');
    expect(line).toMatchObject({ level: 'info', runId: 'run-42', attempt: 1, asset: 'raw', partition: null, fields: { asset: 'raw' } });
    const event = env.ofType('assetMaterialized')[0] as AssetMaterializedEvent;
    expect(event.logs.some((l) => l.message === 'computed')).toBe(true);
    expect(event.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports requested assets that the location cannot materialize, without running anything for them', async () => {
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(diamond([]), { runId: 'r1', attempt: 2, assetPartitions: [{ asset: 'events_feed', partition: null }, { asset: 'nope', partition: null }, { asset: 'raw', partition: '2024-01-01' }] }, env);
    expect(result.failed.map((f) => [f.asset, f.kind, f.attempt])).toEqual([
      ['events_feed', 'invalidRequest', 2],
      ['nope', 'invalidRequest', 2],
      ['raw', 'invalidRequest', 2],
    ]);
    expect(result.failed[0]?.error.message).toContain('source');
  });

  it('runs hourly partitions before the daily partition that reads them, pointing at each hour', async () => {
    const hours = Array.from({ length: 24 }, (_, h) => `2024-01-01-${String(h).padStart(2, '0')}:00`);
    const calls: string[] = [];
    const location = defineCodeLocation({
      name: 'parts',
      assets: [
        asset({ key: 'daily', deps: ['hourly'], codeVersion: '1', partitions: { kind: 'daily', start: '2024-01-01' }, compute: (ctx) => void calls.push(`${ctx.asset}:${ctx.partition}`) }),
        asset({ key: 'hourly', codeVersion: '1', partitions: { kind: 'hourly', start: '2024-01-01-00:00' }, compute: (ctx) => void calls.push(`${ctx.asset}:${ctx.partition}`) }),
      ],
    });
    const env = createInMemoryExecutionEnv();
    // Hours 0..22 were built earlier; 23 is built in this run with the day.
    await executeRun(location, { runId: 'r0', attempt: 1, assetPartitions: hours.slice(0, 23).map((p) => ({ asset: 'hourly', partition: p })) }, env);
    await executeRun(location, { runId: 'r1', attempt: 1, assetPartitions: [{ asset: 'daily', partition: '2024-01-01' }, { asset: 'hourly', partition: hours[23] as string }] }, env);
    expect(calls.slice(-2)).toEqual(['hourly:2024-01-01-23:00', 'daily:2024-01-01']);
    const daily = env.ofType('assetMaterialized').find((e) => e.asset === 'daily');
    expect(daily?.inputs.map((i) => i.partition)).toEqual(hours);
    expect(daily?.inputs.filter((i) => i.producedInRun).map((i) => i.partition)).toEqual([hours[23]]);
    expect(daily?.inputs.every((i) => i.storageId !== null)).toBe(true);
  });

  it('computes a multi-asset once for its members and records each member', async () => {
    let calls = 0;
    const location = defineCodeLocation({
      name: 'multi',
      assets: [
        asset({ key: 'base', codeVersion: '1', compute: () => ({ dataVersion: 'b1' }) }),
        multiAsset({
          name: 'stats',
          codeVersion: '1',
          assets: [{ key: 'stats_a', deps: ['base'] }, { key: 'stats_b', deps: ['stats_a'] }],
          compute: (ctx) => {
            calls += 1;
            return { stats_a: { metadata: { selected: ctx.selected.join(',') } } };
          },
        }),
      ],
    });
    const env = createInMemoryExecutionEnv();
    const result = await executeRun(location, request('r1', ['stats_b', 'stats_a', 'base']), env);
    expect(result.status).toBe('completed');
    expect(calls).toBe(1);
    const [base, a, b] = result.materialized;
    expect([base?.asset, a?.asset, b?.asset]).toEqual(['base', 'stats_a', 'stats_b']);
    expect(a?.metadata).toEqual({ selected: 'stats_a,stats_b' });
    expect(b?.inputs[0]).toMatchObject({ asset: 'stats_a', producedInRun: true, eventId: a?.eventId });
  });

  it('maps every event it emits onto a valid run-event contract payload', async () => {
    const env = createInMemoryExecutionEnv({ now: fixedClock(), overrides: {} });
    env.observe('events_feed', null, 'v1');
    // Same-run parents without a storage id yet are named by event id in the contract form.
    const noStorageIds = { ...env, emit: (event: Parameters<typeof env.emit>[0]) => void env.events.push(event) };
    await executeRun(diamond([], new Set(['right'])), request('r1', ['raw', 'left', 'right', 'joined', 'sheet_copy']), noStorageIds);
    const mapped = env.events.map((event) => toRunEventV1(event, { workerId: 'worker-1', codeLocation: 'diamond' }));
    for (const payload of mapped) expect(explain(RunEventV1, payload)).toEqual([]);
    expect(mapped.map((p) => p.kind)).toEqual(['started', 'assetMaterialized', 'assetMaterialized', 'assetMaterialized', 'assetFailed', 'assetFailed', 'failed']);
    const left = mapped.find((p) => p.kind === 'assetMaterialized' && p.asset === 'left');
    const raw = env.ofType('assetMaterialized').find((e) => e.asset === 'raw');
    expect(left?.kind === 'assetMaterialized' && left.inputs).toEqual([{ asset: 'raw', storageId: `event:${raw?.eventId}`, dataVersion: raw?.dataVersion }]);
    // A plain source never recorded has no pointer in the contract form.
    const sheet = mapped.find((p) => p.kind === 'assetMaterialized' && p.asset === 'sheet_copy');
    expect(sheet?.kind === 'assetMaterialized' && sheet.inputs).toEqual([]);
  });
});
