// Cron arithmetic for freshness policies and automation crons, through the time module.

import type { Instant } from '../partitions/types';
import { firstTickAtOrAfter, latestTickAtOrBefore, nextTick } from '../time';

export interface CronRef {
  readonly schedule: string;
  readonly timezone: string;
}

export function cronRefOf(schedule: string | undefined, timezone: string | undefined): CronRef | null {
  return schedule === undefined ? null : { schedule, timezone: timezone ?? 'UTC' };
}

export function latestTick(cron: CronRef, t: Instant): Instant {
  return latestTickAtOrBefore(cron.schedule, t, cron.timezone);
}

export function tickAfter(cron: CronRef, t: Instant): Instant {
  return nextTick(cron.schedule, t, cron.timezone);
}

export function tickAtOrAfter(cron: CronRef, t: Instant): Instant {
  return firstTickAtOrAfter(cron.schedule, t, cron.timezone);
}

/** Cron ticks in (after, upTo], oldest first, at most `limit`. */
export function ticksBetween(cron: CronRef, after: Instant, upTo: Instant, limit = 1000): Instant[] {
  const out: Instant[] = [];
  let t = after;
  while (out.length < limit) {
    t = tickAfter(cron, t);
    if (t > upTo) break;
    out.push(t);
  }
  return out;
}
