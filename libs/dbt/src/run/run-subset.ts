// Runs a subset of a dbt project's assets as ONE dbt invocation (`dbt build --select <fqn> ...`),
// with a target path and log path of its own (concurrent runs would otherwise overwrite each
// other's run_results.json), and maps run_results.json back to per-asset outcomes.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { commonArgs, dbtEnv, dbtExecutable, type DbtCommandOptions } from '../load/dbt-command';
import { DbtError } from '../errors';
import type { DbtProjectGraph } from '../manifest/project-graph';
import { runDbtProcess, type DbtLogLine } from './dbt-process';
import { assetOutcomes, readRunResults, type AssetOutcome, type DbtRunResults } from './run-results';

export type DbtRunCommand = 'build' | 'run';

export interface DbtInvocation {
  readonly executable: string;
  readonly args: readonly string[];
  readonly targetPath: string;
  readonly logPath: string;
  readonly exitCode: number | null;
  readonly durationMs: number;
}

export interface RunSubsetOptions extends DbtCommandOptions {
  readonly graph: DbtProjectGraph;
  /** Unique ids of the assets to build. */
  readonly selected: readonly string[];
  /** `build` (default: seeds, models, snapshots and their tests in DAG order) or `run` (models only). */
  readonly command?: DbtRunCommand;
  readonly threads?: number;
  /** More dbt arguments, e.g. `['--full-refresh']`. */
  readonly extraArgs?: readonly string[];
  /** The manifest the graph came from: its partial-parse file is copied in to spare a full parse. */
  readonly manifestPath?: string;
  /** Where per-invocation folders go; default the OS temp dir. */
  readonly artifactsDir?: string;
  /** Keep the invocation's target and log folders (default: removed once read). */
  readonly keepArtifacts?: boolean;
  /** Added to the env dbt sees (the worker's variables for user code). */
  readonly runEnv?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly onLine?: (line: DbtLogLine) => void;
  readonly now?: () => number;
}

export interface RunSubsetResult {
  readonly invocation: DbtInvocation;
  readonly runResults: DbtRunResults | null;
  /** By unique id, one per selected asset. */
  readonly outcomes: ReadonlyMap<string, AssetOutcome>;
}

export async function runDbtSubset(options: RunSubsetOptions): Promise<RunSubsetResult> {
  const now = options.now ?? Date.now;
  const byId = new Map(options.graph.assets.map((a) => [a.uniqueId, a] as const));
  const selected = [...new Set(options.selected)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const unknown = selected.filter((id) => !byId.has(id));
  if (unknown.length > 0) throw new DbtError('unknownSelection', `not assets of this dbt project: ${unknown.join(', ')}`);
  const selectors = selected.map((id) => (byId.get(id) as { selector: string }).selector);

  const base = options.artifactsDir === undefined ? tmpdir() : resolve(options.artifactsDir);
  const folder = mkdtempSync(join(base, 'freshet-dbt-'));
  const targetPath = join(folder, 'target');
  const logPath = join(folder, 'logs');
  if (options.manifestPath !== undefined) {
    const partial = join(dirname(options.manifestPath), 'partial_parse.msgpack');
    if (existsSync(partial)) {
      // dbt reads it from the target path, checks it still fits the project, and parses fully if not.
      mkdirSync(targetPath, { recursive: true });
      copyFileSync(partial, join(targetPath, 'partial_parse.msgpack'));
    }
  }
  const args = [
    options.command ?? 'build',
    ...commonArgs(options),
    '--select',
    ...selectors,
    '--indirect-selection',
    'cautious',
    '--target-path',
    targetPath,
    '--log-path',
    logPath,
    '--log-format',
    'json',
    '--no-use-colors',
    ...(options.threads === undefined ? [] : ['--threads', String(options.threads)]),
    ...(options.extraArgs ?? []),
  ];
  const executable = dbtExecutable(options);
  const started = now();
  try {
    let processResult: Awaited<ReturnType<typeof runDbtProcess>>;
    try {
      processResult = await runDbtProcess({
        executable,
        args,
        cwd: options.projectDir,
        env: dbtEnv(options, options.runEnv),
        ...(options.signal ? { signal: options.signal } : {}),
        onLine: options.onLine ?? (() => undefined),
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new DbtError('dbtNotFound', `dbt executable not found: ${executable}`);
      throw error;
    }
    const invocation: DbtInvocation = { executable, args, targetPath, logPath, exitCode: processResult.exitCode, durationMs: now() - started };
    const resultsPath = join(targetPath, 'run_results.json');
    const runResults = existsSync(resultsPath) ? readRunResults(JSON.parse(readFileSync(resultsPath, 'utf8'))) : null;
    const problem =
      processResult.exitCode === 0
        ? null
        : `dbt exited with ${processResult.exitCode === null ? `signal ${processResult.signal}` : `code ${processResult.exitCode}`}${
            processResult.errorTail.length > 0 ? `: ${processResult.errorTail.slice(-5).join(' | ')}` : ''
          }`;
    return { invocation, runResults, outcomes: assetOutcomes(options.graph, selected, runResults, problem) };
  } finally {
    if (!options.keepArtifacts) rmSync(folder, { recursive: true, force: true });
  }
}
