// Proleptic Gregorian calendar arithmetic on plain numbers, with no time zone and no Date
// pitfalls (Date.UTC maps years 0–99 to 1900–1999). A "wall clock" value is the number of
// milliseconds a local date-time would have if it were read as UTC: it orders and subtracts like
// an instant, which makes local-calendar arithmetic cheap.

export const MS_PER_SECOND = 1_000;
export const MS_PER_MINUTE = 60_000;
export const MS_PER_HOUR = 3_600_000;
export const MS_PER_DAY = 86_400_000;

/** A local (zone-less) date-time. `month` is 1–12. */
export interface LocalDateTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** Floor division that behaves for negative numbers. */
export function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Modulo whose result has the sign of the divisor. */
export function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

export function daysInMonth(year: number, month: number): number {
  if (month === 2 && isLeapYear(year)) return 29;
  return DAYS_IN_MONTH[month - 1] ?? 31;
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
export function epochDayOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floorDiv(y, 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floorDiv(153 * mp + 2, 5) + day - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The civil date of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilOfEpochDay(epochDay: number): CivilDate {
  const z = epochDay + 719_468;
  const era = floorDiv(z, 146_097);
  const doe = z - era * 146_097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36_524) - floorDiv(doe, 146_096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const day = doy - floorDiv(153 * mp + 2, 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Day of week of a day count since 1970-01-01 (a Thursday); 0 = Sunday. */
export function weekdayOfEpochDay(epochDay: number): number {
  return mod(epochDay + 4, 7);
}

export function wallClockOf(l: LocalDateTime): number {
  return (
    epochDayOf(l.year, l.month, l.day) * MS_PER_DAY +
    l.hour * MS_PER_HOUR +
    l.minute * MS_PER_MINUTE +
    l.second * MS_PER_SECOND +
    l.millisecond
  );
}

export function wallClockOfParts(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return epochDayOf(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE;
}

export function localDateTimeOf(wall: number): LocalDateTime {
  const epochDay = floorDiv(wall, MS_PER_DAY);
  let rest = wall - epochDay * MS_PER_DAY;
  const hour = floorDiv(rest, MS_PER_HOUR);
  rest -= hour * MS_PER_HOUR;
  const minute = floorDiv(rest, MS_PER_MINUTE);
  rest -= minute * MS_PER_MINUTE;
  const second = floorDiv(rest, MS_PER_SECOND);
  const { year, month, day } = civilOfEpochDay(epochDay);
  return { year, month, day, hour, minute, second, millisecond: rest - second * MS_PER_SECOND };
}

export function isValidCivilDate(year: number, month: number, day: number): boolean {
  return (
    Number.isInteger(year) &&
    Number.isInteger(month) &&
    Number.isInteger(day) &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month)
  );
}

export function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function pad4(n: number): string {
  return String(n).padStart(4, '0');
}

/** `YYYY-MM-DD`. */
export function formatCivilDate(d: CivilDate): string {
  return `${pad4(d.year)}-${pad2(d.month)}-${pad2(d.day)}`;
}
