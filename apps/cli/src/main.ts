// The `freshet` command line. Each command lives in its own module under commands/ and
// registers itself here; `bin/freshet.js` loads this file and calls runCli.

import { Command } from 'commander';
import { registerDev } from './commands/dev';
import { registerSimulate } from './commands/simulate';
import { registerStatus } from './commands/status';
import { registerWhy } from './commands/why';
import { registerMaterialize } from './commands/materialize';
import { registerBackfill } from './commands/backfill';

export function buildProgram(): Command {
  const program = new Command();
  program.name('freshet').description('A declarative, freshness-driven scheduler for data assets').showHelpAfterError();
  registerSimulate(program);
  registerDev(program);
  registerStatus(program);
  registerWhy(program);
  registerMaterialize(program);
  registerBackfill(program);
  return program;
}

/**
 * Runs the command line. `bin/freshet.js` calls this explicitly: a guess from `process.argv[1]`
 * fails when npm runs the bin through a link named `freshet` (as `npx freshet` does on a fresh
 * machine), and the command then printed nothing and exited 0.
 */
export function runCli(argv: readonly string[]): void {
  buildProgram()
    .parseAsync([...argv])
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    });
}

if (require.main === module) runCli(process.argv);
