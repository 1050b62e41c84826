// ISO-8601 instants and durations as the project writes them: instants `2024-01-01T00:00:00Z`
// (an offset such as `+02:00` is accepted on input; output is always UTC), durations in the short
// form of scenario files (`35m`, `2h`, `1d`, `30s`, combined as `1h30m`) or ISO form (`PT35M`).

import {
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
  MS_PER_SECOND,
  floorDiv,
  isValidCivilDate,
  localDateTimeOf,
  pad2,
  pad4,
  wallClockOfParts,
  type LocalDateTime,
} from './calendar';
import { TimeError } from './errors';

type Instant = number;

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/** Parses an ISO-8601 instant, or returns null. A time without offset is read as UTC. */
export function tryParseInstant(text: string): Instant | null {
  const m = INSTANT.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s, frac, , sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (!isValidCivilDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  let offset = 0;
  if (sign !== undefined) {
    const offsetHours = Number(oh);
    const offsetMinutes = Number(om);
    if (offsetHours > 23 || offsetMinutes > 59) return null;
    offset = (sign === '-' ? -1 : 1) * (offsetHours * MS_PER_HOUR + offsetMinutes * MS_PER_MINUTE);
  }
  return wallClockOfParts(year, month, day, hour, minute) + second * MS_PER_SECOND + millis - offset;
}

/** Parses an ISO-8601 instant; throws TimeError('INSTANT_INVALID') when it is not one. */
export function parseInstant(text: string): Instant {
  const t = tryParseInstant(text);
  if (t === null) {
    throw new TimeError('INSTANT_INVALID', `"${text}" is not an ISO-8601 instant (expected e.g. 2024-01-01T00:00:00Z)`);
  }
  return t;
}

/** `2024-01-01T00:00:00Z`; milliseconds are written only when there are some. */
export function formatInstant(t: Instant): string {
  return `${formatLocalDateTime(localDateTimeOf(t))}Z`;
}

/** `2024-01-01T00:00:00` (no zone designator), with `.sss` only when there are milliseconds. */
export function formatLocalDateTime(l: LocalDateTime): string {
  const base = `${pad4(l.year)}-${pad2(l.month)}-${pad2(l.day)}T${pad2(l.hour)}:${pad2(l.minute)}:${pad2(l.second)}`;
  return l.millisecond === 0 ? base : `${base}.${String(l.millisecond).padStart(3, '0')}`;
}

const LOCAL_FORMS = /^(\d{4})-(\d{2})-(\d{2})(?:(?:-|[Tt ])(\d{2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * Parses a local date-time without zone: `YYYY-MM-DD`, `YYYY-MM-DD-HH:MM` (the hourly partition
 * key form) or `YYYY-MM-DDTHH:MM[:SS]`, to its wall-clock value (see calendar.ts); null otherwise.
 */
export function tryParseLocalDateTime(text: string): number | null {
  const m = LOCAL_FORMS.exec(text.trim());
  if (m === null) return null;
  const [, y, mo, d, h, mi, s] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (!isValidCivilDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  return wallClockOfParts(year, month, day, hour, minute) + second * MS_PER_SECOND;
}

const UNIT_MS: Readonly<Record<string, number>> = {
  w: 7 * MS_PER_DAY,
  d: MS_PER_DAY,
  h: MS_PER_HOUR,
  m: MS_PER_MINUTE,
  s: MS_PER_SECOND,
  ms: 1,
};
const SHORT_ORDER = ['w', 'd', 'h', 'm', 's', 'ms'];
const SHORT_DURATION = /^(?:\d+(?:ms|[wdhms]))+$/;
const SHORT_PART = /(\d+)(ms|[wdhms])/g;
const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d{1,3})?)S)?)?$/i;

/** Parses `35m`, `2h`, `1d`, `30s`, `1h30m`, `250ms`, `1w` or ISO `P1DT2H30M`; null otherwise. */
export function tryParseDuration(text: string): number | null {
  const trimmed = text.trim();
  if (SHORT_DURATION.test(trimmed)) {
    let total = 0;
    let lastRank = -1;
    for (const [, amount, unit] of trimmed.matchAll(SHORT_PART)) {
      const rank = SHORT_ORDER.indexOf(unit as string);
      // Units must go from largest to smallest, each at most once: "30m1h" is a typo, not 90m.
      if (rank <= lastRank) return null;
      lastRank = rank;
      total += Number(amount) * (UNIT_MS[unit as string] as number);
    }
    return total;
  }
  const iso = ISO_DURATION.exec(trimmed);
  if (iso === null || trimmed.toUpperCase() === 'P' || trimmed.toUpperCase().endsWith('T')) return null;
  const [, w, d, h, m, s] = iso;
  const num = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
  return Math.round(
    num(w) * 7 * MS_PER_DAY + num(d) * MS_PER_DAY + num(h) * MS_PER_HOUR + num(m) * MS_PER_MINUTE + num(s) * MS_PER_SECOND,
  );
}

/** Parses a duration (see tryParseDuration) to milliseconds; throws TimeError('DURATION_INVALID'). */
export function parseDuration(text: string): number {
  const ms = tryParseDuration(text);
  if (ms === null) {
    throw new TimeError('DURATION_INVALID', `"${text}" is not a duration (expected e.g. 30s, 35m, 2h, 1d or 1h30m)`);
  }
  return ms;
}

/** The short form: `1d2h`, `35m`, `30s`, `0s`; negative durations get a leading `-`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  let out = '';
  for (const unit of ['d', 'h', 'm', 's', 'ms']) {
    const size = UNIT_MS[unit] as number;
    const amount = floorDiv(rest, size);
    if (amount > 0) {
      out += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return sign + out;
}
