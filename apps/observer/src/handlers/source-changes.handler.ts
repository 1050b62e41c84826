// Transport only: source changes from any producer go to the observer service. An unknown asset or
// a bad payload is thrown as non-retriable, and the bus dead-letters it with the reason.
import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, type AnyCloudEvent } from '@freshet/contracts';
import { NonRetriableError } from '@freshet/messaging';
import { ObserverService } from '../observer.service';

@Controller()
export class SourceChangesHandler {
  constructor(private readonly observer: ObserverService) {}

  @EventPattern(TOPICS.sourceChanges.name)
  async onSourceChange(@Payload() event: AnyCloudEvent): Promise<void> {
    if (event.type !== 'dev.freshet.source-change.v1') {
      throw new NonRetriableError(`${event.type} does not belong on ${TOPICS.sourceChanges.name}`, 'WRONG_TOPIC');
    }
    await this.observer.sourceChanged(event);
  }
}
