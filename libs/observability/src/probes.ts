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
  return {
    name: 'kafka',
    async check() {
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
        admin = kafka.admin();
        connected = admin.connect();
      }
      try {
        await connected;
        const cluster = await (admin).describeCluster();
        if (cluster.brokers.length === 0) throw new Error('no broker in the cluster metadata');
      } catch (error) {
        reset();
        throw error;
      }
    },
    async close() {
      const old = admin;
      admin = null;
      await old?.disconnect().catch(() => undefined);
    },
  };
}
