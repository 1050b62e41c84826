// The worker's composition root: binds the ports (bus, event log, partition locks) and the code
// location to adapters, and builds the core that executes runs with them.
import { Module, type DynamicModule } from '@nestjs/common';
import { EVENT_BUS, TypedBus, type EventBus } from '@freshet/messaging';
import { CODE_LOCATION, EVENT_LOG, PARTITION_LOCKS, SERVICE_LOGGER, WorkerCore, type PartitionLocks, type ServiceLogger } from '@freshet/runtime';
import type { CodeLocation } from '@freshet/sdk';
import type { EventLog } from '@freshet/storage';
import { MaterializationRequestsHandler } from './handlers/materialization-requests.handler';
import { WorkerService } from './worker.service';
import { WORKER_ADAPTERS, WORKER_CORE, type WorkerAdapters } from './worker.tokens';

export interface WorkerModuleOptions {
  readonly bus: EventBus;
  readonly eventLog: EventLog;
  readonly locks: PartitionLocks;
  readonly location: CodeLocation;
  readonly logger: ServiceLogger;
  readonly adapters: WorkerAdapters;
  readonly variables: Readonly<Record<string, string | undefined>>;
  readonly lockTtlMs?: number;
  readonly core?: WorkerCore;
}

@Module({})
export class WorkerModule {
  static forRoot(options: WorkerModuleOptions): DynamicModule {
    const core =
      options.core ??
      new WorkerCore(
        { location: options.location, eventLog: options.eventLog, bus: new TypedBus(options.bus, 'freshet/worker'), locks: options.locks, logger: options.logger },
        { variables: options.variables, ...(options.lockTtlMs !== undefined ? { lockTtlMs: options.lockTtlMs } : {}) },
      );
    return {
      module: WorkerModule,
      controllers: [MaterializationRequestsHandler],
      providers: [
        { provide: EVENT_BUS, useValue: options.bus },
        { provide: EVENT_LOG, useValue: options.eventLog },
        { provide: PARTITION_LOCKS, useValue: options.locks },
        { provide: CODE_LOCATION, useValue: options.location },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: WORKER_ADAPTERS, useValue: options.adapters },
        { provide: WORKER_CORE, useValue: core },
        WorkerService,
      ],
      exports: [WorkerService, WORKER_CORE],
    };
  }
}
