// What the repository publishes for non-TypeScript clients: one JSON Schema file per payload
// (plus the envelope and the asset spec) and an AsyncAPI 3.0 document for the topics other
// systems use. Generated from the TypeBox schemas by scripts/write-schemas.ts; a unit test fails
// when the checked-in files drift from this.
import type { TSchema } from '@sinclair/typebox';
import { CloudEventEnvelope } from './envelope';
import { EVENT_TYPE_NAMES, EVENT_TYPES, type EventType } from './event-types';
import { AssetSpec } from './schemas/asset-spec';
import { TOPICS, type TopicId } from './topics';

export const SCHEMA_BASE_URI = 'https://freshet.dev/schemas/';
export const ENVELOPE_SCHEMA_FILE = 'cloudevent.v1.json';
export const ASSET_SPEC_SCHEMA_FILE = 'asset-spec.v1.json';
export const ASYNCAPI_FILE = 'asyncapi.json';

type JsonObject = { [key: string]: unknown };

/** A TypeBox schema as plain JSON (TypeBox's symbol keys dropped). */
function plain(schema: TSchema): JsonObject {
  return JSON.parse(JSON.stringify(schema)) as JsonObject;
}

function schemaDocument(file: string, schema: TSchema, extra: JsonObject = {}): JsonObject {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_BASE_URI + file,
    ...extra,
    ...plain(schema),
  };
}

/** File name → JSON Schema document, in a stable order. */
export function publishedSchemas(): Map<string, JsonObject> {
  const files = new Map<string, JsonObject>();
  files.set(ENVELOPE_SCHEMA_FILE, schemaDocument(ENVELOPE_SCHEMA_FILE, CloudEventEnvelope));
  files.set(ASSET_SPEC_SCHEMA_FILE, schemaDocument(ASSET_SPEC_SCHEMA_FILE, AssetSpec));
  for (const type of EVENT_TYPE_NAMES) {
    const { schemaFile, schema, topic } = EVENT_TYPES[type];
    files.set(schemaFile, schemaDocument(schemaFile, schema, { 'x-event-type': type, 'x-topic': topic }));
  }
  return files;
}

/** The topics other systems use, and which way they flow from Freshet's point of view. */
const PUBLIC_CHANNELS: readonly { id: TopicId; type: EventType; action: 'send' | 'receive' }[] = [
  { id: 'sourceChanges', type: 'dev.freshet.source-change.v1', action: 'receive' },
  { id: 'staleness', type: 'dev.freshet.staleness.v1', action: 'send' },
  { id: 'freshnessViolations', type: 'dev.freshet.freshness-violation.v1', action: 'send' },
];

function messageName(type: EventType): string {
  // dev.freshet.source-change.v1 → sourceChangeV1
  const [, , name = '', version = ''] = type.split('.');
  const camel = name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
  return camel + version.toUpperCase();
}

export function asyncApiDocument(): JsonObject {
  const channels: JsonObject = {};
  const operations: JsonObject = {};
  const messages: JsonObject = {};
  for (const { id, type, action } of PUBLIC_CHANNELS) {
    const topic = TOPICS[id];
    const message = messageName(type);
    channels[id] = {
      address: topic.name,
      description: topic.description,
      messages: { [message]: { $ref: `#/components/messages/${message}` } },
      bindings: { kafka: { topic: topic.name, partitions: topic.partitions, bindingVersion: '0.5.0' } },
    };
    operations[`${action}${message.charAt(0).toUpperCase()}${message.slice(1)}`] = {
      action,
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${message}` }],
    };
    messages[message] = {
      name: type,
      title: type,
      contentType: 'application/cloudevents+json',
      summary: topic.description,
      payload: {
        allOf: [
          { $ref: `./schemas/${ENVELOPE_SCHEMA_FILE}` },
          {
            type: 'object',
            required: ['type', 'data'],
            properties: { type: { const: type }, data: { $ref: `./schemas/${EVENT_TYPES[type].schemaFile}` } },
          },
        ],
      },
      bindings: {
        kafka: { key: { type: 'string', description: topic.keyRule }, bindingVersion: '0.5.0' },
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Freshet public events',
      version: '1.0.0',
      description:
        'Topics that systems outside Freshet use: announce source changes; follow staleness and ' +
        'freshness violations. Every message is a CloudEvents 1.0 structured JSON envelope whose ' +
        '`type` names the payload schema version.',
    },
    defaultContentType: 'application/cloudevents+json',
    servers: {
      local: { host: '127.0.0.1:9092', protocol: 'kafka', description: 'The development broker' },
    },
    channels,
    operations,
    components: { messages },
  };
}

/** The exact text a generated file holds (stable key order, two-space indent, final newline). */
export function toFileText(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
