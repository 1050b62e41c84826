// The CloudEvents 1.0 structured JSON envelope every message travels in.
// https://github.com/cloudevents/spec/blob/v1.0.2/cloudevents/formats/json-format.md
import { Type } from '@sinclair/typebox';
import { Timestamp } from './schemas/common';
import type { EventData, EventType } from './event-types';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';
export const JSON_CONTENT_TYPE = 'application/json';

/**
 * The envelope's own attributes. `data` is checked separately, against the schema its `type`
 * names. Extension attributes (lower-case alphanumerics, per the spec) are allowed.
 */
export const CloudEventEnvelope = Type.Object(
  {
    specversion: Type.Literal(CLOUDEVENTS_SPEC_VERSION),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    source: Type.String({ minLength: 1, maxLength: 1024, description: 'URI-reference of the producer' }),
    type: Type.String({ minLength: 1 }),
    time: Timestamp,
    subject: Type.Optional(Type.String({ minLength: 1 })),
    datacontenttype: Type.Literal(JSON_CONTENT_TYPE),
    dataschema: Type.Optional(Type.String({ minLength: 1 })),
    data: Type.Unknown(),
  },
  { additionalProperties: true, title: 'CloudEvent' },
);

export interface CloudEvent<T extends EventType = EventType> {
  readonly specversion: typeof CLOUDEVENTS_SPEC_VERSION;
  readonly id: string;
  readonly source: string;
  readonly type: T;
  readonly time: string;
  readonly subject?: string;
  readonly datacontenttype: typeof JSON_CONTENT_TYPE;
  readonly dataschema?: string;
  readonly data: EventData<T>;
}

/** A CloudEvent of any known type, discriminated by `type`. */
export type AnyCloudEvent = { [T in EventType]: CloudEvent<T> }[EventType];
