import { wallClockOfParts } from './calendar';
import { UnknownTimeZoneError } from './errors';
import { parseInstant as at } from './iso';
import fc from 'fast-check';
import { canonicalTimeZone, fromLocal, instantOfWallClock, instantsOfWallClock, isValidTimeZone, offsetAt, toLocal, zoneRules } from './zone';

const HOUR = 3_600_000;

describe('time zones through Intl', () => {
  it('validates and canonicalizes IANA names', () => {
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
    expect(isValidTimeZone('+01:00')).toBe(false);
    expect(canonicalTimeZone('utc')).toBe('UTC');
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(() => zoneRules('Nowhere/Land')).toThrow(UnknownTimeZoneError);
  });

  it('knows the offsets of New York and Berlin in winter and summer', () => {
    expect(offsetAt(at('2024-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetAt(at('2024-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
    expect(offsetAt(at('2024-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
    expect(offsetAt(at('2024-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(at('2024-07-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * HOUR);
  });

  it('switches exactly at the transition instant', () => {
    // New York springs forward at 2024-03-10 02:00 EST = 07:00Z; Berlin falls back 2024-10-27 03:00 CEST = 01:00Z.
    expect(offsetAt(at('2024-03-10T06:59:59Z'), 'America/New_York')).toBe(-5 * HOUR);
    expect(offsetAt(at('2024-03-10T07:00:00Z'), 'America/New_York')).toBe(-4 * HOUR);
    expect(offsetAt(at('2024-10-27T00:59:59Z'), 'Europe/Berlin')).toBe(2 * HOUR);
    expect(offsetAt(at('2024-10-27T01:00:00Z'), 'Europe/Berlin')).toBe(1 * HOUR);
  });

  it('shifts a wall clock in a spring-forward gap forward by the gap', () => {
    expect(instantsOfWallClock(wallClockOfParts(2024, 3, 10, 2, 30), 'America/New_York')).toEqual([]);
    expect(instantOfWallClock(wallClockOfParts(2024, 3, 10, 2, 30), 'America/New_York')).toBe(at('2024-03-10T03:30:00-04:00'));
    expect(instantOfWallClock(wallClockOfParts(2024, 3, 31, 2, 15), 'Europe/Berlin')).toBe(at('2024-03-31T03:15:00+02:00'));
  });

  it('takes the earliest instant of a fall-back overlap', () => {
    const wall = wallClockOfParts(2024, 11, 3, 1, 30);
    expect(instantsOfWallClock(wall, 'America/New_York')).toEqual([at('2024-11-03T01:30:00-04:00'), at('2024-11-03T01:30:00-05:00')]);
    expect(instantOfWallClock(wall, 'America/New_York')).toBe(at('2024-11-03T05:30:00Z'));
  });

  it('agrees with Intl.DateTimeFormat on random instants (property)', () => {
    const zones = ['America/New_York', 'Europe/Berlin', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/Santiago'];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1975, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(...zones), (t, zone) => {
        const whole = Math.floor(t / 1000) * 1000;
        const parts = new Intl.DateTimeFormat('en-US', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: 'numeric',
          day: 'numeric',
          hour: 'numeric',
          minute: 'numeric',
          second: 'numeric',
        }).formatToParts(whole);
        const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
        const local = toLocal(whole, zone);
        expect([local.year, local.month, local.day, local.hour, local.minute, local.second]).toEqual(
          ['year', 'month', 'day', 'hour', 'minute', 'second'].map(get),
        );
        // And local → instant comes back: to the same instant, or to the earlier of a repeated wall clock.
        const instants = instantsOfWallClock(whole + offsetAt(whole, zone), zone);
        expect(instants).toContain(whole);
        expect(fromLocal(local, zone)).toBe(instants[0]);
      }),
      { numRuns: 300 },
    );
  });
});
