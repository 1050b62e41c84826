// One behavioural suite for every EventBus adapter (in-memory and Kafka). Call it from a spec
// file with a factory; each test uses its own topics and groups, so it runs on a shared broker.
import { decode, type DeadLetterV1 } from '@freshet/contracts';
import { NonRetriableError, TypedBus, type BatchResult, type Delivery, type DeliveryBatch, type EventBus, type RetryPolicy, type Subscription } from '@freshet/messaging';
import { uniqueName } from '../infra/endpoints';
import { waitFor } from '../wait';

export interface EventBusContractOptions {
  /** A new bus whose consumers dead-letter to `deadLetterTopic` with `retry`. */
  createBus(options: { deadLetterTopic: string; retry: Partial<RetryPolicy> }): Promise<EventBus> | EventBus;
  /** Deadline of each wait; Kafka needs longer than memory (group joins, fetch waits). */
  readonly timeoutMs: number;
}

interface Received {
  readonly key: string | null;
  readonly value: string;
  readonly partition: number;
  readonly offset: string;
  readonly attempt: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly topic: string;
}

const received = (delivery: Delivery): Received => ({
  key: delivery.key,
  value: delivery.value.toString('utf8'),
  partition: delivery.partition,
  offset: delivery.offset,
  attempt: delivery.attempt,
  headers: delivery.headers,
  topic: delivery.topic,
});

const PARTITIONS = 3;

