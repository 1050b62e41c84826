import { EnvReader, type Env } from './env-reader';
import { InvalidConfigError } from './errors';
import { freezeWithMasking } from './mask';
import {
  APP_NAMES,
  LOG_LEVELS,
  SASL_MECHANISMS,
  type ApiConfig,
  type AppName,
  type ConfigByApp,
  type DatabaseConfig,
  type DevConfig,
  type KafkaConfig,
  type ObserverConfig,
  type PlannerConfig,
  type RedisConfig,
  type WorkerConfig,
} from './schema';

export const DEFAULTS = Object.freeze({
  kafkaBrokers: '127.0.0.1:9092',
  databaseUrl: 'postgres://freshet:freshet@127.0.0.1:5432/freshet',
  redisUrl: 'redis://127.0.0.1:6379',
  keyPrefix: 'freshet',
  topicPrefix: '',
  apiPort: 8080,
  metricsPort: 9464,
  plannerTickMs: 500,
  workerConcurrency: 4,
  logLevel: 'info',
  devEventLogDir: '.freshet/eventlog',
} as const);

/**
 * Validates the environment for one app, once, at boot. Every bad variable is reported in a
 * single `InvalidConfigError`; on success the result is deeply frozen and masks its secrets
 * when serialized or inspected. This module is the only place in Freshet that reads
 * `process.env`; everything else receives the typed object.
 */
export function loadConfig<A extends AppName>(app: A, env: Env = process.env): ConfigByApp[A] {
  if (!(APP_NAMES as readonly string[]).includes(app)) {
    throw new InvalidConfigError(String(app), [{ variable: '(app)', message: `unknown app, expected one of ${APP_NAMES.join(', ')}` }]);
  }
  const read = new EnvReader(env);
  const config = buildConfig(app, read);
  if (read.issues.length > 0) throw new InvalidConfigError(app, read.issues);
  return freezeWithMasking(config) as ConfigByApp[A];
}

function buildConfig(app: AppName, read: EnvReader): ConfigByApp[AppName] {
  const common = {
    logLevel: read.oneOf('FRESHET_LOG_LEVEL', LOG_LEVELS, DEFAULTS.logLevel),
    topicPrefix: readTopicPrefix(read),
  };
  switch (app) {
    case 'observer': {
      const config: ObserverConfig = {
        app,
        ...common,
        kafka: readKafka(read, app),
        database: readDatabase(read),
        redis: readRedis(read),
        codeLocation: read.requiredString('FRESHET_CODE_LOCATION', 'the observer loads the observation functions from it'),
        emitUnchangedObservations: read.boolean('FRESHET_OBSERVER_EMIT_UNCHANGED', false),
        metricsPort: read.integer('FRESHET_METRICS_PORT', DEFAULTS.metricsPort, { min: 0, max: 65535 }),
      };
      return config;
    }
    case 'planner': {
      const config: PlannerConfig = {
        app,
        ...common,
        kafka: readKafka(read, app),
        database: readDatabase(read),
        redis: readRedis(read),
        api: readApi(read),
        plannerTickMs: readTickMs(read),
      };
      return config;
    }
    case 'worker': {
      const config: WorkerConfig = {
        app,
        ...common,
        kafka: readKafka(read, app),
        database: readDatabase(read),
        redis: readRedis(read),
        codeLocation: read.requiredString('FRESHET_CODE_LOCATION', 'the worker loads the compute functions from it'),
        workerConcurrency: readConcurrency(read),
        metricsPort: read.integer('FRESHET_METRICS_PORT', DEFAULTS.metricsPort, { min: 0, max: 65535 }),
      };
      return config;
    }
    case 'dev': {
      const config: DevConfig = {
        app,
        ...common,
        codeLocation: read.optionalString('FRESHET_CODE_LOCATION'),
        api: readApi(read),
        plannerTickMs: readTickMs(read),
        workerConcurrency: readConcurrency(read),
        eventLogDir: read.string('FRESHET_DEV_EVENT_LOG_DIR', DEFAULTS.devEventLogDir),
      };
      return config;
    }
  }
}

function readTopicPrefix(read: EnvReader): string {
  const prefix = read.string('FRESHET_TOPIC_PREFIX', DEFAULTS.topicPrefix);
  // Kafka topic names allow only [a-zA-Z0-9._-]; catching it here beats a broker error at first publish.
  if (!/^[a-zA-Z0-9._-]*$/.test(prefix)) {
    read.problem('FRESHET_TOPIC_PREFIX', 'may contain only letters, digits, ".", "_" and "-"');
  }
  return prefix;
}

