// The API of `freshet dev`: the same app, on 127.0.0.1, with the embedded event log as its only
// dependency to check. Without FRESHET_API_TOKEN everything is open (local use); with one, the
// usual rules apply. A busy port is not fatal: a free one is taken and the URL says which.
import type { ApiConfig } from '@freshet/config';
import { FreshetMetrics, HealthChecks, eventLogCheck } from '@freshet/observability';
import type { PlannerCore, ServiceLogger } from '@freshet/runtime';
import type { EventLog } from '@freshet/storage';
import { startApiServer, type ApiServer } from './create-api-app';

export interface EmbeddedApiOptions {
  readonly planner: PlannerCore;
  readonly eventLog: EventLog;
  readonly logger: ServiceLogger;
  readonly api: ApiConfig;
}

export async function startEmbeddedApi(options: EmbeddedApiOptions): Promise<ApiServer> {
  const deps = {
    planner: options.planner,
    eventLog: options.eventLog,
    logger: options.logger,
    auth: { token: options.api.token, openReads: options.api.openReads, openAll: options.api.token === undefined },
    health: new HealthChecks().add(eventLogCheck(options.eventLog, 'event-log')),
    metrics: new FreshetMetrics('dev'),
  };
  try {
    return await startApiServer(deps, { port: options.api.port, host: '127.0.0.1' });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    options.logger.warn(`api: port ${options.api.port} is in use; listening on a free port instead`);
    return startApiServer({ ...deps, metrics: new FreshetMetrics('dev') }, { port: 0, host: '127.0.0.1' });
  }
}
