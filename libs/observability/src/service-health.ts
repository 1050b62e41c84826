// The readiness checks of a service process on the real stack: Postgres (the event log), Redis
// and Kafka, built from the service's validated config.
import { readFileSync } from 'node:fs';
import type { KafkaConfig } from '@freshet/config';
import type { EventLog } from '@freshet/storage';
import { HealthChecks } from './health';
import { eventLogCheck, kafkaCheck, redisCheck, type KafkaCheck } from './probes';

export interface ServiceHealth {
  readonly health: HealthChecks;
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
  return { health, close: () => check.close() };
}
