// IANA time zones through Intl.DateTimeFormat, the only zone database an ES2022 runtime has.
//
// Intl answers one question: "what does the wall clock show in zone Z at instant t?". Asking it
// is slow (microseconds) and the planner asks for thousands of partitions per tick, so each zone
// keeps a table of its UTC offsets per 32-day bucket, built lazily from one Intl call per day plus
// a bisection per transition. After that, an offset is a Map lookup and a short scan. The table
// assumes at most one offset change per calendar day, which holds for every zone since 1970.
//
// Rules for wall-clock times that do not map to exactly one instant:
// - gap (spring forward): the time is shifted forward by the length of the gap, so 02:30 on a day
//   that jumps from 02:00 to 03:00 becomes 03:30 (the same rule as Temporal's "compatible");
// - overlap (fall back): the earliest instant, the one before the clocks went back.

import { MS_PER_DAY, MS_PER_SECOND, floorDiv, localDateTimeOf, wallClockOf, wallClockOfParts, type LocalDateTime } from './calendar';
import { UnknownTimeZoneError } from './errors';

/** Milliseconds since the Unix epoch, UTC. */
type Instant = number;

const BUCKET_DAYS = 32;
const BUCKET_MS = BUCKET_DAYS * MS_PER_DAY;

interface OffsetBucket {
  /** Offset (ms, local − UTC) at the start of the bucket. */
  readonly initial: number;
  /** Offset changes inside the bucket, ascending by instant. */
  readonly changes: readonly { readonly at: Instant; readonly offset: number }[];
}

/** The offsets of one zone, learned from Intl and cached. */
export class ZoneRules {
  private readonly buckets = new Map<number, OffsetBucket>();

  private constructor(
    /** The canonical IANA name (as Intl resolves it: "utc" → "UTC"). */
    readonly name: string,
    private readonly formatter: Intl.DateTimeFormat | null,
  ) {}

  static readonly UTC = new ZoneRules('UTC', null);

  static create(name: string, formatter: Intl.DateTimeFormat): ZoneRules {
    const canonical = formatter.resolvedOptions().timeZone;
    if (canonical === 'UTC' || canonical === 'Etc/UTC' || canonical === 'Etc/GMT') return ZoneRules.UTC;
    return new ZoneRules(canonical, formatter);
  }

  get isUtc(): boolean {
    return this.formatter === null;
  }

  /** UTC offset in milliseconds at `t` (local wall clock = t + offset). */
  offsetAt(t: Instant): number {
    if (this.formatter === null) return 0;
    const index = floorDiv(t, BUCKET_MS);
    let bucket = this.buckets.get(index);
    if (bucket === undefined) {
      bucket = this.buildBucket(index * BUCKET_MS);
      this.buckets.set(index, bucket);
    }
    let offset = bucket.initial;
    for (const change of bucket.changes) {
      if (change.at > t) break;
      offset = change.offset;
    }
    return offset;
  }

  /** The offset as Intl reports it, to the second. */
  private intlOffsetAt(t: Instant): number {
    const formatter = this.formatter;
    if (formatter === null) return 0;
    const whole = floorDiv(t, MS_PER_SECOND) * MS_PER_SECOND;
    const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    let bc = false;
    for (const part of formatter.formatToParts(whole)) {
      switch (part.type) {
        case 'year':
        case 'month':
        case 'day':
        case 'hour':
        case 'minute':
        case 'second':
          fields[part.type] = Number(part.value);
          break;
        case 'era':
          bc = part.value === 'BC' || part.value === 'B';
          break;
        default:
          break;
      }
    }
    // Intl counts years before 1 AD as "1 BC", "2 BC", …; the proleptic calendar says 0, −1, ….
    const year = bc ? 1 - fields.year : fields.year;
    const hour = fields.hour === 24 ? 0 : fields.hour;
    const wall = wallClockOfParts(year, fields.month, fields.day, hour, fields.minute) + fields.second * MS_PER_SECOND;
    return wall - whole;
  }

  private buildBucket(start: Instant): OffsetBucket {
    const changes: { at: Instant; offset: number }[] = [];
    const initial = this.intlOffsetAt(start);
    let previousOffset = initial;
    let previousSample = start;
    for (let day = 1; day <= BUCKET_DAYS; day += 1) {
      const sample = start + day * MS_PER_DAY;
      const offset = this.intlOffsetAt(sample);
      if (offset !== previousOffset) {
        const at = this.findChange(previousSample, sample, previousOffset);
        if (at < start + BUCKET_MS) changes.push({ at, offset: this.intlOffsetAt(at) });
        previousOffset = offset;
      }
      previousSample = sample;
    }
    return { initial, changes };
  }

