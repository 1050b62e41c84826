// The `freshet` command line. Each command lives in its own module under commands/ and
// registers itself here; `bin/freshet.js` loads this file.

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

if (require.main === module || process.argv[1]?.endsWith('freshet.js')) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    });
}
