// The observer's composition root: binds the bus, the graph cache, the event log and the code
// location to adapters, and builds the core that observes with them.
import { Module, type DynamicModule } from '@nestjs/common';
import type { GraphCache } from '@freshet/cache';
import { EVENT_BUS, TypedBus, type EventBus } from '@freshet/messaging';
import { CODE_LOCATION, EVENT_LOG, GRAPH_CACHE, ObserverCore, SERVICE_LOGGER, type ServiceLogger } from '@freshet/runtime';
import type { CodeLocation } from '@freshet/sdk';
import type { EventLog } from '@freshet/storage';
import { SourceChangesHandler } from './handlers/source-changes.handler';
import { ObserverService } from './observer.service';
import { OBSERVER_ADAPTERS, OBSERVER_CORE, type ObserverAdapters } from './observer.tokens';

export interface ObserverModuleOptions {
  readonly bus: EventBus;
  readonly eventLog: EventLog;
  readonly cache: GraphCache;
  readonly location: CodeLocation;
  readonly logger: ServiceLogger;
  readonly adapters: ObserverAdapters;
  readonly variables: Readonly<Record<string, string | undefined>>;
  readonly emitUnchanged: boolean;
  readonly core?: ObserverCore;
}

@Module({})
export class ObserverModule {
  static forRoot(options: ObserverModuleOptions): DynamicModule {
    const core =
      options.core ??
      new ObserverCore(
        { location: options.location, bus: new TypedBus(options.bus, 'freshet/observer'), cache: options.cache, eventLog: options.eventLog, logger: options.logger },
        { emitUnchanged: options.emitUnchanged, variables: options.variables },
      );
    return {
      module: ObserverModule,
      controllers: [SourceChangesHandler],
      providers: [
        { provide: EVENT_BUS, useValue: options.bus },
        { provide: EVENT_LOG, useValue: options.eventLog },
        { provide: GRAPH_CACHE, useValue: options.cache },
        { provide: CODE_LOCATION, useValue: options.location },
        { provide: SERVICE_LOGGER, useValue: options.logger },
        { provide: OBSERVER_ADAPTERS, useValue: options.adapters },
        { provide: OBSERVER_CORE, useValue: core },
        ObserverService,
      ],
      exports: [ObserverService, OBSERVER_CORE],
    };
  }
}