export function eventBusContract(name: string, options: EventBusContractOptions): void {
  describe(`EventBus contract: ${name}`, () => {
    let bus: EventBus;
    let topic: string;
    let deadLetterTopic: string;
    const subscriptions: Subscription[] = [];
    const wait = <T>(predicate: () => T | undefined | null | false, description: string) =>
      waitFor(predicate, { timeoutMs: options.timeoutMs, intervalMs: 20, description });

    const subscribe = async (
      group: string,
      handle: (delivery: Delivery) => Promise<void>,
      extra: { maxAttempts?: number; topics?: string[] } = {},
    ) => {
      const subscription = await bus.subscribe({
        topics: extra.topics ?? [topic],
        group,
        fromBeginning: true,
        ...(extra.maxAttempts !== undefined ? { maxAttempts: extra.maxAttempts } : {}),
        handle,
      });
      subscriptions.push(subscription);
      return subscription;
    };

    /** A batch subscriber; `handle` (the one-at-a-time fallback) accepts everything unless given. */
    const subscribeBatches = async (
      group: string,
      handleBatch: (batch: DeliveryBatch) => Promise<BatchResult | void>,
      extra: { maxBatchSize?: number; maxAttempts?: number; handle?: (delivery: Delivery) => Promise<void> } = {},
    ) => {
      const subscription = await bus.subscribe({
        topics: [topic],
        group,
        fromBeginning: true,
        ...(extra.maxAttempts !== undefined ? { maxAttempts: extra.maxAttempts } : {}),
        ...(extra.maxBatchSize !== undefined ? { maxBatchSize: extra.maxBatchSize } : {}),
        handle: extra.handle ?? (() => Promise.resolve()),
        handleBatch,
      });
      subscriptions.push(subscription);
      return subscription;
    };

    const deadLetters = async (): Promise<DeadLetterV1[]> => {
      const letters: DeadLetterV1[] = [];
      await subscribe(uniqueName('dlq_reader'), (delivery) => {
        const result = decode(delivery.value);
        if (!result.ok || result.event.type !== 'dev.freshet.dead-letter.v1') {
          throw new Error(`not a dead letter: ${delivery.value.toString('utf8')}`);
        }
        letters.push(result.event.data);
        return Promise.resolve();
      }, { topics: [deadLetterTopic] });
      return letters;
    };

    beforeEach(async () => {
      topic = uniqueName('contract');
      deadLetterTopic = uniqueName('contract_dlq');
      bus = await options.createBus({
        deadLetterTopic,
        retry: { initialBackoffMs: 5, maxBackoffMs: 20, multiplier: 2 },
      });
      await bus.ensureTopics([
        { name: topic, partitions: PARTITIONS },
        { name: deadLetterTopic, partitions: 1 },
      ]);
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
      await bus.close();
    });

    it('delivers what was published: key, value, headers, topic and offsets', async () => {
      const got: Received[] = [];
      await subscribe(uniqueName('g'), (delivery) => {
        got.push(received(delivery));
        return Promise.resolve();
      });
      await bus.publish(topic, [
        { key: 'orders', value: 'one', headers: { 'x-trace': 't1' } },
        { key: 'orders', value: Buffer.from('two') },
      ]);
      await wait(() => got.length >= 2, 'two deliveries');
      expect(got.map((r) => r.value)).toEqual(['one', 'two']);
      expect(got[0]).toMatchObject({ key: 'orders', topic, attempt: 1, headers: { 'x-trace': 't1' } });
      expect(got[0]?.partition).toBe(got[1]?.partition);
      expect(BigInt(got[1]?.offset ?? '0')).toBe(BigInt(got[0]?.offset ?? '0') + 1n);
    });

    it('keeps publish order per key across partitions', async () => {
      const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
      const got = new Map<string, number[]>();
      const partitionOfKey = new Map<string, Set<number>>();
      let total = 0;
      await subscribe(uniqueName('g'), (delivery) => {
        const key = delivery.key ?? '';
        got.set(key, [...(got.get(key) ?? []), Number(delivery.value.toString('utf8'))]);
        partitionOfKey.set(key, (partitionOfKey.get(key) ?? new Set()).add(delivery.partition));
        total++;
        return Promise.resolve();
      });
      for (let batch = 0; batch < 5; batch++) {
        await bus.publish(
          topic,
          keys.flatMap((key) => [0, 1, 2, 3].map((i) => ({ key, value: String(batch * 4 + i) }))),
        );
      }
      await wait(() => total >= 120, '120 deliveries');
      const inOrder = Array.from({ length: 20 }, (_, i) => i);
      for (const key of keys) {
        expect({ key, sequence: got.get(key) }).toEqual({ key, sequence: inOrder });
        expect(partitionOfKey.get(key)?.size).toBe(1);
      }
    });

    it('gives every group every message', async () => {
      const first: string[] = [];
      const second: string[] = [];
      await subscribe(uniqueName('g1'), (delivery) => {
        first.push(delivery.value.toString('utf8'));
        return Promise.resolve();
      });
      await subscribe(uniqueName('g2'), (delivery) => {
        second.push(delivery.value.toString('utf8'));
        return Promise.resolve();
      });
      const values = Array.from({ length: 12 }, (_, i) => `m${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `k${i}`, value })));
      await wait(() => first.length >= 12 && second.length >= 12, 'both groups to get 12 messages');
      const sorted = (list: string[]) => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(sorted(first)).toEqual(sorted(values));
      expect(sorted(second)).toEqual(sorted(values));
    });

    it('splits the partitions among the members of a group, each message once', async () => {
      const group = uniqueName('shared');
      const byMember: [string[], string[]] = [[], []];
      const partitionsByMember: [Set<number>, Set<number>] = [new Set(), new Set()];
      for (const member of [0, 1] as const) {
        await subscribe(group, (delivery) => {
          byMember[member].push(delivery.value.toString('utf8'));
          partitionsByMember[member].add(delivery.partition);
          return Promise.resolve();
        });
      }
      // 30 keys cover all 3 partitions (murmur2), so both members have work.
      const values = Array.from({ length: 30 }, (_, i) => `m${i}`);
      await bus.publish(topic, values.map((value, i) => ({ key: `key-${i}`, value })));
      await wait(() => byMember[0].length + byMember[1].length >= 30, '30 deliveries in the group');
      const all = [...byMember[0], ...byMember[1]];
      expect(new Set(all).size).toBe(30);
      expect(all.length).toBe(30);
      expect(byMember[0].length).toBeGreaterThan(0);
      expect(byMember[1].length).toBeGreaterThan(0);
      for (const partition of partitionsByMember[0]) expect(partitionsByMember[1].has(partition)).toBe(false);
    });

    it('redelivers a message whose handler failed (at least once), then moves on', async () => {
      const got: Received[] = [];
      let failuresLeft = 1;
      await subscribe(uniqueName('g'), (delivery) => {
        const value = delivery.value.toString('utf8');
        got.push(received(delivery));
        if (value === 'flaky' && failuresLeft-- > 0) return Promise.reject(new Error('database briefly down'));
        return Promise.resolve();
      });
      await bus.publish(topic, [
        { key: 'same', value: 'flaky' },
        { key: 'same', value: 'after' },
      ]);
      await wait(() => got.some((r) => r.value === 'after'), 'the message after the flaky one');
      expect(got.map((r) => [r.value, r.attempt])).toEqual([
        ['flaky', 1],
        ['flaky', 2],
        ['after', 1],
      ]);
      expect(got[0]?.offset).toBe(got[1]?.offset);
    });

    it('dead-letters a message that fails schema validation at once, with the reason, and keeps consuming', async () => {
      const typed = new TypedBus(bus, 'freshet/contract-test');
      const handled: string[] = [];
      const letters = await deadLetters();
      await typed.subscribeEvents({
        topics: [topic],
        group: uniqueName('typed'),
        fromBeginning: true,
        handlers: {
          'dev.freshet.observation.v1': (event) => {
            handled.push(event.data.dataVersion);
            return Promise.resolve();
          },
        },
      }).then((subscription) => subscriptions.push(subscription));
      const invalid = JSON.stringify({
        specversion: '1.0', id: 'bad-1', source: 'elsewhere', type: 'dev.freshet.observation.v1',
        time: '2024-01-01T00:00:00Z', datacontenttype: 'application/json',
        data: { asset: 'orders', observedAt: '2024-01-01T00:00:00Z' },
      });
      await bus.publish(topic, [{ key: 'orders', value: invalid }]);
      await typed.publishEvent(topic, 'dev.freshet.observation.v1', { asset: 'orders', dataVersion: 'v2', observedAt: '2024-01-01T00:01:00Z' }, 'orders');
      await wait(() => handled.length >= 1 && letters.length >= 1, 'the good message handled and the bad one dead-lettered');
      expect(handled).toEqual(['v2']);
      expect(letters).toHaveLength(1);
      const letter = letters[0];
      expect(letter).toMatchObject({
        originalTopic: topic,
        originalKey: 'orders',
        nonRetriable: true,
        attempts: 1,
        value: { encoding: 'utf8', data: invalid, truncated: false },
      });
      expect(letter?.reason).toContain('/data/dataVersion');
    });

    it('dead-letters a NonRetriableError without retrying', async () => {
      const attempts: number[] = [];
      const letters = await deadLetters();
      await subscribe(uniqueName('g'), (delivery) => {
        attempts.push(delivery.attempt);
        return Promise.reject(new NonRetriableError('unknown asset ghost', 'UNKNOWN_ASSET'));
      });
      await bus.publish(topic, [{ key: 'ghost', value: 'x' }]);
      await wait(() => letters.length >= 1, 'a dead letter');
      expect(attempts).toEqual([1]);
      expect(letters[0]).toMatchObject({ nonRetriable: true, attempts: 1 });
      expect(letters[0]?.reason).toContain('unknown asset ghost');
    });

    it('dead-letters after the last retry and keeps consuming', async () => {
      const attempts: number[] = [];
      const after: string[] = [];
      const letters = await deadLetters();
      await subscribe(
        uniqueName('g'),
        (delivery) => {
          const value = delivery.value.toString('utf8');
          if (value === 'poison') {
            attempts.push(delivery.attempt);
            return Promise.reject(new Error('handler keeps failing'));
          }
          after.push(value);
          return Promise.resolve();
        },
        { maxAttempts: 3 },
      );
      await bus.publish(topic, [
        { key: 'k', value: 'poison' },
        { key: 'k', value: 'next' },
      ]);
      await wait(() => after.length >= 1 && letters.length >= 1, 'the next message and a dead letter');
      expect(attempts).toEqual([1, 2, 3]);
      expect(after).toEqual(['next']);
      expect(letters[0]).toMatchObject({ nonRetriable: false, attempts: 3, originalKey: 'k' });
      expect(letters[0]?.reason).toContain('handler keeps failing');
    });

    describe('batches', () => {
      it('hands over one partition at a time in offset order, at most maxBatchSize, each message once, order per key kept', async () => {
        const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
        // Published before anyone consumes, so a partition has many messages waiting at once.
        await bus.publish(topic, keys.flatMap((key) => Array.from({ length: 20 }, (_, i) => ({ key, value: `${key}:${i}` }))));
        const batches: Received[][] = [];
        await subscribeBatches(
          uniqueName('g'),
          (batch) => {
            batches.push(batch.deliveries.map(received));
            return Promise.resolve();
          },
          { maxBatchSize: 7 },
        );
        await wait(() => batches.flat().length >= 120, '120 messages in batches');
        const all = batches.flat();
        expect(new Set(all.map((r) => r.value)).size).toBe(120);
        expect(all).toHaveLength(120);
        for (const batch of batches) {
          expect(batch.length).toBeLessThanOrEqual(7);
          expect(new Set(batch.map((r) => r.partition)).size).toBe(1);
          const offsets = batch.map((r) => BigInt(r.offset));
          offsets.slice(1).forEach((offset, i) => expect(offset).toBe((offsets[i] as bigint) + 1n));
        }
        expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(1);
        for (const key of keys) {
          expect({ key, sequence: all.filter((r) => r.key === key).map((r) => r.value) }).toEqual({ key, sequence: Array.from({ length: 20 }, (_, i) => `${key}:${i}`) });
        }
      });

      it('commits after the batch is handled: a batch that failed while a dependency was down comes again, whole', async () => {
        await bus.publish(topic, [
          { key: 'same', value: 'one' },
          { key: 'same', value: 'two' },
        ]);
        const tries: string[][] = [];
        let failuresLeft = 1;
        await subscribeBatches(uniqueName('g'), (batch) => {
          tries.push(batch.deliveries.map((d) => `${d.value.toString('utf8')}#${d.attempt}`));
          if (failuresLeft-- > 0) return Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
          return Promise.resolve();
        });
        await wait(() => tries.flat().includes('two#2'), 'the batch again after the failure');
        expect(tries.slice(0, 2)).toEqual([
          ['one#1', 'two#1'],
          ['one#2', 'two#2'],
        ]);
      });

      it('dead-letters a rejected message with the reason and handles the rest of its batch and what follows', async () => {
        const letters = await deadLetters();
        await bus.publish(topic, [
          { key: 'k', value: 'good-1' },
          { key: 'k', value: 'bad' },
          { key: 'k', value: 'good-2' },
        ]);
        const handled: string[] = [];
        await subscribeBatches(uniqueName('g'), (batch) => {
          const rejected: { offset: string; error: unknown }[] = [];
          for (const delivery of batch.deliveries) {
            const value = delivery.value.toString('utf8');
            if (value === 'bad') rejected.push({ offset: delivery.offset, error: new NonRetriableError('bad is not a valid value', 'BAD_VALUE') });
            else handled.push(value);
          }
          return Promise.resolve({ rejected });
        });
        await wait(() => handled.includes('good-2') && letters.length >= 1, 'the good messages handled and the bad one dead-lettered');
        await bus.publish(topic, [{ key: 'k', value: 'later' }]);
        await wait(() => handled.includes('later'), 'a later message');
        expect(handled).toEqual(['good-1', 'good-2', 'later']);
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({ originalTopic: topic, originalKey: 'k', nonRetriable: true, value: { data: 'bad' } });
        expect(letters[0]?.reason).toContain('bad is not a valid value');
      });

      it('a batch that throws goes one message at a time through handle: the bad one alone is dead-lettered, in order', async () => {
        const letters = await deadLetters();
        await bus.publish(topic, [
          { key: 'k', value: 'm1' },
          { key: 'k', value: 'poison' },
          { key: 'k', value: 'm3' },
        ]);
        const single: string[] = [];
        await subscribeBatches(
          uniqueName('g'),
          (batch) =>
            batch.deliveries.some((d) => d.value.toString('utf8') === 'poison') ? Promise.reject(new Error('the batch has a bad message')) : Promise.resolve(),
          {
            handle: (delivery) => {
              const value = delivery.value.toString('utf8');
              if (value === 'poison') return Promise.reject(new NonRetriableError('poison cannot be handled', 'POISON'));
              single.push(value);
              return Promise.resolve();
            },
          },
        );
        await wait(() => single.includes('m3') && letters.length >= 1, 'm1 and m3 handled alone, poison dead-lettered');
        expect(single).toEqual(['m1', 'm3']);
        expect(letters).toHaveLength(1);
        expect(letters[0]?.reason).toContain('poison cannot be handled');
      });
    });

    it('does not redeliver a committed message to a new member of the same group', async () => {
      const group = uniqueName('g');
      const first: string[] = [];
      const firstMember = await subscribe(group, (delivery) => {
        first.push(delivery.value.toString('utf8'));
        return Promise.resolve();
      });
      await bus.publish(topic, [
        { key: 'one-key', value: 'm1' },
        { key: 'one-key', value: 'm2' },
      ]);
      await wait(() => first.length >= 2, 'the first member to handle two messages');
      await firstMember.close();
      const second: string[] = [];
      await subscribe(group, (delivery) => {
        second.push(delivery.value.toString('utf8'));
        return Promise.resolve();
      });
      await bus.publish(topic, [{ key: 'one-key', value: 'm3' }]);
      // Same key, same partition: a redelivered m1 or m2 would arrive before m3.
      await wait(() => second.length >= 1, 'the new member to get m3');
      expect(second).toEqual(['m3']);
      expect(first).toEqual(['m1', 'm2']);
    });
  });
}
