// Kafka SASL/TLS settings go from the environment, through loadConfig, into the kafkajs client
// options unchanged (and the certificate files are read at boot).
import { loadConfig } from '@freshet/config';
import { kafkaSecurityOptions } from './service-bus';

const files: Record<string, string> = { '/etc/freshet/ca.pem': 'CA PEM', '/etc/freshet/client.pem': 'CERT PEM', '/etc/freshet/client.key': 'KEY PEM' };
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};

describe('kafkaSecurityOptions', () => {
  it('passes nothing when TLS and SASL are off (plaintext)', () => {
    expect(kafkaSecurityOptions(loadConfig('planner', {}).kafka, readFile)).toEqual({});
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)('passes SASL %s credentials and TLS with CA, client certificate and key', (mechanism) => {
    const config = loadConfig('planner', {
      FRESHET_KAFKA_SSL: 'true',
      FRESHET_KAFKA_SSL_CA: '/etc/freshet/ca.pem',
      FRESHET_KAFKA_SSL_CERT: '/etc/freshet/client.pem',
      FRESHET_KAFKA_SSL_KEY: '/etc/freshet/client.key',
      FRESHET_KAFKA_SASL_MECHANISM: mechanism,
      FRESHET_KAFKA_SASL_USERNAME: 'svc-freshet',
      FRESHET_KAFKA_SASL_PASSWORD: 'kafka-secret',
    });
    expect(kafkaSecurityOptions(config.kafka, readFile)).toEqual({
      ssl: { ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism, username: 'svc-freshet', password: 'kafka-secret' },
    });
  });

  it('TLS alone (system CAs) is `ssl: {}`, which kafkajs reads as TLS on', () => {
    const config = loadConfig('planner', { FRESHET_KAFKA_SSL: 'true' });
    expect(kafkaSecurityOptions(config.kafka, readFile)).toEqual({ ssl: {} });
  });

  it('fails at boot when a configured certificate file is missing', () => {
    const config = loadConfig('planner', { FRESHET_KAFKA_SSL: 'true', FRESHET_KAFKA_SSL_CA: '/nowhere/ca.pem' });
    expect(() => kafkaSecurityOptions(config.kafka, readFile)).toThrow('/nowhere/ca.pem');
  });
});
