// The bus a service process uses: kafkajs behind the port, configured from `loadConfig`, with the
// deployment's topic prefix applied to every topic (dead letters included).
import { readFileSync } from 'node:fs';
import type { KafkaConfig } from '@freshet/config';
import { DEAD_LETTER_TOPIC } from '@freshet/contracts';
import { KafkaEventBus, type BusLogger, type KafkaEventBusOptions } from '@freshet/messaging';
import { PrefixedEventBus } from './prefixed-event-bus';

export interface ServiceBusOptions {
  readonly kafka: KafkaConfig;
  readonly topicPrefix: string;
  /** Named in dead letters and client ids. */
  readonly service: string;
  readonly partitionsConsumedConcurrently?: number;
  readonly logger?: BusLogger;
  readonly onCrash?: (error: Error, info: { readonly group: string; readonly restart: boolean }) => void;
}

/** The TLS and SASL options kafkajs gets from the config (files read here, so a missing one fails at boot). */
export function kafkaSecurityOptions(kafka: KafkaConfig, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): Pick<KafkaEventBusOptions, 'ssl' | 'sasl'> {
  const ssl = kafka.ssl
    ? {
        ...(kafka.ssl.caPath ? { ca: [readFile(kafka.ssl.caPath)] } : {}),
        ...(kafka.ssl.certPath ? { cert: readFile(kafka.ssl.certPath) } : {}),
        ...(kafka.ssl.keyPath ? { key: readFile(kafka.ssl.keyPath) } : {}),
      }
    : undefined;
  return { ...(ssl ? { ssl } : {}), ...(kafka.sasl ? { sasl: saslOptions(kafka.sasl) } : {}) };
}

export function createServiceBus(options: ServiceBusOptions): PrefixedEventBus {
  const { kafka } = options;
  const inner = new KafkaEventBus({
    brokers: kafka.brokers,
    clientId: kafka.clientId,
    service: options.service,
    ...kafkaSecurityOptions(kafka),
    consumer: {
      sessionTimeoutMs: kafka.consumer.sessionTimeoutMs,
      heartbeatIntervalMs: kafka.consumer.heartbeatIntervalMs,
      maxWaitTimeInMs: kafka.consumer.maxWaitTimeInMs,
      // A rebalance must not wait the 60 s default when members die in tests.
      rebalanceTimeoutMs: Math.max(kafka.consumer.sessionTimeoutMs, 10_000),
    },
    deadLetterTopic: `${options.topicPrefix}${DEAD_LETTER_TOPIC}`,
    ...(options.partitionsConsumedConcurrently !== undefined ? { partitionsConsumedConcurrently: options.partitionsConsumedConcurrently } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onCrash ? { onCrash: options.onCrash } : {}),
  });
  return new PrefixedEventBus(inner, options.topicPrefix);
}

type Sasl = NonNullable<KafkaConfig['sasl']>;

/** kafkajs types SASL options as a union per mechanism; narrow ours onto it. */
function saslOptions(sasl: Sasl): NonNullable<KafkaEventBusOptions['sasl']> {
  const { username, password } = sasl;
  switch (sasl.mechanism) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
}
