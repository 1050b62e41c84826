// The little logging the service cores do: Nest's Logger fits it, and so does a silent one for `freshet dev`'s table.
export interface ServiceLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const silentLogger: ServiceLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** One JSON line per message on stderr (services under a supervisor; tests read it on failure). */
export function jsonLineLogger(service: string, minLevel: 'info' | 'warn' | 'error' = 'info'): ServiceLogger {
  const rank = { info: 0, warn: 1, error: 2 } as const;
  const write = (level: keyof typeof rank, message: string): void => {
    if (rank[level] < rank[minLevel]) return;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, service, pid: process.pid, message })}\n`);
  };
  return { log: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) };
}
