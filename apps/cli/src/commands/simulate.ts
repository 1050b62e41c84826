// `freshet simulate PATH... [--json]`: runs scenario files through the planner on a simulated
// clock; a folder stands for every `.json` file under it. Exit 0 when every expectation holds, 1
// when one fails, 2 for a malformed file (or a folder with no scenario in it).

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { formatExpectationTotals, formatScenarioHeader, formatStep, formatTotals } from './simulate-format';
import { InvalidScenarioError, InvalidSpecsError, parseScenario, runScenario, stepJson, type ScenarioResult } from './simulate-domain';

export class MalformedScenarioFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

function load(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new MalformedScenarioFileError(file, `cannot read the file (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MalformedScenarioFileError(file, `not valid JSON (${(error as Error).message})`);
  }
}

type StepCallback = (scenarioName: string, r: Parameters<NonNullable<Parameters<typeof runScenario>[1]>>[0]) => void;

/** Runs one file; throws MalformedScenarioFileError for a file that is not a valid scenario. */
export function simulateFile(file: string, onStep?: StepCallback, onStart?: (scenarioName: string) => void): ScenarioResult {
  try {
    const scenario = parseScenario(load(file));
    onStart?.(scenario.name);
    return runScenario(scenario, (r) => onStep?.(scenario.name, r));
  } catch (error) {
    if (error instanceof InvalidScenarioError || error instanceof InvalidSpecsError)
      throw new MalformedScenarioFileError(file, `malformed scenario\n${error.problems.map((p) => `  at ${p.path}: ${p.message}`).join('\n')}`);
    throw error;
  }
}

export interface SimulateOutput {
  write(line: string): void;
  error(line: string): void;
}

/** The `.json` files under a folder, in name order at every level. */
function scenarioFilesUnder(folder: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...scenarioFilesUnder(path));
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(path);
  }
  return out;
}

/** Files as given; a folder becomes the scenario files under it (none: the folder is reported). */
function expandPaths(paths: readonly string[], onEmptyFolder: (folder: string) => void): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // Not there: reading it reports the error with the file's name.
    }
    if (!folder) {
      files.push(path);
      continue;
    }
    const under = scenarioFilesUnder(path);
    if (under.length === 0) onEmptyFolder(path);
    files.push(...under);
  }
  return files;
}

export function runSimulate(paths: readonly string[], json: boolean, out: SimulateOutput): number {
  const results: ScenarioResult[] = [];
  let malformed = false;
  const files = expandPaths(paths, (folder) => {
    malformed = true;
    out.error(`${folder}: no scenario files (*.json) in this folder`);
  });
  for (const file of files) {
    try {
      const result = simulateFile(
        file,
        (name, r) => out.write(json ? JSON.stringify(stepJson(name, r)) : formatStep(r)),
        (name) => {
          if (!json) out.write(formatScenarioHeader(file, name));
        },
      );
      results.push(result);
    } catch (error) {
      if (!(error instanceof MalformedScenarioFileError)) throw error;
      malformed = true;
      out.error(error.message);
    }
  }
  if (!json) out.write(formatExpectationTotals(results));
  out.write(formatTotals(results));
  if (malformed) return 2;
  return results.some((r) => r.failed > 0) ? 1 : 0;
}

export function registerSimulate(program: Command): void {
  program
    .command('simulate')
    .description('run scenario files through the planner on a simulated clock and check their expectations')
    .argument('<paths...>', 'scenario JSON files, or folders (every .json file under them)')
    .option('--json', 'print one JSON object per evaluate step')
    .action((files: string[], opts: { json?: boolean }) => {
      process.exitCode = runSimulate(files, opts.json === true, {
        write: (line) => process.stdout.write(`${line}\n`),
        error: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
