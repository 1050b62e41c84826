// The HTTP API against a real planner: `freshet dev`'s runtime (planner, worker and observer Nest
// apps on the embedded adapters) started in-process on a small fixture, no service mocked.
import { FreshetMetrics, HealthChecks } from '@freshet/observability';
import { silentLogger } from '@freshet/runtime';
import { startApiServer, type ApiServer, type AssetView, type BackfillProgress, type StoredDecision, type WhyAnswer } from '@freshet/api';
import type { DevRuntime } from '../../apps/cli/src/commands/dev-runtime';
import { TOKEN, call, startFixtureRuntime, waitFor } from './support';

jest.setTimeout(120_000);

type Assets = { assets: AssetView[] };
const DAY = 86_400_000;
const dayKey = (daysAgo: number): string => new Date(Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY).toISOString().slice(0, 10);

describe('HTTP API of a running planner', () => {
  let runtime: DevRuntime;
  let base: string;

  const statusOf = async (key: string): Promise<string | undefined> => {
    const reply = await call<Assets>(base, 'GET', '/api/assets');
    return reply.body.assets?.find((a) => a.key === key)?.status;
  };

  beforeAll(async () => {
    runtime = await startFixtureRuntime();
    base = runtime.api.url;
    await waitFor('p, q and c fresh after the first observation', async () => {
      const statuses = await Promise.all(['p', 'q', 'c'].map(statusOf));
      return statuses.every((s) => s === 'fresh') ? true : undefined;
    }, 60_000);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  describe('auth', () => {
    it('answers reads and mutations only to the bearer token (401 without, 403 with a wrong one)', async () => {
      expect((await call(base, 'GET', '/api/assets', { token: null })).status).toBe(401);
      expect((await call(base, 'GET', '/api/assets', { token: 'wrong' })).status).toBe(403);
      expect((await call(base, 'GET', '/api/assets')).status).toBe(200);
      const noToken = await call(base, 'POST', '/api/materializations', { token: null, body: { selection: 'q' } });
      expect(noToken).toEqual({ status: 401, body: expect.objectContaining({ message: 'send Authorization: Bearer <FRESHET_API_TOKEN>' }) });
      expect((await call(base, 'POST', '/api/backfills', { token: 'wrong', body: { asset: 'events', from: dayKey(3), to: dayKey(2) } })).status).toBe(403);
    });

    it('with open reads, answers GETs without a token and still guards mutations; without a configured token, refuses every mutation', async () => {
      const deps = { planner: runtime.planner, eventLog: runtime.eventLog, logger: silentLogger, health: new HealthChecks(), metrics: new FreshetMetrics('test') };
      const open: ApiServer = await startApiServer({ ...deps, auth: { token: TOKEN, openReads: true } }, { port: 0, host: '127.0.0.1' });
      const tokenless: ApiServer = await startApiServer({ ...deps, auth: { token: undefined, openReads: false } }, { port: 0, host: '127.0.0.1' });
      try {
        expect((await call(open.url, 'GET', '/api/assets', { token: null })).status).toBe(200);
        expect((await call(open.url, 'GET', '/api/runs', { token: null })).status).toBe(200);
        expect((await call(open.url, 'POST', '/api/materializations', { token: null, body: { selection: 'q' } })).status).toBe(401);
        const refused = await call(tokenless.url, 'POST', '/api/materializations', { token: 'anything', body: { selection: 'q' } });
        expect(refused.status).toBe(403);
        expect(refused.body['message']).toContain('no FRESHET_API_TOKEN is configured');
      } finally {
        await open.close();
        await tokenless.close();
      }
    });
  });

  describe('bad input gets a 400 naming the field', () => {
    const cases: [string, string, string, unknown, string][] = [
      ['materialize: no selection', 'POST', '/api/materializations', {}, 'selection'],
      ['materialize: unknown asset', 'POST', '/api/materializations', { selection: 'nope+' }, 'selection'],
      ['materialize: a source', 'POST', '/api/materializations', { selection: 'raw' }, 'selection'],
      ['materialize: partitioned asset without partition', 'POST', '/api/materializations', { selection: 'events' }, 'partition'],
      ['materialize: unknown partition', 'POST', '/api/materializations', { selection: 'events', partition: '1999-01-01' }, 'partition'],
      ['materialize: unknown field', 'POST', '/api/materializations', { selection: 'q', force: true }, 'force'],
      ['materialize: wrong type', 'POST', '/api/materializations', { selection: 7 }, 'selection'],
      ['backfill: no from', 'POST', '/api/backfills', { asset: 'events', to: dayKey(2) }, 'from'],
      ['backfill: unpartitioned asset', 'POST', '/api/backfills', { asset: 'q', from: 'a', to: 'b' }, 'asset'],
      ['backfill: to before from', 'POST', '/api/backfills', { asset: 'events', from: dayKey(2), to: dayKey(4) }, 'to'],
      ['backfill: downstream not a boolean', 'POST', '/api/backfills', { asset: 'events', from: dayKey(4), to: dayKey(2), downstream: 'yes' }, 'downstream'],
    ];
    it.each(cases)('%s', async (_name, method, route, body, field) => {
      const reply = await call(base, method, route, { body });
      expect({ status: reply.status, field: reply.body['field'] }).toEqual({ status: 400, field });
      expect(String(reply.body['message'])).toMatch(new RegExp(`^${field}: `));
    });

    it('in query parameters and malformed JSON bodies too', async () => {
      const at = await call(base, 'GET', '/api/assets/c/why?at=yesterday');
      expect({ status: at.status, field: at.body['field'] }).toEqual({ status: 400, field: 'at' });
      const status = await call(base, 'GET', '/api/runs?status=bogus');
      expect({ status: status.status, field: status.body['field'] }).toEqual({ status: 400, field: 'status' });
      const limit = await call(base, 'GET', '/api/assets/c/decisions?limit=0');
      expect({ status: limit.status, field: limit.body['field'] }).toEqual({ status: 400, field: 'limit' });
      const state = await call(base, 'GET', '/api/violations?state=later');
      expect({ status: state.status, field: state.body['field'] }).toEqual({ status: 400, field: 'state' });
      const json = await call(base, 'POST', '/api/materializations', { rawBody: '{"selection": ' });
      expect({ status: json.status, field: json.body['field'] }).toEqual({ status: 400, field: 'body' });
      expect((await call(base, 'GET', '/api/assets/nope')).status).toBe(404);
      expect((await call(base, 'GET', '/api/runs/nope')).status).toBe(404);
      expect((await call(base, 'GET', '/api/backfills/nope')).status).toBe(404);
    });
  });

  it('lists assets with status, data time, lag and deadlines, and one asset with its lineage', async () => {
    const { body } = await call<Assets>(base, 'GET', '/api/assets');
    expect(body.assets.map((a) => a.key)).toEqual(expect.arrayContaining(['raw', 'p', 'q', 'c', 'report', 'events', 'events_summary']));
    const c = await call<AssetView>(base, 'GET', '/api/assets/c');
    expect(c.body).toMatchObject({ key: 'c', kind: 'materializable', status: 'fresh', deps: ['p', 'q'], codeLocation: 'shop', staleCauses: [] });
    expect(c.body.dataTime).not.toBeNull();
    expect(c.body.lagMinutes).toEqual(expect.any(Number));
    const report = await call<AssetView>(base, 'GET', '/api/assets/report');
    expect(report.body).toMatchObject({ status: 'missing', freshnessPolicy: { maximumLagMinutes: 0.05 }, dataTime: null });
    // Never run: its pipeline is unknown, so the fit is a floor of 0 minutes; an asset without a policy has none.
    expect(report.body.policyFit).toEqual({ pipelineMinutes: 0, partial: true, fit: 'ok' });
    expect(c.body.policyFit).toBeNull();
    const events = await call<AssetView>(base, 'GET', '/api/assets/events');
    expect(events.body).toMatchObject({ status: 'missing', partitionsKind: 'daily', children: ['events_summary'] });
    expect(events.body.partitions?.total).toBeGreaterThanOrEqual(10);
  });

  it('materializes by hand through the planner path: in flight at once (409 on a second request), and a child that waits records why', async () => {
    const p = await call<{ runs: { runId: string; assetPartitions: unknown[] }[] }>(base, 'POST', '/api/materializations', { body: { selection: 'p' } });
    expect(p.status).toBe(202);
    expect(p.body.runs).toEqual([{ runId: expect.any(String), codeLocation: 'shop', assetPartitions: [{ asset: 'p', partition: null }] }]);
    const again = await call(base, 'POST', '/api/materializations', { body: { selection: 'p' } });
    expect(again.status).toBe(409);
    expect(again.body['message']).toContain('already in flight: p');
    const q = await call(base, 'POST', '/api/materializations', { body: { selection: 'q' } });
    expect(q.status).toBe(202);

    // q lands first; c must wait for p, which is still running by hand.
    const skipped = await waitFor('c skipped while p runs', async () => {
      const { body } = await call<{ decisions: StoredDecision[] }>(base, 'GET', '/api/assets/c/decisions');
      return body.decisions.find((d) => d.kind === 'skipped' && d.reasons.includes('parentInProgress'));
    });
    expect(skipped.sentence).toContain('p');
    const requested = await waitFor('c requested once p landed', async () => {
      const { body } = await call<{ decisions: StoredDecision[] }>(base, 'GET', '/api/assets/c/decisions');
      return body.decisions.find((d) => d.kind === 'requested' && d.at >= skipped.at);
    });
    expect(requested.reasons).toContain('parentUpdated');

    const why = await call<WhyAnswer>(base, 'GET', `/api/assets/c/why?at=${encodeURIComponent(new Date(skipped.at).toISOString())}`);
    expect(why.status).toBe(200);
    expect(why.body.decision).toMatchObject({ kind: 'skipped', reasons: expect.arrayContaining(['parentInProgress']) });
    expect(why.body.answer).toMatch(/^c did not run: at .* the planner skipped it \(parentInProgress\)/);
    const whyNow = await waitFor('the run of c to finish', async () => {
      const { body } = await call<WhyAnswer>(base, 'GET', '/api/assets/c/why');
      return body.run?.status === 'succeeded' ? body : undefined;
    });
    expect(whyNow.answer).toMatch(/^c was requested at .* \(parentUpdated\)/);
    expect(whyNow.answer).toContain(`Run ${requested.runId ?? ''} succeeded`);
    // Asked about now, the answer is in the present tense; about an instant, as of that instant.
    expect(whyNow.answer).toMatch(/c was last materialized at \S+\.$/);
    expect(why.body.answer).toMatch(/c (was last materialized before then at \S+|had never been materialized by then)\.$/);

    // The manual runs are ordinary runs, with their events.
    const runId = p.body.runs[0]?.runId ?? '';
    const run = await waitFor('p run succeeded', async () => {
      const reply = await call<{ status: string; events: { type: string }[] }>(base, 'GET', `/api/runs/${runId}`);
      return reply.body.status === 'succeeded' ? reply.body : undefined;
    });
    expect(run.events.map((e) => e.type)).toEqual(['request', 'runStarted', 'materialization', 'runCompleted']);
    const runs = await call<{ runs: { runId: string; status: string }[] }>(base, 'GET', '/api/runs?status=succeeded&limit=50');
    expect(runs.body.runs.map((r) => r.runId)).toContain(runId);
    expect(runs.body.runs.every((r) => r.status === 'succeeded')).toBe(true);
  });

  it('launches a backfill of a partition range with its downstream and follows it to completion', async () => {
    const launched = await call<{ backfillId: string; assetPartitions: unknown[] }>(base, 'POST', '/api/backfills', {
      body: { asset: 'events', from: dayKey(4), to: dayKey(2), downstream: true },
    });
    expect(launched.status).toBe(202);
    expect(launched.body.assetPartitions).toHaveLength(6);
    const id = launched.body.backfillId;
    const done = await waitFor('the backfill to complete', async () => {
      const { body } = await call<BackfillProgress>(base, 'GET', `/api/backfills/${id}`);
      return body.status === 'completed' ? body : undefined;
    }, 60_000);
    expect(done).toMatchObject({ total: 6, done: 6, failed: 0, pending: 0, asset: 'events', downstream: true });
    expect(done.assets).toEqual([
      { asset: 'events', total: 3, done: 3, failed: 0, running: 0, waiting: null },
      { asset: 'events_summary', total: 3, done: 3, failed: 0, running: 0, waiting: null },
    ]);
    const list = await call<{ backfills: BackfillProgress[] }>(base, 'GET', '/api/backfills');
    expect(list.body.backfills.map((b) => b.backfillId)).toContain(id);
    const partitions = await call<{ partitions: { key: string; status: string }[] }>(base, 'GET', '/api/assets/events/partitions?limit=6');
    const byKey = new Map(partitions.body.partitions.map((p) => [p.key, p.status]));
    expect([dayKey(4), dayKey(3), dayKey(2)].map((k) => byKey.get(k))).toEqual(['materialized', 'materialized', 'materialized']);
    const decisions = await call<{ decisions: StoredDecision[] }>(base, 'GET', '/api/assets/events_summary/decisions');
    expect(decisions.body.decisions.some((d) => d.kind === 'requested' && d.reasons.includes('backfill'))).toBe(true);
  });

  it('reports freshness violations open while overdue and past once resolved, and the lag over time', async () => {
    expect((await call(base, 'POST', '/api/materializations', { body: { selection: 'report' } })).status).toBe(202);
    const open = await waitFor('report overdue', async () => {
      const { body } = await call<{ open: { asset: string; overdueMinutes: number }[] }>(base, 'GET', '/api/violations?state=open');
      return body.open.find((v) => v.asset === 'report');
    });
    expect(open.overdueMinutes).toBeGreaterThan(0);
    expect(await statusOf('report')).toBe('overdue');
    expect((await call(base, 'POST', '/api/materializations', { body: { selection: 'report' } })).status).toBe(202);
    const past = await waitFor('report violation resolved', async () => {
      const { body } = await call<{ past: { asset: string; resolvedAt: string | null }[] }>(base, 'GET', '/api/violations?state=past');
      return body.past.find((v) => v.asset === 'report');
    });
    expect(past.resolvedAt).not.toBeNull();
    const chart = await call<{ maximumLagMinutes: number; points: { at: string; lagMinutes: number | null }[] }>(base, 'GET', '/api/assets/report/freshness?hours=1');
    expect(chart.body.maximumLagMinutes).toBe(0.05);
    expect(chart.body.points.length).toBeGreaterThanOrEqual(3);
  });

  it('serves its OpenAPI description, Swagger UI, the web UI, dagre, metrics and health', async () => {
    const spec = await call<{ openapi: string; paths: Record<string, unknown> }>(base, 'GET', '/api/openapi.json', { token: null });
    expect(spec.status).toBe(200);
    expect(Object.keys(spec.body.paths)).toEqual(
      expect.arrayContaining(['/api/assets', '/api/assets/{key}/why', '/api/materializations', '/api/backfills', '/api/backfills/{id}', '/api/violations', '/api/runs/{id}']),
    );
    expect((await call(base, 'GET', '/api/docs', { token: null })).status).toBe(200);
    const ui = await call<string>(base, 'GET', '/', { token: null });
    expect(ui.body).toContain('<title>Freshet</title>');
    expect((await call(base, 'GET', '/vendor/dagre/dagre.min.js', { token: null })).status).toBe(200);
    const metrics = await call<string>(base, 'GET', '/metrics', { token: null });
    expect(metrics.body).toMatch(/freshet_planner_tick_duration_seconds_count\{service="dev"\} [1-9]/);
    expect(metrics.body).toMatch(/freshet_runs\{status="succeeded",service="dev"\} [1-9]/);
    expect(metrics.body).toContain('freshet_overdue_assets{service="dev"}');
    expect(metrics.body).toMatch(/freshet_freshness_violations_total\{service="dev"\} [1-9]/);
    expect(await call(base, 'GET', '/health/live', { token: null })).toEqual({ status: 200, body: { status: 'ok', checks: [] } });
    const ready = await call(base, 'GET', '/health/ready', { token: null });
    expect(ready).toEqual({ status: 200, body: { status: 'ok', checks: [expect.objectContaining({ name: 'event-log', ok: true })], planner: 'leading' } });
  });
});
