// Building and validating partitions definitions from their specs. Validation reports every
// problem at once, with a path relative to the partitions object, so the spec validator can
// prefix it (`assets[3].partitions.start`).

import {
  MS_PER_HOUR,
  findZone,
  instantOfWallClock,
  tryParseInstant,
  tryParseLocalDateTime,
  wallClockOfParts,
  ZoneRules,
} from '../time';
import { StaticPartitionsDefinition } from './static-partitions';
import { TimeWindowPartitionsDefinition } from './time-partitions';
import { timeSlots, type Cadence } from './time-slots';
import type { Instant, PartitionsDefinition, PartitionsSpec, StaticPartitionsSpec, TimePartitionsSpec } from './types';

export interface PartitionsProblem {
  /** Path relative to the object checked: `start`, `keys[2]`, `map.eu[1]`; '' for the object. */
  readonly path: string;
  readonly message: string;
}

export class PartitionsSpecError extends Error {
  readonly code = 'PARTITIONS_INVALID';
  readonly retriable = false;
  constructor(readonly problems: readonly PartitionsProblem[]) {
    super(`invalid partitions: ${problems.map((p) => (p.path === '' ? p.message : `${p.path}: ${p.message}`)).join('; ')}`);
    this.name = 'PartitionsSpecError';
  }
}

const TIME_KINDS = ['hourly', 'daily', 'weekly', 'monthly'];

export function isTimePartitionsSpec(spec: PartitionsSpec): spec is TimePartitionsSpec {
  return TIME_KINDS.includes(spec.kind);
}

export function isStaticPartitionsSpec(spec: PartitionsSpec): spec is StaticPartitionsSpec {
  return spec.kind === 'static';
}

/**
 * The instant a `start`/`end` string denotes in a zone: `YYYY-MM-DD` (local midnight),
 * `YYYY-MM-DD-HH:MM` or `YYYY-MM-DDTHH:MM[:SS]` (local), or an ISO instant with `Z` or an offset.
 * Local times in a gap are shifted forward, in an overlap the earliest is taken.
 */
export function parsePartitionBoundary(text: string, zone: ZoneRules): Instant | null {
  const wall = tryParseLocalDateTime(text);
  if (wall !== null) return instantOfWallClock(wall, zone);
  return tryParseInstant(text);
}

// How far ahead hourly partitions check that the zone's offsets stay in whole hours apart.
const HOURLY_ZONE_CHECK_YEARS = 30;
const hourlyZoneChecks = new Map<string, boolean>();

