// The API commands of `freshet` (status, why, materialize, backfill) as a user runs them: the
// real CLI spawned against a running planner (`freshet dev`'s runtime on the API fixture).
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { StoredDecision } from '@freshet/api';
import type { DevRuntime } from '../../apps/cli/src/commands/dev-runtime';
import { TOKEN, call, startFixtureRuntime, waitFor } from '../api/support';

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '..', '..');
const DAY = 86_400_000;
const dayKey = (daysAgo: number): string => new Date(Math.floor(Date.now() / DAY) * DAY - daysAgo * DAY).toISOString().slice(0, 10);

interface Outcome {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function freshet(args: readonly string[], env: Readonly<Record<string, string>>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'freshet.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? ROOT, TZ: 'UTC', FRESHET_FROM_SOURCE: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('freshet status, why, materialize and backfill against a running planner', () => {
  let runtime: DevRuntime;
  let env: Record<string, string>;

  beforeAll(async () => {
    runtime = await startFixtureRuntime();
    env = { FRESHET_API_URL: runtime.api.url, FRESHET_API_TOKEN: TOKEN };
    await waitFor('c fresh', async () => {
      const { body } = await call<{ assets: { key: string; status: string }[] }>(runtime.api.url, 'GET', '/api/assets');
      return body.assets?.find((a) => a.key === 'c')?.status === 'fresh' ? true : undefined;
    }, 60_000);
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('status prints a table of every asset, and --json the API answer', async () => {
    const table = await freshet(['status'], env);
    expect({ code: table.code, stderr: table.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ASSET\s+STATUS\s+DATA TIME\s+LAG\s+NEXT DEADLINE\s+WHY$/);
    const rows = new Map(lines.slice(1).map((line) => [line.split(/\s+/)[0], line]));
    expect([...rows.keys()].sort((a, b) => (a ?? '').localeCompare(b ?? ''))).toEqual(['c', 'events', 'events_summary', 'p', 'q', 'raw', 'report']);
    expect(rows.get('c')).toMatch(/^c\s+fresh\s+\d{4}-\d{2}-\d{2} /);
    expect(rows.get('events')).toMatch(/^events\s+missing \(0\/\d+ partitions\)/);
    const json = await freshet(['status', '--json', '--api', runtime.api.url], { FRESHET_API_TOKEN: TOKEN });
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { assets: { key: string }[] }).assets.map((a) => a.key)).toContain('report');
  });

  it('fails with the API\'s message and exit 1 without a token or with bad input', async () => {
    const noToken = await freshet(['status'], { FRESHET_API_URL: runtime.api.url });
    expect(noToken.code).toBe(1);
    expect(noToken.stderr).toContain('send Authorization: Bearer <FRESHET_API_TOKEN> (set FRESHET_API_TOKEN)');
    const unknown = await freshet(['materialize', 'nope'], env);
    expect({ code: unknown.code, stderr: unknown.stderr }).toEqual({ code: 1, stderr: 'freshet: selection: unknown asset "nope"\n' });
    const unreachable = await freshet(['status', '--api', 'http://127.0.0.1:9'], { FRESHET_API_TOKEN: TOKEN });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach the Freshet API at http://127.0.0.1:9');
  });

  it('materialize requests runs and --wait follows them; why explains a child that waited on its parent', async () => {
    const p = freshet(['materialize', 'p', '--wait'], env);
    // q lands while p (3 s) is still running: c has to wait for p.
    await waitFor('p in flight', async () => {
      const { body } = await call<{ runs: { status: string; assetPartitions: { asset: string }[] }[] }>(runtime.api.url, 'GET', '/api/runs?status=requested,started');
      return body.runs.some((r) => r.assetPartitions.some((ap) => ap.asset === 'p')) ? true : undefined;
    });
    expect((await call(runtime.api.url, 'POST', '/api/materializations', { body: { selection: 'q' } })).status).toBe(202);
    const waited = await p;
    expect(waited.code).toBe(0);
    expect(waited.stdout).toMatch(/^requested run ([0-9a-f-]{36}) \(shop\): p\nrun \1 succeeded\n$/);

    const skipped = await waitFor('c skipped while p ran', async () => {
      const { body } = await call<{ decisions: StoredDecision[] }>(runtime.api.url, 'GET', '/api/assets/c/decisions');
      return body.decisions.find((d) => d.kind === 'skipped' && d.reasons.includes('parentInProgress'));
    });
    const at = new Date(skipped.at).toISOString();
    const why = await freshet(['why', 'c', '--at', at], env);
    expect(why.code).toBe(0);
    process.stdout.write(`freshet why c --at ${at}\n${why.stdout}`);
    expect(why.stdout).toMatch(/^c did not run: at \S+ the planner skipped it \(parentInProgress\): .*p.*\. It was a candidate \(parentUpdated\)\./);
    const whyJson = await freshet(['why', 'c', '--at', at, '--json'], env);
    expect(JSON.parse(whyJson.stdout)).toMatchObject({ asset: 'c', decision: { kind: 'skipped', reasons: ['parentInProgress'] } });
    const q = await freshet(['materialize', 'q'], env);
    expect(q.code).toBe(0);
    expect(q.stdout).toMatch(/^requested run [0-9a-f-]{36} \(shop\): q\n$/);
    const badAt = await freshet(['why', 'c', '--at', 'noon'], env);
    expect({ code: badAt.code, stderr: badAt.stderr }).toEqual({ code: 1, stderr: 'freshet: at: must be an ISO-8601 time with a zone, e.g. 2024-01-01T09:00:00Z\n' });
  });

  it('backfill launches a range with its downstream and prints a progress bar until it completes', async () => {
    const run = await freshet(['backfill', 'events', '--from', dayKey(6), '--to', dayKey(5), '--downstream'], env);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^backfill bf-[0-9a-f]{8}: 4 asset partitions of events ${dayKey(6)}\\.\\.${dayKey(5)} and downstream$`));
    expect(lines.at(-1)).toBe('[##############################] 100% 4/4 done, 0 running (completed)');
    for (const line of lines.slice(1)) expect(line).toMatch(/^\[[#.]{30}\] +\d+% \d\/4 done, \d running \((running|completed)\)$/);
    const bad = await freshet(['backfill', 'events', '--from', dayKey(1), '--to', dayKey(3)], env);
    expect({ code: bad.code, stderr: bad.stderr }).toEqual({ code: 1, stderr: `freshet: to: "${dayKey(3)}" comes before "${dayKey(1)}"\n` });
  });
});
