import { structuredLogger } from '@freshet/observability';

// The little logging the service cores do: Nest's Logger fits it, and so does a silent one for `freshet dev`'s table.
export interface ServiceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: ServiceLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * One JSON line per message on stderr (services under a supervisor; tests read it on failure),
 * with run and event ids as fields and secrets masked (see `structuredLogger`).
 */
export function jsonLineLogger(service: string, minLevel: 'info' | 'warn' | 'error' = 'info'): ServiceLogger {
  return structuredLogger(service, { minLevel });
}
