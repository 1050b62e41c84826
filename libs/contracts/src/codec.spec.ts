import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ContractViolation,
  EVENT_TYPE_NAMES,
  MAX_MESSAGE_BYTES,
  createEvent,
  decode,
  encode,
  type DecodeFailureKind,
} from '@freshet/contracts';

const fixtures = join(__dirname, '..', 'fixtures');
const goodDir = join(fixtures, 'good');
const badDir = join(fixtures, 'bad');
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const goodFiles = readdirSync(goodDir).sort(byName);
const expectations = JSON.parse(readFileSync(join(badDir, 'expectations.json'), 'utf8')) as Record<
  string,
  { kind: DecodeFailureKind; reasonIncludes: string[] }
>;

const observation = { asset: 'orders', dataVersion: 'v1', observedAt: '2024-01-02T03:04:00Z' };

describe('golden fixtures (every published event version stays decodable)', () => {
  it.each(goodFiles)('%s decodes', (file) => {
    const raw = readFileSync(join(goodDir, file));
    const result = decode(raw);
    if (!result.ok) throw new Error(`${file}: ${result.reason}`);
    expect(result.event).toEqual(JSON.parse(raw.toString('utf8')));
  });

  it('covers every event type', () => {
    const covered = new Set(goodFiles.map((file) => (JSON.parse(readFileSync(join(goodDir, file), 'utf8')) as { type: string }).type));
    expect([...EVENT_TYPE_NAMES].filter((type) => !covered.has(type))).toEqual([]);
  });

  it.each(goodFiles)('%s survives encode → decode unchanged', (file) => {
    const event = JSON.parse(readFileSync(join(goodDir, file), 'utf8'));
    const again = encode(event.type, event.data, { source: event.source, id: event.id, time: event.time, subject: event.subject });
    expect(JSON.parse(again)).toEqual(event);
  });
});

describe('bad messages are rejected with a reason', () => {
  const badFiles = readdirSync(badDir).filter((file) => file !== 'expectations.json').sort(byName);

  it('every bad fixture has an expectation', () => {
    expect(badFiles).toEqual(Object.keys(expectations).sort(byName));
  });

  it.each(badFiles)('%s', (file) => {
    const result = decode(readFileSync(join(badDir, file)));
    const expected = expectations[file];
    expect(result.ok).toBe(false);
    if (result.ok || !expected) return;
    expect(result.kind).toBe(expected.kind);
    for (const fragment of expected.reasonIncludes) expect(result.reason).toContain(fragment);
  });

  it('rejects a message larger than the limit before parsing it', () => {
    const big = JSON.stringify({ padding: 'x'.repeat(MAX_MESSAGE_BYTES) });
    const result = decode(Buffer.from(big));
    expect(result).toMatchObject({ ok: false, kind: 'tooLarge' });
  });

  it('reports the type a message claimed when its data is wrong', () => {
    const raw = JSON.stringify({
      specversion: '1.0', id: 'e', source: 's', type: 'dev.freshet.observation.v1',
      time: '2024-01-01T00:00:00Z', datacontenttype: 'application/json', data: { asset: '' },
    });
    const result = decode(raw);
    expect(result).toMatchObject({ ok: false, kind: 'badData', type: 'dev.freshet.observation.v1' });
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort(byName)).toEqual(['/data/asset', '/data/dataVersion', '/data/observedAt']);
  });

  it('accepts CloudEvents extension attributes on the envelope', () => {
    const event = { ...createEvent('dev.freshet.observation.v1', observation, { source: 's' }), traceparent: '00-abc-def-01' };
    expect(decode(JSON.stringify(event)).ok).toBe(true);
  });
});

describe('encode validates on produce', () => {
  it('fills id, time and the envelope constants', () => {
    const event = JSON.parse(encode('dev.freshet.observation.v1', observation, { source: 'freshet/observer', time: 0 }));
    expect(event).toMatchObject({
      specversion: '1.0', source: 'freshet/observer', type: 'dev.freshet.observation.v1',
      time: '1970-01-01T00:00:00.000Z', datacontenttype: 'application/json', data: observation,
    });
    expect(event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event).not.toHaveProperty('subject');
  });

  it('throws a coded ContractViolation naming the JSON path', () => {
    const bad = { ...observation, dataVersion: 42 } as unknown as typeof observation;
    let thrown: unknown;
    try {
      encode('dev.freshet.observation.v1', bad, { source: 's' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ContractViolation);
    const violation = thrown as ContractViolation;
    expect(violation.code).toBe('CONTRACT_VIOLATION');
    expect(violation.eventType).toBe('dev.freshet.observation.v1');
    expect(violation.issues[0]?.path).toBe('/data/dataVersion');
    expect(violation.message).toContain('/data/dataVersion');
  });

  it('names the field of the right run-event variant', () => {
    expect(() =>
      encode('dev.freshet.run-event.v1', { kind: 'completed', runId: 'r1', completedAt: 'yesterday', durationMs: 1 }, { source: 's' }),
    ).toThrow('/data/completedAt');
  });

  it('rejects an unknown event type and a bad envelope attribute', () => {
    expect(() => encode('dev.freshet.nope.v1' as 'dev.freshet.observation.v1', observation, { source: 's' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_EVENT_TYPE' }) as Error,
    );
    expect(() => encode('dev.freshet.observation.v1', observation, { source: '' })).toThrow('/source');
  });

  it('refuses to produce a message over the size limit', () => {
    const huge = { codeLocation: 'x', sources: [], assets: [{ key: 'a', description: 'd'.repeat(MAX_MESSAGE_BYTES) }] };
    expect(() => encode('dev.freshet.definitions.v1', huge, { source: 's' })).toThrow(
      expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }) as Error,
    );
  });
});
