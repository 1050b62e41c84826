import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ASYNCAPI_FILE,
  EVENT_TYPES,
  TOPICS,
  TOPIC_IDS,
  asyncApiDocument,
  isEventType,
  publishedSchemas,
  toFileText,
} from '@freshet/contracts';

const contractsDir = join(__dirname, '..');
const schemasDir = join(contractsDir, 'schemas');
const regenerate = 'run `node bin/run-ts.js libs/contracts/scripts/write-schemas.ts` and commit the result';
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('checked-in JSON Schemas match the schemas in code', () => {
  const generated = publishedSchemas();

  it('has exactly one file per generated schema', () => {
    const onDisk = readdirSync(schemasDir).filter((file) => file.endsWith('.json')).sort(byName);
    expect({ files: onDisk, hint: regenerate }).toEqual({ files: [...generated.keys()].sort(byName), hint: regenerate });
  });

  it.each([...generated.keys()])('%s is up to date', (file) => {
    const onDisk = readFileSync(join(schemasDir, file), 'utf8');
    expect({ text: onDisk, hint: regenerate }).toEqual({ text: toFileText(generated.get(file)), hint: regenerate });
  });
});

describe('the AsyncAPI document', () => {
  const text = readFileSync(join(contractsDir, ASYNCAPI_FILE), 'utf8');
  const document = JSON.parse(text) as {
    asyncapi: string;
    channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
    components: { messages: Record<string, { name: string; payload: { allOf: Record<string, unknown>[] } }> };
    operations: Record<string, { channel: { $ref: string } }>;
  };

  it('is up to date', () => {
    expect({ text, hint: regenerate }).toEqual({ text: toFileText(asyncApiDocument()), hint: regenerate });
  });

  it('describes the public topics by their real names', () => {
    expect(document.asyncapi).toBe('3.0.0');
    const addresses = Object.values(document.channels).map((channel) => channel.address).sort(byName);
    expect(addresses).toEqual(
      [TOPICS.sourceChanges.name, TOPICS.staleness.name, TOPICS.freshnessViolations.name].sort(byName),
    );
    const known = new Set<string>(TOPIC_IDS.map((id) => TOPICS[id].name));
    for (const address of addresses) expect(known.has(address)).toBe(true);
  });

  it('references only schema files that exist and internal targets that exist', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref' && typeof value === 'string') refs.push(value);
          else walk(value);
        }
      }
    };
    walk(document);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      if (ref.startsWith('#/')) {
        const target = ref
          .slice(2)
          .split('/')
          .reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], document);
        expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
      } else {
        expect({ ref, exists: existsSync(resolve(contractsDir, ref)) }).toEqual({ ref, exists: true });
      }
    }
  });

  it('gives each message the payload schema of its event type and the channel of its topic', () => {
    for (const [channelId, channel] of Object.entries(document.channels)) {
      for (const { $ref } of Object.values(channel.messages)) {
        const message = document.components.messages[$ref.split('/').pop() ?? ''];
        expect(message).toBeDefined();
        if (!message) continue;
        expect(isEventType(message.name)).toBe(true);
        if (!isEventType(message.name)) continue;
        const { schemaFile, topic } = EVENT_TYPES[message.name];
        expect(topic).toBe(channel.address);
        expect(JSON.stringify(message.payload)).toContain(`./schemas/${schemaFile}`);
        expect(channelId in document.channels).toBe(true);
      }
    }
  });
});
