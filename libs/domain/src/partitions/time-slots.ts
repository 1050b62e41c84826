// The calendar of one time-window cadence (hourly, daily, weekly, monthly with offsets) in one
// zone, addressed by a "slot" number that needs no starting point:
// - hourly: hours since the epoch, shifted so that slot n starts at minute `minuteOffset` local;
// - daily: the local epoch day; weekly: the week whose local start day is 7n + c; monthly:
//   year * 12 + month - 1.
// Windows are [start(n), start(n + 1)). Every operation is O(1) local-calendar arithmetic plus a
// few cached offset lookups: nothing scans from a start date.
//
// The slots reproduce the cron ticks of the equivalent schedule (`M * * * *`, `M H * * *`,
// `M H * * D`, `M H D * *`) under the rules of time/cron.ts; the property tests check that.
// Hourly slots are equally spaced in real time, which is exact for every zone whose offsets differ
// by whole hours (validation rejects the others): in the repeated hour of a fall-back day there
// are two hourly windows, on a spring-forward day the skipped hour has none.

import {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  civilOfEpochDay,
  epochDayOf,
  floorDiv,
  formatCivilDate,
  instantOfWallClock,
  instantsOfWallClock,
  isValidCivilDate,
  localDateTimeOf,
  wallClockOfParts,
  type ZoneRules,
} from '../time';
import type { TimePartitionsKind } from './types';

type Instant = number;

/**
 * Suffix of the key of the second occurrence of a repeated wall-clock hour (fall back) in
 * non-UTC hourly partitions; the first occurrence keeps the plain key. Dagster uses the same
 * suffix, so keys carried over from it keep their meaning.
 */
export const POST_DST_TRANSITION_SUFFIX = '_POST_DST_TRANSITION';

export interface Cadence {
  readonly kind: TimePartitionsKind;
  readonly zone: ZoneRules;
  readonly minuteOffset: number;
  readonly hourOffset: number;
  /** Weekly: day of week 0–6; monthly: day of month 1–28; otherwise 0. */
  readonly dayOffset: number;
}

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_KEY = /^(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2})(_POST_DST_TRANSITION)?$/;

export abstract class TimeSlots {
  constructor(readonly cadence: Cadence) {}

  abstract start(slot: number): Instant;
  /** The slot whose window contains `t`. */
  abstract slotOf(t: Instant): number;
  abstract key(slot: number): string;
  /** The slot a key names, or null; the caller checks the round trip key(slot) === key. */
  abstract slotOfKey(key: string): number | null;

  /** The cron expression with the same ticks, for display and cross-checks. */
  abstract cron(): string;

  /** Adjusts an estimate of slotOf(t) that may be off by a few slots around a transition. */
  protected settle(t: Instant, estimate: number): number {
    let slot = estimate;
    while (this.start(slot) > t) slot -= 1;
    while (this.start(slot + 1) <= t) slot += 1;
    return slot;
  }

  protected wallOf(t: Instant): number {
    return t + this.cadence.zone.offsetAt(t);
  }
}

class HourlySlots extends TimeSlots {
  /** Ticks sit at phase + n hours (ms since the epoch, mod one hour). */
  private readonly phase: number;

  constructor(cadence: Cadence, reference: Instant) {
    super(cadence);
    const offset = cadence.zone.offsetAt(reference);
    this.phase = (((cadence.minuteOffset * MS_PER_MINUTE - offset) % MS_PER_HOUR) + MS_PER_HOUR) % MS_PER_HOUR;
  }

  start(slot: number): Instant {
    return slot * MS_PER_HOUR + this.phase;
  }

  slotOf(t: Instant): number {
    return floorDiv(t - this.phase, MS_PER_HOUR);
  }

  key(slot: number): string {
    const t = this.start(slot);
    const wall = this.wallOf(t);
    const l = localDateTimeOf(wall);
    const base = `${formatCivilDate(l)}-${String(l.hour).padStart(2, '0')}:${String(l.minute).padStart(2, '0')}`;
    if (this.cadence.zone.isUtc) return base;
    const first = instantsOfWallClock(wall, this.cadence.zone)[0];
    return first !== undefined && first < t ? base + POST_DST_TRANSITION_SUFFIX : base;
  }

