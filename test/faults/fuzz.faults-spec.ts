// Bad input: FAULTS_FUZZ (default 10,000) malformed or hostile messages on the source-changes topic,
// from a seeded generator, with valid changes interleaved. Every hostile message ends on the
// dead-letter topic with a reason; none crashes a service; every valid change is processed.
// Duplicate event ids are not errors: they are deduplicated (one observation per change id, kept
// by the event log's unique event id), never dead-lettered.
import { Kafka, Partitioners, logLevel, type Message } from 'kafkajs';
import { TOPICS, encode } from '@freshet/contracts';
import { waitFor } from '@freshet/testing';
import { FaultStack, log, runSeed, seededRandom } from './support/fault-stack';

const HOSTILE = Number(process.env['FAULTS_FUZZ'] ?? '10000');
const VALID_EVERY = 100;
const SOURCES = ['s0', 's1', 's2', 's3', 's4', 's5'];
const downstream = (source: string): string => `k${source.slice(1)}`;

jest.setTimeout(15 * 60_000);

type Kind = 'badJson' | 'notAnEvent' | 'wrongTypes' | 'huge' | 'unknownAsset' | 'notASource' | 'noSuchPartition' | 'future' | 'wrongType' | 'empty' | 'binary';
const KINDS: readonly Kind[] = ['badJson', 'notAnEvent', 'wrongTypes', 'unknownAsset', 'notASource', 'noSuchPartition', 'future', 'wrongType', 'empty', 'binary'];
const HUGE_COUNT = 10;

function hostile(kind: Kind, n: number, random: () => number): Buffer | null {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const now = new Date().toISOString();
  // A well-formed envelope (what `encode` writes), with the payload replaced: only the data is hostile.
  const envelope = JSON.parse(encode('dev.freshet.source-change.v1', { asset: 's0', occurredAt: now }, { source: 'fuzz', id: `fuzz-${n}` })) as Record<string, unknown>;
  const change = (data: Record<string, unknown>): string => JSON.stringify({ ...envelope, data });
  switch (kind) {
    case 'badJson':
      return Buffer.from(pick(['{', '{"specversion":', 'nul', '[1,2', '{"a":1}}', '\u0000', '{"data":{"asset":"s0"}', `{${'x'.repeat(Math.floor(random() * 200))}`]));
    case 'notAnEvent':
      return Buffer.from(JSON.stringify(pick([null, 42, 'a string', [], { hello: 'world' }, { specversion: '0.3' }, { data: { asset: 's0' } }])));
    case 'wrongTypes':
      return Buffer.from(change(pick([{ asset: 42, occurredAt: now }, { asset: 's0', occurredAt: 'yesterday' }, { asset: 's0', occurredAt: now, dataVersion: { v: 1 } }, { asset: '', occurredAt: now }, { asset: 's0', occurredAt: now, extra: true }, { asset: 's0', occurredAt: now, dataVersion: '' }])));
    case 'huge':
      return Buffer.from(change({ asset: 's0', occurredAt: now, dataVersion: 'x'.repeat(900_000) }));
    case 'unknownAsset':
      return Buffer.from(change({ asset: `nope_${n}`, occurredAt: now, dataVersion: 'v' }));
    case 'notASource':
      return Buffer.from(change({ asset: pick(['k0', 'a', 'p']), occurredAt: now, dataVersion: 'v' }));
    case 'noSuchPartition':
      return Buffer.from(change({ asset: pick(SOURCES), partition: `part-${n}`, occurredAt: now, dataVersion: `v-${n}` }));
    case 'future':
      return Buffer.from(change({ asset: pick(SOURCES), occurredAt: pick(['2999-01-01T00:00:00Z', new Date(Date.now() + 86_400_000).toISOString()]), dataVersion: `f-${n}` }));
    case 'wrongType':
      return Buffer.from(encode('dev.freshet.observation.v1', { asset: 's0', dataVersion: 'x', observedAt: now }, { source: 'fuzz', id: `fuzz-${n}` }));
    case 'empty':
      return null;
    case 'binary':
      return Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => Math.floor(random() * 256)));
  }
}

