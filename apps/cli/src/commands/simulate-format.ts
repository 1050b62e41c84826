// Human-readable timeline of a simulated scenario: one block per evaluate step.

import { formatInstant, type EvaluateStepResult, type ScenarioResult } from './simulate-domain';

function ap(asset: string, partition: string | null): string {
  return partition === null ? asset : `${asset}[${partition}]`;
}

export function formatStep(r: EvaluateStepResult): string {
  const lines: string[] = [];
  const verdict = r.ok === null ? '' : r.ok ? '  ✓' : '  ✗ FAILED';
  lines.push(`  step ${r.step} at ${formatInstant(r.at)}: evaluate${verdict}`);
  const requested = r.tick.runs.flatMap((run) => run.assetPartitions);
  if (requested.length === 0) lines.push('    requested: nothing');
  for (const run of r.tick.runs) {
    lines.push(`    run (${run.codeLocation}${run.partitionKey === null ? '' : `, partition ${run.partitionKey}`}):`);
    for (const a of run.assetPartitions) lines.push(`      + ${ap(a.asset, a.partition)} [${a.reasons.join(', ')}] ${a.sentence}`);
  }
  for (const s of r.tick.skipped) {
    const parts = s.partitions === null ? '' : s.partitions.length <= 3 ? `[${s.partitions.join(', ')}]` : `[${s.partitions.length} partitions: ${s.partitions[0]} … ${s.partitions[s.partitions.length - 1]}]`;
    lines.push(`    - skipped ${s.asset}${parts} [${s.reasons.join(', ')}] ${s.sentence}`);
  }
  for (const d of r.tick.discarded) lines.push(`    - discarded ${d.sentence}`);
  for (const v of r.tick.violations) {
    const which = v.partitionRange ? `${v.asset} [${v.partitionRange.first}..${v.partitionRange.last}] (${v.partitionRange.count} partitions, the oldest)` : ap(v.asset, v.partition);
    lines.push(`    ! overdue ${which} by ${Math.round(v.overdueMinutes * 10) / 10} min`);
  }
  for (const f of r.failures) lines.push(`    ✗ ${f}`);
  return lines.join('\n');
}

export function formatScenarioHeader(file: string, name: string): string {
  return `\n${name} (${file})`;
}

/** How many expectations (evaluate steps with an `expect`) held, over how many scenarios. */
export function formatExpectationTotals(results: readonly ScenarioResult[]): string {
  const held = results.reduce((n, r) => n + r.passed, 0);
  const broken = results.reduce((n, r) => n + r.failed, 0);
  return `expectations: ${held} held, ${broken} broken, in ${results.length} scenario${results.length === 1 ? '' : 's'}`;
}

/**
 * The closing line counts scenarios, not steps: a user asks "did my scenarios pass?", and a
 * scenario passes only when every one of its expectations held. The line before it gives the
 * per-step figures.
 */
export function formatTotals(results: readonly ScenarioResult[]): string {
  const failed = results.filter((r) => r.failed > 0).length;
  return `${results.length - failed} passed, ${failed} failed`;
}
