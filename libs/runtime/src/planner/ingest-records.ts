// What the planner stores for each event it consumes: one event-log record per CloudEvent, keyed
// by the event id, so a redelivered event is a duplicate the log ignores.
import type { AnyCloudEvent } from '@freshet/contracts';
import { NonRetriableError } from '@freshet/messaging';
import { RecordTypes, type JsonValue, type NewRecord } from '@freshet/storage';

/** Record types the planner writes itself (follow-ups of a definitions change, tick explanations). */
export const PlannerRecordTypes = {
  definitionsChanged: 'definitionsChanged',
  codeVersionDeployed: 'codeVersionDeployed',
  /** A backfill launched through the API: payload `{backfillId, assetPartitions: [{asset, partition?}], …}`. */
  backfillRequested: 'backfillRequested',
} as const;

const ms = (iso: string): number => Date.parse(iso);

/** The event-log record of a consumed event; throws NonRetriableError for one the planner does not take. */
export function recordOfEvent(event: AnyCloudEvent): NewRecord {
  const payload = event.data as unknown as JsonValue;
  switch (event.type) {
    case 'dev.freshet.definitions.v1':
      return { eventId: event.id, type: RecordTypes.definitions, occurredAt: ms(event.time), payload };
    case 'dev.freshet.observation.v1': {
      const data = event.data;
      return {
        eventId: event.id,
        type: RecordTypes.observation,
        assetKey: data.asset,
        partitionKey: data.partition ?? null,
        occurredAt: ms(data.observedAt),
        payload,
      };
    }
    case 'dev.freshet.run-event.v1': {
      const data = event.data;
      switch (data.kind) {
        case 'started':
          return { eventId: event.id, type: RecordTypes.runStarted, runId: data.runId, occurredAt: ms(data.startedAt), payload };
        case 'assetMaterialized':
          return {
            eventId: event.id,
            type: RecordTypes.materialization,
            runId: data.runId,
            assetKey: data.asset,
            partitionKey: data.partition ?? null,
            occurredAt: ms(data.materializedAt),
            payload,
          };
        case 'assetFailed':
          return {
            eventId: event.id,
            type: RecordTypes.assetFailed,
            runId: data.runId,
            assetKey: data.asset,
            partitionKey: data.partition ?? null,
            occurredAt: ms(data.failedAt),
            payload,
          };
        case 'completed':
          return { eventId: event.id, type: RecordTypes.runCompleted, runId: data.runId, occurredAt: ms(data.completedAt), payload };
        case 'failed':
          return { eventId: event.id, type: RecordTypes.runFailed, runId: data.runId, occurredAt: ms(data.failedAt), payload };
      }
      break;
    }
    default:
      break;
  }
  throw new NonRetriableError(`the planner does not consume ${event.type}`, 'UNEXPECTED_EVENT_TYPE');
}
