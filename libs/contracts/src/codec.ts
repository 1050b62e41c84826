// Encode validates on produce and throws; decode validates on consume and returns a result, so a
// consumer can dead-letter a bad message with the reason instead of crashing on it.
import { randomUUID } from 'node:crypto';
import { CLOUDEVENTS_SPEC_VERSION, CloudEventEnvelope, JSON_CONTENT_TYPE, type AnyCloudEvent, type CloudEvent } from './envelope';
import { EVENT_TYPES, isEventType, type EventData, type EventType } from './event-types';
import { explain, formatIssues, isValid, type SchemaIssue } from './validation';

/** Largest message accepted either way. Kafka's default `message.max.bytes` is about 1 MiB too. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export type ContractViolationCode =
  | 'CONTRACT_VIOLATION'
  | 'UNKNOWN_EVENT_TYPE'
  | 'MESSAGE_TOO_LARGE';

/** Thrown on produce: the event does not match its contract. Names the JSON paths at fault. */
export class ContractViolation extends Error {
  override readonly name = 'ContractViolation';
  constructor(
    readonly code: ContractViolationCode,
    readonly eventType: string,
    readonly issues: readonly SchemaIssue[],
    message: string,
  ) {
    super(message);
  }
}

export interface EncodeOptions {
  /** CloudEvents `source`: who produced it, e.g. `freshet/planner`. */
  readonly source: string;
  /** Event id (idempotency key); a random UUID when omitted. */
  readonly id?: string;
  /** Event time; ISO string, epoch ms or Date. The current time when omitted. */
  readonly time?: string | number | Date;
  /** CloudEvents `subject`: the asset key or run id the event is about. */
  readonly subject?: string;
}

/** Builds and validates an event. Throws ContractViolation. */
export function createEvent<T extends EventType>(type: T, data: EventData<T>, options: EncodeOptions): CloudEvent<T> {
  if (!isEventType(type)) {
    throw new ContractViolation('UNKNOWN_EVENT_TYPE', String(type), [], `unknown event type ${JSON.stringify(type)}`);
  }
  const event: CloudEvent<T> = {
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: options.id ?? randomUUID(),
    source: options.source,
    type,
    time: toTimestamp(options.time),
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    datacontenttype: JSON_CONTENT_TYPE,
    data,
  };
  const issues = envelopeIssues(event);
  if (issues.length > 0) {
    throw new ContractViolation('CONTRACT_VIOLATION', type, issues, `${type} violates its contract: ${formatIssues(issues)}`);
  }
  return event;
}

/** Builds, validates and serializes an event (CloudEvents structured JSON). Throws ContractViolation. */
export function encode<T extends EventType>(type: T, data: EventData<T>, options: EncodeOptions): string {
  return serialize(createEvent(type, data, options));
}

/** Serializes an event that was already validated (or re-validates: use `encode` when unsure). */
export function serialize(event: CloudEvent): string {
  const json = JSON.stringify(event);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > MAX_MESSAGE_BYTES) {
    throw new ContractViolation(
      'MESSAGE_TOO_LARGE',
      event.type,
      [],
      `${event.type} is ${bytes} bytes, more than the ${MAX_MESSAGE_BYTES} allowed`,
    );
  }
  return json;
}

export type DecodeFailureKind = 'tooLarge' | 'badJson' | 'badEnvelope' | 'unknownType' | 'badData';

export type DecodeResult =
  | { readonly ok: true; readonly event: AnyCloudEvent }
  | {
      readonly ok: false;
      readonly kind: DecodeFailureKind;
      /** One line for a person and the dead-letter topic. */
      readonly reason: string;
      readonly issues: readonly SchemaIssue[];
      /** The type the message claimed, when it got that far. */
      readonly type?: string;
    };

/** Parses and validates a message. Never throws. */
export function decode(raw: Buffer | string | Uint8Array): DecodeResult {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.byteLength;
  if (bytes > MAX_MESSAGE_BYTES) {
    return failure('tooLarge', `message is ${bytes} bytes, more than the ${MAX_MESSAGE_BYTES} allowed`);
  }
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8'));
  } catch (error) {
    return failure('badJson', `not JSON: ${(error as Error).message}`);
  }
  if (!isValid(CloudEventEnvelope, value)) {
    const issues = explain(CloudEventEnvelope, value);
    return failure('badEnvelope', `not a CloudEvents 1.0 JSON envelope: ${formatIssues(issues)}`, issues);
  }
  const type = (value as { type: string }).type;
  if (!isEventType(type)) {
    return failure('unknownType', `unknown event type ${JSON.stringify(type)}`, [], type);
  }
  const { schema } = EVENT_TYPES[type];
  const data = (value as { data: unknown }).data;
  if (!isValid(schema, data)) {
    const issues = explain(schema, data, '/data');
    return failure('badData', `${type} violates its schema: ${formatIssues(issues)}`, issues, type);
  }
  return { ok: true, event: value as AnyCloudEvent };
}

function envelopeIssues(event: CloudEvent): SchemaIssue[] {
  if (!isValid(CloudEventEnvelope, event)) return explain(CloudEventEnvelope, event);
  const { schema } = EVENT_TYPES[event.type];
  return isValid(schema, event.data) ? [] : explain(schema, event.data, '/data');
}

function failure(
  kind: DecodeFailureKind,
  reason: string,
  issues: readonly SchemaIssue[] = [],
  type?: string,
): DecodeResult {
  return { ok: false, kind, reason, issues, ...(type !== undefined ? { type } : {}) };
}

function toTimestamp(time: string | number | Date | undefined): string {
  if (time === undefined) return new Date().toISOString();
  if (typeof time === 'string') return time;
  return new Date(time).toISOString();
}