  /** The first whole second in (low, high] whose offset differs from `before` (bisection). */
  private findChange(low: Instant, high: Instant, before: number): Instant {
    let lo = floorDiv(low, MS_PER_SECOND);
    let hi = floorDiv(high, MS_PER_SECOND);
    while (hi - lo > 1) {
      const mid = lo + floorDiv(hi - lo, 2);
      if (this.intlOffsetAt(mid * MS_PER_SECOND) === before) lo = mid;
      else hi = mid;
    }
    return hi * MS_PER_SECOND;
  }
}

const zoneCache = new Map<string, ZoneRules | null>();

function formatterFor(zone: string): Intl.DateTimeFormat | null {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return null;
  }
}

/** The cached rules of a zone, or null when the name is not a zone Intl knows. */
export function findZone(zone: string): ZoneRules | null {
  const cached = zoneCache.get(zone);
  if (cached !== undefined) return cached;
  // Offset strings ("+01:00") are accepted by some Intl versions; they are not IANA zones.
  const formatter = zone.trim() === '' || /^[+-]/.test(zone) ? null : formatterFor(zone);
  const rules = formatter === null ? null : ZoneRules.create(zone, formatter);
  zoneCache.set(zone, rules);
  return rules;
}

/** The rules of a zone; throws UnknownTimeZoneError for a name Intl does not know. */
export function zoneRules(zone: string = 'UTC'): ZoneRules {
  const rules = findZone(zone);
  if (rules === null) throw new UnknownTimeZoneError(zone);
  return rules;
}

export function isValidTimeZone(zone: string): boolean {
  return findZone(zone) !== null;
}

/** The canonical spelling of a zone ("utc" → "UTC", "Etc/UTC" → "UTC"), or null when unknown. */
export function canonicalTimeZone(zone: string): string | null {
  return findZone(zone)?.name ?? null;
}

/** UTC offset in milliseconds of `zone` at `t`. */
export function offsetAt(t: Instant, zone: string | ZoneRules = 'UTC'): number {
  return rulesOf(zone).offsetAt(t);
}

/** The wall-clock value (see calendar.ts) of `t` in the zone. */
export function wallClockAt(t: Instant, zone: string | ZoneRules = 'UTC'): number {
  return t + rulesOf(zone).offsetAt(t);
}

/** The local date-time of `t` in the zone. */
export function toLocal(t: Instant, zone: string | ZoneRules = 'UTC'): LocalDateTime {
  return localDateTimeOf(wallClockAt(t, zone));
}

/**
 * Every instant whose wall clock in the zone reads `wall`, ascending: none in a gap, two in an
 * overlap, one otherwise.
 */
export function instantsOfWallClock(wall: number, zone: string | ZoneRules = 'UTC'): Instant[] {
  const rules = rulesOf(zone);
  if (rules.isUtc) return [wall];
  const before = rules.offsetAt(wall - MS_PER_DAY);
  const after = rules.offsetAt(wall + MS_PER_DAY);
  const result: Instant[] = [];
  for (const offset of before === after ? [before] : [before, after]) {
    const candidate = wall - offset;
    if (rules.offsetAt(candidate) === offset) result.push(candidate);
  }
  return result.sort((a, b) => a - b);
}

/** The instant of a wall clock: earliest in an overlap, shifted forward by the gap in a gap. */
export function instantOfWallClock(wall: number, zone: string | ZoneRules = 'UTC'): Instant {
  const rules = rulesOf(zone);
  if (rules.isUtc) return wall;
  const instants = instantsOfWallClock(wall, rules);
  const first = instants[0];
  if (first !== undefined) return first;
  // In a gap: read the wall clock with the offset in force before the gap, which lands the
  // same distance past the end of the gap as the wall clock is past its start.
  return wall - rules.offsetAt(wall - MS_PER_DAY);
}

/** The instant of a local date-time in the zone (gap: shift forward; overlap: earliest). */
export function fromLocal(local: LocalDateTime, zone: string | ZoneRules = 'UTC'): Instant {
  return instantOfWallClock(wallClockOf(local), zone);
}

function rulesOf(zone: string | ZoneRules): ZoneRules {
  return typeof zone === 'string' ? zoneRules(zone) : zone;
}
