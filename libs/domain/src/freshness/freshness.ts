// Freshness arithmetic (reference §1.3 and SEMANTICS "Data time and freshness"): overdue minutes,
// when a violation begins, per-partition deadlines, and the execution periods of §2.6 that
// freshness planning uses.

import type { Instant } from '../partitions/types';
import type { FreshnessPolicySpec } from '../specs/types';
import { cronRefOf, latestTick, tickAfter, tickAtOrAfter } from './policy-clock';

export const MINUTE_MS = 60_000;

export function lagMs(policy: FreshnessPolicySpec): number {
  return policy.maximumLagMinutes * MINUTE_MS;
}

/** The instant the policy is judged at: the latest cron tick ≤ now, or now itself. */
export function evaluationTick(policy: FreshnessPolicySpec, now: Instant): Instant {
  const cron = cronRefOf(policy.cronSchedule, policy.cronTimezone);
  return cron ? latestTick(cron, now) : now;
}

/** max(0, (tick − lag) − dataTime) in minutes; null when the data time is unknown. */
export function overdueMinutes(policy: FreshnessPolicySpec, dataTime: Instant | null, now: Instant): number | null {
  if (dataTime === null) return null;
  const required = evaluationTick(policy, now) - lagMs(policy);
  return Math.max(0, (required - dataTime) / MINUTE_MS);
}

/** max(0, tick − dataTime) in minutes; null when the data time is unknown. */
export function lagMinutes(policy: FreshnessPolicySpec, dataTime: Instant | null, now: Instant): number | null {
  if (dataTime === null) return null;
  return Math.max(0, (evaluationTick(policy, now) - dataTime) / MINUTE_MS);
}

/**
 * The first instant after `now` at which an asset with this (fixed) data time becomes overdue;
 * null when it never will (unknown data time). Without cron: just after dataTime + lag; with
 * cron: the first tick T with dataTime < T − lag.
 */
export function nextViolationAt(policy: FreshnessPolicySpec, dataTime: Instant | null, now: Instant): Instant | null {
  if (dataTime === null) return null;
  const cron = cronRefOf(policy.cronSchedule, policy.cronTimezone);
  const threshold = dataTime + lagMs(policy);
  if (!cron) return Math.max(threshold + 1, now + 1);
  return tickAfter(cron, Math.max(now, threshold));
}

/**
 * Freshet per-partition deadline: a window that ended at `windowEnd` must be materialized by
 * windowEnd + lag (with a cron: by the first tick at or after that instant).
 */
export function partitionDeadline(policy: FreshnessPolicySpec, windowEnd: Instant): Instant {
  const due = windowEnd + lagMs(policy);
  const cron = cronRefOf(policy.cronSchedule, policy.cronTimezone);
  return cron ? tickAtOrAfter(cron, due) : due;
}

/** Overdue when now is past the deadline (at a cron tick: from the tick on). */
export function isPartitionOverdue(policy: FreshnessPolicySpec, deadline: Instant, now: Instant): boolean {
  return policy.cronSchedule ? now >= deadline : now > deadline;
}

export interface Period {
  readonly start: Instant;
  readonly end: Instant;
}

/** Execution period of one policy given the effective data time (reference §2.6). */
export function executionPeriod(policy: FreshnessPolicySpec, effective: Instant | null, now: Instant): Period {
  const lag = lagMs(policy);
  const cron = cronRefOf(policy.cronSchedule, policy.cronTimezone);
  if (cron) {
    // The first tick ≥ now whose requirement (tick − lag) the data does not meet yet.
    const from = effective === null ? now - 1 : Math.max(now - 1, effective + lag);
    const tick = tickAfter(cron, from);
    return { start: tick - lag, end: tick };
  }
  if (effective === null) return { start: now - lag, end: now };
  return { start: effective + 0.9 * lag, end: Math.max(effective + lag, now) };
}

/** Merges periods sorted by end: each next one that starts before the merged end narrows it. */
export function mergePeriods<T extends { period: Period }>(items: readonly T[]): { period: Period; members: T[] } | null {
  const sorted = [...items].sort((a, b) => a.period.end - b.period.end || a.period.start - b.period.start);
  const first = sorted[0];
  if (!first) return null;
  let merged = first.period;
  const members = [first];
  for (const item of sorted.slice(1)) {
    if (item.period.start > merged.end) break;
    merged = { start: Math.max(merged.start, item.period.start), end: item.period.end };
    members.push(item);
  }
  return { period: merged, members };
}
