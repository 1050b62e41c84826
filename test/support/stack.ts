// The e2e harness: the three services as separate processes spawned from source, each test with
// its own topic prefix, Redis key prefix and database; a recorder that reads what they publish.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Kafka, Partitioners, logLevel, type Consumer, type Producer } from 'kafkajs';
import { TOPICS, decode, encode, topicConfigs, type AnyCloudEvent, type TopicId } from '@freshet/contracts';
import { RedisGraphCache, RedisKeys, createRedisClient } from '@freshet/cache';
import { KafkaEventBus, silentBusLogger } from '@freshet/messaging';
import { PLANNER_CURSOR_NAME, PrefixedEventBus } from '@freshet/runtime';
import { createPostgresEventLog, type EventLog } from '@freshet/storage';
import { createTestDatabase, kafkaBrokers, redisUrl, uniqueName, type TestDatabase } from '@freshet/testing';

const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURE_LOCATION = path.join(ROOT, 'test', 'fixtures', 'chain', 'location.ts');

export type AppName = 'planner' | 'worker' | 'observer';

export class ServiceProcess {
  readonly output: string[] = [];
  readonly exited: Promise<number | null>;
  private exitCode: number | null | undefined;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const collect = (chunk: Buffer): void => {
      this.output.push(chunk.toString('utf8'));
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => {
      child.on('exit', (code) => {
        this.exitCode = code;
        resolve(code);
      });
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.exitCode === undefined;
  }

  text(): string {
    return this.output.join('');
  }

  /** SIGTERM (clean shutdown) or SIGKILL (a crash); resolves when the process is gone. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export interface StackOptions {
  /** Extra environment for every process (fixture switches). */
  readonly env?: Readonly<Record<string, string>>;
  /** The code location module observer and workers load (default: the e2e fixture chain). */
  readonly codeLocation?: string;
}

export class E2eStack {
  readonly topicPrefix = `${uniqueName('e2e')}.`;
  readonly keyPrefix = uniqueName('e2e');
  readonly dir = mkdtempSync(path.join(tmpdir(), 'freshet-e2e-'));
  readonly journalFile = path.join(this.dir, 'journal.jsonl');
  readonly failDir = this.dir;
  readonly processes: ServiceProcess[] = [];
  private database?: TestDatabase;
  private log?: EventLog;

  constructor(private readonly options: StackOptions = {}) {}

  /** A database of its own, and every topic under this stack's prefix (services would create them too). */
  async init(): Promise<void> {
    this.database = await createTestDatabase('freshet_e2e');
    const bus = new KafkaEventBus({ brokers: kafkaBrokers(), clientId: 'e2e-setup', logger: silentBusLogger });
    try {
      await new PrefixedEventBus(bus, this.topicPrefix).ensureTopics(topicConfigs());
    } finally {
      await bus.close();
    }
  }

  get databaseUrl(): string {
    if (!this.database) throw new Error('call init() first');
    return this.database.url;
  }

  env(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
    const inherited: Record<string, string> = {};
    for (const name of ['PATH', 'HOME', 'TZ', 'NODE_OPTIONS']) {
      const value = process.env[name];
      if (value !== undefined) inherited[name] = value;
    }
    return {
      ...inherited,
      FRESHET_KAFKA_BROKERS: kafkaBrokers().join(','),
      FRESHET_DATABASE_URL: this.databaseUrl,
      FRESHET_REDIS_URL: redisUrl(),
      FRESHET_TOPIC_PREFIX: this.topicPrefix,
      FRESHET_KEY_PREFIX: this.keyPrefix,
      FRESHET_CODE_LOCATION: this.options.codeLocation ?? FIXTURE_LOCATION,
      // Short timings: a dead member is noticed in seconds, fetches return quickly.
      FRESHET_KAFKA_SESSION_TIMEOUT_MS: '6000',
      FRESHET_KAFKA_HEARTBEAT_INTERVAL_MS: '500',
      FRESHET_KAFKA_MAX_WAIT_MS: '100',
      FRESHET_PLANNER_TICK_MS: '200',
      FRESHET_WORKER_CONCURRENCY: '4',
      FIXTURE_JOURNAL: this.journalFile,
      FIXTURE_FAIL_DIR: this.failDir,
      ...this.options.env,
      ...extra,
    };
  }

