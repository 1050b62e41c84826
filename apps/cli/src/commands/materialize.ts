// `freshet materialize SELECTION [--partition KEY] [--wait] [--json]`: asks the running planner to
// materialize assets now (`key`, `key+` with downstream, `+key` with upstream, `*`). The runs go
// through the planner's own path: recorded in the event log, published to the workers. With
// --wait it follows the runs until they finish (exit 1 if one failed).
import type { Command } from 'commander';
import type { PlannedRun, RunView } from '@freshet/api';
import { ApiClient, printJson, withApi, type ApiClientOptions } from './api-client';

interface MaterializeOptions extends ApiClientOptions {
  readonly partition?: string;
  readonly wait?: boolean;
  readonly json?: boolean;
}

const POLL_MS = 500;

export function registerMaterialize(program: Command): void {
  program
    .command('materialize')
    .description('materialize an asset selection now (key, key+, +key, *; comma or space separated)')
    .argument('<selection...>', 'assets to materialize')
    .option('--partition <key>', 'partition to materialize (required for partitioned assets)')
    .option('--wait', 'wait until the runs finish')
    .option('--api <url>', 'planner API base URL (default FRESHET_API_URL or http://127.0.0.1:8080)')
    .option('--json', 'print the API answers as JSON')
    .action(async (selection: string[], options: MaterializeOptions) => {
      process.exitCode = await withApi(() => materialize(selection.join(' '), options));
    });
}

export async function materialize(selection: string, options: MaterializeOptions): Promise<number> {
  const client = ApiClient.from(options);
  const { runs } = await client.post<{ runs: PlannedRun[] }>('/api/materializations', {
    selection,
    ...(options.partition === undefined ? {} : { partition: options.partition }),
  });
  if (options.json !== true) {
    for (const run of runs) {
      const aps = run.assetPartitions.map((ap) => (ap.partition === null ? ap.asset : `${ap.asset}[${ap.partition}]`)).join(', ');
      process.stdout.write(`requested run ${run.runId} (${run.codeLocation}): ${aps}\n`);
    }
  }
  if (options.wait !== true) {
    if (options.json === true) printJson({ runs });
    return 0;
  }
  const finished: RunView[] = [];
  for (const run of runs) {
    for (;;) {
      const view = await client.get<RunView>(`/api/runs/${encodeURIComponent(run.runId)}`);
      if (view.status === 'succeeded' || view.status === 'failed') {
        finished.push(view);
        if (options.json !== true) process.stdout.write(`run ${run.runId} ${view.status}${view.error ? `: ${view.error}` : ''}\n`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  if (options.json === true) printJson({ runs: finished });
  return finished.every((r) => r.status === 'succeeded') ? 0 : 1;
}
