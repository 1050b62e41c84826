import { request } from 'node:http';
import { FreshetMetrics } from './metrics';
import { HealthChecks, redact } from './health';
import { structuredLogger } from './logger';
import { startOpsServer } from './ops-server';

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('structured logs', () => {
  it('lift run and event ids into fields and never print secrets', () => {
    const lines: string[] = [];
    const logger = structuredLogger('worker', { write: (line) => lines.push(line), now: () => Date.UTC(2024, 0, 1) });
    logger.log('run 0b6f5c1e-1111-4222-8333-444455556666 started', { asset: 'orders' });
    logger.warn('connecting to postgres://freshet:hunter2@db:5432/freshet', { token: 'abc', eventId: '5d1e' });
    logger.child({ runId: 'r-1' }).error('Authorization: Bearer s3cr3t-token failed; password=pw1');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]).toEqual({
      time: '2024-01-01T00:00:00.000Z',
      level: 'info',
      service: 'worker',
      pid: process.pid,
      message: 'run 0b6f5c1e-1111-4222-8333-444455556666 started',
      runId: '0b6f5c1e-1111-4222-8333-444455556666',
      asset: 'orders',
    });
    expect(entries[1]).toMatchObject({ level: 'warn', token: '***', eventId: '5d1e', message: 'connecting to postgres://freshet:***@db:5432/freshet' });
    expect(entries[2]).toMatchObject({ level: 'error', runId: 'r-1' });
    const all = lines.join('');
    for (const secret of ['hunter2', 'abc', 's3cr3t-token', 'pw1']) expect(all).not.toContain(secret);
  });

  it('drop entries below the minimum level', () => {
    const lines: string[] = [];
    const logger = structuredLogger('planner', { minLevel: 'warn', write: (line) => lines.push(line) });
    logger.log('chatty');
    logger.warn('worth reading');
    expect(lines.map((line) => (JSON.parse(line) as { message: string }).message)).toEqual(['worth reading']);
  });

  it('redact masks credentials in URLs, bearer tokens and key=value secrets', () => {
    expect(redact('redis://:pw@host:6379 token=xyz Bearer abc.def')).toBe('redis://:***@host:6379 token=*** Bearer ***');
  });
});

describe('metrics and health over HTTP', () => {
  it('serve /metrics with the scrape-time values, /health/live, and /health/ready naming the failing check', async () => {
    const metrics = new FreshetMetrics('observer');
    metrics.eventsConsumed.inc({ topic: 'freshet.source-changes.v1' }, 3);
    metrics.tickDuration.observe(0.02);
    metrics.collectWith(() => ({ runsByStatus: { succeeded: 4, failed: 1 }, overdueAssets: 2, openViolations: 3, consumerLag: { 'freshet-observer': 5 } }));
    let redisUp = true;
    const health = new HealthChecks(500)
      .add({ name: 'postgres', check: () => Promise.resolve() })
      .add({ name: 'redis', check: () => (redisUp ? Promise.resolve() : Promise.reject(new Error('connect ECONNREFUSED redis://:pw@127.0.0.1:1'))) })
      .add({ name: 'kafka', check: () => new Promise<void>(() => undefined) });
    const server = await startOpsServer({ port: 0, host: '127.0.0.1', metrics, health });
    try {
      const scraped = await get(`${server.url}/metrics`);
      expect(scraped.status).toBe(200);
      expect(scraped.body).toContain('freshet_events_consumed_total{topic="freshet.source-changes.v1",service="observer"} 3');
      expect(scraped.body).toContain('freshet_runs{status="succeeded",service="observer"} 4');
      expect(scraped.body).toContain('freshet_runs{status="failed",service="observer"} 1');
      expect(scraped.body).toContain('freshet_overdue_assets{service="observer"} 2');
      expect(scraped.body).toContain('freshet_freshness_violations_open{service="observer"} 3');
      expect(scraped.body).toContain('freshet_consumer_lag{consumer="freshet-observer",service="observer"} 5');
      expect(scraped.body).toContain('freshet_planner_tick_duration_seconds_count{service="observer"} 1');

      expect(await get(`${server.url}/health/live`)).toEqual({ status: 200, body: JSON.stringify({ status: 'ok', checks: [] }) });
      const notReady = await get(`${server.url}/health/ready`);
      expect(notReady.status).toBe(503);
      const report = JSON.parse(notReady.body) as { checks: { name: string; ok: boolean; error?: string }[] };
      expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
        ['postgres', true],
        ['redis', true],
        ['kafka', false],
      ]);
      expect(report.checks[2]?.error).toBe('no answer within 500 ms');

      redisUp = false;
      const redisDown = JSON.parse((await get(`${server.url}/health/ready`)).body) as { checks: { name: string; error?: string }[] };
      expect(redisDown.checks[1]?.error).toBe('connect ECONNREFUSED redis://:***@127.0.0.1:1');
      expect((await get(`${server.url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
