// Runs every scenario file under scenarios/ (recursively) through the simulator: one test per
// file, failing with the step and the difference. New scenario files are picked up automatically.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseScenario, runScenario } from '@freshet/domain';

function scenarioFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...scenarioFiles(path));
    else if (name.endsWith('.json')) out.push(path);
  }
  return out;
}

const files = scenarioFiles(__dirname);

describe('scenarios', () => {
  it('finds scenario files', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => [relative(__dirname, f), f]))('%s', (_name, file) => {
    const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
    const result = runScenario(scenario);
    const failures = result.evaluations
      .filter((e) => e.ok === false)
      .map((e) => `step ${e.step} ($.steps[${e.step}]):\n    ${e.failures.join('\n    ')}`);
    expect(failures).toEqual([]);
  });
});
