// The logger a compute function gets: structured lines that carry the run id, attempt, asset and
// partition, written to the worker's sink and kept (capped) for the asset's run event.
import type { Logger, LogLevel, Metadata } from '../define/types';
import type { LogLine } from './run-events';

export type LogSink = (line: LogLine) => void;

/** One JSON object per line on stdout: what `freshet dev` and the worker print by default. */
export const stdoutJsonSink: LogSink = (line) => {
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

export const MAX_KEPT_LOG_LINES = 200;

export interface CapturingLogger extends Logger {
  /** The last MAX_KEPT_LOG_LINES lines, oldest first. */
  lines(): readonly LogLine[];
}

export function createRunLogger(
  scope: { runId: string; attempt: number; asset: string | null; partition: string | null },
  sink: LogSink,
  now: () => number,
): CapturingLogger {
  const kept: LogLine[] = [];
  const write = (level: LogLevel, message: string, fields?: Metadata): void => {
    const line: LogLine = {
      level,
      time: new Date(now()).toISOString(),
      runId: scope.runId,
      attempt: scope.attempt,
      asset: scope.asset,
      partition: scope.partition,
      message,
      ...(fields === undefined ? {} : { fields }),
    };
    kept.push(line);
    if (kept.length > MAX_KEPT_LOG_LINES) kept.shift();
    try {
      sink(line);
    } catch {
      // A broken log sink must not fail the user's computation; the line is still kept.
    }
  };
  return {
    debug: (message, fields) => write('debug', message, fields),
    info: (message, fields) => write('info', message, fields),
    warn: (message, fields) => write('warn', message, fields),
    error: (message, fields) => write('error', message, fields),
    lines: () => [...kept],
  };
}
