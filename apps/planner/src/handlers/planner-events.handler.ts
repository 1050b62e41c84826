// Transport only: the events the planner consumes go to the event log through the service, a
// partition's batch at a time (one event-log append per batch; offsets committed after it).
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type AnyCloudEvent } from '@freshet/contracts';
import type { EventBatchResult } from '@freshet/messaging';
import { PlannerService } from '../planner.service';

@Controller()
export class PlannerEventsHandler {
  constructor(private readonly planner: PlannerService) {}

  @EventPattern(TOPICS.definitions.name, { batch: true })
  onDefinitions(@Payload() events: AnyCloudEvent[]): Promise<EventBatchResult> {
    return this.planner.ingestBatch(events);
  }

  @EventPattern(TOPICS.observations.name, { batch: true })
  onObservations(@Payload() events: AnyCloudEvent[]): Promise<EventBatchResult> {
    return this.planner.ingestBatch(events);
  }

  @EventPattern(TOPICS.runEvents.name, { batch: true })
  onRunEvents(@Payload() events: AnyCloudEvent[]): Promise<EventBatchResult> {
    return this.planner.ingestBatch(events);
  }
}
