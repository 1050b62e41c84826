// The registry of event types: each CloudEvents `type` names one payload schema version and the
// topic it travels on. Adding a version means adding an entry; never changing one.
import type { Static, TSchema } from '@sinclair/typebox';
import {
  DeadLetterV1,
  DefinitionsV1,
  FreshnessViolationV1,
  MaterializationRequestV1,
  ObservationV1,
  RunEventV1,
  SourceChangeV1,
  StalenessV1,
} from './schemas/events';
import { TOPICS, type TopicName } from './topics';

export interface EventTypeDefinition<S extends TSchema = TSchema> {
  readonly schema: S;
  readonly topic: TopicName;
  /** File name of the published JSON Schema under libs/contracts/schemas/. */
  readonly schemaFile: string;
}

export const EVENT_TYPES = {
  'dev.freshet.definitions.v1': {
    schema: DefinitionsV1,
    topic: TOPICS.definitions.name,
    schemaFile: 'dev.freshet.definitions.v1.json',
  },
  'dev.freshet.source-change.v1': {
    schema: SourceChangeV1,
    topic: TOPICS.sourceChanges.name,
    schemaFile: 'dev.freshet.source-change.v1.json',
  },
  'dev.freshet.observation.v1': {
    schema: ObservationV1,
    topic: TOPICS.observations.name,
    schemaFile: 'dev.freshet.observation.v1.json',
  },
  'dev.freshet.materialization-request.v1': {
    schema: MaterializationRequestV1,
    topic: TOPICS.materializationRequests.name,
    schemaFile: 'dev.freshet.materialization-request.v1.json',
  },
  'dev.freshet.run-event.v1': {
    schema: RunEventV1,
    topic: TOPICS.runEvents.name,
    schemaFile: 'dev.freshet.run-event.v1.json',
  },
  'dev.freshet.staleness.v1': {
    schema: StalenessV1,
    topic: TOPICS.staleness.name,
    schemaFile: 'dev.freshet.staleness.v1.json',
  },
  'dev.freshet.freshness-violation.v1': {
    schema: FreshnessViolationV1,
    topic: TOPICS.freshnessViolations.name,
    schemaFile: 'dev.freshet.freshness-violation.v1.json',
  },
  'dev.freshet.dead-letter.v1': {
    schema: DeadLetterV1,
    topic: TOPICS.deadLetter.name,
    schemaFile: 'dev.freshet.dead-letter.v1.json',
  },
} as const satisfies Record<string, EventTypeDefinition>;

export type EventType = keyof typeof EVENT_TYPES;
export type EventData<T extends EventType> = Static<(typeof EVENT_TYPES)[T]['schema']>;

/** Every event type, sorted by name (stable listings, generated files). */
export const EVENT_TYPE_NAMES: readonly EventType[] = (Object.keys(EVENT_TYPES) as EventType[]).sort((a, b) =>
  a < b ? -1 : a > b ? 1 : 0,
);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(EVENT_TYPES, value);
}

/** The event types that travel on a topic. */
export function eventTypesOfTopic(topic: string): EventType[] {
  return EVENT_TYPE_NAMES.filter((type) => EVENT_TYPES[type].topic === topic);
}
