import fc from 'fast-check';
import { firstTickAtOrAfter, formatInstant, nextTick, parseInstant as at } from '../time';
import { PartitionsSpecError, partitionsDefinition, validatePartitions } from './definition';
import { TimeWindowPartitionsDefinition } from './time-partitions';
import type { PartitionsDefinition, TimePartitionsSpec } from './types';

const HOUR = 3_600_000;

function def(spec: TimePartitionsSpec): TimeWindowPartitionsDefinition {
  const d = partitionsDefinition(spec);
  if (!(d instanceof TimeWindowPartitionsDefinition)) throw new Error('expected a time-window definition');
  return d;
}

function keysOf(d: PartitionsDefinition, from: number, to: number): (string | null)[] {
  const out: (string | null)[] = [];
  for (let i = from; i <= to; i += 1) out.push(d.keyAt(i));
  return out;
}

function window(d: PartitionsDefinition, i: number): [string, string] {
  const w = d.windowAt(i);
  if (w === null) throw new Error(`no window ${i}`);
  return [formatInstant(w.start), formatInstant(w.end)];
}

/** Hours in the windows whose keys start with a date. */
function windowsOfDate(d: PartitionsDefinition, date: string, count: number): number {
  let n = 0;
  for (let i = 0; i < count; i += 1) if (d.keyAt(i)?.startsWith(date)) n += 1;
  return n;
}

describe('UTC daily and hourly partitions', () => {
  const daily = def({ kind: 'daily', start: '2024-01-01' });
  const hourly = def({ kind: 'hourly', start: '2013-01-05-00:00' });

  it('counts windows that have ended', () => {
    expect(daily.countAt(at('2024-01-01T23:59:59Z'))).toBe(0);
    expect(daily.countAt(at('2024-01-02T00:00:00Z'))).toBe(1);
    expect(daily.countAt(at('2023-06-01T00:00:00Z'))).toBe(0);
    expect(daily.existingAt(at('2024-01-11T05:00:00Z')).ranges()).toEqual([[0, 9]]);
    expect(hourly.countAt(at('2013-01-07T04:00:00Z'))).toBe(52);
  });

  it('keys windows by their start in the partition forms', () => {
    expect(keysOf(daily, 0, 2)).toEqual(['2024-01-01', '2024-01-02', '2024-01-03']);
    expect(keysOf(hourly, 23, 24)).toEqual(['2013-01-05-23:00', '2013-01-06-00:00']);
    expect(daily.indexOf('2024-02-29')).toBe(59);
    expect(hourly.indexOf('2013-01-07-03:00')).toBe(51);
    expect(window(hourly, 51)).toEqual(['2013-01-07T03:00:00Z', '2013-01-07T04:00:00Z']);
    expect(daily.keyAt(-1)).toBeNull();
  });

  it('rejects malformed keys and keys outside the definition', () => {
    for (const key of ['2024-1-01', '2024-01-32', '2024-02-30', '20240101', '2024-01-01 ', '2024-01-01-00:00', '2023-12-31', 'x', '']) {
      expect(daily.indexOf(key)).toBeNull();
    }
    for (const key of ['2013-01-05', '2013-01-05-24:00', '2013-01-05-00:30', '2013-01-05-0:00', '2013-01-04-23:00', '2013-01-05-00:00_POST_DST_TRANSITION']) {
      expect(hourly.indexOf(key)).toBeNull();
    }
  });

  it('finds the window of an instant, end-closed on request', () => {
    expect(daily.indexForInstant(at('2024-01-02T00:00:00Z'))).toBe(1);
    expect(daily.indexForInstant(at('2024-01-02T00:00:00Z'), true)).toBe(0);
    expect(daily.indexForInstant(at('2024-01-02T12:00:00Z'), true)).toBe(1);
    expect(daily.indexForInstant(at('2023-12-31T12:00:00Z'))).toBeNull();
  });

  it('starts at the first tick at or after a mid-window start', () => {
    const d = def({ kind: 'daily', start: '2024-01-01T10:00:00Z' });
    expect(d.keyAt(0)).toBe('2024-01-02');
    const h = def({ kind: 'hourly', start: '2024-01-01T10:00:00Z', minuteOffset: 15 });
    expect(h.keyAt(0)).toBe('2024-01-01-10:15');
  });

  it('compares shapes', () => {
    expect(daily.sameAs(def({ kind: 'daily', start: '2024-01-01', timezone: 'UTC' }))).toBe(true);
    expect(daily.sameAs(def({ kind: 'daily', start: '2024-01-02' }))).toBe(false);
    expect(daily.sameAs(def({ kind: 'daily', start: '2024-01-01', endOffset: 1 }))).toBe(false);
    expect(daily.sameAs(def({ kind: 'daily', start: '2024-01-01', timezone: 'Europe/Berlin' }))).toBe(false);
    expect(daily.sameAs(partitionsDefinition({ kind: 'static', keys: ['a'] }))).toBe(false);
  });
});

