// Transport only: a materialization request goes to the worker service; the context's heartbeat
// keeps the consumer in its group while a long run goes on.
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@freshet/contracts';
import type { FreshetBusContext } from '@freshet/messaging';
import type { RequestEvent } from '@freshet/runtime';
import { WorkerService } from '../worker.service';

@Controller()
export class MaterializationRequestsHandler {
  constructor(private readonly worker: WorkerService) {}

  @EventPattern(TOPICS.materializationRequests.name)
  async onRequest(@Payload() event: RequestEvent, @Ctx() context: FreshetBusContext): Promise<void> {
    await this.worker.execute(event, () => context.heartbeat());
  }
}
