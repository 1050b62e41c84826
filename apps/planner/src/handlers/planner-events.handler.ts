// Transport only: the events the planner consumes go to the event log through the service.
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type AnyCloudEvent } from '@freshet/contracts';
import { PlannerService } from '../planner.service';

@Controller()
export class PlannerEventsHandler {
  constructor(private readonly planner: PlannerService) {}

  @EventPattern(TOPICS.definitions.name)
  onDefinitions(@Payload() event: AnyCloudEvent): Promise<void> {
    return this.planner.ingest(event);
  }

  @EventPattern(TOPICS.observations.name)
  onObservation(@Payload() event: AnyCloudEvent): Promise<void> {
    return this.planner.ingest(event);
  }

  @EventPattern(TOPICS.runEvents.name)
  onRunEvent(@Payload() event: AnyCloudEvent): Promise<void> {
    return this.planner.ingest(event);
  }
}
