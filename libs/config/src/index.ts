// Configuration: one schema per app, validated once at boot. The only reader of process.env.
export { loadConfig, userEnvironment, DEFAULTS } from './load-config';
export { InvalidConfigError, type ConfigIssue } from './errors';
export { maskSecrets, maskUrlPassword, MASK } from './mask';
export type { Env } from './env-reader';
export * from './schema';
export { loadCliApiConfig, DEFAULT_API_URL, type CliApiConfig } from './cli-config';
