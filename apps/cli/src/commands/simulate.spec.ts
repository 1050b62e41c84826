// `freshet simulate`: text and JSON output, the final count line and the exit codes.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulate } from './simulate';

const dir = mkdtempSync(join(tmpdir(), 'freshet-simulate-'));
const write = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const passing = write('passing.json', {
  name: 'one_asset_never_materialized',
  assets: [{ key: 'asset1' }],
  steps: [{ evaluate: { expect: [{ asset: 'asset1' }], reasons: { asset1: ['missing'] } } }],
});
const failing = write('failing.json', {
  name: 'wrong_expectation',
  assets: [{ key: 'asset1' }],
  steps: [{ evaluate: { expect: [] } }],
});
const malformed = write('malformed.json', {
  name: 'bad',
  assets: [{ key: 'a', deps: ['ghost'] }],
  steps: [{ evaluate: { expect: 'everything' } }, { advance: 'soon', evaluate: {} }],
});
const notJson = write('not-json.json', '{ "name": ');

function run(files: string[], json = false): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = runSimulate(files, json, { write: (l) => out.push(l), error: (l) => err.push(l) });
  return { code, out, err };
}

describe('freshet simulate', () => {
  it('runs every scenario file under a folder, in name order at every level', () => {
    const folder = mkdtempSync(join(tmpdir(), 'freshet-simulate-folder-'));
    mkdirSync(join(folder, 'nested'));
    const scenario = (name: string): unknown => ({ name, assets: [{ key: 'asset1' }], steps: [{ evaluate: { expect: [{ asset: 'asset1' }] } }] });
    writeFileSync(join(folder, 'b.json'), JSON.stringify(scenario('second')));
    writeFileSync(join(folder, 'a.json'), JSON.stringify(scenario('first')));
    writeFileSync(join(folder, 'nested', 'c.json'), JSON.stringify(scenario('third')));
    writeFileSync(join(folder, 'notes.txt'), 'not a scenario');
    const r = run([folder]);
    expect(r.code).toBe(0);
    const names = r.out.filter((l) => /first|second|third/.test(l)).map((l) => /(first|second|third)/.exec(l)?.[1]);
    expect(names).toEqual(['first', 'second', 'third']);
    expect(r.out.at(-1)).toBe('3 passed, 0 failed');
  });

  it('exits 2 for a folder with no scenario file in it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'freshet-simulate-empty-'));
    const r = run([empty, passing]);
    expect(r.code).toBe(2);
    expect(r.err).toEqual([`${empty}: no scenario files (*.json) in this folder`]);
    expect(r.out.at(-1)).toBe('1 passed, 0 failed');
  });

  it('prints a readable timeline and exits 0 when every expectation holds', () => {
    const r = run([passing]);
    expect(r.code).toBe(0);
    expect(r.out.join('\n')).toMatch(/\+ asset1 \[missing\] requested asset1: asset1 has never been materialized/);
    expect(r.out.at(-1)).toBe('1 passed, 0 failed');
  });

  it('prints one JSON object per evaluate step with --json', () => {
    const r = run([passing], true);
    const lines = r.out.slice(0, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        scenario: 'one_asset_never_materialized',
        step: 0,
        at: '2024-01-01T00:00:00Z',
        requested: [expect.objectContaining({ asset: 'asset1', partition: null, reasons: ['missing'] })],
        skipped: [],
        violations: [],
        expected: [{ asset: 'asset1' }],
        ok: true,
      }),
    ]);
    expect(r.out.at(-1)).toBe('1 passed, 0 failed');
  });

  it('exits 1 on a failed expectation and says what differed', () => {
    const r = run([passing, failing]);
    expect(r.code).toBe(1);
    expect(r.out.join('\n')).toMatch(/requested but not expected: asset1/);
    expect(r.out.at(-1)).toBe('1 passed, 1 failed');
  });

  it('exits 2 for a malformed file, naming the file, the JSON paths and what was expected', () => {
    const r = run([malformed, passing]);
    expect(r.code).toBe(2);
    const message = r.err.join('\n');
    expect(message).toContain(malformed);
    expect(message).toMatch(/\$\.assets\[0\]\.deps\[0\]: unknown dependency "ghost"/);
    expect(message).toMatch(/\$\.steps\[0\]\.evaluate\.expect: expected an array/);
    expect(message).toMatch(/\$\.steps\[1\]\.advance: expected a duration/);
    expect(r.out.at(-1)).toBe('1 passed, 0 failed');
  });

  it('exits 2 for a file that is not JSON', () => {
    const r = run([notJson]);
    expect(r.code).toBe(2);
    expect(r.err.join('\n')).toMatch(/not valid JSON/);
  });
});
