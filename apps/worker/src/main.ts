// A worker process: load and validate config, load the code location, build the adapters, create
// the Nest microservice (one consumer group per code location, any number of replicas), enable
// shutdown hooks. Runs execute `FRESHET_WORKER_CONCURRENCY` partitions of requests at once.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, userEnvironment } from '@freshet/config';
import { TOPICS, topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer } from '@freshet/messaging';
import { createServiceAdapters, jsonLineLogger, workerGroup, type WorkerCore } from '@freshet/runtime';
import { loadCodeLocation } from '@freshet/sdk';
import { FreshetMetrics, consumerLagProbe, instrumentBus, serviceHealth, startOpsServerOrWarn } from '@freshet/observability';
import { WorkerModule } from './worker.module';
import { WORKER_CORE } from './worker.tokens';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const logger = jsonLineLogger('worker', config.logLevel === 'warn' || config.logLevel === 'error' || config.logLevel === 'fatal' ? 'warn' : 'info');
  const location = loadCodeLocation(config.codeLocation);
  const adapters = await createServiceAdapters(config, { logger, partitionsConsumedConcurrently: config.workerConcurrency });
  await adapters.bus.ensureTopics(topicConfigs());
  // Operations: what it consumes, runs by status, readiness of Postgres, Redis and Kafka.
  const metrics = new FreshetMetrics('worker');
  const consumed = instrumentBus(adapters.bus, metrics);
  const ops = serviceHealth({ kafka: config.kafka, eventLog: adapters.eventLog, redis: adapters.redis });
  ops.health.add(adapters.consumersCheck); // unready while a subscription is not consuming (crashed, rejoining)
  const consumerLag = consumerLagProbe(ops, config.topicPrefix, workerGroup(location.name), [TOPICS.materializationRequests.name], () => consumed.pending());
  metrics.collectWith(async () => {
    const active = await adapters.eventLog.runsByStatus(['requested', 'started']);
    return { runsByStatus: { requested: active.filter((r) => r.status === 'requested').length, started: active.filter((r) => r.status === 'started').length }, consumerLag: await consumerLag() };
  });
  const app = await NestFactory.createMicroservice(
    WorkerModule.forRoot({ ...adapters, adapters, location, logger, variables: userEnvironment() }),
    // A request that keeps failing to be handled (not a failed run: those complete) is dead-lettered after a few tries.
    { strategy: new FreshetBusServer({ bus: consumed, group: workerGroup(location.name), fromBeginning: true }), logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new BusErrorPassthroughFilter());
  app.enableShutdownHooks();
  await app.listen();
  app.get<WorkerCore>(WORKER_CORE).onRunFinished((outcome) => metrics.runsFinished.inc({ status: outcome.status }));
  await startOpsServerOrWarn({ port: config.metricsPort, metrics, health: ops.health }, logger);
  logger.log(`worker of ${location.name} listening (topics prefixed "${config.topicPrefix}")`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
