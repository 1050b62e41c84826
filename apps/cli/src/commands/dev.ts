// `freshet dev [path] [--once] [--timeout SECONDS]`: planner, observer and worker in one process on
// embedded defaults, for the code location at `path` (default examples/warehouse). Prints a live
// table of the assets (redrawn in place on a TTY, appended as snapshots otherwise) until SIGINT or
// SIGTERM. With --once it runs until the graph settles (no run in flight, nothing requested in the
// last tick, nothing pending) and exits 0, or exits 1 with a message when it cannot settle in time.
import type { Command } from 'commander';
import { loadConfig } from '@freshet/config';
import { jsonLineLogger, silentLogger, type TickReport } from '@freshet/runtime';
import { resolveLocationPath, startDevRuntime, type DevRuntime } from './dev-runtime';
import { DecisionLog, renderTable, tableRows, tableSignature } from './dev-table';

export const DEFAULT_DEV_LOCATION = 'examples/warehouse';
const DEFAULT_ONCE_TIMEOUT_SECONDS = 120;
/** Settled must hold this many checks in a row (events still travelling in-process get time to land). */
const SETTLED_CHECKS = 4;
const CHECK_EVERY_MS = 250;

export interface DevOptions {
  readonly once?: boolean;
  readonly timeout?: string;
  readonly verbose?: boolean;
}

interface Output {
  readonly tty: boolean;
  readonly columns: number;
  write(text: string): void;
}

export function registerDev(program: Command): void {
  program
    .command('dev')
    .description('run the planner, observer and worker in one process on embedded storage, with a live table of the assets')
    .argument('[path]', 'code location module or folder', DEFAULT_DEV_LOCATION)
    .option('--once', 'run until the graph is settled, then exit (0 when settled, 1 when not in time)')
    .option('--timeout <seconds>', `with --once: give up after this long (default ${DEFAULT_ONCE_TIMEOUT_SECONDS})`)
    .option('--verbose', 'log the services to stderr')
    .action(async (location: string, options: DevOptions) => {
      process.exitCode = await runDev(location, options, {
        tty: process.stdout.isTTY === true,
        // 0 when the terminal does not say (a pseudo-terminal without a size).
        columns: process.stdout.columns > 0 ? process.stdout.columns : 200,
        write: (text) => process.stdout.write(text),
      });
    });
}

export async function runDev(locationArg: string, options: DevOptions, out: Output): Promise<number> {
  const config = loadConfig('dev');
  const cwd = process.cwd();
  const locationPath = resolveLocationPath(locationArg === DEFAULT_DEV_LOCATION && config.codeLocation ? config.codeLocation : locationArg, cwd);
  const logger = options.verbose === true ? jsonLineLogger('dev') : silentLogger;
  const timeoutSeconds = Number(options.timeout ?? DEFAULT_ONCE_TIMEOUT_SECONDS);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    process.stderr.write(`--timeout must be a positive number of seconds, got ${options.timeout ?? ''}\n`);
    return 2;
  }

  // User code logs to stderr under --verbose, else nowhere: stdout belongs to the table.
  const userLog = options.verbose === true ? (line: unknown) => void process.stderr.write(`${JSON.stringify(line)}\n`) : () => undefined;
  const runtime = await startDevRuntime(config, locationPath, logger, cwd, userLog);
  out.write(`freshet dev: ${runtime.location.name} (${locationPath}), event log ${config.eventLogDir}\n`);
  out.write(`web UI and API: ${runtime.api.url}/ (OpenAPI: ${runtime.api.url}/api/docs)\n`);
  const view = new TableView(runtime, out);
  runtime.planner.onTick((report) => view.onTick(report));

  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let code = 0;
  try {
    if (options.once === true) {
      const outcome = await Promise.race([waitSettled(runtime, timeoutSeconds * 1000), stopped.then(() => 'stopped' as const)]);
      view.draw(true);
      if (outcome === 'settled') out.write('settled: no run in flight, nothing requested in the last tick\n');
      else if (outcome === 'stopped') code = 130;
      else {
        process.stderr.write(`freshet dev --once: not settled after ${timeoutSeconds} s (${outcome})\n`);
        code = 1;
      }
    } else {
      const timer = setInterval(() => view.draw(false), 1000);
      const signal = await stopped;
      clearInterval(timer);
      view.draw(true);
      out.write(`${signal}: shutting down\n`);
    }
  } finally {
    await runtime.close();
  }
  return code;
}

/** Resolves 'settled', or a sentence saying what was still going on at the deadline. */
async function waitSettled(runtime: DevRuntime, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let inARow = 0;
  let why = 'no tick yet';
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
    why = await unsettledReason(runtime);
    inARow = why === '' ? inARow + 1 : 0;
    if (inARow >= SETTLED_CHECKS) return 'settled';
  }
  return why;
}

async function unsettledReason(runtime: DevRuntime): Promise<string> {
  const report = runtime.planner.latestTick();
  if (!report) return 'the planner has not ticked yet';
  if (!runtime.observer.firstPassDone || runtime.observer.busy > 0) return 'observations are running';
  if (report.result.runs.length > 0) return 'the last tick requested runs';
  const active = report.state.activeRuns();
  if (active.length > 0 || runtime.worker.inFlight > 0) return `${Math.max(active.length, runtime.worker.inFlight)} run(s) in flight`;
  if ((await runtime.eventLog.pendingOutboxCount()) > 0) return 'events wait in the outbox';
  if ((await runtime.eventLog.latestStorageId()) > report.readUpTo) return 'the planner has not read the latest records';
  return '';
}

class TableView {
  private readonly decisions = new DecisionLog();
  private latest: TickReport | null = null;
  private lastSignature = '';
  private drawnLines = 0;
  private lastDrawAt = 0;

  constructor(
    private readonly runtime: DevRuntime,
    private readonly out: Output,
  ) {}

  onTick(report: TickReport): void {
    this.decisions.record(report);
    this.latest = report;
    // Non-TTY: a snapshot when something changed, at most once a second.
    if (!this.out.tty && Date.now() - this.lastDrawAt >= 1000) this.draw(false);
  }

  draw(force: boolean): void {
    const report = this.latest;
    if (!report) return;
    const now = Date.now();
    const rows = tableRows(report, this.decisions, now);
    const signature = tableSignature(rows);
    if (!this.out.tty && !force && signature === this.lastSignature) return;
    this.lastSignature = signature;
    this.lastDrawAt = now;
    const lines = renderTable(rows, this.out.columns);
    const running = this.runtime.worker.inFlight;
    const header = `${new Date(now).toISOString().slice(0, 19)}Z  runs in flight: ${running}`;
    if (this.out.tty) {
      // Redraw in place: move up over the previous table and clear to the end of the screen.
      const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A\r\x1b[J` : '';
      this.out.write(`${up}${header}\n${lines.join('\n')}\n`);
      this.drawnLines = lines.length + 1;
    } else {
      this.out.write(`\n${header}\n${lines.join('\n')}\n`);
    }
  }
}