  /** Spawns a service from source (`node bin/run-ts.js apps/<app>/src/main.ts`). */
  start(app: AppName, extraEnv: Readonly<Record<string, string>> = {}): ServiceProcess {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'run-ts.js'), path.join(ROOT, 'apps', app, 'src', 'main.ts')], {
      cwd: ROOT,
      env: this.env(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const service = new ServiceProcess(`${app}#${this.processes.filter((p) => p.name.startsWith(app)).length + 1}`, child);
    this.processes.push(service);
    return service;
  }

  /** The stack's event log, read directly (the test's view of Postgres). */
  async eventLog(): Promise<EventLog> {
    this.log ??= await createPostgresEventLog({ url: this.databaseUrl, poolSize: 2 });
    return this.log;
  }

  /**
   * True when the planner has seen every record, no run is in flight and the outbox is empty:
   * after that, nothing happens until the next event or deadline.
   */
  async settled(): Promise<boolean> {
    const log = await this.eventLog();
    const [latest, cursor, pending, inFlight] = await Promise.all([
      log.latestStorageId(),
      log.loadCursor(PLANNER_CURSOR_NAME),
      log.pendingOutboxCount(),
      log.runsByStatus(['requested', 'started']),
    ]);
    const seen = (cursor?.value as { lastStorageId?: number } | undefined)?.lastStorageId ?? 0;
    if (pending !== 0 || inFlight.length !== 0) return false;
    if (seen >= latest) return true;
    // The planner's own tick records (its decision log) come after the cursor it was written
    // with; they are output, not input, so they do not count as unseen.
    const unseen = await log.readSince(seen, 100);
    return unseen.length < 100 && unseen.every((record) => record.type === 'tick');
  }

  /** Deletes the stack's topics and Redis keys: the broker and Redis are shared by every test. */
  private async dropKafkaAndRedis(): Promise<void> {
    const redis = createRedisClient(redisUrl());
    try {
      await new RedisGraphCache(redis, new RedisKeys(this.keyPrefix)).flush();
    } finally {
      redis.disconnect();
    }
    const admin = new Kafka({ clientId: 'e2e-cleanup', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const mine = (await admin.listTopics()).filter((topic) => topic.startsWith(this.topicPrefix));
      if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    } finally {
      await admin.disconnect();
    }
  }

  /** Lines the fixture computes wrote. */
  journal(): JournalLine[] {
    if (!existsSync(this.journalFile)) return [];
    return readFileSync(this.journalFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as JournalLine);
  }

  /** What a failing test prints: the event log's records, the journal and every process's output. */
  async diagnose(): Promise<string> {
    let records = '';
    try {
      const log = await this.eventLog();
      const all = await log.readSince(0, 2000);
      records = all.map((r) => `${r.storageId} ${r.type} ${r.assetKey ?? ''}${r.partitionKey ? `[${r.partitionKey}]` : ''} ${r.runId ?? ''}`).join('\n');
    } catch (error) {
      records = `(event log unreadable: ${String(error)})`;
    }
    return `event log:\n${records}\njournal:\n${JSON.stringify(this.journal())}\n${this.logs()}`;
  }

  /** Output of every process, for a failing test's message. */
  logs(): string {
    return this.processes.map((p) => `----- ${p.name} (pid ${p.pid})\n${p.text().slice(-6000)}`).join('\n');
  }

  async dispose(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.stop('SIGKILL')));
    await this.log?.close().catch(() => undefined);
    await this.dropKafkaAndRedis().catch(() => undefined);
    await this.database?.drop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface JournalLine {
  readonly event: 'start' | 'end' | 'fail';
  readonly asset: string;
  readonly partition: string | null;
  readonly runId: string;
  readonly attempt: number;
  readonly pid: number;
  readonly t: number;
}

export interface Received {
  readonly topic: string;
  readonly event: AnyCloudEvent;
  readonly receivedAt: number;
}

/** Reads the stack's output topics from the beginning, as an outside subscriber would. */
export class TopicRecorder {
  readonly received: Received[] = [];
  private constructor(
    private readonly consumer: Consumer,
    private readonly prefix: string,
  ) {}

  static async start(prefix: string, topics: readonly TopicId[]): Promise<TopicRecorder> {
    const kafka = new Kafka({ clientId: 'e2e-recorder', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: uniqueName('e2e_recorder'), sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
    const recorder = new TopicRecorder(consumer, prefix);
    await consumer.connect();
    await consumer.subscribe({ topics: topics.map((id) => `${prefix}${TOPICS[id].name}`), fromBeginning: true });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.run({
      eachMessage: ({ topic, message }) => {
        const result = decode(message.value ?? Buffer.alloc(0));
        if (result.ok) recorder.received.push({ topic: topic.slice(prefix.length), event: result.event, receivedAt: Date.now() });
        return Promise.resolve();
      },
    });
    await joined;
    return recorder;
  }

  of(id: TopicId): Received[] {
    return this.received.filter((r) => r.topic === TOPICS[id].name);
  }

  async close(): Promise<void> {
    await this.consumer.disconnect();
  }
}

/** A plain kafkajs producer, as an outside system would use, publishing source changes. */
export class OutsideProducer {
  private constructor(
    private readonly producer: Producer,
    private readonly prefix: string,
  ) {}

  static async connect(prefix: string): Promise<OutsideProducer> {
    const kafka = new Kafka({ clientId: 'e2e-outside', brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
    await producer.connect();
    return new OutsideProducer(producer, prefix);
  }

  async sourceChanged(asset: string, dataVersion?: string): Promise<void> {
    const value = encode(
      'dev.freshet.source-change.v1',
      { asset, occurredAt: new Date().toISOString(), ...(dataVersion === undefined ? {} : { dataVersion }) },
      { source: 'e2e/outside-system', subject: asset },
    );
    await this.producer.send({ topic: `${this.prefix}${TOPICS.sourceChanges.name}`, messages: [{ key: asset, value }] });
  }

  async sendRaw(key: string, value: string): Promise<void> {
    await this.producer.send({ topic: `${this.prefix}${TOPICS.sourceChanges.name}`, messages: [{ key, value }] });
  }

  async close(): Promise<void> {
    await this.producer.disconnect();
  }
}
