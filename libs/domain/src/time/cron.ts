// Five-field cron (minute hour day-of-month month day-of-week) evaluated in an IANA zone.
//
// Syntax: `*`, numbers, lists `1,5`, ranges `1-5`, steps `*/15`, `1-30/5` and `5/15` (= 5-max/15),
// month names `jan`–`dec`, day names `sun`–`sat` (0 and 7 are Sunday), and the macros `@hourly`,
// `@daily` (`@midnight`), `@weekly`, `@monthly`, `@yearly` (`@annually`).
// Day rule (Vixie cron): when both day fields are restricted, a day matches if EITHER matches;
// when one of them starts with `*` (including `*/2`), a day must match both.
//
// The ticks of a cron in a zone are the instants of every matching wall-clock minute, where a
// minute that the clocks skip (spring forward) fires shifted forward by the gap (a daily 02:30
// fires at 03:30 that day, once), and a minute that the clocks repeat (fall back) fires at its
// first occurrence only, unless the cron fires every hour (its hour field covers all 24 hours),
// in which case it also fires in the repeated hour: an hourly schedule runs every real hour.
//
// Evaluation skips by field (month, then day, then hour, then minute) in local calendar
// arithmetic, so finding the next tick of a yearly cron costs a few dozen steps, not a scan.

import { MS_PER_MINUTE, daysInMonth, epochDayOf, floorDiv, localDateTimeOf, wallClockOfParts, weekdayOfEpochDay } from './calendar';
import { CronParseError, TimeError } from './errors';
import { instantsOfWallClock, zoneRules, type ZoneRules } from './zone';

type Instant = number;

export interface CronSchedule {
  readonly source: string;
  /** Sorted distinct values of each field. Months are 1–12, days of week 0–6 (0 = Sunday). */
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  readonly daysOfWeek: readonly number[];
  /** The day-of-month field starts with `*` (Vixie's DOM_STAR). */
  readonly dayOfMonthStar: boolean;
  /** The day-of-week field starts with `*` (Vixie's DOW_STAR). */
  readonly dayOfWeekStar: boolean;
  /** The hour field covers all 24 hours: the repeated hour of a fall-back day fires too. */
  readonly everyHour: boolean;
}

const MACROS: Readonly<Record<string, string>> = {
  '@hourly': '0 * * * *',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@weekly': '0 0 * * 0',
  '@monthly': '0 0 1 * *',
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
};

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldRule {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Value of the first name (1 for months, 0 for days). */
  readonly nameBase?: number;
}

