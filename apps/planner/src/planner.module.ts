// The planner's composition root: binds the ports to adapters (Kafka, Postgres, Redis in
// production; in-memory and embedded ones under `freshet dev`) and the core that uses them.
import { Module, type DynamicModule } from '@nestjs/common';
import type { GraphCache, LeaderLease } from '@freshet/cache';
import { EVENT_BUS, type EventBus } from '@freshet/messaging';
import { EVENT_LOG, GRAPH_CACHE, LEADER_LEASE, PlannerCore, SERVICE_LOGGER, type ServiceLogger } from '@freshet/runtime';
import type { EventLog } from '@freshet/storage';
import { PlannerEventsHandler } from './handlers/planner-events.handler';
import { PlannerService } from './planner.service';
import { PLANNER_ADAPTERS, PLANNER_CORE, type PlannerAdapters } from './planner.tokens';

export interface PlannerModuleOptions {
  readonly bus: EventBus;
  readonly eventLog: EventLog;
  readonly cache: GraphCache;
  readonly lease: LeaderLease;
  readonly logger: ServiceLogger;
  readonly adapters: PlannerAdapters;
  readonly tickMs: number;
  readonly leaseTtlMs?: number;
  /** Lets `freshet dev` keep a handle on the core it runs. */
  readonly core?: PlannerCore;
}

export const PLANNER_GROUP = 'freshet-planner';

@Module({})
export class PlannerModule {
  static forRoot(options: PlannerModuleOptions): DynamicModule {
    const core =
      options.core ??
      new PlannerCore(
        { eventLog: options.eventLog, bus: options.bus, cache: options.cache, lease: options.lease, logger: options.logger },
        { tickMs: options.tickMs, ...(options.leaseTtlMs !== undefined ? { leaseTtlMs: options.leaseTtlMs } : {}) },
      );
    return {
      module: PlannerModule,
      controllers: [PlannerEventsHandler],
      providers: [
        { provide: EVENT_BUS, useValue: options.bus },
        { provide: EVENT_LOG, useValue: options.eventLog },
        { provide: GRAPH_CACHE, useValue: options.cache },
        { provide: LEADER_LEASE, useValue: options.lease },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: PLANNER_ADAPTERS, useValue: options.adapters },
        { provide: PLANNER_CORE, useValue: core },
        PlannerService,
      ],
      exports: [PlannerService, PLANNER_CORE],
    };
  }
}
