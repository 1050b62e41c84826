// Checks an evaluate step's expectations against a tick, describing every difference.

import { compareStrings } from '../specs/json';
import type { AssetGraph } from '../graph/asset-graph';
import type { PartitionKeyRange, TickResult, Violation } from '../planner/types';
import type { ScenarioAction } from './scenario';

type EvaluateAction = Extract<ScenarioAction, { kind: 'evaluate' }>;

function ap(asset: string, partition: string | null | undefined): string {
  return partition === null || partition === undefined ? asset : `${asset}[${partition}]`;
}

export function requestedOf(tick: TickResult): { asset: string; partition: string | null; reasons: readonly string[] }[] {
  return tick.runs.flatMap((r) => r.assetPartitions);
}

/** Is `partition` among a decision's partitions (all of them, through its ranges)? */
function covers(graph: AssetGraph, asset: string, ranges: readonly PartitionKeyRange[] | null, partition: string): boolean {
  const defs = graph.get(asset)?.partitions;
  const index = defs?.indexOf(partition);
  if (!defs || index === null || index === undefined || !ranges) return false;
  return ranges.some((r) => (defs.indexOf(r.first) ?? Infinity) <= index && index <= (defs.indexOf(r.last) ?? -Infinity));
}

/** Every partition key a violation covers (its range expanded), or its one partition. */
function overdueKeys(graph: AssetGraph, v: Violation): (string | null)[] {
  const defs = graph.get(v.asset)?.partitions;
  const range = v.partitionRange;
  if (!range || !defs) return [v.partition];
  const first = defs.indexOf(range.first);
  if (first === null) return [v.partition];
  const keys: string[] = [];
  for (let i = first; i < first + range.count; i++) {
    const key = defs.keyAt(i);
    if (key !== null) keys.push(key);
  }
  return keys;
}

export function checkExpectations(a: EvaluateAction, tick: TickResult, graph: AssetGraph): string[] {
  const failures: string[] = [];
  const requested = requestedOf(tick);
  if (a.expect !== null) {
    const got = new Set(requested.map((r) => ap(r.asset, r.partition)));
    const want = new Set(a.expect.map((e) => ap(e.asset, e.partition)));
    const missing = [...want].filter((k) => !got.has(k)).sort(compareStrings);
    const extra = [...got].filter((k) => !want.has(k)).sort(compareStrings);
    if (missing.length > 0) failures.push(`expected but not requested: ${missing.join(', ')}`);
    if (extra.length > 0) failures.push(`requested but not expected: ${extra.join(', ')}`);
  }
  for (const [asset, reasons] of Object.entries(a.reasons ?? {}).sort((x, y) => x[0].localeCompare(y[0]))) {
    const mine = requested.filter((r) => r.asset === asset);
    if (mine.length === 0) failures.push(`reasons given for ${asset}, which was not requested`);
    for (const r of mine) {
      const lacking = reasons.filter((x) => !r.reasons.includes(x));
      if (lacking.length > 0) failures.push(`${ap(r.asset, r.partition)} requested for [${r.reasons.join(', ')}], missing reason ${lacking.join(', ')}`);
    }
  }
  for (const e of a.expectSkipped ?? []) {
    const found = tick.skipped.some(
      (s) =>
        s.asset === e.asset &&
        (e.partition === undefined || covers(graph, s.asset, s.partitionRanges, e.partition)) &&
        (e.reasons ?? []).every((r) => (s.reasons as readonly string[]).includes(r)),
    );
    if (!found) {
      const seen = tick.skipped.filter((s) => s.asset === e.asset).map((s) => `[${s.reasons.join(', ')}]`);
      failures.push(
        `expected ${ap(e.asset, e.partition)} skipped${e.reasons ? ` for ${e.reasons.join(', ')}` : ''}; ${seen.length > 0 ? `it was skipped for ${seen.join(' ')}` : 'it was not skipped'}`,
      );
    }
  }
  if (a.expectViolations !== null) {
    const got = new Set(tick.violations.flatMap((v) => overdueKeys(graph, v).map((p) => ap(v.asset, p))));
    const want = new Set(a.expectViolations.map((v) => ap(v.asset, v.partition)));
    const missing = [...want].filter((k) => !got.has(k)).sort(compareStrings);
    const extra = [...got].filter((k) => !want.has(k)).sort(compareStrings);
    if (missing.length > 0) failures.push(`expected overdue but not: ${missing.join(', ')}`);
    if (extra.length > 0) failures.push(`overdue but not expected: ${extra.join(', ')}`);
  }
  return failures;
}
