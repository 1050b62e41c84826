// `freshet dev`'s process: the planner, observer and worker Nest apps, the same modules and
// service cores as the separate processes, bound to embedded adapters: the in-memory bus, the
// PGlite event log on disk, the in-memory graph cache, the always-leader lease and in-process
// partition locks. One set of opened resources serves the worker and the observer (an embedded
// warehouse belongs to one opener per process).
import { mkdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { INestMicroservice } from '@nestjs/common';
import { InMemoryGraphCache, LocalLeaderLease } from '@freshet/cache';
import { userEnvironment, type DevConfig } from '@freshet/config';
import { topicConfigs } from '@freshet/contracts';
import { BusErrorPassthroughFilter, FreshetBusServer, InMemoryEventBus, TypedBus, silentBusLogger } from '@freshet/messaging';
import {
  InMemoryPartitionLocks,
  OBSERVER_GROUP,
  ObserverCore,
  PlannerCore,
  WorkerCore,
  workerGroup,
  type ServiceLogger,
} from '@freshet/runtime';
import { ResourceSet, loadCodeLocation, type CodeLocation, type LogSink } from '@freshet/sdk';
import { dbtCodeLocation, findDbtProject } from '@freshet/dbt';
import { startEmbeddedApi, type ApiServer } from '@freshet/api';
import { IN_MEMORY_EVENT_LOG, createEmbeddedEventLog, type EventLog } from '@freshet/storage';
import { ObserverModule } from '../../../observer/src/observer.module';
import { PLANNER_GROUP, PlannerModule } from '../../../planner/src/planner.module';
import { WorkerModule } from '../../../worker/src/worker.module';

export interface DevRuntime {
  readonly location: CodeLocation;
  readonly eventLog: EventLog;
  readonly planner: PlannerCore;
  readonly worker: WorkerCore;
  readonly observer: ObserverCore;
  /** The HTTP API and web UI (`api.url`). */
  readonly api: ApiServer;
  /** Stops the apps (consumers first), then closes the bus, the resources and the event log. */
  close(): Promise<void>;
}

/** A code location path as given on the command line; a folder without an index uses its `location.ts`. */
export function resolveLocationPath(given: string, cwd: string): string {
  const absolute = path.resolve(cwd, given);
  const isDir = statSync(absolute, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDir) return absolute;
  for (const index of ['index.ts', 'index.js']) if (statSync(path.join(absolute, index), { throwIfNoEntry: false })?.isFile()) return absolute;
  for (const file of ['location.ts', 'location.js']) {
    const candidate = path.join(absolute, file);
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
  }
  return absolute;
}

export async function startDevRuntime(config: DevConfig, locationPath: string, logger: ServiceLogger, cwd: string, log?: LogSink): Promise<DevRuntime> {
  const variables = userEnvironment();
  // A dbt project folder (it holds dbt_project.yml) is a code location of its own.
  const dbtProject = findDbtProject(locationPath);
  const location = dbtProject === null ? loadCodeLocation(locationPath) : dbtCodeLocation(dbtProject, { env: variables }).location;
  const bus = new InMemoryEventBus({ service: 'dev', logger: silentBusLogger, autoCreateTopics: true });
  await bus.ensureTopics(topicConfigs({ partitionsOverride: 3 }));
  const dataDir = config.eventLogDir === IN_MEMORY_EVENT_LOG ? IN_MEMORY_EVENT_LOG : path.resolve(cwd, config.eventLogDir);
  if (dataDir !== IN_MEMORY_EVENT_LOG) mkdirSync(dataDir, { recursive: true });
  const eventLog = await createEmbeddedEventLog({ dataDir });
  const cache = new InMemoryGraphCache();
  const lease = new LocalLeaderLease();
  const locks = new InMemoryPartitionLocks();
  const resources = new ResourceSet(location.resources, { env: variables, baseDir: cwd });
  // The modules' own close hooks have nothing to close: this function owns the shared adapters.
  const shared = { close: () => Promise.resolve() };

  const planner = new PlannerCore({ eventLog, bus, cache, lease, logger }, { tickMs: config.plannerTickMs, instanceId: 'dev-planner' });
  const worker = new WorkerCore(
    { location, eventLog, bus: new TypedBus(bus, 'freshet/worker'), locks, logger },
    { variables, resources, baseDir: cwd, workerId: 'dev-worker', ...(log ? { log } : {}) },
  );
  const observer = new ObserverCore(
    { location, bus: new TypedBus(bus, 'freshet/observer'), cache, eventLog, logger },
    { variables, resources, baseDir: cwd, ...(log ? { log } : {}) },
  );

  const apps: INestMicroservice[] = [];
  let api: ApiServer | undefined;
  const serve = async (module: Parameters<typeof NestFactory.createMicroservice>[0], group: string): Promise<void> => {
    const app = await NestFactory.createMicroservice(module, {
      strategy: new FreshetBusServer({ bus, group, fromBeginning: true }),
      logger: false,
    });
    app.useGlobalFilters(new BusErrorPassthroughFilter());
    await app.listen();
    apps.push(app);
  };
  try {
    await serve(PlannerModule.forRoot({ bus, eventLog, cache, lease, logger, adapters: shared, tickMs: config.plannerTickMs, core: planner }), PLANNER_GROUP);
    await serve(WorkerModule.forRoot({ bus, eventLog, locks, location, logger, adapters: shared, variables, core: worker }), workerGroup(location.name));
    await serve(ObserverModule.forRoot({ bus, eventLog, cache, location, logger, adapters: shared, variables, emitUnchanged: false, core: observer }), OBSERVER_GROUP);
    api = await startEmbeddedApi({ planner, eventLog, logger, api: config.api });
  } catch (error) {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await bus.close();
    await resources.close();
    await eventLog.close();
    throw error;
  }

  return {
    location,
    eventLog,
    planner,
    worker,
    observer,
    api,
    async close() {
      await api.close().catch((error: unknown) => logger.warn(`closing the API: ${String(error)}`));
      // Observer and worker stop taking work first; the planner last, so it records what they finished.
      for (const app of [...apps].reverse()) await app.close().catch((error: unknown) => logger.warn(`closing an app: ${String(error)}`));
      await bus.close();
      await resources.close();
      await eventLog.close();
    },
  };
}
