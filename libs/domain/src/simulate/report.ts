// The JSON object per evaluate step of `freshet simulate --json` (scenarios/FORMAT.md).

import { formatInstant } from '../time';
import type { PartitionKeyRange } from '../planner/types';
import type { EvaluateStepResult } from './simulator';

export interface StepJson {
  readonly scenario: string;
  readonly step: number;
  readonly at: string;
  readonly requested: { asset: string; partition: string | null; reasons: readonly string[]; sentence: string }[];
  readonly skipped: { asset: string; partition: string | null; reasons: readonly string[]; sentence: string }[];
  readonly discarded: { asset: string; partition: string | null }[];
  /** One per overdue asset, or per contiguous range of overdue partitions (`partitionRange` when two or more). */
  readonly violations: { asset: string; partition?: string; partitionRange?: PartitionKeyRange; overdueMinutes: number }[];
  readonly expected: { asset: string; partition?: string }[] | null;
  readonly ok: boolean | null;
  readonly failures: readonly string[];
}

export function stepJson(scenario: string, r: EvaluateStepResult): StepJson {
  return {
    scenario,
    step: r.step,
    at: formatInstant(r.at),
    requested: r.tick.runs.flatMap((run) => run.assetPartitions.map((a) => ({ asset: a.asset, partition: a.partition, reasons: a.reasons, sentence: a.sentence }))),
    skipped: r.tick.skipped.flatMap((s) =>
      (s.partitions ?? [null]).map((partition) => ({ asset: s.asset, partition, reasons: s.reasons, sentence: s.sentence })),
    ),
    discarded: r.tick.discarded.flatMap((d) => (d.partitions ?? [null]).map((partition) => ({ asset: d.asset, partition }))),
    violations: r.tick.violations.map((v) => ({
      asset: v.asset,
      ...(v.partition !== null ? { partition: v.partition } : {}),
      ...(v.partitionRange ? { partitionRange: v.partitionRange } : {}),
      overdueMinutes: Math.round(v.overdueMinutes * 100) / 100,
    })),
    expected: r.action.expect === null ? null : r.action.expect.map((e) => ({ asset: e.asset, ...(e.partition !== null ? { partition: e.partition } : {}) })),
    ok: r.ok,
    failures: r.failures,
  };
}
