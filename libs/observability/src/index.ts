// @freshet/observability: what operators watch: Prometheus metrics, liveness and readiness, and
// structured JSON logs without secrets.
export { FreshetMetrics, type ScrapeSnapshot } from './metrics';
export { HealthChecks, redact, type HealthCheck, type HealthReport, type CheckResult } from './health';
export { eventLogCheck, redisCheck, kafkaCheck, type KafkaCheck, type KafkaCheckOptions } from './probes';
export { structuredLogger, type StructuredLogger, type StructuredLoggerOptions, type LogFields, type LogLevelName } from './logger';
export { startOpsServer, startOpsServerOrWarn, type OpsServer, type OpsServerOptions } from './ops-server';
export { instrumentBus, type InstrumentedBus } from './instrument-bus';
export { serviceHealth, consumerLagProbe, type ServiceHealth } from './service-health';