describe('offsets, end and endOffset', () => {
  it('applies minute and hour offsets to daily windows', () => {
    const d = def({ kind: 'daily', start: '2024-01-01', hourOffset: 6, minuteOffset: 30 });
    expect(window(d, 0)).toEqual(['2024-01-01T06:30:00Z', '2024-01-02T06:30:00Z']);
    expect(d.keyAt(0)).toBe('2024-01-01');
    expect(d.countAt(at('2024-01-02T06:29:00Z'))).toBe(0);
    expect(d.countAt(at('2024-01-02T06:30:00Z'))).toBe(1);
  });

  it('starts weekly windows on dayOffset (0 = Sunday)', () => {
    const sunday = def({ kind: 'weekly', start: '2024-01-01' });
    expect(sunday.keyAt(0)).toBe('2024-01-07');
    const wednesday = def({ kind: 'weekly', start: '2024-01-01', dayOffset: 3, hourOffset: 9 });
    expect(window(wednesday, 0)).toEqual(['2024-01-03T09:00:00Z', '2024-01-10T09:00:00Z']);
    expect(wednesday.indexOf('2024-01-10')).toBe(1);
    expect(wednesday.indexOf('2024-01-11')).toBeNull();
  });

  it('starts monthly windows on dayOffset (default 1)', () => {
    const first = def({ kind: 'monthly', start: '2024-01-01' });
    expect(keysOf(first, 0, 2)).toEqual(['2024-01-01', '2024-02-01', '2024-03-01']);
    expect(window(first, 1)).toEqual(['2024-02-01T00:00:00Z', '2024-03-01T00:00:00Z']);
    const fifteenth = def({ kind: 'monthly', start: '2024-01-20', dayOffset: 15 });
    expect(keysOf(fifteenth, 0, 1)).toEqual(['2024-02-15', '2024-03-15']);
    expect(fifteenth.indexOf('2024-03-01')).toBeNull();
    expect(fifteenth.countAt(at('2024-03-15T00:00:00Z'))).toBe(1);
  });

  it('endOffset 1 adds the current window; -1 hides the newest', () => {
    const now = at('2024-01-05T12:00:00Z');
    expect(def({ kind: 'daily', start: '2024-01-01' }).countAt(now)).toBe(4);
    expect(def({ kind: 'daily', start: '2024-01-01', endOffset: 1 }).countAt(now)).toBe(5);
    expect(def({ kind: 'daily', start: '2024-01-01', endOffset: -1 }).countAt(now)).toBe(3);
    expect(def({ kind: 'daily', start: '2024-01-01', endOffset: 1 }).countAt(at('2024-01-01T00:00:00Z'))).toBe(1);
    expect(def({ kind: 'daily', start: '2024-01-01', endOffset: 1 }).countAt(at('2023-12-31T00:00:00Z'))).toBe(0);
    expect(def({ kind: 'daily', start: '2024-01-01', endOffset: -1 }).countAt(at('2024-01-01T00:00:00Z'))).toBe(0);
  });

  it('keeps only windows that end by `end`', () => {
    const d = def({ kind: 'daily', start: '2024-01-01', end: '2024-01-04' });
    expect(d.size).toBe(3);
    expect(d.countAt(at('2030-01-01T00:00:00Z'))).toBe(3);
    expect(d.keyAt(2)).toBe('2024-01-03');
    expect(d.keyAt(3)).toBeNull();
    expect(d.indexOf('2024-01-04')).toBeNull();
    expect(d.windowAt(3)).toBeNull();
    expect(def({ kind: 'daily', start: '2024-01-01', end: '2024-01-04T12:00:00Z' }).size).toBe(3);
    // A capped definition still applies a negative endOffset to what the cap leaves.
    expect(def({ kind: 'daily', start: '2024-01-01', end: '2024-01-04', endOffset: -1 }).countAt(at('2030-01-01T00:00:00Z'))).toBe(2);
    expect(def({ kind: 'daily', start: '2024-01-01', end: '2024-01-04', endOffset: 1 }).countAt(at('2024-01-03T12:00:00Z'))).toBe(3);
  });
});

