// A worker process: load and validate config, load the code location, build the adapters, create
// the Nest microservice (one consumer group per code location, any number of replicas), enable
// shutdown hooks. Runs execute `FRESHET_WORKER_CONCURRENCY` partitions of requests at once.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig, userEnvironment } from '@freshet/config';
import { topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer } from '@freshet/messaging';
import { createServiceAdapters, jsonLineLogger, workerGroup } from '@freshet/runtime';
import { loadCodeLocation } from '@freshet/sdk';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfig('worker');
  const logger = jsonLineLogger('worker', config.logLevel === 'warn' || config.logLevel === 'error' || config.logLevel === 'fatal' ? 'warn' : 'info');
  const location = loadCodeLocation(config.codeLocation);
  const adapters = await createServiceAdapters(config, { logger, partitionsConsumedConcurrently: config.workerConcurrency });
  await adapters.bus.ensureTopics(topicConfigs());
  const app = await NestFactory.createMicroservice(
    WorkerModule.forRoot({ ...adapters, adapters, location, logger, variables: userEnvironment() }),
    // A request that keeps failing to be handled (not a failed run: those complete) is dead-lettered after a few tries.
    { strategy: new FreshetBusServer({ bus: adapters.bus, group: workerGroup(location.name), fromBeginning: true }), logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new BusErrorPassthroughFilter());
  app.enableShutdownHooks();
  await app.listen();
  logger.log(`worker of ${location.name} listening (topics prefixed "${config.topicPrefix}")`);
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
