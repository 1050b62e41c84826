// Freshness violations per tick: asset-level for unpartitioned (and static) assets through
// lineage data time, per partition for time-partitioned assets (Freshet). Compares with the
// cursor's violation state to emit `violated` once when one starts and `resolved` when it ends,
// and says when the next violation would begin so the planner can wake exactly then.

import { IndexSet } from '../collections/index-set';
import type { AssetViolationState } from '../cursor/cursor';
import type { AssetNode } from '../graph/asset-graph';
import { partitionKey } from '../graph/partition-edges';
import type { Instant } from '../partitions/types';
import type { PartitionKeyRange, Violation, ViolationChange } from '../planner/types';
import type { PlannerState } from '../state/planner-state';
import { MINUTE_MS, isPartitionOverdue, nextViolationAt, overdueMinutes, partitionDeadline } from './freshness';
import { currentDataTime } from '../data-time/data-time';

export interface ViolationCheck {
  readonly state: AssetViolationState | undefined;
  readonly current: Violation[];
  readonly changes: ViolationChange[];
  readonly wakeAt: Instant | null;
}

export function checkAssetViolations(node: AssetNode, state: PlannerState, previous: AssetViolationState | undefined, now: Instant): ViolationCheck {
  const policy = node.freshness;
  if (!policy) return { state: undefined, current: [], changes: [], wakeAt: null };
  if (node.isTimePartitioned) return checkPartitions(node, state, previous, now);
  const dataTime = currentDataTime(node, state, now);
  const overdue = overdueMinutes(policy, dataTime, now);
  const changes: ViolationChange[] = [];
  if (overdue !== null && overdue > 0) {
    const since = previous?.since ?? now;
    const v: Violation = { asset: node.key, partition: null, overdueMinutes: overdue, dataTime, since, policy };
    if (!previous) changes.push({ kind: 'violated', ...v });
    return { state: { since }, current: [v], changes, wakeAt: null };
  }
  if (previous) changes.push({ kind: 'resolved', asset: node.key, partition: null, since: previous.since, durationMinutes: (now - previous.since) / MINUTE_MS, policy });
  return { state: undefined, current: [], changes, wakeAt: nextViolationAt(policy, dataTime, now) };
}

/** The largest existing index whose deadline has passed, or -1. Deadlines grow with the index. */
function lastOverdueIndex(node: AssetNode, count: number, now: Instant): number {
  const policy = node.freshness;
  const defs = node.partitions;
  if (!policy || !defs) return -1;
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = defs.windowAt(mid);
    if (w && isPartitionOverdue(policy, partitionDeadline(policy, w.end), now)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** `partitionRange` for a change covering partitions a..b (nothing for a single partition). */
function rangeOf(node: AssetNode, a: number, b: number): { partitionRange?: PartitionKeyRange } {
  if (b <= a) return {};
  return { partitionRange: { first: partitionKey(node, a) ?? String(a), last: partitionKey(node, b) ?? String(b), count: b - a + 1 } };
}

function checkPartitions(node: AssetNode, state: PlannerState, previous: AssetViolationState | undefined, now: Instant): ViolationCheck {
  const policy = node.freshness;
  const defs = node.partitions;
  if (!policy || !defs) return { state: undefined, current: [], changes: [], wakeAt: null };
  const count = defs.countAt(now);
  const k = lastOverdueIndex(node, count, now);
  const materialized = state.historyOf(node.key).materialized();
  const overdue = k < 0 ? IndexSet.EMPTY : IndexSet.range(0, k).difference(materialized);
  const before = previous?.partitions ? IndexSet.fromRanges(previous.partitions) : IndexSet.EMPTY;
  const changes: ViolationChange[] = [];
  const current: Violation[] = [];
  const violationAt = (i: number): Violation | null => {
    const w = defs.windowAt(i);
    if (!w) return null;
    // A partition's violation starts at its deadline, whenever the planner notices it.
    const deadline = partitionDeadline(policy, w.end);
    return { asset: node.key, partition: partitionKey(node, i), overdueMinutes: (now - deadline) / MINUTE_MS, dataTime: w.end, since: deadline, policy };
  };
  for (const [a, b] of overdue.ranges()) {
    const v = violationAt(a);
    if (v) current.push({ ...v, ...rangeOf(node, a, b) });
  }
  // Changes: one per contiguous range of partitions that started (or stopped) being overdue.
  for (const [a, b] of overdue.difference(before).ranges()) {
    const v = violationAt(a);
    if (v) changes.push({ kind: 'violated', ...v, ...rangeOf(node, a, b) });
  }
  for (const [a, b] of before.difference(overdue).ranges()) {
    const w = defs.windowAt(a);
    const since = w ? partitionDeadline(policy, w.end) : now;
    changes.push({ kind: 'resolved', asset: node.key, partition: partitionKey(node, a), ...rangeOf(node, a, b), since, durationMinutes: (now - since) / MINUTE_MS, policy });
  }
  // Next: the first partition after k whose deadline is still ahead.
  const next = defs.windowAt(k + 1);
  let wakeAt: Instant | null = null;
  if (next) {
    const d = partitionDeadline(policy, next.end);
    wakeAt = policy.cronSchedule ? Math.max(d, now + 1) : Math.max(d + 1, now + 1);
  }
  const first = overdue.first();
  const firstWindow = first === null ? null : defs.windowAt(first);
  const stateOut: AssetViolationState | undefined =
    overdue.isEmpty() || !firstWindow ? undefined : { since: partitionDeadline(policy, firstWindow.end), partitions: overdue.toJSON() };
  return { state: stateOut, current, changes, wakeAt };
}
