// The small HTTP listener of services that have no API (observer, worker): `/metrics`,
// `/health/live`, `/health/ready`. Plain node:http: nothing else is served, nothing to configure.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthChecks, HealthReport } from './health';
import type { FreshetMetrics } from './metrics';

export interface OpsServer {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export interface OpsServerOptions {
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host?: string;
  readonly metrics: FreshetMetrics;
  readonly health: HealthChecks;
}

export async function startOpsServer(options: OpsServerOptions): Promise<OpsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: HealthReport | { message: string }): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET') return json(405, { message: 'only GET is served here' });
    if (path === '/metrics') {
      options.metrics.text().then(
        (text) => res.writeHead(200, { 'content-type': options.metrics.contentType }).end(text),
        (error: unknown) => json(500, { message: String(error) }),
      );
      return;
    }
    if (path === '/health/live') return json(200, options.health.live());
    if (path === '/health/ready') {
      options.health.ready().then(
        (report) => json(report.status === 'ok' ? 200 : 503, report),
        (error: unknown) => json(500, { message: String(error) }),
      );
      return;
    }
    json(404, { message: `nothing at ${path}; try /metrics, /health/live or /health/ready` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** `startOpsServer` for a service's main: a port already taken is logged, not fatal (the work goes on). */
export async function startOpsServerOrWarn(options: OpsServerOptions, logger: { error(message: string): void }): Promise<OpsServer | null> {
  try {
    return await startOpsServer(options);
  } catch (error) {
    logger.error(`metrics and health could not listen on port ${options.port} (${error instanceof Error ? error.message : String(error)}); going on without them`);
    return null;
  }
}
