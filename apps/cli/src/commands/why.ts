// `freshet why ASSET [--at TIME] [--json]`: why the asset did or did not run at that time (default
// now), answered by the planner from its stored ticks. TIME is ISO-8601 with a zone, or HH:MM[:SS]
// for today in this machine's time zone.
import type { Command } from 'commander';
import type { WhyAnswer } from '@freshet/api';
import { ApiClient, printJson, withApi, type ApiClientOptions } from './api-client';

interface WhyOptions extends ApiClientOptions {
  readonly at?: string;
  readonly json?: boolean;
}

export function registerWhy(program: Command): void {
  program
    .command('why')
    .description('explain why an asset did or did not run at a time, from the planner\'s stored decisions')
    .argument('<asset>', 'asset key')
    .option('--at <time>', 'ISO-8601 time (2024-01-01T09:00:00Z) or HH:MM today; default now')
    .option('--api <url>', 'planner API base URL (default FRESHET_API_URL or http://127.0.0.1:8080)')
    .option('--json', 'print the API answer as JSON')
    .action(async (asset: string, options: WhyOptions) => {
      process.exitCode = await withApi(() => why(asset, options));
    });
}

/** `HH:MM[:SS]` becomes today at that local time; anything else goes to the API as given. */
export function atParameter(at: string, now = new Date()): string {
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(at);
  if (!clock) return at;
  const t = new Date(now);
  t.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? '0'), 0);
  return t.toISOString();
}

export async function why(asset: string, options: WhyOptions): Promise<number> {
  const query = options.at === undefined ? '' : `?at=${encodeURIComponent(atParameter(options.at))}`;
  const answer = await ApiClient.from(options).get<WhyAnswer>(`/api/assets/${encodeURIComponent(asset)}/why${query}`);
  if (options.json === true) printJson(answer);
  else process.stdout.write(`${answer.answer}\n`);
  return 0;
}