/** Whether every offset of the zone (around the given years) is the same modulo one hour. */
function offsetsDifferByWholeHours(zone: ZoneRules, fromYear: number): boolean {
  if (zone.isUtc) return true;
  const cacheKey = `${zone.name}|${fromYear}`;
  const cached = hourlyZoneChecks.get(cacheKey);
  if (cached !== undefined) return cached;
  const residues = new Set<number>();
  for (let year = fromYear - 1; year <= fromYear + HOURLY_ZONE_CHECK_YEARS; year += 1) {
    for (const month of [1, 4, 7, 10]) {
      const offset = zone.offsetAt(wallClockOfParts(year, month, 1));
      residues.add(((offset % MS_PER_HOUR) + MS_PER_HOUR) % MS_PER_HOUR);
    }
  }
  const ok = residues.size === 1;
  hourlyZoneChecks.set(cacheKey, ok);
  return ok;
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

function checkRange(problems: PartitionsProblem[], path: string, value: unknown, min: number, max: number, what: string): void {
  if (value === undefined) return;
  if (!isInt(value) || value < min || value > max) {
    problems.push({ path, message: `${what} must be an integer from ${min} to ${max}, got ${JSON.stringify(value)}` });
  }
}

function validateTime(spec: TimePartitionsSpec): PartitionsProblem[] {
  const problems: PartitionsProblem[] = [];
  const zoneName = spec.timezone ?? 'UTC';
  const zone = typeof zoneName === 'string' ? findZone(zoneName) : null;
  if (zone === null) {
    problems.push({ path: 'timezone', message: `unknown time zone ${JSON.stringify(zoneName)} (expected an IANA name such as "UTC" or "America/New_York")` });
  }
  const effectiveZone = zone ?? ZoneRules.UTC;
  const boundary = (field: 'start' | 'end', text: unknown): Instant | null => {
    if (typeof text !== 'string') {
      problems.push({ path: field, message: `${field} must be a date string, got ${JSON.stringify(text)}` });
      return null;
    }
    const t = parsePartitionBoundary(text, effectiveZone);
    if (t === null) {
      problems.push({ path: field, message: `"${text}" is not a date (expected YYYY-MM-DD, YYYY-MM-DD-HH:MM or an ISO-8601 instant)` });
    }
    return t;
  };
  const start = boundary('start', spec.start);
  const end = spec.end === undefined ? null : boundary('end', spec.end);
  if (start !== null && end !== null && end <= start) {
    problems.push({ path: 'end', message: `end (${spec.end}) must be after start (${spec.start})` });
  }
  checkRange(problems, 'minuteOffset', spec.minuteOffset, 0, 59, 'minuteOffset');
  if (spec.kind === 'hourly') {
    if (spec.hourOffset !== undefined && spec.hourOffset !== 0) {
      problems.push({ path: 'hourOffset', message: 'hourly partitions take no hourOffset (use minuteOffset)' });
    }
  } else {
    checkRange(problems, 'hourOffset', spec.hourOffset, 0, 23, 'hourOffset');
  }
  switch (spec.kind) {
    case 'weekly':
      checkRange(problems, 'dayOffset', spec.dayOffset, 0, 6, 'dayOffset (day of week, 0 = Sunday)');
      break;
    case 'monthly':
      // Days 29–31 do not exist in every month; windows must tile the calendar.
      checkRange(problems, 'dayOffset', spec.dayOffset, 1, 28, 'dayOffset (day of month)');
      break;
    case 'hourly':
    case 'daily':
      if (spec.dayOffset !== undefined && spec.dayOffset !== 0) {
        problems.push({ path: 'dayOffset', message: `${spec.kind} partitions take no dayOffset` });
      }
      break;
  }
  if (spec.endOffset !== undefined && !isInt(spec.endOffset)) {
    problems.push({ path: 'endOffset', message: `endOffset must be an integer, got ${JSON.stringify(spec.endOffset)}` });
  }
  if (spec.kind === 'hourly' && zone !== null && start !== null) {
    const startYear = new Date(start).getUTCFullYear();
    if (!offsetsDifferByWholeHours(zone, startYear)) {
      problems.push({
        path: 'timezone',
        message: `hourly partitions need a zone whose UTC offsets differ by whole hours; ${zone.name} shifts by a fraction of an hour`,
      });
    }
  }
  return problems;
}

function validateStatic(spec: StaticPartitionsSpec): PartitionsProblem[] {
  const problems: PartitionsProblem[] = [];
  if (!Array.isArray(spec.keys)) return [{ path: 'keys', message: 'keys must be a list of strings' }];
  const seen = new Map<string, number>();
  spec.keys.forEach((key: unknown, i) => {
    if (typeof key !== 'string' || key === '') {
      problems.push({ path: `keys[${i}]`, message: `a static partition key must be a non-empty string, got ${JSON.stringify(key)}` });
      return;
    }
    const first = seen.get(key);
    if (first !== undefined) problems.push({ path: `keys[${i}]`, message: `duplicate key "${key}" (also keys[${first}])` });
    else seen.set(key, i);
  });
  return problems;
}

/** Every problem of a partitions spec; empty when `partitionsDefinition(spec)` will succeed. */
export function validatePartitions(spec: PartitionsSpec): PartitionsProblem[] {
  if (isStaticPartitionsSpec(spec)) return validateStatic(spec);
  if (isTimePartitionsSpec(spec)) return validateTime(spec);
  return [{ path: 'kind', message: `unknown partitions kind ${JSON.stringify((spec as { kind?: unknown }).kind)} (expected hourly, daily, weekly, monthly or static)` }];
}

/** Builds a definition; throws PartitionsSpecError listing every problem of an invalid spec. */
export function partitionsDefinition(spec: PartitionsSpec): PartitionsDefinition {
  const problems = validatePartitions(spec);
  if (problems.length > 0) throw new PartitionsSpecError(problems);
  if (isStaticPartitionsSpec(spec)) return new StaticPartitionsDefinition(spec);
  return timePartitionsDefinition(spec);
}

function timePartitionsDefinition(spec: TimePartitionsSpec): TimeWindowPartitionsDefinition {
  const zone = findZone(spec.timezone ?? 'UTC') as ZoneRules;
  const start = parsePartitionBoundary(spec.start, zone) as Instant;
  const end = spec.end === undefined ? null : parsePartitionBoundary(spec.end, zone);
  const cadence: Cadence = {
    kind: spec.kind,
    zone,
    minuteOffset: spec.minuteOffset ?? 0,
    hourOffset: spec.kind === 'hourly' ? 0 : (spec.hourOffset ?? 0),
    dayOffset: spec.kind === 'weekly' ? (spec.dayOffset ?? 0) : spec.kind === 'monthly' ? (spec.dayOffset ?? 1) : 0,
  };
  return new TimeWindowPartitionsDefinition(spec, timeSlots(cadence, start), start, end);
}

/** The time-window implementation behind a definition, or null for static (or foreign) ones. */
export function asTimeWindowDefinition(def: PartitionsDefinition): TimeWindowPartitionsDefinition | null {
  return def instanceof TimeWindowPartitionsDefinition ? def : null;
}
