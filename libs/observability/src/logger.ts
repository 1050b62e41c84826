// Structured JSON logs: one line per entry with time, level, service, pid, message and the ids an
// operator searches by (runId, eventId, asset). Ids given as fields are kept; ids that only appear
// in the message text ("run 0b6f…", "event 5d1e…") are lifted into fields as well, so every log
// line of a run can be found with one query. Secrets never reach the output: URLs lose their
// passwords, bearer tokens and `password=`/`token=` values are masked.
import { redact } from './health';

export type LogLevelName = 'info' | 'warn' | 'error';
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface StructuredLogger {
  log(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds these fields to every entry. */
  child(fields: LogFields): StructuredLogger;
}

const RANK: Record<LogLevelName, number> = { info: 0, warn: 1, error: 2 };
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const RUN_IN_TEXT = new RegExp(`\\brun(?:Id)?[ =:]+(${UUID})`, 'i');
const EVENT_IN_TEXT = new RegExp(`\\bevent(?:Id)?[ =:]+(${UUID})`, 'i');
const SECRET_FIELD = /password|token|secret|authorization/i;

export interface StructuredLoggerOptions {
  readonly minLevel?: LogLevelName;
  readonly write?: (line: string) => void;
  readonly now?: () => number;
}

export function structuredLogger(service: string, options: StructuredLoggerOptions = {}, base: LogFields = {}): StructuredLogger {
  const minLevel = options.minLevel ?? 'info';
  const write = options.write ?? ((line: string) => void process.stderr.write(line));
  const now = options.now ?? Date.now;
  const emit = (level: LogLevelName, message: string, fields: LogFields = {}): void => {
    if (RANK[level] < RANK[minLevel]) return;
    const entry: Record<string, unknown> = { time: new Date(now()).toISOString(), level, service, pid: process.pid, message: redact(message) };
    const runId = RUN_IN_TEXT.exec(message)?.[1];
    const eventId = EVENT_IN_TEXT.exec(message)?.[1];
    if (runId) entry['runId'] = runId;
    if (eventId) entry['eventId'] = eventId;
    for (const [key, value] of Object.entries({ ...base, ...fields })) {
      if (value === undefined) continue;
      entry[key] = SECRET_FIELD.test(key) ? '***' : typeof value === 'string' ? redact(value) : value;
    }
    write(`${JSON.stringify(entry)}\n`);
  };
  return {
    log: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => structuredLogger(service, options, { ...base, ...fields }),
  };
}
