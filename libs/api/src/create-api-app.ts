// The HTTP side of the planner (and of `freshet dev`): the API under /api, its OpenAPI description
// at /api/openapi.json with Swagger UI at /api/docs, the web UI at / (plain ES modules and CSS, no
// build step), dagre served from node_modules, /metrics and /health/{live,ready}.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { ApiDeps } from './api-deps';
import { ApiModule } from './api.module';
import { ApiService } from './api.service';
import { ApiErrorFilter } from './http/error.filter';

/** The UI's static files: next to the sources (`libs/api/ui`), also when running from `dist/` (tsc does not copy them). */
export const UI_DIR = [path.resolve(__dirname, '..', 'ui'), path.resolve(__dirname, '..', '..', '..', '..', 'libs', 'api', 'ui')].find((dir) => existsSync(path.join(dir, 'index.html'))) ?? path.resolve(__dirname, '..', 'ui');

export interface ApiServer {
  readonly app: NestExpressApplication;
  readonly service: ApiService;
  /** Where it listens, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  /** Default 0.0.0.0; `freshet dev` listens on 127.0.0.1. */
  readonly host?: string;
}

export async function createApiApp(deps: ApiDeps): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(deps), { logger: false, abortOnError: false });
  app.useGlobalFilters(new ApiErrorFilter(deps.logger));
  app.disable('x-powered-by');
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Freshet API')
      .setDescription('Assets, decisions and their reasons, runs, manual materializations, backfills and freshness violations of a Freshet planner.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'FRESHET_API_TOKEN' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', customSiteTitle: 'Freshet API' });
  app.useStaticAssets(path.join(path.dirname(require.resolve('@dagrejs/dagre')), 'dist'), { prefix: '/vendor/dagre/', index: false });
  app.useStaticAssets(UI_DIR, { index: 'index.html' });
  wireMetrics(deps, app.get(ApiService));
  return app;
}

/** Creates the app and listens. */
export async function startApiServer(deps: ApiDeps, options: ApiServerOptions): Promise<ApiServer> {
  const app = await createApiApp(deps);
  await app.listen(options.port, options.host ?? '0.0.0.0');
  const address = app.getHttpServer().address() as { port: number } | string | null;
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host === undefined || options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return { app, service: app.get(ApiService), url: `http://${host}:${port}`, port, close: () => app.close() };
}

function wireMetrics(deps: ApiDeps, service: ApiService): void {
  deps.metrics.collectWith(() => service.metricsSnapshot());
  deps.planner.onTick((report) => {
    deps.metrics.tickDuration.observe(report.durationMs / 1000);
    const started = report.result.violationChanges.filter((v) => v.kind === 'violated').length;
    if (started > 0) deps.metrics.violationsStarted.inc(started);
  });
}
