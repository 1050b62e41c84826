import { formatDuration, formatInstant, parseDuration, parseInstant, tryParseDuration, tryParseInstant, tryParseLocalDateTime } from './iso';
import { TimeError } from './errors';
import { civilOfEpochDay, epochDayOf, wallClockOfParts } from './calendar';
import fc from 'fast-check';

describe('ISO-8601 instants', () => {
  it('parses Z, offsets, seconds and fractions', () => {
    expect(parseInstant('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseInstant('2024-01-01T00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(parseInstant('2024-01-01T02:00:00+02:00')).toBe(Date.UTC(2024, 0, 1));
    expect(parseInstant('2023-12-31T19:00:00-0500')).toBe(Date.UTC(2024, 0, 1));
    expect(parseInstant('2024-01-01T00:00:00.250Z')).toBe(Date.UTC(2024, 0, 1) + 250);
  });

  it('reads a time without designator as UTC', () => {
    expect(parseInstant('2024-06-01T12:30:00')).toBe(Date.UTC(2024, 5, 1, 12, 30));
  });

  it.each(['', '2024-01-01', '2024-13-01T00:00:00Z', '2023-02-29T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60Z', 'yesterday', '2024-01-01T00:00:00+25:00'])(
    'rejects %j with a coded error',
    (text) => {
      expect(tryParseInstant(text)).toBeNull();
      expect(() => parseInstant(text)).toThrow(TimeError);
    },
  );

  it('formats as 2024-01-01T00:00:00Z, with milliseconds only when present', () => {
    expect(formatInstant(Date.UTC(2024, 0, 1))).toBe('2024-01-01T00:00:00Z');
    expect(formatInstant(Date.UTC(2024, 0, 1, 5, 6, 7, 8))).toBe('2024-01-01T05:06:07.008Z');
  });

  it('round-trips any instant between years 1 and 9999 (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -62_135_596_800_000, max: 253_402_300_799_999 }), (t) => {
        expect(parseInstant(formatInstant(t))).toBe(t);
      }),
      { numRuns: 300 },
    );
  });

  it('parses local date-times in the partition-key forms', () => {
    expect(tryParseLocalDateTime('2024-03-10')).toBe(wallClockOfParts(2024, 3, 10));
    expect(tryParseLocalDateTime('2024-03-10-02:30')).toBe(wallClockOfParts(2024, 3, 10, 2, 30));
    expect(tryParseLocalDateTime('2024-03-10T02:30:15')).toBe(wallClockOfParts(2024, 3, 10, 2, 30) + 15_000);
    expect(tryParseLocalDateTime('2024-02-30')).toBeNull();
    expect(tryParseLocalDateTime('2024-03-10Z')).toBeNull();
  });
});

describe('calendar arithmetic', () => {
  it('agrees with Date for epoch days (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -700_000, max: 2_900_000 }), (day) => {
        const d = new Date(day * 86_400_000);
        expect(civilOfEpochDay(day)).toEqual({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
        expect(epochDayOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(day);
      }),
      { numRuns: 300 },
    );
  });
});

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['35m', 35 * 60_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['PT35M', 35 * 60_000],
    ['P1DT2H', 26 * 3_600_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '35', 'm', '1.5h', '30m1h', '1h1h', '-5m', 'P', 'PT', '5 minutes'])('rejects %j', (text) => {
    expect(tryParseDuration(text)).toBeNull();
    expect(() => parseDuration(text)).toThrow(/is not a duration/);
  });

  it('formats the short form and round-trips', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(35 * 60_000)).toBe('35m');
    expect(formatDuration(93_784_005)).toBe('1d2h3m4s5ms');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
      { numRuns: 200 },
    );
  });
});
