// Private infrastructure for the fault tests: a Kafka broker, a Postgres server and a Redis server
// of their own, on free ports picked at start (never the shared ones), started from the
// same binaries `scripts/infra.sh` uses. The fault tests stop, kill and flush these, never the
// shared services other tests and engineers use at the same time; each file starts its own set
// in beforeAll and removes it in afterAll (also after a failure), so nothing stays stopped.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { freePort } from '@freshet/testing';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const KAFKA_LIBS = path.join(ROOT, '.cache', 'kafka', 'libs');
const KAFKA_TEMPLATE = path.join(ROOT, 'infra', 'kafka', 'server.properties.template');
const KAFKA_LOG4J = `-Dlog4j.configuration=file:${path.join(ROOT, 'infra', 'kafka', 'log4j.properties')}`;
const PG_BIN = '/usr/lib/postgresql/15/bin';

/** Ports picked free at start(), so two fault runs (two checkouts) on one machine never collide. */
export interface FaultPorts {
  readonly kafka: number;
  readonly kafkaController: number;
  readonly postgres: number;
  readonly redis: number;
}


/** True when a TCP connection to 127.0.0.1:port succeeds within 500 ms. */
export function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`fault infra: ${what} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function run(command: string, args: readonly string[], options: { user?: string } = {}): string {
  const [cmd, argv] = options.user && process.getuid?.() === 0 ? ['runuser', ['-u', options.user, '--', command, ...args]] : [command, [...args]];
  const result = spawnSync(cmd, argv, { cwd: '/', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`fault infra: ${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  return result.stdout;
}

export class PrivateInfra {
  /** Made by start(), not at construction: a describe skipped by `-t` never starts (nor disposes). */
  private dirPath?: string;
  private portsChosen?: FaultPorts;

  get ports(): FaultPorts {
    if (this.portsChosen === undefined) throw new Error('fault infra: call start() first');
    return this.portsChosen;
  }
  /** A password no test writes anywhere but the URL: the services' output must never show it. */
  readonly databasePassword = `pw-${randomBytes(12).toString('hex')}`;
  private kafkaProcess?: ChildProcess;
  private redisProcess?: ChildProcess;

  get dir(): string {
    if (this.dirPath === undefined) throw new Error('fault infra: call start() first');
    return this.dirPath;
  }

