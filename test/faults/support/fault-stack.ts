// What every fault test shares: private infrastructure (see private-infra.ts), the e2e harness's
// stack on it (services spawned from source with their own topic prefix, key prefix and
// database), a seeded random source, a load generator of source changes, and the end-state checks.
import { TOPICS, type AnyCloudEvent } from '@freshet/contracts';
import { RecordTypes, type EventRecord } from '@freshet/storage';
import { freePort, waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder, type AppName, type JournalLine, type ServiceProcess, type StackOptions } from '../../support/stack';
import { PrivateInfra } from './private-infra';
import type { ReadinessTarget } from './readiness';

/** mulberry32: a tiny seeded generator, so a failing run can be replayed from its printed seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The seed of this run: FAULTS_SEED, or one drawn now and printed. */
export function runSeed(what: string): number {
  const fromEnv = Number(process.env['FAULTS_SEED']);
  const seed = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 1 + Math.floor(Math.random() * 2 ** 31);
  process.stdout.write(`[faults] ${what}: seed ${seed} (replay with FAULTS_SEED=${seed})\n`);
  return seed;
}

export function log(line: string): void {
  process.stdout.write(`[faults] ${line}\n`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Short Kafka and lease timings: the private broker accepts 1 s sessions, so a dead member is gone in ~2 s. */
export const FAST_FAILOVER_ENV: Readonly<Record<string, string>> = {
  FRESHET_KAFKA_SESSION_TIMEOUT_MS: '2500',
  FRESHET_KAFKA_HEARTBEAT_INTERVAL_MS: '300',
};

export class FaultStack {
  readonly infra = new PrivateInfra();
  stack!: E2eStack;
  recorder!: TopicRecorder;
  outside!: OutsideProducer;
  /** Last data version sent per source, and every (source, version) sent. */
  readonly lastSent = new Map<string, string>();
  readonly sent: { asset: string; version: string }[] = [];
  /** When each killed process died, by pid: its unfinished computes end there. */
  readonly killedAt = new Map<number, number>();
  /** Each started service's /health/ready address (its own free port). */
  private readonly healthUrls = new Map<ServiceProcess, string>();
  private versionCounter = 0;
  private readonly stopLoads: (() => void)[] = [];
  /** A bearer token every service gets in its environment: it must never reach their output. */
  readonly apiToken = `tok-${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

  constructor(private readonly options: StackOptions = {}) {}

  async start(apps: readonly AppName[] = ['planner', 'observer', 'worker']): Promise<void> {
    await this.infra.start();
    this.stack = new E2eStack({ env: { ...FAST_FAILOVER_ENV, FRESHET_API_TOKEN: this.apiToken, ...this.options.env } });
    await this.stack.init();
    this.recorder = await TopicRecorder.start(this.stack.topicPrefix, ['definitions', 'observations', 'materializationRequests', 'runEvents', 'deadLetter']);
    this.outside = await OutsideProducer.connect(this.stack.topicPrefix);
    for (const app of apps) await this.startService(app);
    await waitFor(() => this.recorder.of('definitions').length >= 1, { timeoutMs: 90_000, description: 'a worker to publish definitions' });
  }

  /**
   * Starts a service on a free port of its own for /health (the planner's API, the others' ops
   * listener): on the default ports every process after the first would go without one.
   */
  async startService(app: AppName): Promise<ServiceProcess> {
    const port = await freePort();
    const service = this.stack.start(app, app === 'planner' ? { FRESHET_API_PORT: String(port) } : { FRESHET_METRICS_PORT: String(port) });
    this.healthUrls.set(service, `http://127.0.0.1:${port}/health/ready`);
    return service;
  }

  /** The /health/ready addresses of the running services started through startService. */
  readinessTargets(): ReadinessTarget[] {
    return [...this.healthUrls].filter(([service]) => service.running).map(([service, url]) => ({ name: service.name, url }));
  }

  /** Sends a new version of a source; resolves when Kafka accepted it. */
  async change(asset: string): Promise<void> {
    const version = `v${++this.versionCounter}`;
    await this.outside.sourceChanged(asset, version);
    this.lastSent.set(asset, version);
    this.sent.push({ asset, version });
  }

  /** Sends changes of `sources` round-robin every `everyMs` until `stop()` is called. */
  load(sources: readonly string[], everyMs: number): { stop: () => Promise<number> } {
    let running = true;
    // A failed test must not leave its load running against a disposed stack.
    this.stopLoads.push(() => {
      running = false;
    });
    let count = 0;
    const loop = (async () => {
      while (running) {
        const asset = sources[count % sources.length] as string;
        await this.change(asset).then(
          () => count++,
          (error: unknown) => log(`load: send failed (${String(error)}); retrying`),
        );
        await sleep(everyMs);
      }
    })();
    return {
      stop: async () => {
        running = false;
        await loop;
        return count;
      },
    };
  }

  /** Kills (SIGKILL) a running process and starts a new one of the same app. */
  async killAndRestart(victim: ServiceProcess, app: AppName): Promise<ServiceProcess> {
    const at = Date.now();
    await victim.stop('SIGKILL');
    this.killedAt.set(victim.pid, at);
    return this.startService(app);
  }

  running(app: AppName): ServiceProcess {
    const found = [...this.stack.processes].reverse().find((p) => p.name.startsWith(app) && p.running);
    if (!found) throw new Error(`no ${app} is running`);
    return found;
  }

  async all(): Promise<EventRecord[]> {
    const log = await this.stack.eventLog();
    const out: EventRecord[] = [];
    for (let after = 0; ; ) {
      const page = await log.readSince(after, 10_000);
      out.push(...page);
      if (page.length < 10_000) return out;
      after = page[page.length - 1]?.storageId ?? after;
    }
  }

  /**
   * Waits until every sent version is observed and the latest one materialized downstream, and the
   * planner has nothing in flight.
   */
  async waitOwedDone(downstream: (source: string) => string, timeoutMs: number): Promise<void> {
    try {
      await waitFor(async () => (await this.owedMissing(downstream)).length === 0 && (await this.stack.settled()), { timeoutMs, intervalMs: 500, description: 'every owed materialization' });
    } catch (error) {
      const missing = await this.owedMissing(downstream);
      const assets = new Set(missing.flatMap((m) => /^(\S+) from (\S+)@/.exec(m)?.slice(1, 3) ?? []));
      const trail = (await this.all())
        .filter((r) => (r.assetKey !== null && assets.has(r.assetKey)) || r.type === 'request' || r.type === 'tick')
        .slice(-60)
        .map((r) => `${r.storageId} ${r.type} ${r.assetKey ?? ''} run=${r.runId ?? ''} ${JSON.stringify(r.payload).slice(0, 300)}`)
        .join('\n');
      const log = await this.stack.eventLog();
      const inFlight = await log.runsByStatus(['requested', 'started']);
      const unsettled = `in flight: ${JSON.stringify(inFlight).slice(0, 2000)}; outbox pending: ${await log.pendingOutboxCount()}; latest ${await log.latestStorageId()}, planner cursor ${JSON.stringify((await log.loadCursor('planner'))?.value ?? null).slice(0, 200)}`;
      const runIds = new Set(inFlight.map((r) => r.runId));
      const journal = this.stack.journal().filter((line) => runIds.has(line.runId));
      throw new Error(`${(error as Error).message}\nmissing: ${missing.join(', ')}\n${unsettled}\njournal of those runs: ${JSON.stringify(journal)}\nkilled: ${JSON.stringify([...this.killedAt])}\n${trail}\n${this.stack.logs().slice(-6000)}`);
    }
  }

  /** What is still owed: sent versions without an observation, downstream assets not at the latest version. */
  async owedMissing(downstream: (source: string) => string): Promise<string[]> {
    const records = await this.all();
    const observed = new Set(records.filter((r) => r.type === RecordTypes.observation).map((r) => `${r.assetKey}@${dataVersionOf(r)}`));
    const missing = this.sent.filter((s) => !observed.has(`${s.asset}@${s.version}`)).map((s) => `observation ${s.asset}@${s.version}`);
    for (const [source, version] of this.lastSent) {
      const target = downstream(source);
      const materialized = records.filter((r) => r.type === RecordTypes.materialization && r.assetKey === target);
      const reflects = materialized.some((r) => inputsOf(r).some((input) => input.asset === source && input.dataVersion === version));
      if (!reflects) missing.push(`${target} from ${source}@${version}`);
    }
    return missing;
  }

  /** Exactly-once checks on the log: one observation per sent version, one completion per run. */
  async assertNothingCountedTwice(): Promise<{ observations: number; runs: number; materializations: number }> {
    const records = await this.all();
    const eventIds = new Set(records.map((r) => r.eventId));
    expect(eventIds.size).toBe(records.length);
    const observations = records.filter((r) => r.type === RecordTypes.observation);
    const byVersion = countBy(observations.map((r) => `${r.assetKey}@${dataVersionOf(r)}`));
    const doubled = [...byVersion].filter(([, n]) => n > 1).map(([key]) => key);
    expect(doubled).toEqual([]);
    expect(observations.length).toBe(this.sent.length);
    const completions = countBy(records.filter((r) => r.type === RecordTypes.runCompleted).map((r) => r.runId ?? ''));
    expect([...completions].filter(([, n]) => n > 1)).toEqual([]);
    return { observations: observations.length, runs: completions.size, materializations: records.filter((r) => r.type === RecordTypes.materialization).length };
  }

  /** Never two computes of one asset partition at once: each start is after the previous one's end (or its process's death). */
  assertNoOverlap(): number {
    const journal = this.stack.journal();
    const byAsset = new Map<string, JournalLine[]>();
    for (const line of journal) if (line.event === 'start') byAsset.set(`${line.asset}[${line.partition ?? ''}]`, [...(byAsset.get(`${line.asset}[${line.partition ?? ''}]`) ?? []), line]);
    const overlaps: string[] = [];
    for (const [ap, starts] of byAsset) {
      const ordered = [...starts].sort((a, b) => a.t - b.t || a.pid - b.pid);
      for (let n = 1; n < ordered.length; n++) {
        const earlier = ordered[n - 1] as JournalLine;
        const later = ordered[n] as JournalLine;
        const end =
          journal.find((l) => l.event !== 'start' && l.runId === earlier.runId && l.asset === earlier.asset && l.partition === earlier.partition && l.pid === earlier.pid && l.t >= earlier.t)?.t ??
          this.killedAt.get(earlier.pid) ??
          Number.POSITIVE_INFINITY;
        if (later.t < end) overlaps.push(`${ap}: ${earlier.runId}@${earlier.pid} and ${later.runId}@${later.pid}`);
      }
    }
    expect(overlaps).toEqual([]);
    return journal.filter((l) => l.event === 'start').length;
  }

  /** Neither the database password (in FRESHET_DATABASE_URL) nor the API token appears in any service's stdout/stderr. */
  assertNoSecretsInLogs(): number {
    const outputs = this.stack.processes.map((p) => ({ name: p.name, text: p.text() }));
    const leaks = outputs.filter((o) => o.text.includes(this.infra.databasePassword) || o.text.includes(this.apiToken)).map((o) => o.name);
    expect(leaks).toEqual([]);
    return outputs.reduce((bytes, o) => bytes + o.text.length, 0);
  }

  deadLetters(): AnyCloudEvent[] {
    return this.recorder.of('deadLetter').map((r) => r.event);
  }

  async dispose(): Promise<void> {
    for (const stop of this.stopLoads) stop();
    await this.outside?.close().catch(() => undefined);
    await this.recorder?.close().catch(() => undefined);
    await this.stack?.dispose().catch(() => undefined);
    await this.infra.dispose();
  }
}

function countBy(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const key of keys) out.set(key, (out.get(key) ?? 0) + 1);
  return out;
}

export function dataVersionOf(record: EventRecord): string | null {
  const version = (record.payload as { dataVersion?: unknown } | null)?.dataVersion;
  return typeof version === 'string' ? version : null;
}

function inputsOf(record: EventRecord): { asset: string; dataVersion: string }[] {
  const inputs = (record.payload as { inputs?: unknown } | null)?.inputs;
  return Array.isArray(inputs) ? (inputs as { asset: string; dataVersion: string }[]) : [];
}

export const SOURCE_CHANGES_TOPIC = TOPICS.sourceChanges.name;
