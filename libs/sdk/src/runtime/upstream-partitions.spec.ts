import { builtInUpstreamPartitions, domainUpstreamPartitions, type AssetSpecJson, type UpstreamPartitionsResolver } from '@freshet/sdk';

const now = Date.UTC(2025, 0, 1);

const hourly: AssetSpecJson = { key: 'hourly', partitions: { kind: 'hourly', start: '2024-01-01-00:00' } };
const daily = (deps: AssetSpecJson['deps'], extra: Partial<AssetSpecJson> = {}): AssetSpecJson => ({
  key: 'daily',
  deps,
  partitions: { kind: 'daily', start: '2024-01-01' },
  ...extra,
});

describe.each<[string, UpstreamPartitionsResolver]>([
  ['the domain mappings', domainUpstreamPartitions(() => now)],
  ['the built-in UTC resolver', builtInUpstreamPartitions],
])('upstream partitions through %s', (_name, upstream) => {
  it('reads the unpartitioned parent as a whole', () => {
    expect(upstream(daily(['plain']), '2024-01-05', { key: 'plain' })).toEqual([null]);
  });

  it('maps a day onto its 24 hours, and offsets move the window in days', () => {
    const hours = upstream(daily(['hourly']), '2024-01-02', hourly);
    expect(hours).toHaveLength(24);
    expect(hours?.[0]).toBe('2024-01-02-00:00');
    expect(hours?.[23]).toBe('2024-01-02-23:00');
    const previousDay = upstream(daily([{ key: 'hourly', mapping: { kind: 'timeWindow', startOffset: -1, endOffset: -1 } }]), '2024-01-02', hourly);
    expect(previousDay?.[0]).toBe('2024-01-01-00:00');
    expect(previousDay).toHaveLength(24);
  });

  it('maps an hour onto the day containing it, and drops windows before the parent starts', () => {
    const child: AssetSpecJson = { key: 'h', deps: ['d'], partitions: { kind: 'hourly', start: '2024-01-01-00:00' } };
    const parent: AssetSpecJson = { key: 'd', partitions: { kind: 'daily', start: '2024-01-01' } };
    expect(upstream(child, '2024-03-10-17:00', parent)).toEqual(['2024-03-10']);
    const selfDaily = daily([{ key: 'daily', mapping: { kind: 'timeWindow', startOffset: -1, endOffset: -1 } }]);
    expect(upstream(selfDaily, '2024-01-01', selfDaily)).toEqual([]);
    expect(upstream(selfDaily, '2024-03-01', selfDaily)).toEqual(['2024-02-29']);
  });

  it('maps months and weeks in UTC', () => {
    const monthly: AssetSpecJson = { key: 'm', deps: ['daily'], partitions: { kind: 'monthly', start: '2024-01-01' } };
    const days = upstream(monthly, '2024-02-01', daily([]));
    expect(days).toHaveLength(29);
    const weekly: AssetSpecJson = { key: 'w', deps: ['daily'], partitions: { kind: 'weekly', start: '2024-01-07' } };
    expect(upstream(weekly, '2024-01-07', daily([]))).toEqual(['2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10', '2024-01-11', '2024-01-12', '2024-01-13']);
  });

  it('handles static identity and static maps, and leaves what it cannot tell to the caller', () => {
    const regions: AssetSpecJson = { key: 'r', partitions: { kind: 'static', keys: ['eu', 'us'] } };
    const child: AssetSpecJson = { key: 'c', deps: ['r'], partitions: { kind: 'static', keys: ['eu', 'us'] } };
    expect(upstream(child, 'eu', regions)).toEqual(['eu']);
    const mapped: AssetSpecJson = { ...child, deps: [{ key: 'r', mapping: { kind: 'static', map: { eu: 'all', us: ['all', 'us'] } } }], partitions: { kind: 'static', keys: ['all', 'us'] } };
    expect(upstream(mapped, 'all', regions)).toEqual(['eu', 'us']);
    // Every hour since 2024 is too many pointers: one "latest" pointer instead.
    expect(upstream({ key: 'u', deps: ['hourly'] }, null, hourly)).toBeNull();
    // Mixed time zones: neither resolver guesses.
    expect(upstream(daily(['hourly'], { partitions: { kind: 'daily', start: '2024-01-01', timezone: 'Europe/Berlin' } }), '2024-01-02', hourly)).toBeNull();
  });
});

describe('upstream partitions through the domain mappings only', () => {
  const upstream = domainUpstreamPartitions(() => now);

  it('follows the zone: the day daylight saving starts in Berlin has 23 hours', () => {
    const berlinHourly: AssetSpecJson = { key: 'h', partitions: { kind: 'hourly', start: '2024-01-01-00:00', timezone: 'Europe/Berlin' } };
    const berlinDaily: AssetSpecJson = { key: 'd', deps: ['h'], partitions: { kind: 'daily', start: '2024-01-01', timezone: 'Europe/Berlin' } };
    const hours = upstream(berlinDaily, '2024-03-31', berlinHourly);
    expect(hours).toHaveLength(23);
    expect(hours).not.toContain('2024-03-31-02:00');
  });

  it('reads only partitions that exist at `now`, and every existing one for an unpartitioned child', () => {
    const recentDaily: AssetSpecJson = { key: 'r', partitions: { kind: 'daily', start: '2024-12-29' } };
    expect(upstream({ key: 'u', deps: ['r'] }, null, recentDaily)).toEqual(['2024-12-29', '2024-12-30', '2024-12-31']);
    expect(upstream({ key: 'u', deps: [{ key: 'r', mapping: { kind: 'last' } }] }, null, recentDaily)).toEqual(['2024-12-31']);
  });
});