  private get pgData(): string {
    return path.join(this.dir, 'pg');
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.ports.kafka}`;
  }

  get adminDatabaseUrl(): string {
    return `postgres://freshet:${this.databasePassword}@127.0.0.1:${this.ports.postgres}/freshet`;
  }

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.ports.redis}`;
  }

  /** Points @freshet/testing's endpoints (and so the e2e harness) at this infrastructure. */
  exportEnv(): void {
    process.env['FRESHET_KAFKA_BROKERS'] = this.kafkaBrokers;
    process.env['FRESHET_DATABASE_URL'] = this.adminDatabaseUrl;
    process.env['FRESHET_REDIS_URL'] = this.redisUrl;
  }

  async start(): Promise<void> {
    this.portsChosen = { kafka: await freePort(), kafkaController: await freePort(), postgres: await freePort(), redis: await freePort() };
    if (!existsSync(KAFKA_LIBS)) throw new Error('fault infra: Kafka jars missing in .cache/kafka/libs: run `npm run infra:up` once');
    this.dirPath = mkdtempSync(path.join(tmpdir(), 'freshet-faults-'));
    this.initKafka();
    this.startKafka();
    this.initPostgres();
    await this.startPostgres();
    this.startRedis();
    await until('redis', 10_000, () => portOpen(this.ports.redis));
    await this.waitKafka(90_000);
    this.exportEnv();
  }

  // ---- Kafka

  private initKafka(): void {
    const kafkaDir = path.join(this.dir, 'kafka');
    mkdirSync(path.join(kafkaDir, 'data'), { recursive: true });
    const config = readFileSync(KAFKA_TEMPLATE, 'utf8')
      .replaceAll('${FRESHET_KAFKA_DIR}', kafkaDir)
      .replaceAll('127.0.0.1:9093', `127.0.0.1:${this.ports.kafkaController}`)
      .replaceAll('127.0.0.1:9092', `127.0.0.1:${this.ports.kafka}`)
      // Killed members must leave their groups in ~2 s, not the broker's 6 s minimum.
      .concat('group.min.session.timeout.ms=1000\n');
    writeFileSync(path.join(kafkaDir, 'server.properties'), config);
    const clusterId = randomBytes(16).toString('base64url');
    run('java', [KAFKA_LOG4J, '-cp', `${KAFKA_LIBS}/*`, 'kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', path.join(kafkaDir, 'server.properties'), '--ignore-formatted']);
  }

  startKafka(): void {
    const kafkaDir = path.join(this.dir, 'kafka');
    this.kafkaProcess = spawn(
      'java',
      ['-Xms128m', '-Xmx512m', '-XX:+UseG1GC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true', KAFKA_LOG4J, '-cp', `${KAFKA_LIBS}/*`, 'kafka.Kafka', path.join(kafkaDir, 'server.properties')],
      { cwd: kafkaDir, stdio: 'ignore', detached: false },
    );
  }

  async waitKafka(timeoutMs = 60_000): Promise<void> {
    await until('kafka', timeoutMs, async () => {
      const admin = new Kafka({ clientId: 'faults-probe', brokers: [this.kafkaBrokers], logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return true;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    });
  }

  /** A controlled broker shutdown (SIGTERM), like `scripts/infra.sh down`. */
  async stopKafka(): Promise<void> {
    const child = this.kafkaProcess;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await gone;
    clearTimeout(timer);
    await until('kafka port to close', 10_000, async () => !(await portOpen(this.ports.kafka)));
  }

  async restartKafka(): Promise<void> {
    this.startKafka();
    await this.waitKafka(90_000);
  }

  // ---- Postgres

  private initPostgres(): void {
    mkdirSync(this.pgData, { recursive: true });
    const pwFile = path.join(this.dir, 'pgpass-init');
    writeFileSync(pwFile, `${this.databasePassword}\n`);
    if (process.getuid?.() === 0) {
      // Postgres refuses to run as root: the postgres user owns its directory.
      const uid = Number(run('id', ['-u', 'postgres']).trim());
      const gid = Number(run('id', ['-g', 'postgres']).trim());
      chmodSync(this.dir, 0o755);
      chownSync(this.pgData, uid, gid);
      chownSync(pwFile, uid, gid);
    }
    run(path.join(PG_BIN, 'initdb'), ['-D', this.pgData, '-U', 'freshet', `--pwfile=${pwFile}`, '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C.UTF-8'], { user: 'postgres' });
    rmSync(pwFile);
  }

  async startPostgres(): Promise<void> {
    const options = `-p ${this.ports.postgres} -k ${this.pgData} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100`;
    run(path.join(PG_BIN, 'pg_ctl'), ['-D', this.pgData, '-o', options, '-l', path.join(this.pgData, 'server.log'), '-w', '-t', '60', 'start'], { user: 'postgres' });
    await until('postgres', 30_000, async () => {
      const client = new Client({ connectionString: this.adminDatabaseUrl.replace(/\/freshet$/, '/postgres'), connectionTimeoutMillis: 1000 });
      try {
        await client.connect();
        const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', ['freshet']);
        if (exists.rowCount === 0) await client.query('CREATE DATABASE freshet');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    });
  }

  /** Stops the server; `immediate` is a crash (no checkpoint), `fast` a clean stop. */
  stopPostgres(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!existsSync(path.join(this.pgData, 'postmaster.pid'))) return;
    run(path.join(PG_BIN, 'pg_ctl'), ['-D', this.pgData, '-m', mode, '-w', 'stop'], { user: 'postgres' });
  }

  // ---- Redis

  private startRedis(): void {
    this.redisProcess = spawn('redis-server', ['--port', String(this.ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  }

  async flushRedis(): Promise<void> {
    const redis = new Redis(this.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      await redis.flushall();
    } finally {
      redis.disconnect();
    }
  }

  /** Stops everything and removes the directory. Safe to call twice and after a failed start. */
  async dispose(): Promise<void> {
    if (this.dirPath === undefined) return;
    try {
      this.stopPostgres('immediate');
    } catch {
      // already stopped
    }
    for (const child of [this.kafkaProcess, this.redisProcess]) {
      if (child && child.exitCode === null && child.signalCode === null) {
        const gone = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await gone;
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
