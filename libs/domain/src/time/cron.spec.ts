import fc from 'fast-check';
import { CronParseError } from './errors';
import { cronProblem, latestTickAtOrBefore, nextTick, parseCron } from './cron';
import { formatInstant, parseInstant as at } from './iso';

const MINUTE = 60_000;
const HOUR = 3_600_000;

function ticks(cron: string, after: string, count: number, zone = 'UTC'): string[] {
  const out: string[] = [];
  let t = at(after);
  for (let i = 0; i < count; i += 1) {
    t = nextTick(cron, t, zone);
    out.push(formatInstant(t));
  }
  return out;
}

describe('cron parsing', () => {
  it('expands lists, ranges, steps, names and macros', () => {
    const c = parseCron('*/15 9-17/4 1,15 jan-mar MON-fri');
    expect(c.minutes).toEqual([0, 15, 30, 45]);
    expect(c.hours).toEqual([9, 13, 17]);
    expect(c.daysOfMonth).toEqual([1, 15]);
    expect(c.months).toEqual([1, 2, 3]);
    expect(c.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
    expect(parseCron('5/20 * * * *').minutes).toEqual([5, 25, 45]);
    expect(parseCron('0 0 * * 7').daysOfWeek).toEqual([0]);
    expect(parseCron('0 0 * * 5-7').daysOfWeek).toEqual([0, 5, 6]);
    expect(parseCron('@hourly').minutes).toEqual([0]);
    expect(parseCron('@weekly').daysOfWeek).toEqual([0]);
    expect(parseCron('@YEARLY').months).toEqual([1]);
    expect(parseCron('0 * * * *').everyHour).toBe(true);
    expect(parseCron('0 0-22 * * *').everyHour).toBe(false);
  });

  it.each([
    ['', /expected 5 fields/],
    ['* * * *', /expected 5 fields .*found 4/],
    ['* * * * * *', /found 6/],
    ['60 * * * *', /minute field "60": 60 is out of range 0-59/],
    ['* 24 * * *', /hour field/],
    ['* * 0 * *', /day-of-month field "0": 0 is out of range 1-31/],
    ['* * * 13 *', /month field/],
    ['* * * * 8', /day-of-week field "8"/],
    ['*/0 * * * *', /step "0" must be a positive integer/],
    ['5-1 * * * *', /runs backwards/],
    ['1,,2 * * * *', /empty list item/],
    ['* * * foo *', /"foo" is not a number or a name/],
    ['@reboot', /unknown macro/],
    ['0 0 30 2 *', /never fires/],
    ['0 0 31 4,6,9,11 *', /never fires/],
  ])('rejects %j with a clear reason', (expression, reason) => {
    expect(() => parseCron(expression)).toThrow(CronParseError);
    expect(() => parseCron(expression)).toThrow(reason);
    expect(cronProblem(expression)).toMatch(reason);
  });

  it('accepts Feb 30 when a day of week can fire instead (OR rule)', () => {
    expect(cronProblem('0 0 30 2 1')).toBeNull();
  });
});

describe('nextTick / latestTickAtOrBefore in UTC', () => {
  it('is strictly after, and at-or-before', () => {
    expect(ticks('*/15 * * * *', '2024-01-01T00:00:00Z', 3)).toEqual(['2024-01-01T00:15:00Z', '2024-01-01T00:30:00Z', '2024-01-01T00:45:00Z']);
    expect(ticks('*/15 * * * *', '2024-01-01T00:14:59.999Z', 1)).toEqual(['2024-01-01T00:15:00Z']);
    expect(formatInstant(latestTickAtOrBefore('*/15 * * * *', at('2024-01-01T00:15:00Z')))).toBe('2024-01-01T00:15:00Z');
    expect(formatInstant(latestTickAtOrBefore('*/15 * * * *', at('2024-01-01T00:14:59Z')))).toBe('2024-01-01T00:00:00Z');
  });

  it('finds Feb 29 across non-leap years, both ways', () => {
    expect(ticks('0 12 29 2 *', '2024-03-01T00:00:00Z', 2)).toEqual(['2028-02-29T12:00:00Z', '2032-02-29T12:00:00Z']);
    expect(ticks('0 0 29 2 *', '2096-03-01T00:00:00Z', 1)).toEqual(['2104-02-29T00:00:00Z']);
    expect(formatInstant(latestTickAtOrBefore('0 12 29 2 *', at('2027-06-01T00:00:00Z')))).toBe('2024-02-29T12:00:00Z');
  });

  it('ORs day of month and day of week when both are restricted (Vixie)', () => {
    // 2024-06: the 13th is a Thursday; Fridays are 7, 14, 21, 28.
    expect(ticks('0 0 13 * fri', '2024-06-01T00:00:00Z', 4)).toEqual([
      '2024-06-07T00:00:00Z',
      '2024-06-13T00:00:00Z',
      '2024-06-14T00:00:00Z',
      '2024-06-21T00:00:00Z',
    ]);
    // A field starting with * makes it AND: odd days that are Fridays.
    expect(ticks('0 0 */2 * fri', '2024-06-01T00:00:00Z', 2)).toEqual(['2024-06-07T00:00:00Z', '2024-06-21T00:00:00Z']);
  });

  it('handles month and day names and month ends', () => {
    expect(ticks('30 6 * feb sun', '2024-01-01T00:00:00Z', 2)).toEqual(['2024-02-04T06:30:00Z', '2024-02-11T06:30:00Z']);
    expect(ticks('0 0 31 * *', '2024-01-31T00:00:00Z', 3)).toEqual(['2024-03-31T00:00:00Z', '2024-05-31T00:00:00Z', '2024-07-31T00:00:00Z']);
    expect(ticks('@monthly', '2024-12-15T00:00:00Z', 1)).toEqual(['2025-01-01T00:00:00Z']);
  });

  it('matches a day-by-day reference for random day fields (property)', () => {
    const field = (values: readonly string[]): fc.Arbitrary<string> => fc.constantFrom(...values);
    fc.assert(
      fc.property(
        field(['*', '1', '15', '29', '31', '1-7', '*/10', '28-31', '13']),
        field(['*', '2', '1-6', '*/3', 'feb,aug', '12']),
        field(['*', '0', '5', 'mon-fri', '*/2', '6,0']),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (dom, month, dow, after) => {
          const expression = `0 0 ${dom} ${month} ${dow}`;
          if (cronProblem(expression) !== null) return;
          const c = parseCron(expression);
          const matches = (day: Date): boolean => {
            const domOk = c.daysOfMonth.includes(day.getUTCDate());
            const dowOk = c.daysOfWeek.includes(day.getUTCDay());
            const dayOk = dom.startsWith('*') || dow.startsWith('*') ? domOk && dowOk : domOk || dowOk;
            return dayOk && c.months.includes(day.getUTCMonth() + 1);
          };
          let day = Math.floor(after / 86_400_000) + 1;
          while (!matches(new Date(day * 86_400_000))) day += 1;
          expect(formatInstant(nextTick(expression, after))).toBe(formatInstant(day * 86_400_000));
          let back = Math.floor(after / 86_400_000);
          while (!matches(new Date(back * 86_400_000))) back -= 1;
          expect(formatInstant(latestTickAtOrBefore(expression, after))).toBe(formatInstant(back * 86_400_000));
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('cron in a zone with daylight saving time', () => {
  it('fires a 02:30 daily cron once, shifted to 03:30, on a spring-forward day', () => {
    expect(ticks('30 2 * * *', '2024-03-09T12:00:00Z', 3, 'America/New_York')).toEqual([
      '2024-03-10T07:30:00Z', // 03:30 EDT: 02:30 does not exist that day
      '2024-03-11T06:30:00Z',
      '2024-03-12T06:30:00Z',
    ]);
    expect(formatInstant(nextTick('30 2 * * *', at('2024-03-10T07:00:00Z'), 'America/New_York'))).toBe('2024-03-10T07:30:00Z');
    expect(formatInstant(latestTickAtOrBefore('30 2 * * *', at('2024-03-10T07:45:00Z'), 'America/New_York'))).toBe('2024-03-10T07:30:00Z');
  });

  it('fires a 01:30 daily cron once, at the first 01:30, on a fall-back day', () => {
    expect(ticks('30 1 * * *', '2024-11-02T12:00:00Z', 2, 'America/New_York')).toEqual(['2024-11-03T05:30:00Z', '2024-11-04T06:30:00Z']);
    expect(ticks('30 2 * * *', '2024-10-26T12:00:00Z', 2, 'Europe/Berlin')).toEqual(['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
  });

  it('fires an hourly cron every real hour: 23 on spring forward, 25 on fall back', () => {
    const count = (from: string, to: string, zone: string): number => {
      let n = 0;
      for (let t = nextTick('0 * * * *', at(from) - 1, zone); t < at(to); t = nextTick('0 * * * *', t, zone)) n += 1;
      return n;
    };
    expect(count('2024-03-10T00:00:00-05:00', '2024-03-11T00:00:00-04:00', 'America/New_York')).toBe(23);
    expect(count('2024-11-03T00:00:00-04:00', '2024-11-04T00:00:00-05:00', 'America/New_York')).toBe(25);
    expect(count('2024-03-31T00:00:00+01:00', '2024-04-01T00:00:00+02:00', 'Europe/Berlin')).toBe(23);
    expect(count('2024-10-27T00:00:00+02:00', '2024-10-28T00:00:00+01:00', 'Europe/Berlin')).toBe(25);
    expect(ticks('0 * * * *', '2024-11-03T04:30:00Z', 3, 'America/New_York')).toEqual([
      '2024-11-03T05:00:00Z', // 01:00 EDT
      '2024-11-03T06:00:00Z', // 01:00 EST
      '2024-11-03T07:00:00Z', // 02:00 EST
    ]);
  });

  it('evaluates in the zone, not in UTC', () => {
    expect(ticks('0 9 * * mon', '2024-06-01T00:00:00Z', 1, 'Europe/Berlin')).toEqual(['2024-06-03T07:00:00Z']);
    expect(ticks('0 0 1 * *', '2024-06-15T00:00:00Z', 1, 'Asia/Kolkata')).toEqual(['2024-06-30T18:30:00Z']);
  });

  // The reference walks real minutes with Intl only: a wall-clock minute fires at its first
  // occurrence (every occurrence if the cron fires every hour) and a skipped one at
  // (skipped wall clock − offset before the gap).
  const wallCache = new Map<string, number>();
  function referenceTicks(cron: string, zone: string, from: number, to: number): number[] {
    const c = parseCron(cron);
    const fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
    });
    const wallOf = (t: number): number => {
      const key = `${zone}|${t}`;
      const known = wallCache.get(key);
      if (known !== undefined) return known;
      const p = Object.fromEntries(fmt.formatToParts(t).map((x) => [x.type, Number(x.value)]));
      const wall = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0);
      wallCache.set(key, wall);
      return wall;
    };
    const fires = (wall: number): boolean => {
      const d = new Date(wall);
      const domOk = c.daysOfMonth.includes(d.getUTCDate());
      const dowOk = c.daysOfWeek.includes(d.getUTCDay());
      const dayOk = c.dayOfMonthStar || c.dayOfWeekStar ? domOk && dowOk : domOk || dowOk;
      return dayOk && c.months.includes(d.getUTCMonth() + 1) && c.hours.includes(d.getUTCHours()) && c.minutes.includes(d.getUTCMinutes());
    };
    const out = new Set<number>();
    let maxWall = wallOf(Math.ceil(from / MINUTE) * MINUTE - MINUTE);
    let previousWall = maxWall;
    for (let t = Math.ceil(from / MINUTE) * MINUTE; t <= to; t += MINUTE) {
      const wall = wallOf(t);
      for (let skipped = previousWall + MINUTE; skipped < wall; skipped += MINUTE) {
        if (fires(skipped)) out.add(skipped - (previousWall - (t - MINUTE)));
      }
      const repeated = wall <= maxWall;
      if (fires(wall) && (!repeated || c.everyHour)) out.add(t);
      maxWall = Math.max(maxWall, wall);
      previousWall = wall;
    }
    return [...out].sort((a, b) => a - b);
  }

  it('matches a minute-by-minute Intl reference around transitions (property)', () => {
    const transitions = [
      ['America/New_York', '2024-03-10T07:00:00Z'],
      ['America/New_York', '2024-11-03T06:00:00Z'],
      ['Europe/Berlin', '2024-03-31T01:00:00Z'],
      ['Europe/Berlin', '2024-10-27T01:00:00Z'],
      ['Australia/Lord_Howe', '2024-04-06T15:00:00Z'],
      ['Australia/Lord_Howe', '2024-10-05T15:30:00Z'],
    ] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...transitions),
        fc.constantFrom('0', '30', '*/15', '5,50', '*/7', '45'),
        fc.constantFrom('*', '1', '2', '3', '1-3', '*/2', '0,2', '2,3'),
        fc.integer({ min: -6 * 60, max: 6 * 60 }),
        ([zone, transition], minute, hour, shiftMinutes) => {
          const cron = `${minute} ${hour} * * *`;
          const after = at(transition) + shiftMinutes * MINUTE + 17_000;
          const reference = referenceTicks(cron, zone, after - 30 * HOUR, after + 30 * HOUR);
          const expectedNext = reference.find((t) => t > after);
          const expectedLatest = [...reference].reverse().find((t) => t <= after);
          expect(expectedNext).toBeDefined();
          expect(expectedLatest).toBeDefined();
          expect(formatInstant(nextTick(cron, after, zone))).toBe(formatInstant(expectedNext as number));
          expect(formatInstant(latestTickAtOrBefore(cron, after, zone))).toBe(formatInstant(expectedLatest as number));
        },
      ),
      { numRuns: 200 },
    );
  });
});
