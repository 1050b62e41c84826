/** The typed configuration of each Freshet process. Every object returned by `loadConfig` is deeply frozen. */

export const APP_NAMES = ['observer', 'planner', 'worker', 'dev'] as const;
export type AppName = (typeof APP_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSslConfig {
  /** Paths to PEM files; each may be absent (the system CA store is used when `caPath` is). */
  readonly caPath: string | undefined;
  readonly certPath: string | undefined;
  readonly keyPath: string | undefined;
}

export interface KafkaSaslConfig {
  readonly mechanism: SaslMechanism;
  readonly username: string;
  /** Secret: masked as `***` when the config is logged. */
  readonly password: string;
}

/** Consumer-group timing. Production keeps kafkajs's defaults; tests shorten them so a dead member is noticed in seconds. */
export interface KafkaConsumerConfig {
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  /** How long a fetch waits for data before returning empty. */
  readonly maxWaitTimeInMs: number;
}

export interface KafkaConfig {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly consumer: KafkaConsumerConfig;
  /** `null` when TLS is off. */
  readonly ssl: KafkaSslConfig | null;
  /** `null` when SASL is off. */
  readonly sasl: KafkaSaslConfig | null;
}

export interface DatabaseConfig {
  /** A postgres:// URL. Its password is masked when logged. */
  readonly url: string;
}

export interface RedisConfig {
  /** A redis:// or rediss:// URL. Its password is masked when logged. */
  readonly url: string;
  /** Every key starts with `<keyPrefix>:v1:` (see `RedisKeys` in libs/cache). */
  readonly keyPrefix: string;
}

export interface ApiConfig {
  readonly port: number;
  /** Bearer token for the HTTP API; secret, masked when logged. `undefined` = no token configured. */
  readonly token: string | undefined;
  /** When true, GET endpoints answer without a token. */
  readonly openReads: boolean;
}

interface CommonConfig {
  readonly logLevel: LogLevel;
  /** Prepended to every topic name; empty in production, random in tests for isolation. */
  readonly topicPrefix: string;
}

export interface ObserverConfig extends CommonConfig {
  readonly app: 'observer';
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  /** Module path of the user's code location (definitions and observation functions). */
  readonly codeLocation: string;
  /** Emit an observation on every observe/source change, even when the data version did not change. */
  readonly emitUnchangedObservations: boolean;
  /** FRESHET_METRICS_PORT: the listener of /metrics and /health/* (0 = any free port). */
  readonly metricsPort: number;
}

export interface PlannerConfig extends CommonConfig {
  readonly app: 'planner';
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly api: ApiConfig;
  /** Timer tick: freshness deadlines pass without any event, so the planner also wakes on a clock. */
  readonly plannerTickMs: number;
}

export interface WorkerConfig extends CommonConfig {
  readonly app: 'worker';
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly redis: RedisConfig;
  readonly codeLocation: string;
  readonly workerConcurrency: number;
  /** FRESHET_METRICS_PORT: the listener of /metrics and /health/* (0 = any free port). */
  readonly metricsPort: number;
}

/** `freshet dev`: everything in one process, embedded event log, in-memory bus and cache. */
export interface DevConfig extends CommonConfig {
  readonly app: 'dev';
  /** Optional here: the CLI may take the code location as an argument instead. */
  readonly codeLocation: string | undefined;
  readonly api: ApiConfig;
  readonly plannerTickMs: number;
  readonly workerConcurrency: number;
  /** PGlite data directory for the embedded event log, or `memory://` for a throw-away one. */
  readonly eventLogDir: string;
}

export interface ConfigByApp {
  observer: ObserverConfig;
  planner: PlannerConfig;
  worker: WorkerConfig;
  dev: DevConfig;
}

export type FreshetConfig = ConfigByApp[AppName];