describe('daylight saving time', () => {
  it('gives New York daily windows of 23 and 25 hours, keyed by local date', () => {
    const d = def({ kind: 'daily', start: '2024-03-09', timezone: 'America/New_York' });
    expect(window(d, 1)).toEqual(['2024-03-10T05:00:00Z', '2024-03-11T04:00:00Z']);
    const fall = def({ kind: 'daily', start: '2024-11-02', timezone: 'America/New_York' });
    expect(window(fall, 1)).toEqual(['2024-11-03T04:00:00Z', '2024-11-04T05:00:00Z']);
    expect(fall.indexOf('2024-11-03')).toBe(1);
    expect(fall.indexForInstant(at('2024-11-04T04:30:00Z'))).toBe(1);
  });

  it('gives New York hourly partitions 23 hours on spring forward and 25 on fall back', () => {
    const h = def({ kind: 'hourly', start: '2024-03-01-00:00', timezone: 'America/New_York' });
    const count = h.countAt(at('2024-12-01T00:00:00Z'));
    expect(windowsOfDate(h, '2024-03-10', count)).toBe(23);
    expect(windowsOfDate(h, '2024-11-03', count)).toBe(25);
    expect(windowsOfDate(h, '2024-11-04', count)).toBe(24);
    const i = h.indexOf('2024-11-03-01:00') as number;
    expect(h.keyAt(i + 1)).toBe('2024-11-03-01:00_POST_DST_TRANSITION');
    expect(h.keyAt(i + 2)).toBe('2024-11-03-02:00');
    expect(window(h, i + 1)).toEqual(['2024-11-03T06:00:00Z', '2024-11-03T07:00:00Z']);
    expect(h.indexOf('2024-03-10-02:00')).toBeNull();
    expect(h.keyAt((h.indexOf('2024-03-10-01:00') as number) + 1)).toBe('2024-03-10-03:00');
    expect(h.indexOf('2024-11-04-01:00_POST_DST_TRANSITION')).toBeNull();
  });

  it('does the same in Berlin', () => {
    const h = def({ kind: 'hourly', start: '2024-03-30-00:00', timezone: 'Europe/Berlin' });
    const count = h.countAt(at('2024-11-01T00:00:00Z'));
    expect(windowsOfDate(h, '2024-03-31', count)).toBe(23);
    expect(windowsOfDate(h, '2024-10-27', count)).toBe(25);
    const d = def({ kind: 'daily', start: '2024-10-26', timezone: 'Europe/Berlin', hourOffset: 2, minuteOffset: 30 });
    // 02:30 happens twice on 2024-10-27: the window starts at the first.
    expect(window(d, 1)).toEqual(['2024-10-27T00:30:00Z', '2024-10-28T01:30:00Z']);
    const spring = def({ kind: 'daily', start: '2024-03-30', timezone: 'Europe/Berlin', hourOffset: 2, minuteOffset: 30 });
    // 02:30 does not exist on 2024-03-31: the window starts at 03:30 local.
    expect(window(spring, 1)).toEqual(['2024-03-31T01:30:00Z', '2024-04-01T00:30:00Z']);
    expect(spring.keyAt(1)).toBe('2024-03-31');
  });

  const zones = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'America/Santiago'];
  const timeSpec = fc.record({
    kind: fc.constantFrom('hourly' as const, 'daily' as const, 'weekly' as const, 'monthly' as const),
    start: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2030, 0, 1) }).map((t) => formatInstant(t)),
    timezone: fc.constantFrom(...zones),
    minuteOffset: fc.constantFrom(0, 15, 30, 45),
    hourOffset: fc.constantFrom(0, 1, 2, 3, 23),
    dayOffset: fc.integer({ min: 1, max: 6 }),
  });
  const toSpec = (r: { kind: TimePartitionsSpec['kind']; start: string; timezone: string; minuteOffset: number; hourOffset: number; dayOffset: number }): TimePartitionsSpec => ({
    kind: r.kind,
    start: r.start,
    timezone: r.timezone,
    minuteOffset: r.minuteOffset,
    ...(r.kind === 'hourly' ? {} : { hourOffset: r.hourOffset }),
    ...(r.kind === 'weekly' || r.kind === 'monthly' ? { dayOffset: r.dayOffset } : {}),
  });

  it('round-trips keys: indexOf(keyAt(i)) === i (property)', () => {
    fc.assert(
      fc.property(timeSpec, fc.integer({ min: 0, max: 60_000 }), (r, i) => {
        const d = def(toSpec(r));
        const key = d.keyAt(i);
        expect(key).not.toBeNull();
        expect(d.indexOf(key as string)).toBe(i);
        const w = d.windowAt(i);
        expect(d.indexForInstant((w as { start: number }).start)).toBe(i);
        expect(d.indexForInstant((w as { end: number }).end, true)).toBe(i);
      }),
      { numRuns: 300 },
    );
  });

  it('has contiguous increasing windows that are the ticks of its cron (property)', () => {
    fc.assert(
      fc.property(timeSpec, fc.integer({ min: 0, max: 60_000 }), (r, i) => {
        const d = def(toSpec(r));
        const w0 = d.windowAt(i);
        const w1 = d.windowAt(i + 1);
        if (w0 === null || w1 === null) throw new Error('window missing');
        expect(w0.start).toBeLessThan(w0.end);
        expect(w0.end).toBe(w1.start);
        expect(nextTick(d.cronSchedule, w0.start, d.timezone)).toBe(w0.end);
        expect(d.windowAt(0)?.start).toBe(firstTickAtOrAfter(d.cronSchedule, d.startInstant, d.timezone));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps hourly windows one real hour long in whole-hour zones, even across transitions (property)', () => {
    const h = def({ kind: 'hourly', start: '2000-01-01-00:00', timezone: 'America/New_York' });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), (i) => {
        const w = h.windowAt(i);
        expect(w === null ? 0 : w.end - w.start).toBe(HOUR);
      }),
      { numRuns: 200 },
    );
  });
});

