// `freshet backfill ASSET --from KEY --to KEY [--downstream] [--no-wait] [--json]`: launches a
// backfill of a partition range on the running planner and follows it with a progress bar until
// it completes (exit 0) or fails (exit 1). On a terminal the bar is redrawn in place; otherwise a
// line is printed whenever the progress moves.
import type { Command } from 'commander';
import type { BackfillProgress, LaunchedBackfill } from '@freshet/api';
import { ApiClient, printJson, withApi, type ApiClientOptions } from './api-client';

interface BackfillOptions extends ApiClientOptions {
  readonly from: string;
  readonly to: string;
  readonly downstream?: boolean;
  readonly wait?: boolean;
  readonly json?: boolean;
}

const POLL_MS = 500;
const BAR_WIDTH = 30;

export function registerBackfill(program: Command): void {
  program
    .command('backfill')
    .description('backfill a partition range of an asset (and downstream) and follow its progress')
    .argument('<asset>', 'a partitioned asset')
    .requiredOption('--from <key>', 'first partition (inclusive)')
    .requiredOption('--to <key>', 'last partition (inclusive)')
    .option('--downstream', 'also rebuild everything downstream over the same time')
    .option('--no-wait', 'launch it and return')
    .option('--api <url>', 'planner API base URL (default FRESHET_API_URL or http://127.0.0.1:8080)')
    .option('--json', 'print the API answers as JSON')
    .action(async (asset: string, options: BackfillOptions) => {
      process.exitCode = await withApi(() => backfill(asset, options));
    });
}

export function progressBar(p: Pick<BackfillProgress, 'done' | 'failed' | 'total' | 'running' | 'status'>): string {
  const filled = p.total === 0 ? BAR_WIDTH : Math.round((p.done / p.total) * BAR_WIDTH);
  const percent = p.total === 0 ? 100 : Math.floor((100 * p.done) / p.total);
  const failed = p.failed > 0 ? `, ${p.failed} failed` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${String(percent).padStart(3)}% ${p.done}/${p.total} done, ${p.running} running${failed} (${p.status})`;
}

/** Why owed partitions are held back, one line per asset the planner is holding (empty: none). */
export function waitingLines(p: Pick<BackfillProgress, 'assets'>): string[] {
  return p.assets.filter((a) => a.waiting !== null).map((a) => `  waiting: ${a.asset} (${a.waiting?.reasons.join(', ') ?? ''}): ${a.waiting?.sentence ?? ''}`);
}

export async function backfill(asset: string, options: BackfillOptions): Promise<number> {
  const client = ApiClient.from(options);
  const launched = await client.post<LaunchedBackfill>('/api/backfills', { asset, from: options.from, to: options.to, downstream: options.downstream === true });
  const out = (text: string): boolean => process.stdout.write(text);
  if (options.json !== true) out(`backfill ${launched.backfillId}: ${launched.assetPartitions.length} asset partitions of ${asset} ${options.from}..${options.to}${options.downstream === true ? ' and downstream' : ''}\n`);
  if (options.wait === false) {
    if (options.json === true) printJson(launched);
    return 0;
  }
  const tty = process.stdout.isTTY === true && options.json !== true;
  let last = '';
  let lastWaiting = '';
  for (;;) {
    const progress = await client.get<BackfillProgress>(`/api/backfills/${encodeURIComponent(launched.backfillId)}`);
    const line = progressBar(progress);
    // A backfill the planner holds back (say, parents never materialized and not in it) would
    // otherwise sit at the same percentage with no word of why.
    const waiting = waitingLines(progress).join('\n');
    if (options.json !== true && waiting !== lastWaiting && waiting !== '') out(tty ? `\r\x1b[K${waiting}\n` : `${waiting}\n`);
    if (options.json !== true && (line !== last || (tty && waiting !== lastWaiting))) out(tty ? `\r${line}` : `${line}\n`);
    last = line;
    lastWaiting = waiting;
    if (progress.status !== 'running') {
      if (tty) out('\n');
      if (options.json === true) printJson(progress);
      return progress.status === 'completed' ? 0 : 1;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
