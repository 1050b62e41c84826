// Orchestration of the worker process: announces the code location's definitions once the app
// is up, executes requests through the shared worker core, closes everything on shutdown.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WorkerCore, type RequestEvent, type RunOutcome } from '@freshet/runtime';
import { WORKER_ADAPTERS, WORKER_CORE, type WorkerAdapters } from './worker.tokens';

@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(WORKER_CORE) private readonly core: WorkerCore,
    @Inject(WORKER_ADAPTERS) private readonly adapters: WorkerAdapters,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.core.publishDefinitions();
  }

  /** Resolves when the run is over; only then is the request's offset committed. */
  execute(event: RequestEvent, heartbeat: () => Promise<void>): Promise<RunOutcome> {
    return this.core.handleRequest(event, heartbeat);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.core.close();
    await this.adapters.close();
  }
}
