// The planner process: load and validate config, build the adapters, create the Nest
// microservice served by FreshetBusServer (our delivery: commit after the event-log write,
// bounded retries, dead letters), enable shutdown hooks.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@freshet/config';
import { topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer } from '@freshet/messaging';
import { createServiceAdapters, jsonLineLogger } from '@freshet/runtime';
import { PLANNER_GROUP, PlannerModule } from './planner.module';

async function main(): Promise<void> {
  const config = loadConfig('planner');
  const logger = jsonLineLogger('planner', config.logLevel === 'debug' || config.logLevel === 'trace' || config.logLevel === 'info' ? 'info' : 'warn');
  // Several partitions at once, so events arriving together share one event-log transaction.
  const adapters = await createServiceAdapters(config, { logger, partitionsConsumedConcurrently: 16 });
  await adapters.bus.ensureTopics(topicConfigs());
  const app = await NestFactory.createMicroservice(
    PlannerModule.forRoot({ ...adapters, adapters, logger, tickMs: config.plannerTickMs }),
    { strategy: new FreshetBusServer({ bus: adapters.bus, group: PLANNER_GROUP, fromBeginning: true }), logger: ['error', 'warn'] },
  );
  app.useGlobalFilters(new BusErrorPassthroughFilter());
  app.enableShutdownHooks();
  await app.listen();
  logger.log(`planner listening (topics prefixed "${config.topicPrefix}")`);
}

main().catch((error: unknown) => {
  process.stderr.write(`planner failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
