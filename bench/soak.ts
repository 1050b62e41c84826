// `npm run soak [-- --minutes N]`: the three services as separate processes on the real Kafka,
// Redis and Postgres (the e2e harness and its fixture code location), under a steady load of
// source changes for N minutes (default 10). Every SOAK_SAMPLE_SECONDS (default 15) it prints each
// service's RSS and heap (sampled inside the process by bench/soak-probe.js) and the lag (changes
// sent but not yet observed; event-log records the planner has not evaluated yet). It fails (exit
// 1) when a service's heap grows by more than SOAK_MAX_HEAP_GROWTH_MB (default 64) or its RSS by
// more than SOAK_MAX_RSS_GROWTH_MB (default 160) between the end of warm-up (the first fifth of
// the run) and the end, or when the lag does not drain after the load stops.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RecordTypes } from '@freshet/storage';
import { waitFor } from '@freshet/testing';
import { E2eStack, OutsideProducer, TopicRecorder, type ServiceProcess } from '../test/support/stack';
import { median } from './lib/stats';

interface Sample {
  readonly t: number;
  readonly rss: number;
  readonly heapUsed: number;
}

function argMinutes(argv: readonly string[]): number {
  const at = argv.indexOf('--minutes');
  const raw = at >= 0 ? argv[at + 1] : argv.find((a) => a.startsWith('--minutes='))?.slice('--minutes='.length);
  const minutes = raw === undefined ? 10 : Number(raw);
  if (!Number.isFinite(minutes) || minutes <= 0) throw new Error(`--minutes must be a positive number, got ${String(raw)}`);
  return minutes;
}

const MINUTES = argMinutes(process.argv.slice(2));
const SAMPLE_MS = Number(process.env['SOAK_SAMPLE_SECONDS'] ?? '15') * 1000;
const CHANGES_PER_SECOND = Number(process.env['SOAK_CHANGES_PER_SECOND'] ?? '20');
const MAX_HEAP_GROWTH_MB = Number(process.env['SOAK_MAX_HEAP_GROWTH_MB'] ?? '64');
const MAX_RSS_GROWTH_MB = Number(process.env['SOAK_MAX_RSS_GROWTH_MB'] ?? '160');
const SOURCES = Array.from({ length: 10 }, (_, i) => `s${i}`);
const MB = 1024 * 1024;
const mb = (bytes: number): string => `${(bytes / MB).toFixed(0)} MB`;

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

async function main(): Promise<void> {
  const probeDir = mkdtempSync(path.join(tmpdir(), 'freshet-soak-'));
  const stack = new E2eStack({
    env: {
      NODE_OPTIONS: `${process.env['NODE_OPTIONS'] ?? ''} --require ${path.join(__dirname, 'soak-probe.js')}`.trim(),
      SOAK_PROBE_DIR: probeDir,
      SOAK_PROBE_MS: '5000',
      FRESHET_PLANNER_TICK_MS: '500',
      FIXTURE_SLEEP_MS: '20',
    },
  });
  await stack.init();
  const recorder = await TopicRecorder.start(stack.topicPrefix, ['definitions']);
  const outside = await OutsideProducer.connect(stack.topicPrefix);
  let failed = false;
  try {
    const services = [stack.start('planner'), stack.start('observer'), stack.start('worker')];
    await waitFor(() => recorder.of('definitions').length >= 1, { timeoutMs: 90_000, description: 'the worker to publish definitions' });
    const log = await stack.eventLog();
    const started = Date.now();
    const endsAt = started + MINUTES * 60_000;
    console.log(`soak: ${MINUTES} min, ${CHANGES_PER_SECOND} source changes/s over ${SOURCES.length} sources, sample every ${SAMPLE_MS / 1000} s`);
    console.log('  t(s)   sent  observed  lag(changes)  lag(records)  ' + services.map((s) => `${s.name.padEnd(10)} rss/heap`).join('  '));
    let sent = 0;
    let sending = true;
    const loader = (async () => {
      while (sending) {
        const second = Date.now();
        for (let i = 0; i < CHANGES_PER_SECOND && sending; i++) {
          await outside.sourceChanged(SOURCES[sent % SOURCES.length] as string, `soak-${sent}`);
          sent++;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - second))));
      }
    })();
    const observedCount = async (): Promise<number> => {
      let count = 0;
      for (let after = 0; ; ) {
        const page = await log.readSince(after, 10_000, { types: [RecordTypes.observation] });
        count += page.length;
        if (page.length < 10_000) return count;
        after = page[page.length - 1]?.storageId ?? after;
      }
    };
    const report = async (): Promise<void> => {
      const [observed, latest, cursor] = await Promise.all([observedCount(), log.latestStorageId(), log.loadCursor('planner')]);
      const evaluated = (cursor?.value as { lastStorageId?: number } | undefined)?.lastStorageId ?? 0;
      const memory = services.map((s) => {
        const last = samplesOf(probeDir, s).at(-1);
        return `${(last ? `${mb(last.rss)}/${mb(last.heapUsed)}` : '?').padEnd(19)}`;
      });
      console.log(`${String(Math.round((Date.now() - started) / 1000)).padStart(6)} ${String(sent).padStart(6)} ${String(observed).padStart(9)} ${String(sent - observed).padStart(13)} ${String(Math.max(0, latest - evaluated)).padStart(13)}  ${memory.join('  ')}`);
    };
    while (Date.now() < endsAt) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(SAMPLE_MS, Math.max(0, endsAt - Date.now()))));
      await report();
      for (const s of services) if (!s.running) throw new Error(`${s.name} exited during the soak:\n${s.text().slice(-3000)}`);
    }
    sending = false;
    await loader;
    // The lag must drain once the load stops.
    await waitFor(async () => (await observedCount()) >= sent && (await stack.settled()), { timeoutMs: 120_000, intervalMs: 1000, description: 'the lag to drain' });
    await report();

    const warmEnd = started + (endsAt - started) / 5;
    console.log('\nmemory, end of warm-up → end (median of the 3 nearest samples):');
    for (const s of services) {
      const samples = samplesOf(probeDir, s);
      const first = samples[0];
      const heap0 = around(samples, warmEnd, (x) => x.heapUsed);
      const heap1 = around(samples, endsAt, (x) => x.heapUsed);
      const rss0 = around(samples, warmEnd, (x) => x.rss);
      const rss1 = around(samples, endsAt, (x) => x.rss);
      const heapOk = heap1 - heap0 <= MAX_HEAP_GROWTH_MB * MB;
      const rssOk = rss1 - rss0 <= MAX_RSS_GROWTH_MB * MB;
      console.log(
        `  ${s.name.padEnd(10)} start rss ${mb(first?.rss ?? 0)} heap ${mb(first?.heapUsed ?? 0)}; warm rss ${mb(rss0)} heap ${mb(heap0)} → end rss ${mb(rss1)} heap ${mb(heap1)}` +
          `  ${heapOk && rssOk ? 'ok' : `GREW BEYOND THE BOUND (heap ≤ +${MAX_HEAP_GROWTH_MB} MB, rss ≤ +${MAX_RSS_GROWTH_MB} MB)`}`,
      );
      if (!heapOk || !rssOk) failed = true;
    }
    console.log(`\nsoak: ${sent} changes in ${MINUTES} min, all observed and settled; ${failed ? 'FAILED: memory grew beyond the bound' : 'memory within bounds'}`);
  } finally {
    await outside.close();
    await recorder.close();
    await stack.dispose();
    rmSync(probeDir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