describe('validatePartitions', () => {
  it('accepts good specs', () => {
    expect(validatePartitions({ kind: 'daily', start: '2024-01-01', timezone: 'Europe/Berlin', end: '2025-01-01', hourOffset: 3, endOffset: 1 })).toEqual([]);
    expect(validatePartitions({ kind: 'static', keys: ['a', 'b'] })).toEqual([]);
  });

  it('reports every problem with its path', () => {
    const problems = validatePartitions({ kind: 'weekly', start: '2024-02-30', end: 'soon', timezone: 'Mars/Base', minuteOffset: 60, hourOffset: -1, dayOffset: 7, endOffset: 0.5 });
    expect(problems.map((p) => p.path).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(['dayOffset', 'end', 'endOffset', 'hourOffset', 'minuteOffset', 'start', 'timezone']);
    expect(validatePartitions({ kind: 'daily', start: '2024-01-02', end: '2024-01-01' })).toEqual([{ path: 'end', message: expect.stringMatching(/must be after start/) }]);
    expect(validatePartitions({ kind: 'monthly', start: '2024-01-01', dayOffset: 31 }).map((p) => p.path)).toEqual(['dayOffset']);
    expect(validatePartitions({ kind: 'hourly', start: '2024-01-01', hourOffset: 2 }).map((p) => p.path)).toEqual(['hourOffset']);
    expect(validatePartitions({ kind: 'hourly', start: '2024-01-01', timezone: 'Australia/Lord_Howe' }).map((p) => p.path)).toEqual(['timezone']);
    expect(validatePartitions({ kind: 'static', keys: ['a', 'b', 'a', ''] })).toEqual([
      { path: 'keys[2]', message: 'duplicate key "a" (also keys[0])' },
      { path: 'keys[3]', message: expect.stringMatching(/non-empty string/) },
    ]);
    expect(validatePartitions({ kind: 'yearly' } as never).map((p) => p.path)).toEqual(['kind']);
  });

  it('refuses to build an invalid definition, listing the problems', () => {
    expect(() => partitionsDefinition({ kind: 'daily', start: 'yesterday' })).toThrow(PartitionsSpecError);
    expect(() => partitionsDefinition({ kind: 'daily', start: 'yesterday' })).toThrow(/start: "yesterday" is not a date/);
  });
});

describe('static partitions', () => {
  const s = partitionsDefinition({ kind: 'static', keys: ['us', 'eu', 'apac'] });

  it('indexes keys by position and always has all of them', () => {
    expect(s.isTimeWindow).toBe(false);
    expect(s.countAt(0)).toBe(3);
    expect(s.existingAt(0).ranges()).toEqual([[0, 2]]);
    expect(s.keyAt(1)).toBe('eu');
    expect(s.keyAt(3)).toBeNull();
    expect(s.indexOf('apac')).toBe(2);
    expect(s.indexOf('EU')).toBeNull();
    expect(s.windowAt(0)).toBeNull();
    expect(s.indexForInstant(0)).toBeNull();
    expect(s.sameAs(partitionsDefinition({ kind: 'static', keys: ['us', 'eu', 'apac'] }))).toBe(true);
    expect(s.sameAs(partitionsDefinition({ kind: 'static', keys: ['us', 'apac', 'eu'] }))).toBe(false);
  });
});
