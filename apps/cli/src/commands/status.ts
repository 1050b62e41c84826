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

/** A policy its pipeline leaves little or no room for: said before the alerts say it. */
export function fitNote(a: Pick<AssetView, 'policyFit' | 'freshnessPolicy'>): string {
  const fit = a.policyFit;
  if (!fit || fit.fit === 'ok' || !a.freshnessPolicy) return '';
  const pipeline = `its pipeline takes ${fit.partial ? 'at least ' : ''}${formatMinutes(fit.pipelineMinutes)} of its ${formatMinutes(a.freshnessPolicy.maximumLagMinutes)} lag`;
  return fit.fit === 'tooTight' ? `policy too tight: ${pipeline}, no refresh can land in time` : `policy tight: ${pipeline}, any wait makes it late`;
}

export function statusTable(assets: readonly AssetView[]): string {
  const rows = assets.map((a) => [
    a.key,
    a.partitions ? `${a.status} (${partitionProgress(a.partitions)})` : a.status,
    formatTime(a.dataTime),
    formatMinutes(a.lagMinutes),
    formatTime(a.nextDeadline),
    [a.overdueMinutes !== null ? `overdue by ${formatMinutes(a.overdueMinutes)}` : a.staleCauses.map((c) => c.sentence).join('; '), fitNote(a)].filter((t) => t !== '').join('; '),
  ]);
  return renderColumns([['ASSET', 'STATUS', 'DATA TIME', 'LAG', 'NEXT DEADLINE', 'WHY'], ...rows]);
}
