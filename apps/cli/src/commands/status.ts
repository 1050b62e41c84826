// `freshet status [--json]`: every asset of the running planner as a table: status, data time,
// lag, next deadline, and why it is stale or overdue.
import type { Command } from 'commander';
import type { AssetView } from '@freshet/api';
import { ApiClient, formatMinutes, formatTime, printJson, renderColumns, withApi, type ApiClientOptions } from './api-client';

/** `73/73 recent of 25325` under a scoped policy (what automation pursues), else `48/50 partitions`. */
function partitionProgress(p: NonNullable<AssetView['partitions']>): string {
  return p.scope && p.scope.total < p.total ? `${p.scope.materialized}/${p.scope.total} recent of ${p.total}` : `${p.materialized}/${p.total} partitions`;
}

interface StatusOptions extends ApiClientOptions {
  readonly json?: boolean;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show every asset of a running planner: status, data time, lag, next deadline, staleness causes')
    .option('--api <url>', 'planner API base URL (default FRESHET_API_URL or http://127.0.0.1:8080)')
    .option('--json', 'print the API answer as JSON')
    .action(async (options: StatusOptions) => {
      process.exitCode = await withApi(() => status(options));
    });
}

export async function status(options: StatusOptions): Promise<number> {
  const { assets } = await ApiClient.from(options).get<{ assets: AssetView[] }>('/api/assets');
  if (options.json === true) {
    printJson({ assets });
    return 0;
  }
  process.stdout.write(`${statusTable(assets)}\n`);
  return 0;
}

export function statusTable(assets: readonly AssetView[]): string {
  const rows = assets.map((a) => [
    a.key,
    a.partitions ? `${a.status} (${partitionProgress(a.partitions)})` : a.status,
    formatTime(a.dataTime),
    formatMinutes(a.lagMinutes),
    formatTime(a.nextDeadline),
    a.overdueMinutes !== null ? `overdue by ${formatMinutes(a.overdueMinutes)}` : a.staleCauses.map((c) => c.sentence).join('; '),
  ]);
  return renderColumns([['ASSET', 'STATUS', 'DATA TIME', 'LAG', 'NEXT DEADLINE', 'WHY'], ...rows]);
}
