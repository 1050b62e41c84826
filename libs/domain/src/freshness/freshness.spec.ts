// Freshness arithmetic: the worked table of reference §1.3, violation start instants, per-partition
// deadlines and the execution periods of §2.6.

import { parseInstant } from '../time';
import type { FreshnessPolicySpec } from '../specs/types';
import { executionPeriod, lagMinutes, mergePeriods, nextViolationAt, overdueMinutes, partitionDeadline } from './freshness';

const t = (iso: string): number => parseInstant(iso);
const day1 = '2024-01-01';
const day2 = '2024-01-02';

describe('overdue minutes (reference §1.3 table)', () => {
  const rows: [string, FreshnessPolicySpec, string, string, number, number][] = [
    ['30m, fresh', { maximumLagMinutes: 30 }, `${day1}T00:00:00Z`, `${day1}T00:25:00Z`, 0, 25],
    ['30m, late', { maximumLagMinutes: 30 }, `${day1}T00:00:00Z`, `${day1}T01:00:00Z`, 30, 60],
    ['@daily 15m', { maximumLagMinutes: 15, cronSchedule: '@daily' }, `${day1}T23:55:00Z`, `${day2}T00:10:00Z`, 0, 5],
    ['@daily 15m, data newer than tick', { maximumLagMinutes: 15, cronSchedule: '@daily' }, `${day1}T00:30:00Z`, `${day1}T01:00:00Z`, 0, 0],
    ['@daily 60m', { maximumLagMinutes: 60, cronSchedule: '@daily' }, `${day1}T22:00:00Z`, `${day2}T02:00:00Z`, 60, 120],
    ['@hourly 5h', { maximumLagMinutes: 300, cronSchedule: '@hourly' }, `${day1}T01:15:00Z`, `${day1}T07:45:00Z`, 45, 345],
    // 0 3 * * * in Los Angeles (UTC−8 in January): 01:00 LA = 09:00Z, 03:15 LA = 11:15Z.
    ['LA 60m', { maximumLagMinutes: 60, cronSchedule: '0 3 * * *', cronTimezone: 'America/Los_Angeles' }, `${day1}T09:00:00Z`, `${day1}T11:15:00Z`, 60, 120],
    // 00:00 LA = 08:00Z, 02:15 LA = 10:15Z: the tick used is yesterday's 03:00.
    ['LA before tick', { maximumLagMinutes: 60, cronSchedule: '0 3 * * *', cronTimezone: 'America/Los_Angeles' }, `${day1}T08:00:00Z`, `${day1}T10:15:00Z`, 0, 0],
  ];
  it.each(rows)('%s', (_name, policy, dataTime, now, overdue, lag) => {
    expect(overdueMinutes(policy, t(dataTime), t(now))).toBe(overdue);
    expect(lagMinutes(policy, t(dataTime), t(now))).toBe(lag);
  });

  it('is unknown (null), never overdue, when the data time is unknown', () => {
    expect(overdueMinutes({ maximumLagMinutes: 30 }, null, t(`${day1}T05:00:00Z`))).toBeNull();
    expect(nextViolationAt({ maximumLagMinutes: 30 }, null, t(`${day1}T05:00:00Z`))).toBeNull();
  });
});

describe('when a violation begins', () => {
  it('without cron: just after data time + lag', () => {
    const at = nextViolationAt({ maximumLagMinutes: 30 }, t(`${day1}T00:00:00Z`), t(`${day1}T00:10:00Z`));
    expect(at).toBe(t(`${day1}T00:30:00Z`) + 1);
    expect(overdueMinutes({ maximumLagMinutes: 30 }, t(`${day1}T00:00:00Z`), at as number)).toBeGreaterThan(0);
    expect(overdueMinutes({ maximumLagMinutes: 30 }, t(`${day1}T00:00:00Z`), (at as number) - 1)).toBe(0);
  });

  it('with cron: at the first tick whose requirement the data misses', () => {
    const policy = { maximumLagMinutes: 60, cronSchedule: '0 9 * * *' };
    // Data of 08:30 satisfies 09:00 (needs 08:00) but not the next day's 09:00.
    expect(nextViolationAt(policy, t(`${day1}T08:30:00Z`), t(`${day1}T08:45:00Z`))).toBe(t(`${day2}T09:00:00Z`));
    // Data of 07:00 misses today's 09:00 tick.
    expect(nextViolationAt(policy, t(`${day1}T07:00:00Z`), t(`${day1}T08:45:00Z`))).toBe(t(`${day1}T09:00:00Z`));
  });
});

describe('per-partition deadline (Freshet)', () => {
  it('is window end + lag, or the first cron tick at or after it', () => {
    expect(partitionDeadline({ maximumLagMinutes: 120 }, t(`${day2}T00:00:00Z`))).toBe(t(`${day2}T02:00:00Z`));
    expect(partitionDeadline({ maximumLagMinutes: 120, cronSchedule: '0 6 * * *' }, t(`${day2}T00:00:00Z`))).toBe(t(`${day2}T06:00:00Z`));
    expect(partitionDeadline({ maximumLagMinutes: 360, cronSchedule: '0 6 * * *' }, t(`${day2}T00:00:00Z`))).toBe(t(`${day2}T06:00:00Z`));
  });
});

describe('execution periods (reference §2.6)', () => {
  it('opens at 0.9·lag after the effective data time without cron', () => {
    const p = executionPeriod({ maximumLagMinutes: 30 }, t(`${day1}T00:00:00Z`), t(`${day1}T00:10:00Z`));
    expect(p).toEqual({ start: t(`${day1}T00:27:00Z`), end: t(`${day1}T00:30:00Z`) });
  });

  it('is [now − lag, now] when nothing is known', () => {
    const now = t(`${day1}T05:00:00Z`);
    expect(executionPeriod({ maximumLagMinutes: 30 }, null, now)).toEqual({ start: now - 30 * 60_000, end: now });
  });

  it('with cron, is the first tick from now whose requirement is unmet', () => {
    const policy = { maximumLagMinutes: 7 * 60, cronSchedule: '0 7 * * *' };
    // Data of 00:30 meets today's 07:00 (needs 00:00): the next period is tomorrow's.
    const p = executionPeriod(policy, t(`${day1}T00:30:00Z`), t(`${day1}T03:00:00Z`));
    expect(p).toEqual({ start: t(`${day2}T00:00:00Z`), end: t(`${day2}T07:00:00Z`) });
  });

  it('merges overlapping periods by end, narrowing the start', () => {
    const merged = mergePeriods([
      { period: { start: 10, end: 40 }, id: 'b' },
      { period: { start: 0, end: 20 }, id: 'a' },
      { period: { start: 50, end: 60 }, id: 'c' },
    ]);
    expect(merged?.period).toEqual({ start: 10, end: 40 });
    expect(merged?.members.map((m) => m.id)).toEqual(['a', 'b']);
  });
});
