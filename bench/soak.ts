// `npm run soak [-- --minutes N]`: the example project (examples/warehouse) as separate observer,
// planner and worker processes on the real Kafka, Redis and Postgres (the e2e harness with the
// warehouse code location), its app database a fresh Postgres database of its own and its
// incoming-files folder a temp dir, kept busy for N minutes (default 10) by the example's app
// simulator: every SOAK_APP_TICK_SECONDS a few app users, product events and one order file.
//
// Every SOAK_SAMPLE_SECONDS (default 15) it prints each service's RSS and heap (sampled inside the
// process by bench/soak-probe.js) and the lag: event-log records the planner has not evaluated
// yet; app writes the observations are behind on; runs requested but not finished; the freshness
// lag of the eager assets and how many assets are overdue. It fails (exit 1) when a service's heap
// grows by more than SOAK_MAX_HEAP_GROWTH_MB (default 64) or its RSS by more than
// SOAK_MAX_RSS_GROWTH_MB (default 160) between the end of warm-up (the first fifth of the load) and
// the end, or when the lag does not drain within SOAK_DRAIN_SECONDS (default 180) of the load
// stopping. See bench/README.md for every option.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PLANNER_CURSOR_NAME } from '@freshet/runtime';
import { ResourceSet, observeSource, openPostgres, postgresResource, type CodeLocation, type SqlResource } from '@freshet/sdk';
import type { EventLog } from '@freshet/storage';
import { createTestDatabase, freePort, type TestDatabase } from '@freshet/testing';
import { createSimulator, simulateAppTick, type SimulatorState } from '../examples/warehouse/app-simulator';
import { createWarehouseLocation } from '../examples/warehouse/location';
import { E2eStack, OutsideProducer, type ServiceProcess } from '../test/support/stack';
import { median } from './lib/stats';

const ROOT = path.resolve(__dirname, '..');
const EXAMPLE_DIR = path.join(ROOT, 'examples', 'warehouse');
/** The example's observed sources and what the app writes that changes each. */
const OBSERVED = { raw_order_files: 'files', app_users: 'users' } as const;
type ObservedSource = keyof typeof OBSERVED;
const OBSERVED_SOURCES = Object.keys(OBSERVED) as ObservedSource[];

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heapUsed: number;
}

interface AssetView {
  readonly key: string;
  readonly kind: string;
  readonly status: string;
  readonly automation: string;
  readonly lagMinutes: number | null;
  readonly partitions: { readonly total: number; readonly materialized: number } | null;
}

function argMinutes(argv: readonly string[]): number {
  const at = argv.indexOf('--minutes');
  const raw = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--minutes='))?.slice('--minutes='.length);
  const minutes = raw === undefined ? 10 : Number(raw);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--minutes must be a positive number, got ${String(raw)}`);
  return minutes;
}

function numberEnv(name: string, fallback: number, min = 0): number {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number ≥ ${min}, got ${String(raw)}`);
  return value;
}

const MINUTES = argMinutes(process.argv.slice(2));
const SAMPLE_MS = numberEnv('SOAK_SAMPLE_SECONDS', 15, 1) * 1000;
const APP_TICK_MS = numberEnv('SOAK_APP_TICK_SECONDS', 2, 0.05) * 1000;
const WORKERS = Math.round(numberEnv('SOAK_WORKERS', 1, 1));
const SOURCE_CHANGES = process.env['SOAK_SOURCE_CHANGES'] === '1';
const MAX_HEAP_GROWTH_MB = numberEnv('SOAK_MAX_HEAP_GROWTH_MB', 64);
const MAX_RSS_GROWTH_MB = numberEnv('SOAK_MAX_RSS_GROWTH_MB', 160);
const DRAIN_MS = numberEnv('SOAK_DRAIN_SECONDS', 180, 1) * 1000;
/** Start-up from source on a loaded 2-core machine, then the first run of the whole graph. */
const BOOT_MS = 240_000;
const MB = 1024 * 1024;
const mb = (bytes: number): string => (bytes / MB).toFixed(0);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function samplesOf(dir: string, service: ServiceProcess): Sample[] {
  const file = readdirSync(dir).find((name) => name === `${service.pid}.jsonl`);
  if (!file) return [];
  return readFileSync(path.join(dir, file), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Sample);
}

