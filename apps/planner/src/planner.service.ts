// Orchestration of the planner process: starts the shared planner core (lease, replay, ticks,
// outbox relay) when the app boots, stops it and closes the adapters when it shuts down.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import type { AnyCloudEvent } from '@freshet/contracts';
import { PlannerCore } from '@freshet/runtime';
import { PLANNER_ADAPTERS, PLANNER_CORE, type PlannerAdapters } from './planner.tokens';

@Injectable()
export class PlannerService implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(PLANNER_CORE) private readonly core: PlannerCore,
    @Inject(PLANNER_ADAPTERS) private readonly adapters: PlannerAdapters,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.core.start();
  }

  /** Resolves once the event is in the event log; the bus then commits its offset. */
  ingest(event: AnyCloudEvent): Promise<void> {
    return this.core.ingest(event);
  }

  /** One append for the batch; the events the planner never takes come back (dead-lettered by the bus). */
  ingestBatch(events: readonly AnyCloudEvent[]): ReturnType<PlannerCore['ingestBatch']> {
    return this.core.ingestBatch(events);
  }

  async onModuleDestroy(): Promise<void> {
    await this.core.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.adapters.close();
  }
}
