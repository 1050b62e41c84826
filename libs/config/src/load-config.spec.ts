import { inspect } from 'node:util';
import { InvalidConfigError, loadConfig, MASK, maskUrlPassword } from '@freshet/config';

describe('loadConfig', () => {
  it('fills every default for the planner from an empty environment', () => {
    const config = loadConfig('planner', {});
    expect(config).toEqual({
      app: 'planner',
      logLevel: 'info',
      topicPrefix: '',
      kafka: {
        brokers: ['127.0.0.1:9092'],
        clientId: 'freshet-planner',
        consumer: { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000, maxWaitTimeInMs: 500 },
        ssl: null,
        sasl: null,
      },
      database: { url: 'postgres://freshet:freshet@127.0.0.1:5432/freshet' },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'freshet' },
      api: { port: 8080, token: undefined, openReads: false },
      plannerTickMs: 500,
    });
  });

  it('reads every planner variable', () => {
    const config = loadConfig('planner', {
      FRESHET_KAFKA_BROKERS: 'k1:9092, k2:9093',
      FRESHET_KAFKA_CLIENT_ID: 'p-1',
      FRESHET_KAFKA_SSL: 'true',
      FRESHET_KAFKA_SSL_CA: '/etc/ca.pem',
      FRESHET_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      FRESHET_KAFKA_SASL_USERNAME: 'svc',
      FRESHET_KAFKA_SASL_PASSWORD: 'kafka-secret',
      FRESHET_DATABASE_URL: 'postgresql://u:db-secret@db:5433/x',
      FRESHET_REDIS_URL: 'rediss://:redis-secret@cache:6380/2',
      FRESHET_KEY_PREFIX: 'tenant-a',
      FRESHET_TOPIC_PREFIX: 'test-123.',
      FRESHET_API_TOKEN: 'api-secret',
      FRESHET_API_PORT: '9000',
      FRESHET_API_OPEN_READS: 'yes',
      FRESHET_LOG_LEVEL: 'debug',
      FRESHET_PLANNER_TICK_MS: '250',
    });
    expect(config.kafka).toEqual({
      brokers: ['k1:9092', 'k2:9093'],
      clientId: 'p-1',
      consumer: { sessionTimeoutMs: 30_000, heartbeatIntervalMs: 3000, maxWaitTimeInMs: 500 },
      ssl: { caPath: '/etc/ca.pem', certPath: undefined, keyPath: undefined },
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'kafka-secret' },
    });
    expect(config.database.url).toBe('postgresql://u:db-secret@db:5433/x');
    expect(config.redis).toEqual({ url: 'rediss://:redis-secret@cache:6380/2', keyPrefix: 'tenant-a' });
    expect(config.api).toEqual({ port: 9000, token: 'api-secret', openReads: true });
    expect(config.topicPrefix).toBe('test-123.');
    expect(config.logLevel).toBe('debug');
    expect(config.plannerTickMs).toBe(250);
  });

  it('requires a code location for the worker and the observer, not for dev', () => {
    expect(() => loadConfig('worker', {})).toThrow(/FRESHET_CODE_LOCATION: is required/);
    expect(() => loadConfig('observer', {})).toThrow(/FRESHET_CODE_LOCATION: is required/);
    const worker = loadConfig('worker', { FRESHET_CODE_LOCATION: './defs.ts', FRESHET_WORKER_CONCURRENCY: '8' });
    expect(worker.codeLocation).toBe('./defs.ts');
    expect(worker.workerConcurrency).toBe(8);
    const dev = loadConfig('dev', {});
    expect(dev.codeLocation).toBeUndefined();
    expect(dev.eventLogDir).toBe('.freshet/eventlog');
    expect(dev).not.toHaveProperty('kafka');
  });

  it('treats empty values as unset', () => {
    expect(loadConfig('planner', { FRESHET_API_PORT: '  ', FRESHET_KAFKA_BROKERS: '' }).api.port).toBe(8080);
  });

  it('reports every bad variable in one error, without echoing secret values', () => {
    let caught: unknown;
    try {
      loadConfig('worker', {
        FRESHET_KAFKA_BROKERS: 'nohost,ok:1',
        FRESHET_KAFKA_SSL: 'maybe',
        FRESHET_KAFKA_SASL_MECHANISM: 'gssapi',
        FRESHET_KAFKA_SASL_PASSWORD: 'hunter2',
        FRESHET_DATABASE_URL: 'mysql://root:hunter2@db/x',
        FRESHET_REDIS_URL: 'not a url',
        FRESHET_KEY_PREFIX: 'a*b',
        FRESHET_TOPIC_PREFIX: 'bad prefix',
        FRESHET_WORKER_CONCURRENCY: '0',
        FRESHET_LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidConfigError);
    const error = caught as InvalidConfigError;
    expect(error.app).toBe('worker');
    expect(error.issues.map((issue) => issue.variable).sort((a, b) => a.localeCompare(b))).toEqual([
      'FRESHET_CODE_LOCATION',
      'FRESHET_DATABASE_URL',
      'FRESHET_KAFKA_BROKERS',
      'FRESHET_KAFKA_SASL_MECHANISM',
      'FRESHET_KAFKA_SASL_PASSWORD',
      'FRESHET_KAFKA_SSL',
      'FRESHET_KEY_PREFIX',
      'FRESHET_LOG_LEVEL',
      'FRESHET_REDIS_URL',
      'FRESHET_TOPIC_PREFIX',
      'FRESHET_WORKER_CONCURRENCY',
    ]);
    expect(error.message).toContain('11 problems');
    expect(error.message).not.toContain('hunter2');
  });

  it('checks that SASL and TLS settings are consistent', () => {
    const issues = (env: Record<string, string>): string[] => {
      try {
        loadConfig('planner', env);
        return [];
      } catch (error) {
        return (error as InvalidConfigError).issues.map((issue) => issue.variable);
      }
    };
    expect(issues({ FRESHET_KAFKA_SASL_MECHANISM: 'plain' })).toEqual(['FRESHET_KAFKA_SASL_USERNAME', 'FRESHET_KAFKA_SASL_PASSWORD']);
    expect(issues({ FRESHET_KAFKA_SASL_USERNAME: 'u' })).toEqual(['FRESHET_KAFKA_SASL_USERNAME']);
    expect(issues({ FRESHET_KAFKA_SSL_CA: '/ca.pem' })).toEqual(['FRESHET_KAFKA_SSL_CA']);
    expect(issues({ FRESHET_KAFKA_SSL: '1', FRESHET_KAFKA_SSL_CERT: '/c.pem' })).toEqual(['FRESHET_KAFKA_SSL_KEY']);
    expect(issues({ FRESHET_API_PORT: '70000', FRESHET_PLANNER_TICK_MS: '1.5' })).toEqual(['FRESHET_API_PORT', 'FRESHET_PLANNER_TICK_MS']);
  });

  it('returns a deeply frozen object', () => {
    const config = loadConfig('planner', {});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafka)).toBe(true);
    expect(Object.isFrozen(config.kafka.brokers)).toBe(true);
    expect(() => {
      (config.api as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('masks secrets when serialized or inspected, at any depth', () => {
    const config = loadConfig('planner', {
      FRESHET_KAFKA_SASL_MECHANISM: 'plain',
      FRESHET_KAFKA_SASL_USERNAME: 'svc',
      FRESHET_KAFKA_SASL_PASSWORD: 'kafka-secret',
      FRESHET_DATABASE_URL: 'postgres://freshet:db-secret@db/freshet',
      FRESHET_REDIS_URL: 'redis://:redis-secret@cache:6379',
      FRESHET_API_TOKEN: 'api-secret',
    });
    const outputs = [JSON.stringify(config), inspect(config, { depth: 10 }), JSON.stringify(config.database), inspect(config.kafka, { depth: 10 })];
    for (const output of outputs) {
      for (const secret of ['kafka-secret', 'db-secret', 'redis-secret', 'api-secret']) expect(output).not.toContain(secret);
    }
    const logged = JSON.parse(JSON.stringify(config)) as Record<string, Record<string, unknown>>;
    expect(logged['database']).toEqual({ url: `postgres://freshet:${MASK}@db/freshet` });
    expect(logged['api']).toEqual({ port: 8080, token: MASK, openReads: false });
    expect(logged['kafka']?.['sasl']).toEqual({ mechanism: 'plain', username: 'svc', password: MASK });
    // The object itself still holds the real values for the code that needs them.
    expect(config.api.token).toBe('api-secret');
  });

  it('leaves URLs without a password as they are', () => {
    expect(maskUrlPassword('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(maskUrlPassword('::not-a-url//u:p@h')).not.toContain(':p@');
  });
});
