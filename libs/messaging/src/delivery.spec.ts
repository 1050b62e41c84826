import { decode } from '@freshet/contracts';
import { DEAD_LETTER_MAX_RAW_BYTES, backoffMs, deadLetterMessage, deliverWithRetries, normalizeHeaders, retryPolicy } from './delivery';
import { NonRetriableError, isNonRetriable, isUnavailable } from './errors';
import type { Delivery } from './event-bus.port';

const message = (value: Buffer): Omit<Delivery, 'attempt'> => ({
  topic: 'freshet.observations.v1',
  partition: 2,
  offset: '41',
  key: 'orders',
  value,
  headers: { 'x-trace': 't' },
  heartbeat: () => Promise.resolve(),
});

const context = { service: 'planner', group: 'freshet-planner', reason: 'bad', nonRetriable: true, attempts: 1, failedAt: 0 };

function letterOf(value: Buffer) {
  const result = decode(String(deadLetterMessage(message(value), context).value));
  if (!result.ok || result.event.type !== 'dev.freshet.dead-letter.v1') throw new Error('not a dead letter');
  return result.event;
}

describe('retry policy', () => {
  it('backs off exponentially up to the cap', () => {
    const policy = retryPolicy({ initialBackoffMs: 100, maxBackoffMs: 1000, multiplier: 2 });
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffMs(policy, attempt))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(policy.maxAttempts).toBe(5);
    expect(retryPolicy({}, 2).maxAttempts).toBe(2);
    expect(() => retryPolicy({}, 0)).toThrow(RangeError);
  });

  it('classifies errors that say they are not retriable', () => {
    expect(isNonRetriable(new NonRetriableError('x'))).toBe(true);
    expect(isNonRetriable(Object.assign(new Error('coded'), { nonRetriable: true }))).toBe(true);
    expect(isNonRetriable(new Error('x'))).toBe(false);
    expect(isNonRetriable('x')).toBe(false);
  });

  it('stops retrying when the consumer closes, leaving the message uncommitted', async () => {
    let closing = false;
    const outcome = await deliverWithRetries({
      message: message(Buffer.from('v')),
      handle: () => {
        closing = true;
        return Promise.reject(new Error('down'));
      },
      policy: retryPolicy({ initialBackoffMs: 60_000 }),
      isClosing: () => closing,
    });
    expect(outcome).toEqual({ status: 'abandoned', attempts: 1 });
  });
});

describe('a dependency that is down', () => {
  it('recognises connection failures of Postgres, Redis and sockets, also wrapped', () => {
    expect(isUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailable(Object.assign(new Error('query failed'), { driverError: Object.assign(new Error('x'), { code: '08006' }) }))).toBe(true);
    expect(isUnavailable(new Error('invalid input syntax'))).toBe(false);
    expect(isUnavailable(new NonRetriableError('connection terminated'))).toBe(false);
  });

  it('retries past the attempt budget instead of dead-lettering a valid message, then delivers it', async () => {
    let calls = 0;
    const outcome = await deliverWithRetries({
      message: message(Buffer.from('v')),
      handle: () => {
        calls++;
        return calls <= 8 ? Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) : Promise.resolve();
      },
      policy: retryPolicy({ initialBackoffMs: 1, maxBackoffMs: 2, maxAttempts: 3 }),
      isClosing: () => false,
    });
    expect(outcome).toEqual({ status: 'handled', attempts: 9 });
  });

  it('still dead-letters a message whose own handling keeps failing', async () => {
    const outcome = await deliverWithRetries({
      message: message(Buffer.from('v')),
      handle: () => Promise.reject(new Error('boom')),
      policy: retryPolicy({ initialBackoffMs: 1, maxBackoffMs: 2, maxAttempts: 3 }),
      isClosing: () => false,
    });
    expect(outcome).toMatchObject({ status: 'deadLetter', attempts: 3, nonRetriable: false });
  });
});

describe('dead-letter messages', () => {
  it('carry the raw text, where it came from and why, under the original key', () => {
    const raw = Buffer.from('{"broken":');
    const built = deadLetterMessage(message(raw), context);
    expect(built.key).toBe('orders');
    const event = letterOf(raw);
    expect(event.subject).toBe('orders');
    expect(event.source).toBe('freshet/planner');
    expect(event.data).toEqual({
      originalTopic: 'freshet.observations.v1',
      originalPartition: 2,
      originalOffset: '41',
      originalKey: 'orders',
      value: { encoding: 'utf8', data: '{"broken":', originalBytes: 10, truncated: false },
      headers: { 'x-trace': 't' },
      reason: 'bad',
      nonRetriable: true,
      service: 'planner',
      group: 'freshet-planner',
      attempts: 1,
      failedAt: '1970-01-01T00:00:00.000Z',
    });
  });

  it('keep binary values as base64', () => {
    const raw = Buffer.from([0xff, 0x00, 0xfe]);
    const { data } = letterOf(raw);
    expect(data.value).toEqual({ encoding: 'base64', data: raw.toString('base64'), originalBytes: 3, truncated: false });
  });

  it('truncate huge values so the dead letter itself stays under the size limit', () => {
    const raw = Buffer.alloc(2 * 1024 * 1024, 'a');
    const { data } = letterOf(raw);
    expect(data.value.truncated).toBe(true);
    expect(data.value.originalBytes).toBe(raw.byteLength);
    expect(data.value.data.length).toBe(DEAD_LETTER_MAX_RAW_BYTES);
  });
});

describe('normalizeHeaders', () => {
  it('turns kafkajs header values into strings and drops empty ones', () => {
    expect(normalizeHeaders({ a: Buffer.from('x'), b: ['y', 'z'], c: undefined, d: 'w' })).toEqual({ a: 'x', b: 'y', d: 'w' });
  });
});
