// Readiness checks of the real infrastructure: Postgres through the event log, Redis with PING,
// Kafka with a metadata request from one long-lived admin client (connected on first use).
import { Kafka, logLevel, type Admin, type SASLOptions } from 'kafkajs';
import type { EventLog } from '@freshet/storage';
import type { HealthCheck } from './health';

export function eventLogCheck(eventLog: Pick<EventLog, 'latestStorageId'>, name = 'postgres'): HealthCheck {
  return { name, check: async () => void (await eventLog.latestStorageId()) };
}

export function redisCheck(redis: { ping(): Promise<string> }): HealthCheck {
  return {
    name: 'redis',
    check: async () => {
      const answer = await redis.ping();
      if (answer !== 'PONG') throw new Error(`PING answered ${answer}`);
    },
  };
}

export interface KafkaCheck extends HealthCheck {
  /** Messages of `topics` the consumer group has not committed yet (Kafka consumer lag), summed over partitions. */
  consumerLag(group: string, topics: readonly string[]): Promise<number>;
  close(): Promise<void>;
}

export interface KafkaCheckOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** TLS on (the system CA store); a deployment with its own CA passes the PEM. */
  readonly ssl?: boolean | { readonly ca?: string[] };
  readonly sasl?: SASLOptions;
}

export function kafkaCheck(options: KafkaCheckOptions): KafkaCheck {
  let admin: Admin | null = null;
  let connected: Promise<void> | null = null;
  const reset = (): void => {
    const old = admin;
    admin = null;
    connected = null;
    void old?.disconnect().catch(() => undefined);
  };
  /** The shared admin client, connected (reconnected after a failure). */
  const ready = async (): Promise<Admin> => {
    if (!admin) {
      const kafka = new Kafka({
        brokers: [...options.brokers],
        clientId: `${options.clientId}-health`,
        connectionTimeout: 1500,
        requestTimeout: 1500,
        retry: { retries: 0 },
        logLevel: logLevel.NOTHING,
        ...(options.ssl === undefined ? {} : { ssl: typeof options.ssl === 'boolean' ? options.ssl : { ...options.ssl } }),
        ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
      });
      const fresh = kafka.admin();
      admin = fresh;
      // Connected means the cluster metadata is loaded too: without it (retries off) a first
      // fetchOffsets fails with "No brokers in the broker pool", so a scrape that came before any
      // readiness check, or right after a failed one replaced the client, lost the lag line.
      connected = fresh.connect().then(async () => void (await fresh.describeCluster()));
    }
    const mine = admin;
    try {
      await connected;
      return mine;
    } catch (error) {
      reset();
      throw error;
    }
  };
  return {
    name: 'kafka',
    async check() {
      const client = await ready();
      try {
        const cluster = await client.describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker in the cluster metadata');
      } catch (error) {
        reset();
        throw error;
      }
    },
    async consumerLag(group: string, topics: readonly string[]): Promise<number> {
      const client = await ready();
      const committed = await client.fetchOffsets({ groupId: group, topics: [...topics] });
      let lag = 0;
      for (const topic of committed) {
        const ends = await client.fetchTopicOffsets(topic.topic);
        const end = new Map(ends.map((o) => [o.partition, Number(o.high)]));
        for (const p of topic.partitions) {
          const high = end.get(p.partition) ?? 0;
          // -1: nothing committed yet; the whole partition is still to be read (from the beginning).
          const low = Number(p.offset) < 0 ? Number(ends.find((o) => o.partition === p.partition)?.low ?? 0) : Number(p.offset);
          lag += Math.max(0, high - low);
        }
      }
      return lag;
    },
    async close() {
      const old = admin;
      admin = null;
      await old?.disconnect().catch(() => undefined);
    },
  };
}