const FIELDS: readonly FieldRule[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day-of-month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { label: 'day-of-week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

function parseValue(text: string, rule: FieldRule, expression: string, field: string): number {
  const lower = text.toLowerCase();
  if (rule.names !== undefined) {
    const nameIndex = rule.names.indexOf(lower);
    if (nameIndex >= 0) return nameIndex + (rule.nameBase ?? 0);
  }
  if (!/^\d+$/.test(text)) {
    throw new CronParseError(expression, `${rule.label} field "${field}": "${text}" is not a number${rule.names ? ' or a name' : ''}`);
  }
  const value = Number(text);
  if (value < rule.min || value > rule.max) {
    throw new CronParseError(expression, `${rule.label} field "${field}": ${value} is out of range ${rule.min}-${rule.max}`);
  }
  return value;
}

function parseField(field: string, rule: FieldRule, expression: string): { values: number[]; star: boolean } {
  const values = new Set<number>();
  for (const item of field.split(',')) {
    if (item === '') throw new CronParseError(expression, `${rule.label} field "${field}" has an empty list item`);
    const [rangePart, stepPart, extra] = item.split('/');
    if (extra !== undefined || rangePart === undefined || rangePart === '') {
      throw new CronParseError(expression, `${rule.label} field "${field}": "${item}" is not a value, range or step`);
    }
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^\d+$/.test(stepPart) || Number(stepPart) === 0) {
        throw new CronParseError(expression, `${rule.label} field "${field}": step "${stepPart}" must be a positive integer`);
      }
      step = Number(stepPart);
    }
    let low: number;
    let high: number;
    if (rangePart === '*') {
      low = rule.min;
      high = rule.max;
    } else if (rangePart.includes('-')) {
      const [a, b, more] = rangePart.split('-');
      if (a === undefined || b === undefined || more !== undefined || a === '' || b === '') {
        throw new CronParseError(expression, `${rule.label} field "${field}": "${rangePart}" is not a range`);
      }
      low = parseValue(a, rule, expression, field);
      high = parseValue(b, rule, expression, field);
      if (low > high) {
        throw new CronParseError(expression, `${rule.label} field "${field}": range ${a}-${b} runs backwards`);
      }
    } else {
      low = parseValue(rangePart, rule, expression, field);
      // `5/15` means from 5 to the end of the field every 15.
      high = stepPart === undefined ? low : rule.max;
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  return { values: [...values].sort((a, b) => a - b), star: field.startsWith('*') };
}

const cronCache = new Map<string, CronSchedule>();

/** Parses a cron expression; throws CronParseError with a reason a person can act on. */
export function parseCron(expression: string): CronSchedule {
  const cached = cronCache.get(expression);
  if (cached !== undefined) return cached;
  const trimmed = expression.trim();
  let body = trimmed;
  if (trimmed.startsWith('@')) {
    const macro = MACROS[trimmed.toLowerCase()];
    if (macro === undefined) {
      throw new CronParseError(expression, `unknown macro "${trimmed}" (expected one of ${Object.keys(MACROS).join(', ')})`);
    }
    body = macro;
  }
  const fields = body.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) {
    throw new CronParseError(expression, `expected 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`);
  }
  const parsed = fields.map((field, i) => parseField(field, FIELDS[i] as FieldRule, expression));
  const [minutes, hours, dom, months, dowRaw] = parsed as [
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
    (typeof parsed)[0],
  ];
  const daysOfWeek = [...new Set(dowRaw.values.map((d) => d % 7))].sort((a, b) => a - b);
  const schedule: CronSchedule = {
    source: expression,
    minutes: minutes.values,
    hours: hours.values,
    daysOfMonth: dom.values,
    months: months.values,
    daysOfWeek,
    dayOfMonthStar: dom.star,
    dayOfWeekStar: dowRaw.star,
    everyHour: hours.values.length === 24,
  };
  if (schedule.dayOfMonthStar || schedule.dayOfWeekStar) {
    // Both day fields must match: a day of month that no listed month has never fires.
    const possible = schedule.months.some((m) => schedule.daysOfMonth.some((d) => d <= daysInMonth(2000, m)));
    if (!possible) throw new CronParseError(expression, 'no listed month has any of the listed days of the month, so it never fires');
  }
  cronCache.set(expression, schedule);
  return schedule;
}

/** The problem with a cron expression, or null when it is valid. */
export function cronProblem(expression: string): string | null {
  try {
    parseCron(expression);
    return null;
  } catch (error) {
    if (error instanceof CronParseError) return error.message;
    throw error;
  }
}

function schedule(cron: CronSchedule | string): CronSchedule {
  return typeof cron === 'string' ? parseCron(cron) : cron;
}

/** Smallest value ≥ x in a sorted list, or undefined. */
function ceilingOf(values: readonly number[], x: number): number | undefined {
  for (const v of values) if (v >= x) return v;
  return undefined;
}

/** Largest value ≤ x in a sorted list, or undefined. */
function floorOf(values: readonly number[], x: number): number | undefined {
  for (let i = values.length - 1; i >= 0; i -= 1) {
    const v = values[i] as number;
    if (v <= x) return v;
  }
  return undefined;
}

function dayMatches(cron: CronSchedule, year: number, month: number, day: number): boolean {
  const domMatch = cron.daysOfMonth.includes(day);
  const dowMatch = cron.daysOfWeek.includes(weekdayOfEpochDay(epochDayOf(year, month, day)));
  return cron.dayOfMonthStar || cron.dayOfWeekStar ? domMatch && dowMatch : domMatch || dowMatch;
}

// Enough for the sparsest valid cron (Feb 29 on a given weekday recurs within 28 years, or 40
// across a skipped century leap year) at a few steps per month.
const MAX_STEPS = 100_000;

/** The first matching wall-clock minute ≥ `from` (a minute-aligned wall-clock value). */
export function nextMatchingWallClock(cronInput: CronSchedule | string, from: number): number {
  const cron = schedule(cronInput);
  const start = localDateTimeOf(from);
  let { year, month, day, hour, minute } = start;
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const m = ceilingOf(cron.months, month);
    if (m === undefined) {
      year += 1;
      month = cron.months[0] as number;
      day = 1;
      hour = 0;
      minute = 0;
      continue;
    }
    if (m !== month) {
      month = m;
      day = 1;
      hour = 0;
      minute = 0;
    }
    if (day > daysInMonth(year, month) || !dayMatches(cron, year, month, day)) {
      day += 1;
      hour = 0;
      minute = 0;
      if (day > daysInMonth(year, month)) {
        day = 1;
        month += 1;
        if (month > 12) {
          month = 1;
          year += 1;
        }
      }
      continue;
    }
    const h = ceilingOf(cron.hours, hour);
    if (h === undefined) {
      day += 1;
      hour = 0;
      minute = 0;
      if (day > daysInMonth(year, month)) {
        day = 1;
        month += 1;
        if (month > 12) {
          month = 1;
          year += 1;
        }
      }
      continue;
    }
    if (h !== hour) {
      hour = h;
      minute = 0;
    }
    const min = ceilingOf(cron.minutes, minute);
    if (min === undefined) {
      hour += 1;
      minute = 0;
      if (hour > 23) {
        hour = 0;
        day += 1;
        if (day > daysInMonth(year, month)) {
          day = 1;
          month += 1;
          if (month > 12) {
            month = 1;
            year += 1;
          }
        }
      }
      continue;
    }
    return wallClockOfParts(year, month, day, hour, min);
  }
  throw new TimeError('CRON_INVALID', `cron "${cron.source}" has no tick within reach of the search`);
}

