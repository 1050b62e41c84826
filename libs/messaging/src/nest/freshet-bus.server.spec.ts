import 'reflect-metadata';
import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { decode, type CloudEvent, type DeadLetterV1 } from '@freshet/contracts';
import { uniqueName, waitFor } from '@freshet/testing';
import { InMemoryEventBus } from '../in-memory/in-memory-event-bus';
import { NonRetriableError } from '../errors';
import { TypedBus } from '../typed-bus';
import { BusErrorPassthroughFilter, FreshetBusBatchContext, FreshetBusContext, FreshetBusServer, type EventBatchResult } from './freshet-bus.server';

const OBSERVATIONS = uniqueName('observations');
const SOURCE_CHANGES = uniqueName('source_changes');
const DEAD_LETTERS = uniqueName('dead_letters');

interface Seen {
  dataVersion: string;
  attempt: number;
  eventId: string;
}

// What the controller saw, shared with the test (the controller is built by Nest's injector).
const seen: Seen[] = [];
const sourceChanges: string[] = [];

@Controller()
class ObservationsController {
  @EventPattern(OBSERVATIONS)
  onObservation(@Payload() event: CloudEvent<'dev.freshet.observation.v1'>, @Ctx() context: FreshetBusContext): Promise<void> {
    const { dataVersion } = event.data;
    seen.push({ dataVersion, attempt: context.getDelivery().attempt, eventId: context.getEvent().id });
    if (dataVersion === 'flaky' && context.getDelivery().attempt === 1) return Promise.reject(new Error('briefly down'));
    if (dataVersion === 'ghost') return Promise.reject(new NonRetriableError('unknown asset ghost', 'UNKNOWN_ASSET'));
    return Promise.resolve();
  }

  @EventPattern(SOURCE_CHANGES)
  onSourceChange(@Payload() event: CloudEvent<'dev.freshet.source-change.v1'>): void {
    sourceChanges.push(event.data.asset);
  }
}

@Module({ controllers: [ObservationsController] })
class TestModule {}

describe('FreshetBusServer (NestJS custom transport over the bus port)', () => {
  let bus: InMemoryEventBus;
  let app: INestMicroservice;
  let server: FreshetBusServer;
  const letters: DeadLetterV1[] = [];
  const handlerErrors: string[] = [];

  beforeAll(async () => {
    bus = new InMemoryEventBus({ deadLetterTopic: DEAD_LETTERS, retry: { initialBackoffMs: 1, maxBackoffMs: 5 } });
    await bus.ensureTopics([
      { name: OBSERVATIONS, partitions: 2 },
      { name: SOURCE_CHANGES, partitions: 2 },
      { name: DEAD_LETTERS, partitions: 1 },
    ]);
    await bus.subscribe({
      topics: [DEAD_LETTERS],
      group: 'dlq-reader',
      fromBeginning: true,
      handle: (delivery) => {
        const result = decode(delivery.value);
        if (result.ok && result.event.type === 'dev.freshet.dead-letter.v1') letters.push(result.event.data);
        return Promise.resolve();
      },
    });
    server = new FreshetBusServer({ bus, group: 'planner', fromBeginning: true, maxAttempts: 3 });
    server.on('handlerError', (error) => handlerErrors.push(String(error)));
    app = await NestFactory.createMicroservice(TestModule, { strategy: server, logger: false });
    app.useGlobalFilters(new BusErrorPassthroughFilter());
    await app.listen();
  });

  afterAll(async () => {
    await app.close();
    await bus.close();
  });

  const typed = () => new TypedBus(bus, 'freshet/test');
  const observe = (dataVersion: string) =>
    typed().publishEvent(OBSERVATIONS, 'dev.freshet.observation.v1', { asset: 'orders', dataVersion, observedAt: '2024-01-01T00:00:00Z' }, 'orders');

  it('subscribes the topics of the @EventPattern handlers', () => {
    expect(server.subscribedTopics()).toEqual([OBSERVATIONS, SOURCE_CHANGES].sort((a, b) => (a < b ? -1 : 1)));
    expect(server.unwrap<InMemoryEventBus>()).toBe(bus);
  });

  it('hands the decoded CloudEvent and the delivery context to the handler', async () => {
    const event = await observe('v1');
    await typed().publishEvent(SOURCE_CHANGES, 'dev.freshet.source-change.v1', { asset: 'orders', occurredAt: '2024-01-01T00:00:00Z' }, 'orders');
    await waitFor(() => seen.some((s) => s.dataVersion === 'v1') && sourceChanges.length === 1, { description: 'both handlers' });
    expect(seen.find((s) => s.dataVersion === 'v1')).toEqual({ dataVersion: 'v1', attempt: 1, eventId: event.id });
    expect(sourceChanges).toEqual(['orders']);
  });

  it('retries a handler that failed', async () => {
    await observe('flaky');
    await waitFor(() => seen.filter((s) => s.dataVersion === 'flaky').length >= 2, { description: 'a retry' });
    expect(seen.filter((s) => s.dataVersion === 'flaky').map((s) => s.attempt)).toEqual([1, 2]);
    expect(handlerErrors.some((error) => error.includes('briefly down'))).toBe(true);
  });

  it('dead-letters a NonRetriableError from a handler at once (the passthrough filter keeps it)', async () => {
    await observe('ghost');
    await waitFor(() => letters.some((letter) => letter.reason.includes('unknown asset ghost')), { description: 'a dead letter' });
    expect(seen.filter((s) => s.dataVersion === 'ghost').map((s) => s.attempt)).toEqual([1]);
    expect(letters.find((letter) => letter.reason.includes('ghost'))).toMatchObject({ nonRetriable: true, group: 'planner' });
  });

  it('dead-letters an undecodable message without calling the handler, then keeps consuming', async () => {
    const before = seen.length;
    await bus.publish(OBSERVATIONS, [{ key: 'orders', value: '{"not": "a cloudevent"}' }]);
    await observe('after-bad');
    await waitFor(() => seen.some((s) => s.dataVersion === 'after-bad'), { description: 'the next message' });
    await waitFor(() => letters.some((letter) => letter.reason.includes('CloudEvents')), { description: 'a dead letter' });
    expect(seen.slice(before).map((s) => s.dataVersion)).toEqual(['after-bad']);
  });
});