  slotOfKey(key: string): number | null {
    const m = HOUR_KEY.exec(key);
    if (m === null) return null;
    const [, y, mo, d, h, mi, suffix] = m;
    const [year, month, day, hour, minute] = [y, mo, d, h, mi].map(Number) as [number, number, number, number, number];
    if (!isValidCivilDate(year, month, day) || hour > 23 || minute > 59) return null;
    const instants = instantsOfWallClock(wallClockOfParts(year, month, day, hour, minute), this.cadence.zone);
    const t = suffix === undefined ? instants[0] : instants.length > 1 ? instants[1] : undefined;
    if (t === undefined || (t - this.phase) % MS_PER_HOUR !== 0) return null;
    return this.slotOf(t);
  }

  cron(): string {
    return `${this.cadence.minuteOffset} * * * *`;
  }
}

/** Daily, weekly and monthly: windows start at a local time on a local date. */
abstract class DateSlots extends TimeSlots {
  /** The local epoch day a slot starts on. */
  abstract dayOf(slot: number): number;
  /** Estimate of the slot of a local epoch day. */
  abstract slotOfDay(epochDay: number): number;
  /** The slot starting on a local epoch day, or null when no slot starts that day. */
  abstract slotStartingOn(epochDay: number): number | null;

  start(slot: number): Instant {
    const { hourOffset, minuteOffset } = this.cadence;
    const wall = this.dayOf(slot) * MS_PER_DAY + hourOffset * MS_PER_HOUR + minuteOffset * MS_PER_MINUTE;
    return instantOfWallClock(wall, this.cadence.zone);
  }

  slotOf(t: Instant): number {
    return this.settle(t, this.slotOfDay(floorDiv(this.wallOf(t), MS_PER_DAY)));
  }

  /** The nominal local date of the slot, even if a gap shifted its start past midnight. */
  key(slot: number): string {
    return formatCivilDate(civilOfEpochDay(this.dayOf(slot)));
  }

  slotOfKey(key: string): number | null {
    const m = DATE_KEY.exec(key);
    if (m === null) return null;
    const [year, month, day] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
    if (!isValidCivilDate(year, month, day)) return null;
    return this.slotStartingOn(epochDayOf(year, month, day));
  }
}

class DailySlots extends DateSlots {
  dayOf(slot: number): number {
    return slot;
  }
  slotOfDay(epochDay: number): number {
    return epochDay;
  }
  slotStartingOn(epochDay: number): number {
    return epochDay;
  }
  cron(): string {
    return `${this.cadence.minuteOffset} ${this.cadence.hourOffset} * * *`;
  }
}

class WeeklySlots extends DateSlots {
  /** The epoch day, in [0, 7), of the first week start on or after 1970-01-01 (a Thursday). */
  private readonly firstDay = (((this.cadence.dayOffset - 4) % 7) + 7) % 7;

  dayOf(slot: number): number {
    return slot * 7 + this.firstDay;
  }
  slotOfDay(epochDay: number): number {
    return floorDiv(epochDay - this.firstDay, 7);
  }
  slotStartingOn(epochDay: number): number | null {
    return (((epochDay - this.firstDay) % 7) + 7) % 7 === 0 ? (epochDay - this.firstDay) / 7 : null;
  }
  cron(): string {
    return `${this.cadence.minuteOffset} ${this.cadence.hourOffset} * * ${this.cadence.dayOffset}`;
  }
}

class MonthlySlots extends DateSlots {
  dayOf(slot: number): number {
    const year = floorDiv(slot, 12);
    return epochDayOf(year, slot - year * 12 + 1, this.cadence.dayOffset);
  }
  slotOfDay(epochDay: number): number {
    const { year, month, day } = civilOfEpochDay(epochDay);
    const slot = year * 12 + month - 1;
    return day < this.cadence.dayOffset ? slot - 1 : slot;
  }
  slotStartingOn(epochDay: number): number | null {
    const { year, month, day } = civilOfEpochDay(epochDay);
    return day === this.cadence.dayOffset ? year * 12 + month - 1 : null;
  }
  cron(): string {
    return `${this.cadence.minuteOffset} ${this.cadence.hourOffset} ${this.cadence.dayOffset} * *`;
  }
}

/** The slots of a cadence; `reference` fixes the hourly phase (any instant of the definition). */
export function timeSlots(cadence: Cadence, reference: Instant): TimeSlots {
  switch (cadence.kind) {
    case 'hourly':
      return new HourlySlots(cadence, reference);
    case 'daily':
      return new DailySlots(cadence);
    case 'weekly':
      return new WeeklySlots(cadence);
    case 'monthly':
      return new MonthlySlots(cadence);
  }
}
