// Runs one dbt command as a child process (never through a shell) and streams its log lines as
// they come: with `--log-format json` each stdout line is one structured event.
import { spawn } from 'node:child_process';
import type { Metadata } from '@freshet/sdk';

export interface DbtLogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Metadata;
}

export interface DbtProcessResult {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The last error-level lines and stderr, for a failure message. */
  readonly errorTail: readonly string[];
}

const LEVELS = new Set(['debug', 'info', 'warn', 'error']);
// Built from a string so the pattern can name the escape character (ESC, 0x1b).
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** One stdout line of dbt (JSON log format, or plain text when dbt printed something else). */
export function parseDbtLogLine(line: string): DbtLogLine | null {
  const text = line.trim();
  if (text === '') return null;
  if (text.startsWith('{')) {
    try {
      const event = JSON.parse(text) as { info?: Record<string, unknown>; data?: Record<string, unknown> };
      const info = event.info ?? {};
      const level = typeof info.level === 'string' && LEVELS.has(info.level) ? (info.level as DbtLogLine['level']) : 'info';
      const nodeInfo = (event.data?.node_info ?? null) as Record<string, unknown> | null;
      const fields: Record<string, string> = {};
      if (typeof info.name === 'string') fields.dbtEvent = info.name;
      if (nodeInfo && typeof nodeInfo.unique_id === 'string') fields.dbtUniqueId = nodeInfo.unique_id;
      // dbt colours some messages even in JSON; strip ANSI escapes.
      const message = (typeof info.msg === 'string' ? info.msg : text).replace(ANSI_ESCAPE, '');
      return { level, message, fields };
    } catch {
      // Not JSON after all: keep it as text.
    }
  }
  return { level: 'info', message: text, fields: {} };
}

export interface RunDbtProcessOptions {
  readonly executable: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly onLine: (line: DbtLogLine) => void;
}

const TAIL = 20;

export function runDbtProcess(options: RunDbtProcessOptions): Promise<DbtProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.executable, [...options.args], {
      cwd: options.cwd,
      env: { ...options.env },
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGTERM' as const } : {}),
    });
    const errorTail: string[] = [];
    const keep = (message: string): void => {
      errorTail.push(message);
      if (errorTail.length > TAIL) errorTail.shift();
    };
    const lines = (stream: NodeJS.ReadableStream, onText: (text: string) => void): void => {
      let pending = '';
      stream.setEncoding('utf8');
      stream.on('data', (chunk: string) => {
        pending += chunk;
        const parts = pending.split('\n');
        pending = parts.pop() ?? '';
        parts.forEach(onText);
      });
      stream.on('end', () => {
        if (pending !== '') onText(pending);
      });
    };
    lines(child.stdout, (text) => {
      const line = parseDbtLogLine(text);
      if (!line) return;
      if (line.level === 'error') keep(line.message);
      options.onLine(line);
    });
    lines(child.stderr, (text) => {
      if (text.trim() === '') return;
      keep(text.trim());
      options.onLine({ level: 'warn', message: text.trim(), fields: { stream: 'stderr' } });
    });
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, errorTail }));
  });
}