describe('FreshetBusServer without BusErrorPassthroughFilter', () => {
  it('still retries and dead-letters, but Nest hides the error: everything counts as retriable', async () => {
    const topic = OBSERVATIONS;
    const dlq = uniqueName('dlq');
    const bus = new InMemoryEventBus({ deadLetterTopic: dlq, retry: { initialBackoffMs: 1, maxBackoffMs: 2 } });
    await bus.ensureTopics([
      { name: topic, partitions: 1 },
      { name: SOURCE_CHANGES, partitions: 1 },
      { name: dlq, partitions: 1 },
    ]);
    const app = await NestFactory.createMicroservice(TestModule, {
      strategy: new FreshetBusServer({ bus, group: 'no-filter', maxAttempts: 2 }),
      logger: false,
    });
    await app.listen();
    try {
      const before = seen.filter((s) => s.dataVersion === 'ghost').length;
      await new TypedBus(bus, 'freshet/test').publishEvent(
        topic,
        'dev.freshet.observation.v1',
        { asset: 'orders', dataVersion: 'ghost', observedAt: '2024-01-01T00:00:00Z' },
        'orders',
      );
      await waitFor(() => bus.messagesOf(dlq).length >= 1, { description: 'a dead letter' });
      const letter = decode(bus.messagesOf(dlq)[0]?.value ?? '');
      expect(letter.ok && letter.event.data).toMatchObject({ nonRetriable: false, attempts: 2 });
      expect(seen.filter((s) => s.dataVersion === 'ghost').length - before).toBe(2);
    } finally {
      await app.close();
      await bus.close();
    }
  });
});

const BATCHED = uniqueName('batched');
const batches: string[][] = [];

@Controller()
class BatchController {
  // A partition's events at once; 'ghost' is rejected (dead-lettered), 'down' fails the whole batch once.
  @EventPattern(BATCHED, { batch: true })
  onObservations(@Payload() events: CloudEvent<'dev.freshet.observation.v1'>[], @Ctx() context: FreshetBusBatchContext): Promise<EventBatchResult> {
    const versions = events.map((event) => event.data.dataVersion);
    batches.push(versions);
    expect(context.getDeliveries()).toHaveLength(events.length);
    if (versions.includes('down') && batches.filter((b) => b.includes('down')).length === 1) {
      return Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    }
    const rejected = versions.flatMap((version, index) => (version === 'ghost' ? [{ index, error: new NonRetriableError('unknown asset ghost', 'UNKNOWN_ASSET') }] : []));
    return Promise.resolve({ rejected });
  }
}

@Module({ controllers: [BatchController] })
class BatchModule {}

describe('FreshetBusServer with a batch handler (@EventPattern(topic, { batch: true }))', () => {
  it('hands a partition’s decoded events over at once; rejected and undecodable ones are dead-lettered, the rest committed', async () => {
    const dlq = uniqueName('dlq');
    const bus = new InMemoryEventBus({ deadLetterTopic: dlq, retry: { initialBackoffMs: 1, maxBackoffMs: 2 } });
    await bus.ensureTopics([
      { name: BATCHED, partitions: 1 },
      { name: dlq, partitions: 1 },
    ]);
    const typedBus = new TypedBus(bus, 'freshet/test');
    const observe = (dataVersion: string) => typedBus.publishEvent(BATCHED, 'dev.freshet.observation.v1', { asset: 'orders', dataVersion, observedAt: '2024-01-01T00:00:00Z' }, 'orders');
    // Waiting before anyone consumes: one batch.
    for (const version of ['v1', 'ghost', 'v2']) await observe(version);
    await bus.publish(BATCHED, [{ key: 'orders', value: 'not json' }]);
    await observe('v3');
    const app = await NestFactory.createMicroservice(BatchModule, { strategy: new FreshetBusServer({ bus, group: 'batched', fromBeginning: true, maxBatchSize: 10 }), logger: false });
    app.useGlobalFilters(new BusErrorPassthroughFilter());
    await app.listen();
    try {
      await waitFor(() => bus.messagesOf(dlq).length >= 2, { description: 'two dead letters' });
      expect(batches[0]).toEqual(['v1', 'ghost', 'v2', 'v3']);
      const reasons = bus.messagesOf(dlq).map((m) => {
        const letter = decode(m.value);
        return letter.ok && letter.event.type === 'dev.freshet.dead-letter.v1' ? letter.event.data.reason : '';
      });
      expect(reasons.some((reason) => reason.includes('unknown asset ghost'))).toBe(true);
      expect(reasons.some((reason) => reason.includes('CloudEvents') || reason.includes('JSON'))).toBe(true);
      // A failure of a dependency retries the whole batch; the next batch starts after the last one.
      await observe('down');
      await observe('v4');
      await waitFor(() => batches.filter((b) => b.includes('down')).length >= 2, { description: 'the failed batch again' });
      expect(batches.flat().filter((version) => version === 'v1')).toHaveLength(1);
    } finally {
      await app.close();
      await bus.close();
    }
  });
});