/** The median of the (up to) three samples nearest to `t`. */
function around(samples: readonly Sample[], t: number, pick: (s: Sample) => number): number {
  const nearest = [...samples].sort((a, b) => Math.abs(a.t - t) - Math.abs(b.t - t)).slice(0, 3);
  return median(nearest.map(pick));
}


/** The incoming folder starts like the example's: its two sample files, none of the simulated ones. */
function seedIncoming(dataDir: string): string {
  const incoming = path.join(dataDir, 'incoming');
  mkdirSync(incoming, { recursive: true });
  const samples = path.join(EXAMPLE_DIR, 'data', 'incoming');
  for (const file of readdirSync(samples)) {
    if (!file.startsWith('.') && !file.startsWith('orders-sim-')) copyFileSync(path.join(samples, file), path.join(incoming, file));
  }
  return incoming;
}

/** The app simulator's load: one tick every APP_TICK_MS, each write's completion time kept per source. */
class AppLoad {
  readonly writes: Record<ObservedSource, number[]> = { raw_order_files: [], app_users: [] };
  ticks = 0;
  files = 0;
  orders = 0;
  users = 0;
  events = 0;
  failures = 0;
  private running = true;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly warehouse: SqlResource,
    private readonly incoming: string,
    private readonly state: SimulatorState,
    private readonly notify: OutsideProducer | null,
  ) {}

  start(): void {
    this.loop = (async () => {
      while (this.running) {
        const began = Date.now();
        try {
          const tick = await simulateAppTick(this.warehouse, this.incoming, this.state, began);
          const done = Date.now();
          this.ticks++;
          this.files++;
          this.orders += tick.orders;
          this.users += tick.users;
          this.events += tick.events;
          this.writes.raw_order_files.push(done);
          this.writes.app_users.push(done);
          // As a shop's uploader and the app would: say that the sources changed (no data version,
          // so the observer observes them at once instead of at its next poll).
          if (this.notify) for (const source of OBSERVED_SOURCES) await this.notify.sourceChanged(source);
        } catch (error) {
          this.failures++;
          console.error(`app simulator: ${error instanceof Error ? error.message : String(error)}`);
        }
        await sleep(Math.max(0, APP_TICK_MS - (Date.now() - began)));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

/** What the soak reads to measure the lag: the event log, the planner's API, the sources as the observer sees them. */
class LagProbe {
  private readonly resources: ResourceSet;
  private readonly location: CodeLocation;

  constructor(
    private readonly log: EventLog,
    private readonly apiBase: string,
    dataDir: string,
    warehouseUrl: string,
  ) {
    this.location = createWarehouseLocation({ dataDir, warehouse: postgresResource(warehouseUrl) });
    this.resources = new ResourceSet(this.location.resources, { env: {}, baseDir: ROOT });
  }

  /** Records after the planner's cursor other than its own tick records (output, not input). */
  async unevaluatedRecords(): Promise<number> {
    const cursor = await this.log.loadCursor(PLANNER_CURSOR_NAME);
    const seen = (cursor?.value as { lastStorageId?: number } | undefined)?.lastStorageId ?? 0;
    const unseen = await this.log.readSince(seen, 10_000);
    return unseen.filter((record) => record.type !== 'tick').length;
  }

  /** Runs requested or started, not yet finished. */
  async openRuns(): Promise<number> {
    return (await this.log.runsByStatus(['requested', 'started'])).length;
  }

  async pendingOutbox(): Promise<number> {
    return this.log.pendingOutboxCount();
  }

  /**
   * App writes the latest observation of `source` does not reflect: 0 when its data version is the
   * one an observation would record now; otherwise the writes completed since it was observed (at
   * least 1), and the age of the oldest of them.
   */
  async behind(source: ObservedSource, writes: readonly number[]): Promise<{ writes: number; ageMs: number }> {
    const [current, latest] = await Promise.all([
      observeSource(this.location, source, { resources: this.resources, log: () => undefined }),
      this.log.latestFor(source, null),
    ]);
    const stored = latest.observation;
    const storedVersion = (stored?.payload as { dataVersion?: unknown } | undefined)?.dataVersion;
    if (current !== null && storedVersion === current.dataVersion) return { writes: 0, ageMs: 0 };
    const since = writes.filter((t) => t > (stored?.occurredAt ?? 0));
    return { writes: Math.max(1, since.length), ageMs: since.length === 0 ? 0 : Date.now() - (since[0] as number) };
  }

  /** The planner's view of every asset (status, freshness lag), from its API; null while it has none. */
  async assets(): Promise<AssetView[] | null> {
    try {
      const res = await fetch(`${this.apiBase}/api/assets`);
      if (res.status !== 200) return null;
      return ((await res.json()) as { assets: AssetView[] }).assets;
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.resources.close();
  }
}

/** Eager, unpartitioned assets: the ones that must follow the app closely. */
const eagerChain = (assets: readonly AssetView[]): AssetView[] => assets.filter((a) => a.kind === 'materializable' && a.automation === 'eager' && a.partitions === null);

interface LagNow {
  readonly records: number;
  readonly runs: number;
  readonly outbox: number;
  readonly behind: Record<ObservedSource, { writes: number; ageMs: number }>;
  readonly assets: AssetView[] | null;
}

async function lagNow(probe: LagProbe, load: AppLoad | null): Promise<LagNow> {
  const [records, runs, outbox, files, users, assets] = await Promise.all([
    probe.unevaluatedRecords(),
    probe.openRuns(),
    probe.pendingOutbox(),
    probe.behind('raw_order_files', load?.writes.raw_order_files ?? []),
    probe.behind('app_users', load?.writes.app_users ?? []),
    probe.assets(),
  ]);
  return { records, runs, outbox, behind: { raw_order_files: files, app_users: users }, assets };
}

function maxEagerLagSeconds(assets: readonly AssetView[] | null): number | null {
  if (assets === null) return null;
  const lags = eagerChain(assets).map((a) => a.lagMinutes).filter((l): l is number => l !== null);
  return lags.length === 0 ? null : Math.round(Math.max(...lags) * 60);
}

const overdue = (assets: readonly AssetView[] | null): number => assets?.filter((a) => a.status === 'overdue').length ?? 0;

/** Drained: every record evaluated, no run open, outbox empty, observations current, eager assets fresh. */
function drained(lag: LagNow): boolean {
  return (
    lag.records === 0 &&
    lag.runs === 0 &&
    lag.outbox === 0 &&
    OBSERVED_SOURCES.every((s) => lag.behind[s].writes === 0) &&
    lag.assets !== null &&
    eagerChain(lag.assets).every((a) => a.status === 'fresh')
  );
}

function describeLag(lag: LagNow): string {
  const eager = maxEagerLagSeconds(lag.assets);
  const behind = OBSERVED_SOURCES.map((s) => `${lag.behind[s].writes} ${OBSERVED[s]}`).join(' + ');
  return `${lag.records} records unevaluated, ${lag.runs} runs open, ${lag.outbox} outbox, observations behind by ${behind}, eager assets' max freshness lag ${eager === null ? '?' : `${eager} s`}, ${overdue(lag.assets)} overdue`;
}

async function main(): Promise<void> {
  const probeDir = mkdtempSync(path.join(tmpdir(), 'freshet-soak-probe-'));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freshet-soak-warehouse-'));
  const incoming = seedIncoming(dataDir);
  let warehouseDb: TestDatabase | undefined;
  let stack: E2eStack | undefined;
  let probe: LagProbe | undefined;
  let simulatorDb: SqlResource | undefined;
  let notify: OutsideProducer | null = null;
  let failed = false;
  try {
    warehouseDb = await createTestDatabase('freshet_soak_app');
    const apiPort = await freePort();
    const harness = new E2eStack({
      codeLocation: path.join(EXAMPLE_DIR, 'location.ts'),
      env: {
        NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${path.join(__dirname, 'soak-probe.js')}`.trim(),
        SOAK_PROBE_DIR: probeDir,
        SOAK_PROBE_MS: '5000',
        FRESHET_WAREHOUSE_URL: warehouseDb.url,
        WAREHOUSE_DATA_DIR: dataDir,
        FRESHET_PLANNER_TICK_MS: '500',
        // Several workers and observers on one machine: each its own free metrics port.
        FRESHET_METRICS_PORT: '0',
        FRESHET_LOG_LEVEL: 'warn',
      },
    });
    stack = harness;
    await harness.init();
    const services = [
      harness.start('planner', { FRESHET_API_PORT: String(apiPort), FRESHET_API_OPEN_READS: 'true' }),
      harness.start('observer'),
      ...Array.from({ length: WORKERS }, () => harness.start('worker')),
    ];
    const checkAlive = (): void => {
      for (const s of services) if (!s.running) throw new Error(`${s.name} exited during the soak:\n${s.text().slice(-3000)}`);
    };
    probe = new LagProbe(await harness.eventLog(), `http://127.0.0.1:${apiPort}`, dataDir, warehouseDb.url);
    const lagProbe = probe;

    // Like a first `freshet dev`: the observer seeds the new app database (its first deploy) and
    // the whole graph becomes fresh. The load starts from there.
    const booted = Date.now();
    /** '' once every materializable asset has been materialized and the stack is settled; else what is still going on. */
    const notFreshYet = async (): Promise<string> => {
      const assets = await lagProbe.assets();
      if (assets === null) return 'the planner API has no assets yet';
      const waiting = assets.filter((a) => a.kind === 'materializable' && (a.status === 'missing' || a.status === 'running'));
      if (waiting.length > 0) return `waiting for ${waiting.map((a) => `${a.key} (${a.status})`).join(', ')}`;
      return (await harness.settled()) ? '' : `not settled: ${describeLag(await lagNow(lagProbe, null))}`;
    };
    for (let why = await notFreshYet(); why !== ''; why = await notFreshYet()) {
      checkAlive();
      if (Date.now() - booted > BOOT_MS) throw new Error(`the example graph was not fresh ${BOOT_MS / 1000} s after start (${why}):\n${harness.logs()}`);
      await sleep(1000);
    }
    console.log(`soak: the example warehouse (${services.map((s) => s.name).join(', ')}) settled ${Math.round((Date.now() - booted) / 1000)} s after start`);

    simulatorDb = openPostgres(warehouseDb.url);
    const existing = await simulatorDb.query('select coalesce(max(id), 0) as n from app_users');
    const state = createSimulator(42, Number(existing.rows[0]?.['n'] ?? 0));
    if (SOURCE_CHANGES) notify = await OutsideProducer.connect(harness.topicPrefix);
    const load = new AppLoad(simulatorDb, incoming, state, notify);

    console.log(
      `soak: ${MINUTES} min, app simulator tick every ${APP_TICK_MS / 1000} s (1-3 users, 10-49 events, one file of 5-24 orders)` +
        `${SOURCE_CHANGES ? ' + source-change events on Kafka' : ''}, ${WORKERS} worker(s), sample every ${SAMPLE_MS / 1000} s`,
    );
    console.log(
      '  t(s)  ticks  rec  runs  behind(files/users)  eager lag(s)  overdue  ' + services.map((s) => `${s.name.padEnd(9)} rss/heap MB`).join('  '),
    );
    const started = Date.now();
    const endsAt = started + MINUTES * 60_000;
    load.start();
    const report = (lag: LagNow): void => {
      const memory = services.map((s) => {
        const last = samplesOf(probeDir, s).at(-1);
        return (last ? `${mb(last.rss)}/${mb(last.heapUsed)}` : '?').padEnd(21);
      });
      const behind = `${lag.behind.raw_order_files.writes}/${lag.behind.app_users.writes}`;
      const oldest = Math.max(lag.behind.raw_order_files.ageMs, lag.behind.app_users.ageMs);
      const eager = maxEagerLagSeconds(lag.assets);
      console.log(
        `${String(Math.round((Date.now() - started) / 1000)).padStart(6)} ${String(load.ticks).padStart(6)} ${String(lag.records).padStart(4)} ${String(lag.runs).padStart(5)}  ` +
          `${`${behind} (${Math.round(oldest / 1000)} s)`.padEnd(19)} ${String(eager ?? '?').padStart(13)} ${String(overdue(lag.assets)).padStart(8)}  ${memory.join('  ')}`,
      );
    };
    while (Date.now() < endsAt) {
      await sleep(Math.min(SAMPLE_MS, Math.max(0, endsAt - Date.now())));
      report(await lagNow(lagProbe, load));
      checkAlive();
    }
    await load.stop();

    // The lag must drain once the load stops (the observer polls files every 15 s, users every 30 s).
    const stoppedAt = Date.now();
    let last = await lagNow(lagProbe, load);
    while (!drained(last) && Date.now() - stoppedAt < DRAIN_MS) {
      await sleep(2000);
      checkAlive();
      last = await lagNow(lagProbe, load);
    }
    report(last);
    const drainOk = drained(last);
    console.log(drainOk ? `lag drained ${Math.round((Date.now() - stoppedAt) / 1000)} s after the load stopped` : `LAG DID NOT DRAIN within ${DRAIN_MS / 1000} s: ${describeLag(last)}`);
    if (!drainOk) failed = true;
    if (load.failures > 0) {
      console.log(`the app simulator failed ${load.failures} time(s)`);
      failed = true;
    }

    console.log('\nassets at the end (planner API):');
    for (const a of last.assets ?? []) {
      const parts = a.partitions ? `, ${a.partitions.materialized}/${a.partitions.total} partitions` : '';
      console.log(`  ${a.key.padEnd(22)} ${a.status.padEnd(8)} ${a.automation.padEnd(9)} lag ${a.lagMinutes === null ? '-' : `${a.lagMinutes} min`}${parts}`);
    }

    const warmEnd = started + (endsAt - started) / 5;
    console.log(`\napp writes: ${load.ticks} ticks, ${load.files} files (${load.orders} orders), ${load.users} new users, ${load.events} events`);
    console.log('memory, end of warm-up → end (median of the 3 nearest samples):');
    const summary: string[] = [];
    let grew = false;
    for (const s of services) {
      const samples = samplesOf(probeDir, s);
      const rssStart = around(samples, started, (x) => x.rss);
      const heap0 = around(samples, warmEnd, (x) => x.heapUsed);
      const heap1 = around(samples, endsAt, (x) => x.heapUsed);
      const rss0 = around(samples, warmEnd, (x) => x.rss);
      const rss1 = around(samples, endsAt, (x) => x.rss);
      const heapOk = heap1 - heap0 <= MAX_HEAP_GROWTH_MB * MB;
      const rssOk = rss1 - rss0 <= MAX_RSS_GROWTH_MB * MB;
      console.log(
        `  ${s.name.padEnd(10)} load start rss ${mb(rssStart)} MB heap ${mb(around(samples, started, (x) => x.heapUsed))} MB; warm rss ${mb(rss0)} heap ${mb(heap0)} → end rss ${mb(rss1)} heap ${mb(heap1)} MB` +
          `  ${heapOk && rssOk ? 'ok' : `GREW BEYOND THE BOUND (heap ≤ +${MAX_HEAP_GROWTH_MB} MB, rss ≤ +${MAX_RSS_GROWTH_MB} MB)`}`,
      );
      summary.push(`${s.name} ${mb(rssStart)}/${mb(rss1)}`);
      if (!heapOk || !rssOk) grew = true;
    }
    if (grew) failed = true;
    console.log(
      `\nsoak: ${MINUTES} min, memory at start / end per service (RSS MB): ${summary.join(', ')}; ` +
        `lag at end: ${describeLag(last)}; ${failed ? `FAILED (${[grew ? 'memory grew beyond the bound' : '', drainOk ? '' : 'lag did not drain', load.failures > 0 ? 'simulator failures' : ''].filter((x) => x !== '').join(', ')})` : 'ok'}`,
    );
  } finally {
    await notify?.close().catch(() => undefined);
    await probe?.close().catch(() => undefined);
    await simulatorDb?.close().catch(() => undefined);
    await stack?.dispose();
    await warehouseDb?.drop().catch(() => undefined);
    rmSync(probeDir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
