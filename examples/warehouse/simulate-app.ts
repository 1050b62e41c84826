// Keeps the example warehouse busy while `freshet dev` runs: drops an order file and writes app
// users and events every few seconds.
//
//   node bin/run-ts.js examples/warehouse/simulate-app.ts [--interval 20] [--once] [--files-only]
//
// Order files always flow (they are just files). The app's tables live in the warehouse: with
// FRESHET_WAREHOUSE_URL=postgres://… both this script and `freshet dev` use that Postgres. The
// embedded PGlite warehouse belongs to one process at a time, so without a URL this script writes
// files only unless you pass --seed (for a warehouse no one has open yet). Files land in
// data/incoming/, or under WAREHOUSE_DATA_DIR when set (as for the code location).
import * as path from 'node:path';
import { openPglite, openPostgres, warehouseTarget, type SqlResource } from '@freshet/sdk';
import { createSimulator, simulateAppTick, writeAppUsers } from './app-simulator';
import { warehouseDataDir } from './location';

/** Users an empty app starts with. */
const SEED_USERS = 25;

interface Options {
  intervalSeconds: number;
  once: boolean;
  filesOnly: boolean;
  seed: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { intervalSeconds: 20, once: false, filesOnly: false, seed: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--once') options.once = true;
    else if (arg === '--files-only') options.filesOnly = true;
    else if (arg === '--seed') options.seed = true;
    else if (arg === '--interval') options.intervalSeconds = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg} (use --interval N, --once, --files-only, --seed)`);
  }
  if (!(options.intervalSeconds > 0)) throw new Error('--interval must be a positive number of seconds');
  return options;
}

async function openWarehouse(options: Options): Promise<SqlResource | null> {
  if (options.filesOnly) return null;
  // This script is the edge of the example: it reads its own environment.
  const target = warehouseTarget(process.env, process.cwd());
  if (target.kind === 'postgres') return openPostgres(target.url);
  if (!options.seed) {
    console.log('embedded warehouse: writing order files only (set FRESHET_WAREHOUSE_URL or pass --seed; see README)');
    return null;
  }
  return openPglite(target.dataDir);
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const incoming = path.join(warehouseDataDir(process.env), 'incoming');
  const warehouse = await openWarehouse(options);
  const state = createSimulator(Date.now() % 100_000, 0);
  if (warehouse) {
    const existing = await warehouse.query(`select coalesce(max(id), 0) as n from app_users`).catch(() => ({ rows: [{ n: 0 }] }));
    state.userCount = Number(existing.rows[0]?.n ?? 0);
  }
  if (warehouse && state.userCount === 0) await writeAppUsers(warehouse, state, Date.now(), SEED_USERS);
  const tick = async (): Promise<void> => {
    const now = Date.now();
    const { file } = await simulateAppTick(warehouse, incoming, state, now);
    console.log(`${new Date(now).toISOString()} dropped ${file}${warehouse ? `; app has ${state.userCount} users; events appended` : ''}`);
  };
  await tick();
  if (options.once) {
    await warehouse?.close();
    return;
  }
  const timer = setInterval(() => void tick().catch((error: unknown) => console.error(error)), options.intervalSeconds * 1000);
  const stop = (): void => {
    clearInterval(timer);
    void warehouse?.close().finally(() => process.exit(0));
    if (!warehouse) process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
