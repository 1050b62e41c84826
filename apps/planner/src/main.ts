// The planner process: load and validate config, build the adapters, create the Nest
// microservice served by FreshetBusServer (our delivery: commit after the event-log write,
// bounded retries, dead letters), enable shutdown hooks.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@freshet/config';
import { TOPICS, topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer } from '@freshet/messaging';
import { createServiceAdapters, jsonLineLogger, type PlannerCore } from '@freshet/runtime';
import { startApiServer } from '@freshet/api';
import { FreshetMetrics, consumerLagProbe, instrumentBus, serviceHealth } from '@freshet/observability';
import { PLANNER_GROUP, PlannerModule } from './planner.module';
import { PLANNER_CORE } from './planner.tokens';

async function main(): Promise<void> {
  const config = loadConfig('planner');
  const logger = jsonLineLogger('planner', config.logLevel === 'debug' || config.logLevel === 'trace' || config.logLevel === 'info' ? 'info' : 'warn');
  // Several partitions at once, so events arriving together share one event-log transaction.
  const adapters = await createServiceAdapters(config, { logger, partitionsConsumedConcurrently: 16 });
  await adapters.bus.ensureTopics(topicConfigs());
  // Operations: metrics of what is consumed and decided, readiness of Postgres, Redis and Kafka.
  const metrics = new FreshetMetrics('planner');
  const consumed = instrumentBus(adapters.bus, metrics); // batches count their messages, once
  const ops = serviceHealth({ kafka: config.kafka, eventLog: adapters.eventLog, redis: adapters.redis });
  ops.health.add(adapters.consumersCheck); // unready while a subscription is not consuming (crashed, rejoining)
  const consumerLag = consumerLagProbe(ops, config.topicPrefix, PLANNER_GROUP, [TOPICS.definitions.name, TOPICS.observations.name, TOPICS.runEvents.name], () => consumed.pending());
  const app = await NestFactory.createMicroservice(
    PlannerModule.forRoot({ ...adapters, adapters, logger, tickMs: config.plannerTickMs }),
    // A partition's whole fetch (up to 5000 events) in one batch: one event-log append and one commit.
    { strategy: new FreshetBusServer({ bus: consumed, group: PLANNER_GROUP, fromBeginning: true, maxBatchSize: 5000 }), logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new BusErrorPassthroughFilter());
  app.enableShutdownHooks();
  await app.listen();
  // The HTTP API, web UI, /metrics and /health: it dies with the process (the Nest app above owns
  // shutdown). A port already taken costs the API, not the scheduling: said loudly, then carry on.
  const api = await startApiServer(
    { planner: app.get<PlannerCore>(PLANNER_CORE), eventLog: adapters.eventLog, auth: config.api, health: ops.health, metrics, logger, consumerLag },
    { port: config.api.port },
  ).catch((error: unknown) => {
    logger.error(`planner: the API could not listen on port ${config.api.port} (${error instanceof Error ? error.message : String(error)}); planning goes on without it`);
    return null;
  });
  logger.log(`planner listening (topics prefixed "${config.topicPrefix}")${api ? `; API and UI on port ${api.port}` : ''}`);
}

main().catch((error: unknown) => {
  process.stderr.write(`planner failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
