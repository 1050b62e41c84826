// The readiness checks of a service process on the real stack: Postgres (the event log), Redis
// and Kafka, built from the service's validated config.
import { readFileSync } from 'node:fs';
import type { KafkaConfig } from '@freshet/config';
import type { EventLog } from '@freshet/storage';
import { HealthChecks } from './health';
import { eventLogCheck, kafkaCheck, redisCheck, type KafkaCheck } from './probes';

export interface ServiceHealth {
  readonly health: HealthChecks;
  /** Kafka consumer lag of the service's group over its topics (names as on the broker, prefix included). */
  consumerLag(group: string, topics: readonly string[]): Promise<number>;
  /** Disconnects the Kafka check's admin client. */
  close(): Promise<void>;
}

export function serviceHealth(deps: { readonly kafka: KafkaConfig; readonly eventLog: EventLog; readonly redis: { ping(): Promise<string> } }): ServiceHealth {
  const { kafka } = deps;
  const sasl = kafka.sasl;
  const check: KafkaCheck = kafkaCheck({
    brokers: kafka.brokers,
    clientId: kafka.clientId,
    ...(kafka.ssl ? { ssl: kafka.ssl.caPath ? { ca: [readFileSync(kafka.ssl.caPath, 'utf8')] } : true } : {}),
    ...(sasl
      ? {
          sasl:
            sasl.mechanism === 'plain'
              ? { mechanism: 'plain' as const, username: sasl.username, password: sasl.password }
              : sasl.mechanism === 'scram-sha-256'
                ? { mechanism: 'scram-sha-256' as const, username: sasl.username, password: sasl.password }
                : { mechanism: 'scram-sha-512' as const, username: sasl.username, password: sasl.password },
        }
      : {}),
  });
  const health = new HealthChecks().add(eventLogCheck(deps.eventLog)).add(redisCheck(deps.redis)).add(check);
  return { health, consumerLag: (group, topics) => check.consumerLag(group, topics), close: () => check.close() };
}

/**
 * The lag gauge's values for one consumer: its Kafka consumer lag (group and topics named without
 * the deployment prefix, as the services name them), plus the deliveries it holds in process; the
 * Kafka part is left out when the broker does not answer.
 */
export function consumerLagProbe(
  health: Pick<ServiceHealth, 'consumerLag'>,
  prefix: string,
  group: string,
  topics: readonly string[],
  inProcess: () => Readonly<Record<string, number>>,
): () => Promise<Record<string, number>> {
  return async () => {
    const lag: Record<string, number> = {};
    for (const [consumer, pending] of Object.entries(inProcess())) lag[`${consumer}:in-process`] = pending;
    try {
      lag[group] = await health.consumerLag(`${prefix}${group}`, topics.map((topic) => `${prefix}${topic}`));
    } catch {
      // Readiness reports Kafka being down; the gauge just has no Kafka value meanwhile.
    }
    return lag;
  };
}
