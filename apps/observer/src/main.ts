// The observer process: load and validate config, load the code location (its observe
// functions), build the adapters, create the Nest microservice, enable shutdown hooks.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, userEnvironment } from '@freshet/config';
import { TOPICS, topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer } from '@freshet/messaging';
import { OBSERVER_GROUP, createServiceAdapters, jsonLineLogger } from '@freshet/runtime';
import { loadCodeLocation } from '@freshet/sdk';
import { FreshetMetrics, consumerLagProbe, instrumentBus, serviceHealth, startOpsServerOrWarn } from '@freshet/observability';
import { ObserverModule } from './observer.module';

async function main(): Promise<void> {
  const config = loadConfig('observer');
  const logger = jsonLineLogger('observer', config.logLevel === 'warn' || config.logLevel === 'error' || config.logLevel === 'fatal' ? 'warn' : 'info');
  const location = loadCodeLocation(config.codeLocation);
  const adapters = await createServiceAdapters(config, { logger, partitionsConsumedConcurrently: 3 });
  await adapters.bus.ensureTopics(topicConfigs());
  // Operations: what it consumes, runs by status, readiness of Postgres, Redis and Kafka.
  const metrics = new FreshetMetrics('observer');
  const consumed = instrumentBus(adapters.bus, metrics);
  const ops = serviceHealth({ kafka: config.kafka, eventLog: adapters.eventLog, redis: adapters.redis });
  ops.health.add(adapters.consumersCheck); // unready while a subscription is not consuming (crashed, rejoining)
  const consumerLag = consumerLagProbe(ops, config.topicPrefix, OBSERVER_GROUP, [TOPICS.sourceChanges.name], () => consumed.pending());
  metrics.collectWith(async () => {
    const active = await adapters.eventLog.runsByStatus(['requested', 'started']);
    return { runsByStatus: { requested: active.filter((r) => r.status === 'requested').length, started: active.filter((r) => r.status === 'started').length }, consumerLag: await consumerLag() };
  });
  const app = await NestFactory.createMicroservice(
    ObserverModule.forRoot({ ...adapters, adapters, location, logger, variables: userEnvironment(), emitUnchanged: config.emitUnchangedObservations }),
    { strategy: new FreshetBusServer({ bus: consumed, group: OBSERVER_GROUP, fromBeginning: true }), logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new BusErrorPassthroughFilter());
  app.enableShutdownHooks();
  await app.listen();
  await startOpsServerOrWarn({ port: config.metricsPort, metrics, health: ops.health }, logger);
  logger.log(`observer of ${location.name} listening (topics prefixed "${config.topicPrefix}")`);
}

main().catch((error: unknown) => {
  process.stderr.write(`observer failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
