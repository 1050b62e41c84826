// Orchestration of the observer process: schedules the code location's observe functions once the
// app is up, turns source-change events into observations, stops and closes on shutdown.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { ObserverCore, type SourceChangeEvent } from '@freshet/runtime';
import { OBSERVER_ADAPTERS, OBSERVER_CORE, type ObserverAdapters } from './observer.tokens';

@Injectable()
export class ObserverService implements OnApplicationBootstrap, OnModuleDestroy, OnApplicationShutdown {
  constructor(
    @Inject(OBSERVER_CORE) private readonly core: ObserverCore,
    @Inject(OBSERVER_ADAPTERS) private readonly adapters: ObserverAdapters,
  ) {}

  onApplicationBootstrap(): void {
    this.core.start();
  }

  async sourceChanged(event: SourceChangeEvent): Promise<void> {
    await this.core.handleSourceChange(event);
  }

  async onModuleDestroy(): Promise<void> {
    await this.core.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.adapters.close();
  }
}
