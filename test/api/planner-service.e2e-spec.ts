// The planner, worker and observer as separate processes on real Kafka, Postgres and Redis: the
// planner serves the API (a manual materialization reaches a worker through the outbox and Kafka),
// and every service answers /metrics and /health/ready with its checks of the real infrastructure.
import { E2eStack } from '../support/stack';
import { freePort } from '@freshet/testing';
import { TOKEN, call, waitFor } from './support';

jest.setTimeout(150_000);

describe('the planner service API and every service\'s metrics and health on the real stack', () => {
  const stack = new E2eStack();
  const ports = { planner: 0, worker: 0, observer: 0 };

  beforeAll(async () => {
    await stack.init();
    ports.planner = await freePort();
    ports.worker = await freePort();
    ports.observer = await freePort();
    stack.start('planner', { FRESHET_API_PORT: String(ports.planner), FRESHET_API_TOKEN: TOKEN });
    stack.start('worker', { FRESHET_METRICS_PORT: String(ports.worker) });
    stack.start('observer', { FRESHET_METRICS_PORT: String(ports.observer) });
  });

  afterAll(async () => {
    await stack.dispose();
  });

  const base = (app: keyof typeof ports): string => `http://127.0.0.1:${ports[app]}`;

  it('is ready once Postgres, Redis and Kafka answer, and reports each check', async () => {
    for (const app of ['planner', 'worker', 'observer'] as const) {
      const ready = await waitFor(`${app} ready`, async () => {
        const reply = await call<{ status: string; checks: { name: string; ok: boolean }[] }>(base(app), 'GET', '/health/ready', { token: null });
        return reply.status === 200 ? reply.body : undefined;
      }, 90_000);
      expect(ready.checks.map((c) => [c.name, c.ok])).toEqual([
        ['postgres', true],
        ['redis', true],
        ['kafka', true],
        ['consumers', true],
      ]);
      expect((await call(base(app), 'GET', '/health/live', { token: null })).status).toBe(200);
    }
  });

  it('materializes by hand through the outbox, Kafka and a worker, and counts it in every service\'s metrics', async () => {
    await waitFor('the planner to know the graph', async () => {
      const reply = await call<{ assets: { key: string }[] }>(base('planner'), 'GET', '/api/assets');
      return reply.status === 200 && reply.body.assets.some((a) => a.key === 'd') ? true : undefined;
    }, 60_000);
    const requested = await call<{ runs: { runId: string }[] }>(base('planner'), 'POST', '/api/materializations', { body: { selection: 'd' } });
    expect(requested.status).toBe(202);
    const runId = requested.body.runs[0]?.runId ?? '';
    const run = await waitFor('the run to succeed on the worker', async () => {
      const reply = await call<{ status: string; events: { type: string }[] }>(base('planner'), 'GET', `/api/runs/${runId}`);
      return reply.body.status === 'succeeded' ? reply.body : undefined;
    }, 60_000);
    expect(run.events.map((e) => e.type)).toEqual(expect.arrayContaining(['request', 'runStarted', 'materialization', 'runCompleted']));

    const planner = await call<string>(base('planner'), 'GET', '/metrics', { token: null });
    expect(planner.body).toMatch(/freshet_events_consumed_total\{topic="[^"]*freshet\.run-events\.v1",service="planner"\} [1-9]/);
    expect(planner.body).toMatch(/freshet_planner_tick_duration_seconds_count\{service="planner"\} [1-9]/);
    expect(planner.body).toMatch(/freshet_runs\{status="succeeded",service="planner"\} [1-9]/);
    expect(planner.body).toContain('freshet_consumer_lag{consumer="planner-evaluation",service="planner"}');
    // Kafka consumer lag of the planner's group: a number (committed offsets against the topics' ends).
    expect(planner.body).toMatch(/freshet_consumer_lag\{consumer="freshet-planner",service="planner"\} \d+/);
    expect(planner.body).toMatch(/freshet_consumer_lag\{consumer="freshet-planner:in-process",service="planner"\} \d+/);
    const worker = await call<string>(base('worker'), 'GET', '/metrics');
    expect(worker.body).toMatch(/freshet_consumer_lag\{consumer="freshet-worker\.e2e",service="worker"\} \d+/);
    expect(worker.body).toMatch(/freshet_runs_finished_total\{status="completed",service="worker"\} [1-9]/);
    expect(worker.body).toMatch(/freshet_events_consumed_total\{topic="[^"]*freshet\.materialization-requests\.v1",service="worker"\} [1-9]/);
    const observer = await call<string>(base('observer'), 'GET', '/metrics');
    expect(observer.body).toContain('freshet_process_cpu_seconds_total');
    expect(observer.body).toMatch(/freshet_consumer_lag\{consumer="freshet-observer",service="observer"\} \d+/);

    // Structured logs carry the run id as a field, and never the API token.
    const logs = stack.processes.map((p) => p.text()).join('');
    expect(logs).not.toContain(TOKEN);
    const plannerLines = (stack.processes.find((p) => p.name.startsWith('planner'))?.text() ?? '').split('\n').filter((l) => l.startsWith('{'));
    expect(plannerLines.map((l) => JSON.parse(l) as { runId?: string }).some((entry) => entry.runId === runId)).toBe(true);
  });
});
