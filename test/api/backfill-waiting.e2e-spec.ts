// A backfill the planner cannot make progress on says why: `freshet backfill` and the API show the
// planner's reason while partitions are held back, and the backfill completes once it can.
import * as path from 'node:path';
import type { BackfillProgress } from '@freshet/api';
import type { DevRuntime } from '../../apps/cli/src/commands/dev-runtime';
import { call, startFixtureRuntime, waitFor } from './support';

jest.setTimeout(120_000);

const DAY = 86_400_000;
const dayKey = (daysAgo: number): string => new Date(Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY).toISOString().slice(0, 10);

describe('a backfill held back by the planner', () => {
  let runtime: DevRuntime;
  let base: string;

  beforeAll(async () => {
    runtime = await startFixtureRuntime({}, path.join(__dirname, 'fixtures', 'backfill-location.ts'));
    base = runtime.api.url;
    await waitFor('the planner to have ticked', async () => ((await call(base, 'GET', '/api/assets')).status === 200 ? true : undefined), 60_000);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  const progressOf = async (id: string): Promise<BackfillProgress> => (await call<BackfillProgress>(base, 'GET', `/api/backfills/${id}`)).body;

  it('names why its partitions wait (parents never materialized), then completes once the parents are built', async () => {
    const launched = await call<{ backfillId: string }>(base, 'POST', '/api/backfills', { body: { asset: 'rollup', from: dayKey(5), to: dayKey(4) } });
    expect(launched.status).toBe(202);
    const id = launched.body.backfillId;
    const held = await waitFor('the rollup backfill to be held back', async () => {
      const p = await progressOf(id);
      return p.assets[0]?.waiting ? p : undefined;
    });
    expect(held).toMatchObject({ status: 'running', done: 0, pending: 2 });
    expect(held.assets[0]?.waiting?.reasons).toContain('parentMissing');
    expect(held.assets[0]?.waiting?.sentence).toMatch(/events/);

    const parents = await call(base, 'POST', '/api/backfills', { body: { asset: 'events', from: dayKey(5), to: dayKey(4) } });
    expect(parents.status).toBe(202);
    const done = await waitFor('the rollup backfill to complete', async () => {
      const p = await progressOf(id);
      return p.status === 'completed' ? p : undefined;
    }, 60_000);
    expect(done.assets).toEqual([{ asset: 'rollup', total: 2, done: 2, failed: 0, running: 0, waiting: null }]);
  });
});