/** The last matching wall-clock minute ≤ `from` (a minute-aligned wall-clock value). */
export function previousMatchingWallClock(cronInput: CronSchedule | string, from: number): number {
  const cron = schedule(cronInput);
  const start = localDateTimeOf(from);
  let { year, month, day, hour, minute } = start;
  const toPreviousDay = (): void => {
    day -= 1;
    hour = 23;
    minute = 59;
    if (day < 1) {
      month -= 1;
      if (month < 1) {
        month = 12;
        year -= 1;
      }
      day = daysInMonth(year, month);
    }
  };
  for (let step = 0; step < MAX_STEPS; step += 1) {
    const m = floorOf(cron.months, month);
    if (m === undefined) {
      year -= 1;
      month = cron.months[cron.months.length - 1] as number;
      day = daysInMonth(year, month);
      hour = 23;
      minute = 59;
      continue;
    }
    if (m !== month) {
      month = m;
      day = daysInMonth(year, month);
      hour = 23;
      minute = 59;
    }
    if (!dayMatches(cron, year, month, day)) {
      toPreviousDay();
      continue;
    }
    const h = floorOf(cron.hours, hour);
    if (h === undefined) {
      toPreviousDay();
      continue;
    }
    if (h !== hour) {
      hour = h;
      minute = 59;
    }
    const min = floorOf(cron.minutes, minute);
    if (min === undefined) {
      hour -= 1;
      minute = 59;
      if (hour < 0) toPreviousDay();
      continue;
    }
    return wallClockOfParts(year, month, day, hour, min);
  }
  throw new TimeError('CRON_INVALID', `cron "${cron.source}" has no tick within reach of the search`);
}

/** The instants a matching wall-clock minute fires at, by the rules in the header. */
function ticksOfWallClock(cron: CronSchedule, wall: number, rules: ZoneRules): Instant[] {
  const instants = instantsOfWallClock(wall, rules);
  if (instants.length === 0) return [wall - rules.offsetAt(wall - 86_400_000)];
  if (instants.length > 1 && !cron.everyHour) return instants.slice(0, 1);
  return instants;
}

// Offsets are sampled this far either side of the instant asked about: every transition whose
// gap or overlap could move a tick across it lies within this distance.
const TRANSITION_REACH = 26 * 3_600_000;

function offsetBounds(rules: ZoneRules, t: Instant): { low: number; high: number } {
  const samples = [rules.offsetAt(t - TRANSITION_REACH), rules.offsetAt(t), rules.offsetAt(t + TRANSITION_REACH)];
  return { low: Math.min(...samples), high: Math.max(...samples) };
}

/** The first tick strictly after `after`. */
export function nextTick(cronInput: CronSchedule | string, after: Instant, zone: string = 'UTC'): Instant {
  const cron = schedule(cronInput);
  const rules = zoneRules(zone);
  if (rules.isUtc) return nextMatchingWallClock(cron, (floorDiv(after, MS_PER_MINUTE) + 1) * MS_PER_MINUTE);
  const { low, high } = offsetBounds(rules, after);
  // A wall clock L fires somewhere in [L − high, L − low], so only L > after + low can be later.
  let from = (floorDiv(after + low, MS_PER_MINUTE) + 1) * MS_PER_MINUTE;
  let best = Number.POSITIVE_INFINITY;
  for (;;) {
    const wall = nextMatchingWallClock(cron, from);
    if (wall - high >= best) return best;
    for (const t of ticksOfWallClock(cron, wall, rules)) if (t > after && t < best) best = t;
    from = wall + MS_PER_MINUTE;
  }
}

/** The last tick at or before `t`. */
export function latestTickAtOrBefore(cronInput: CronSchedule | string, t: Instant, zone: string = 'UTC'): Instant {
  const cron = schedule(cronInput);
  const rules = zoneRules(zone);
  if (rules.isUtc) return previousMatchingWallClock(cron, floorDiv(t, MS_PER_MINUTE) * MS_PER_MINUTE);
  const { low, high } = offsetBounds(rules, t);
  // A wall clock L fires somewhere in [L − high, L − low], so only L ≤ t + high can be earlier.
  let from = floorDiv(t + high, MS_PER_MINUTE) * MS_PER_MINUTE;
  let best = Number.NEGATIVE_INFINITY;
  for (;;) {
    const wall = previousMatchingWallClock(cron, from);
    if (wall - low <= best) return best;
    for (const tick of ticksOfWallClock(cron, wall, rules)) if (tick <= t && tick > best) best = tick;
    from = wall - MS_PER_MINUTE;
  }
}

/** The first tick at or after `t`. */
export function firstTickAtOrAfter(cron: CronSchedule | string, t: Instant, zone: string = 'UTC'): Instant {
  return nextTick(cron, t - 1, zone);
}