function readKafka(read: EnvReader, app: AppName): KafkaConfig {
  const brokers = read.hostPortList('FRESHET_KAFKA_BROKERS', DEFAULTS.kafkaBrokers);
  const clientId = read.string('FRESHET_KAFKA_CLIENT_ID', `freshet-${app}`);

  const sslEnabled = read.boolean('FRESHET_KAFKA_SSL', false);
  const caPath = read.optionalString('FRESHET_KAFKA_SSL_CA');
  const certPath = read.optionalString('FRESHET_KAFKA_SSL_CERT');
  const keyPath = read.optionalString('FRESHET_KAFKA_SSL_KEY');
  if (!sslEnabled) {
    for (const [name, value] of [['FRESHET_KAFKA_SSL_CA', caPath], ['FRESHET_KAFKA_SSL_CERT', certPath], ['FRESHET_KAFKA_SSL_KEY', keyPath]] as const) {
      if (value !== undefined) read.problem(name, 'is set but FRESHET_KAFKA_SSL is not true');
    }
  } else if ((certPath === undefined) !== (keyPath === undefined)) {
    read.problem(certPath === undefined ? 'FRESHET_KAFKA_SSL_CERT' : 'FRESHET_KAFKA_SSL_KEY', 'client certificate and key must be set together');
  }

  const mechanism = read.oneOf('FRESHET_KAFKA_SASL_MECHANISM', SASL_MECHANISMS, undefined);
  const username = read.optionalString('FRESHET_KAFKA_SASL_USERNAME');
  const password = read.optionalString('FRESHET_KAFKA_SASL_PASSWORD');
  let sasl: KafkaConfig['sasl'] = null;
  if (mechanism !== undefined) {
    if (username === undefined) read.problem('FRESHET_KAFKA_SASL_USERNAME', `is required when FRESHET_KAFKA_SASL_MECHANISM is ${mechanism}`);
    if (password === undefined) read.problem('FRESHET_KAFKA_SASL_PASSWORD', `is required when FRESHET_KAFKA_SASL_MECHANISM is ${mechanism}`);
    sasl = { mechanism, username: username ?? '', password: password ?? '' };
  } else {
    if (username !== undefined) read.problem('FRESHET_KAFKA_SASL_USERNAME', 'is set but FRESHET_KAFKA_SASL_MECHANISM is not');
    if (password !== undefined) read.problem('FRESHET_KAFKA_SASL_PASSWORD', 'is set but FRESHET_KAFKA_SASL_MECHANISM is not');
  }

  // 6000 ms is the broker's default group.min.session.timeout.ms, the shortest a test can use.
  const consumer = {
    sessionTimeoutMs: read.integer('FRESHET_KAFKA_SESSION_TIMEOUT_MS', 30_000, { min: 1000, max: 3_600_000 }),
    heartbeatIntervalMs: read.integer('FRESHET_KAFKA_HEARTBEAT_INTERVAL_MS', 3000, { min: 100, max: 600_000 }),
    maxWaitTimeInMs: read.integer('FRESHET_KAFKA_MAX_WAIT_MS', 500, { min: 10, max: 60_000 }),
  };
  return { brokers, clientId, consumer, ssl: sslEnabled ? { caPath, certPath, keyPath } : null, sasl };
}

function readDatabase(read: EnvReader): DatabaseConfig {
  return { url: read.url('FRESHET_DATABASE_URL', DEFAULTS.databaseUrl, ['postgres', 'postgresql']) };
}

function readRedis(read: EnvReader): RedisConfig {
  const keyPrefix = read.string('FRESHET_KEY_PREFIX', DEFAULTS.keyPrefix);
  // Glob characters would make the prefix-scoped SCAN in `flush` match other tenants' keys.
  if (!/^[a-zA-Z0-9._:-]+$/.test(keyPrefix)) {
    read.problem('FRESHET_KEY_PREFIX', 'may contain only letters, digits, ".", "_", ":" and "-"');
  }
  return { url: read.url('FRESHET_REDIS_URL', DEFAULTS.redisUrl, ['redis', 'rediss']), keyPrefix };
}

function readApi(read: EnvReader): ApiConfig {
  return {
    port: read.integer('FRESHET_API_PORT', DEFAULTS.apiPort, { min: 0, max: 65535 }),
    token: read.optionalString('FRESHET_API_TOKEN'),
    openReads: read.boolean('FRESHET_API_OPEN_READS', false),
  };
}

function readTickMs(read: EnvReader): number {
  // The default stays under one second because a freshness violation must be reported within one
  // second of its deadline; larger values are allowed for tests and quiet deployments.
  return read.integer('FRESHET_PLANNER_TICK_MS', DEFAULTS.plannerTickMs, { min: 10, max: 60_000 });
}

function readConcurrency(read: EnvReader): number {
  return read.integer('FRESHET_WORKER_CONCURRENCY', DEFAULTS.workerConcurrency, { min: 1, max: 256 });
}

/**
 * The environment user code sees (`ctx.env`, resources such as the warehouse read their settings
 * from it). Read here, like every other variable, so nothing else in Freshet touches process.env.
 */
export function userEnvironment(env: Env = process.env): Readonly<Record<string, string | undefined>> {
  return Object.freeze({ ...env });
}
