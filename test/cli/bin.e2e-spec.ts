// The `freshet` command as npm installs it: a link named `freshet` (node_modules/.bin, or npx's
// cache on a fresh machine) pointing at bin/freshet.js. The CLI once decided whether to run from
// the script's name and printed nothing at all through such a link.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '..', '..');

describe('the freshet bin through a link named freshet', () => {
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freshet-bin-'));
    fs.symlinkSync(path.join(ROOT, 'bin', 'freshet.js'), path.join(dir, 'freshet'));
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (args: readonly string[]) =>
    spawnSync(process.execPath, [path.join(dir, 'freshet'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? ROOT, TZ: 'UTC', FRESHET_FROM_SOURCE: '1' },
      encoding: 'utf8',
    });

  it('runs the command it is given', () => {
    const out = run(['simulate', path.join(ROOT, 'scenarios', 'eager', 'root_never_materialized_requested_as_missing.json')]);
    expect(out.stderr).toBe('');
    expect(out.stdout.trim().split('\n').at(-1)).toBe('1 passed, 0 failed');
    expect(out.status).toBe(0);
  });

  it('exits 2 with a message for a malformed file', () => {
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{"assets": 3}');
    const out = run(['simulate', bad]);
    expect(out.status).toBe(2);
    expect(out.stderr).toContain('bad.json');
  });
});
