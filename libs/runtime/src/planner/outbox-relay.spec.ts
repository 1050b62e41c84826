// The outbox relay on the embedded event log (PGlite in this process) and the in-memory bus: it
// publishes what was committed, and deletes published rows once their retention has passed
// while leaving unpublished ones alone.
import { InMemoryEventBus, silentBusLogger } from '@freshet/messaging';
import { createEmbeddedEventLog, type EventLog } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import type { ServiceLogger } from '../logger';
import { OutboxRelay } from './outbox-relay';

// Opening the embedded event log (PGlite compiled to WASM) takes seconds on a busy machine.
jest.setTimeout(30_000);

const TOPIC = 'spec.outbox';

describe('OutboxRelay', () => {
  let eventLog: EventLog;
  let bus: InMemoryEventBus;
  let relay: OutboxRelay | undefined;
  const lines: string[] = [];
  const logger: ServiceLogger = { log: (m) => void lines.push(m), warn: (m) => void lines.push(`warn: ${m}`), error: (m) => void lines.push(`error: ${m}`) };

  beforeEach(async () => {
    lines.length = 0;
    eventLog = await createEmbeddedEventLog();
    bus = new InMemoryEventBus({ logger: silentBusLogger, autoCreateTopics: true });
  });

  afterEach(async () => {
    await relay?.stop();
    relay = undefined;
    await bus.close();
    await eventLog.close();
  });

  const enqueue = async (ids: readonly string[]): Promise<void> => {
    await eventLog.append([], { outbox: ids.map((eventId) => ({ topic: TOPIC, key: eventId, eventId, value: { eventId } })) });
  };

  it('publishes committed messages, then deletes them once their retention has passed', async () => {
    const received: string[] = [];
    await bus.subscribe({ topics: [TOPIC], group: 'spec', handle: (d) => Promise.resolve(void received.push(d.value.toString())) });
    await enqueue(['a', 'b', 'c']);
    relay = new OutboxRelay(eventLog, bus, logger, { pollMs: 20, retentionMs: 0, pruneEveryMs: 50 });
    relay.start();
    await waitFor(() => received.length === 3, { timeoutMs: 10_000 });
    // Keys spread over partitions: each arrives once, in no particular order across keys.
    expect(received.map((v) => (JSON.parse(v) as { eventId: string }).eventId).sort((x, y) => x.localeCompare(y))).toEqual(['a', 'b', 'c']);
    await waitFor(() => lines.some((l) => l.includes('deleted 3 published messages')), { timeoutMs: 10_000 });
    // Nothing published is left, and nothing was lost on the way.
    expect(await eventLog.pruneOutbox(0)).toBe(0);
    expect(await eventLog.pendingOutboxCount()).toBe(0);
    expect(lines.filter((l) => l.startsWith('warn') || l.startsWith('error'))).toEqual([]);
  });

  it('backs off while the event log fails, and publishes again once it answers', async () => {
    const received: string[] = [];
    await bus.subscribe({ topics: [TOPIC], group: 'spec', handle: (d) => Promise.resolve(void received.push(d.value.toString())) });
    await enqueue(['a']);
    let failing = true;
    // The real log, failing the way a database that is down does, for as long as `failing` holds.
    const claim = eventLog.claimOutbox.bind(eventLog);
    eventLog.claimOutbox = (limit, options) => (failing ? Promise.reject(new Error('connection refused')) : claim(limit, options));
    relay = new OutboxRelay(eventLog, bus, logger, { pollMs: 10, pruneEveryMs: 60_000 });
    relay.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const failures = lines.filter((l) => l.startsWith('warn: outbox relay: connection refused'));
    // Polling every 10 ms would fail ~100 times in a second; doubling waits (10, 20, 40, … ms) fail ~7.
    expect(failures.length).toBeGreaterThan(2);
    expect(failures.length).toBeLessThan(12);
    expect(failures.at(-1)).toMatch(/next poll in \d+ ms\)$/);
    failing = false;
    relay.kick();
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
  });

  it('keeps published messages within their retention, so a message appended again is not republished', async () => {
    const received: string[] = [];
    await bus.subscribe({ topics: [TOPIC], group: 'spec', handle: (d) => Promise.resolve(void received.push(d.value.toString())) });
    relay = new OutboxRelay(eventLog, bus, logger, { pollMs: 20, retentionMs: 60 * 60 * 1000, pruneEveryMs: 50 });
    relay.start();
    await enqueue(['a']);
    relay.kick();
    await waitFor(() => received.length === 1, { timeoutMs: 10_000 });
    // Several prune passes go by; the row stays, so the duplicate is ignored on append.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await enqueue(['a']);
    relay.kick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toHaveLength(1);
    expect(lines.filter((l) => l.includes('deleted'))).toEqual([]);
  });
});
