// `freshet simulate FILE... [--json]`: runs scenario files through the planner on a simulated
// clock. Exit 0 when every expectation holds, 1 when one fails, 2 for a malformed file.

import { readFileSync } from 'node:fs';
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

export function runSimulate(files: readonly string[], json: boolean, out: SimulateOutput): number {
  const results: ScenarioResult[] = [];
  let malformed = false;
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
    .argument('<files...>', 'scenario JSON files')
    .option('--json', 'print one JSON object per evaluate step')
    .action((files: string[], opts: { json?: boolean }) => {
      process.exitCode = runSimulate(files, opts.json === true, {
        write: (line) => process.stdout.write(`${line}\n`),
        error: (line) => process.stderr.write(`${line}\n`),
      });
    });
}