describe('fuzzing freshet.source-changes.v1', () => {
  const faults = new FaultStack();

  beforeAll(async () => {
    await faults.start();
  });

  afterAll(async () => {
    await faults.dispose();
  });

  it(`dead-letters ${HOSTILE} hostile messages with reasons, deduplicates repeated ids, processes every valid change`, async () => {
    const random = seededRandom(runSeed('fuzz'));
    const kafka = new Kafka({ clientId: 'faults-fuzz', brokers: [faults.infra.kafkaBrokers], logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    const topic = `${faults.stack.topicPrefix}${TOPICS.sourceChanges.name}`;
    const hostileKeys = new Set<string>();
    const byKind = new Map<Kind, number>();
    const duplicates: Message[] = [];
    let batch: Message[] = [];
    let version = 0;
    let resent = 0;
    const flush = async (): Promise<void> => {
      if (batch.length > 0) await producer.send({ topic, messages: batch });
      batch = [];
    };
    try {
      for (let n = 0; n < HOSTILE; n++) {
        const kind: Kind = n % Math.floor(HOSTILE / HUGE_COUNT) === 0 ? 'huge' : (KINDS[Math.floor(random() * KINDS.length)] as Kind);
        const key = `fuzz-${n}`;
        hostileKeys.add(key);
        byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
        batch.push({ key, value: hostile(kind, n, random) });
        if (kind === 'huge') await flush();
        if (n % VALID_EVERY === 0) {
          const asset = SOURCES[(n / VALID_EVERY) % SOURCES.length] as string;
          const dataVersion = `valid-${++version}`;
          const valid: Message = { key: asset, value: encode('dev.freshet.source-change.v1', { asset, occurredAt: new Date().toISOString(), dataVersion }, { source: 'fuzz', subject: asset, id: `valid-${version}` }) };
          batch.push(valid);
          faults.lastSent.set(asset, dataVersion);
          faults.sent.push({ asset, version: dataVersion });
          // The same event again later, id and all: a redelivery, not an error.
          if (random() < 0.5) {
            duplicates.push(valid);
            resent++;
          }
        }
        if (batch.length >= 200) await flush();
        if (duplicates.length > 0 && random() < 0.02) batch.push(duplicates.shift() as Message);
      }
      batch.push(...duplicates);
      await flush();
    } finally {
      await producer.disconnect();
    }
    log(`fuzz: sent ${HOSTILE} hostile messages (${[...byKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${k} ${c}`).join(', ')}) and ${faults.sent.length} valid changes, ${resent} of them sent twice with the same event id`);

    const lettered = (): Map<string, string> => {
      const out = new Map<string, string>();
      for (const event of faults.deadLetters()) {
        if (event.type !== 'dev.freshet.dead-letter.v1') continue;
        if (event.data.originalKey !== null && event.data.originalTopic === topic) out.set(event.data.originalKey, event.data.reason);
      }
      return out;
    };
    await waitFor(() => [...hostileKeys].every((key) => lettered().has(key)), { timeoutMs: 300_000, intervalMs: 1000, description: 'a dead letter for every hostile message' }).catch((error: unknown) => {
      const missing = [...hostileKeys].filter((key) => !lettered().has(key));
      throw new Error(`${(error as Error).message}: ${missing.length} missing, e.g. ${missing.slice(0, 5).join(', ')}\n${faults.stack.logs().slice(-8000)}`);
    });
    const letters = lettered();
    for (const key of hostileKeys) expect((letters.get(key) ?? '').length).toBeGreaterThan(0);
    // Valid changes (and their duplicates) never land there.
    expect([...letters.keys()].filter((key) => !hostileKeys.has(key))).toEqual([]);

    await faults.waitOwedDone(downstream, 180_000);
    const counts = await faults.assertNothingCountedTwice();
    for (const p of faults.stack.processes) expect({ name: p.name, running: p.running }).toEqual({ name: p.name, running: true });
    const reasons = new Map<string, number>();
    for (const reason of letters.values()) {
      const code = reason.replace(/^rejected: /, '').replace(/"[^"]*"|\d+|nope_\w+/g, '…').slice(0, 48);
      reasons.set(code, (reasons.get(code) ?? 0) + 1);
    }
    log(`fuzz: ${letters.size} dead-lettered with a reason (${[...reasons].sort(([a], [b]) => a.localeCompare(b)).map(([k, c]) => `${k} ${c}`).join(', ')}); ${faults.sent.length} valid changes → ${counts.observations} observations (${resent} duplicate ids deduplicated, none dead-lettered); no service crashed`);
  });
});
