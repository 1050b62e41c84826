import fc from 'fast-check';
import { parseInstant as at } from '../time';
import { partitionsDefinition } from './definition';
import { PartitionMappingError, defaultMapping, partitionMapping, validateMapping } from './mappings';
import { partitionSetOfIndices } from './partition-set';
import type { PartitionMappingSpec, PartitionsDefinition, PartitionsSpec, UpstreamPartitions } from './types';

function keys(def: PartitionsDefinition, result: UpstreamPartitions | { indices(): Iterable<number> }): (string | null)[] {
  const set = 'partitions' in result ? result.partitions : result;
  return [...set.indices()].map((i) => def.keyAt(i));
}

const identity = partitionMapping({ kind: 'identity' });
const timeWindow = partitionMapping({ kind: 'timeWindow' });

describe('hourly → daily (timeWindow 0/0, the default)', () => {
  const hourly = partitionsDefinition({ kind: 'hourly', start: '2013-01-05-00:00' });
  const daily = partitionsDefinition({ kind: 'daily', start: '2013-01-05' });
  const now = at('2013-01-07T04:00:00Z');

  it('reads the 24 hours of the day', () => {
    const up = timeWindow.upstreamOf(1, daily, hourly, now);
    expect(up.partitions.ranges()).toEqual([[24, 47]]);
    expect(keys(hourly, up)[0]).toBe('2013-01-06-00:00');
    expect(keys(hourly, up)[23]).toBe('2013-01-06-23:00');
    expect(up.requiredButNonexistent).toEqual([]);
  });

  it('reports the hours that do not exist yet (end offset 1 on the daily)', () => {
    const today = partitionsDefinition({ kind: 'daily', start: '2013-01-05', endOffset: 1 });
    const up = timeWindow.upstreamOf(2, today, hourly, now);
    expect(up.partitions.size).toBe(4);
    expect(up.requiredButNonexistent).toHaveLength(20);
    expect(up.requiredButNonexistent[0]).toBe('2013-01-07-04:00');
    const lenient = partitionMapping({ kind: 'timeWindow', allowNonexistentUpstreamPartitions: true });
    expect(lenient.upstreamOf(2, today, hourly, now)).toEqual({ partitions: up.partitions, requiredButNonexistent: [] });
  });

  it('maps changed hours to their days', () => {
    expect(keys(daily, timeWindow.downstreamOf(hourly.range(23, 25), hourly, daily, now))).toEqual(['2013-01-05', '2013-01-06']);
    // Hours of a day that has not ended yet affect no existing daily partition.
    expect(timeWindow.downstreamOf(hourly.range(48, 51), hourly, daily, now).isEmpty()).toBe(true);
  });

  it('reads 23 or 25 hours on the DST days of New York', () => {
    const nyHourly = partitionsDefinition({ kind: 'hourly', start: '2024-03-01-00:00', timezone: 'America/New_York' });
    const nyDaily = partitionsDefinition({ kind: 'daily', start: '2024-03-01', timezone: 'America/New_York' });
    const later = at('2024-12-01T00:00:00Z');
    const spring = timeWindow.upstreamOf(nyDaily.indexOf('2024-03-10') as number, nyDaily, nyHourly, later);
    expect(spring.partitions.size).toBe(23);
    const fall = timeWindow.upstreamOf(nyDaily.indexOf('2024-11-03') as number, nyDaily, nyHourly, later);
    expect(fall.partitions.size).toBe(25);
    expect(keys(nyHourly, fall)).toContain('2024-11-03-01:00_POST_DST_TRANSITION');
  });
});

describe('timeWindow offsets', () => {
  const daily = partitionsDefinition({ kind: 'daily', start: '2024-01-01' });
  const hourly = partitionsDefinition({ kind: 'hourly', start: '2024-01-01-00:00' });
  const now = at('2024-01-10T00:00:00Z');

  it('shifts the downstream window by whole downstream partitions', () => {
    const previous = partitionMapping({ kind: 'timeWindow', startOffset: -1, endOffset: -1 });
    expect(keys(daily, previous.upstreamOf(3, daily, daily, now))).toEqual(['2024-01-03']);
    const lastTwo = partitionMapping({ kind: 'timeWindow', startOffset: -1, endOffset: 0 });
    expect(keys(daily, lastTwo.upstreamOf(3, daily, daily, now))).toEqual(['2024-01-03', '2024-01-04']);
    expect(lastTwo.upstreamOf(3, daily, hourly, now).partitions.ranges()).toEqual([[48, 95]]);
    expect(keys(daily, lastTwo.downstreamOf(daily.range(3, 3), daily, daily, now))).toEqual(['2024-01-04', '2024-01-05']);
  });

  it('reports partitions before the upstream start unless allowed', () => {
    const previous = partitionMapping({ kind: 'timeWindow', startOffset: -1, endOffset: -1 });
    expect(previous.upstreamOf(0, daily, daily, now)).toEqual({ partitions: daily.empty(), requiredButNonexistent: ['2023-12-31'] });
    const laterParent = partitionsDefinition({ kind: 'daily', start: '2024-01-03' });
    expect(timeWindow.upstreamOf(1, daily, laterParent, now).requiredButNonexistent).toEqual(['2024-01-02']);
    const lenient = partitionMapping({ kind: 'timeWindow', allowNonexistentUpstreamPartitions: true });
    expect(lenient.upstreamOf(1, daily, laterParent, now).requiredButNonexistent).toEqual([]);
  });

  it("exempts a self-dependency's first partition", () => {
    const previous = partitionMapping({ kind: 'timeWindow', startOffset: -1, endOffset: -1 });
    expect(previous.upstreamOf(0, daily, daily, now, { selfDependency: true })).toEqual({ partitions: daily.empty(), requiredButNonexistent: [] });
    expect(keys(daily, previous.upstreamOf(1, daily, daily, now, { selfDependency: true }))).toEqual(['2024-01-01']);
  });

  it('refuses different zones, static definitions and reversed offsets', () => {
    const berlin = partitionsDefinition({ kind: 'daily', start: '2024-01-01', timezone: 'Europe/Berlin' });
    const stat = partitionsDefinition({ kind: 'static', keys: ['a'] });
    expect(() => timeWindow.upstreamOf(0, daily, berlin, now)).toThrow(/different time zones/);
    expect(() => timeWindow.downstreamOf(stat.range(0, 0), stat, daily, now)).toThrow(PartitionMappingError);
    expect(() => partitionMapping({ kind: 'timeWindow', startOffset: 0, endOffset: -1 })).toThrow(PartitionMappingError);
  });
});

describe('identity, all, last and static', () => {
  const now = at('2024-01-10T00:00:00Z');
  const daily = partitionsDefinition({ kind: 'daily', start: '2024-01-01' });
  const dailyLater = partitionsDefinition({ kind: 'daily', start: '2024-01-05' });
  const regions = partitionsDefinition({ kind: 'static', keys: ['us', 'eu', 'apac'] });
  const regionsReordered = partitionsDefinition({ kind: 'static', keys: ['apac', 'us', 'eu'] });

  it('identity maps equal keys', () => {
    expect(keys(regionsReordered, identity.upstreamOf(1, regions, regionsReordered, now))).toEqual(['eu']);
    expect(keys(regions, identity.downstreamOf(regionsReordered.fromIndices([0, 1]), regionsReordered, regions, now))).toEqual(['us', 'apac']);
    expect(keys(dailyLater, identity.upstreamOf(5, daily, dailyLater, now))).toEqual(['2024-01-06']);
    expect(identity.upstreamOf(1, daily, dailyLater, now)).toEqual({ partitions: daily.empty(), requiredButNonexistent: ['2024-01-02'] });
    expect(keys(daily, identity.downstreamOf(dailyLater.range(0, 1), dailyLater, daily, now))).toEqual(['2024-01-05', '2024-01-06']);
    const fewer = partitionsDefinition({ kind: 'static', keys: ['us'] });
    expect(identity.upstreamOf(2, regions, fewer, now).requiredButNonexistent).toEqual(['apac']);
  });

  it('all reads every existing upstream partition; any change affects all', () => {
    expect(partitionMapping({ kind: 'all' }).upstreamOf(0, regions, daily, now).partitions.ranges()).toEqual([[0, 8]]);
    expect(partitionMapping({ kind: 'all' }).downstreamOf(daily.range(4, 4), daily, regions, now).size).toBe(3);
    expect(partitionMapping({ kind: 'all' }).downstreamOf(daily.range(40, 40), daily, regions, now).isEmpty()).toBe(true);
  });

  it("last reads the upstream's last existing partition", () => {
    const last = partitionMapping({ kind: 'last' });
    expect(keys(daily, last.upstreamOf(0, regions, daily, now))).toEqual(['2024-01-09']);
    expect(last.upstreamOf(0, regions, daily, at('2023-01-01T00:00:00Z')).partitions.isEmpty()).toBe(true);
    expect(last.downstreamOf(daily.range(8, 8), daily, regions, now).size).toBe(3);
    expect(last.downstreamOf(daily.range(0, 7), daily, regions, now).isEmpty()).toBe(true);
  });

  it('static maps keys, with fan-out and fan-in', () => {
    const raw = partitionsDefinition({ kind: 'static', keys: ['na', 'emea', 'global'] });
    const mapping = partitionMapping({ kind: 'static', map: { na: 'us', emea: ['eu'], global: ['us', 'eu', 'apac'] } });
    expect(keys(raw, mapping.upstreamOf(0, regions, raw, now))).toEqual(['na', 'global']);
    expect(keys(raw, mapping.upstreamOf(2, regions, raw, now))).toEqual(['global']);
    expect(keys(regions, mapping.downstreamOf(raw.fromIndices([2]), raw, regions, now))).toEqual(['us', 'eu', 'apac']);
    expect(keys(regions, mapping.downstreamOf(raw.fromIndices([1]), raw, regions, now))).toEqual(['eu']);
    const dangling = partitionMapping({ kind: 'static', map: { gone: 'us' } });
    expect(dangling.upstreamOf(0, regions, raw, now).requiredButNonexistent).toEqual(['gone']);
  });
});

describe('defaults and validation', () => {
  const daily: PartitionsSpec = { kind: 'daily', start: '2024-01-01' };
  const hourlyBerlin: PartitionsSpec = { kind: 'hourly', start: '2024-01-01-00:00', timezone: 'Europe/Berlin' };
  const regions: PartitionsSpec = { kind: 'static', keys: ['us', 'eu'] };

  it('picks the default mapping', () => {
    expect(defaultMapping(daily, { kind: 'hourly', start: '2024-01-01-00:00' })).toEqual({ kind: 'timeWindow', startOffset: 0, endOffset: 0 });
    expect(defaultMapping(regions, { kind: 'static', keys: ['eu', 'us'] })).toEqual({ kind: 'identity' });
    expect(defaultMapping(null, daily)).toEqual({ kind: 'all' });
    expect(defaultMapping(daily, null)).toEqual({ kind: 'all' });
  });

  it('reports every problem of a mapping with its path', () => {
    expect(validateMapping(daily, daily, { kind: 'timeWindow', startOffset: -1, endOffset: -1 })).toEqual([]);
    expect(validateMapping(daily, hourlyBerlin, undefined)).toEqual([
      { path: 'kind', message: 'the default mapping: timeWindow between different time zones (upstream UTC, downstream Europe/Berlin)' },
    ]);
    expect(validateMapping(daily, daily, { kind: 'timeWindow', startOffset: 1, endOffset: 0 }).map((p) => p.path)).toEqual(['startOffset']);
    expect(validateMapping(regions, daily, { kind: 'timeWindow' }).map((p) => p.path)).toEqual(['kind']);
    expect(validateMapping(regions, daily, null)[0]?.message).toMatch(/identity between static and daily/);
    expect(validateMapping(regions, { kind: 'static', keys: ['us'] }, { kind: 'identity' })[0]?.message).toMatch(/different keys/);
    expect(validateMapping(regions, regions, { kind: 'static', map: { us: 'us', mars: ['eu', 'moon'] } }).map((p) => p.path)).toEqual(['map.mars', 'map.mars[1]']);
    expect(validateMapping(null, regions, { kind: 'last' }).map((p) => p.path)).toEqual(['kind']);
    expect(validateMapping(null, daily, undefined)).toEqual([]);
    expect(validateMapping(daily, daily, { kind: 'sideways' } as unknown as PartitionMappingSpec).map((p) => p.path)).toEqual(['kind']);
  });
});

describe('downstreamOf is the inverse of upstreamOf (property)', () => {
  const specs: PartitionsSpec[] = [
    { kind: 'hourly', start: '2024-03-08-05:00', timezone: 'America/New_York' },
    { kind: 'daily', start: '2024-03-07', timezone: 'America/New_York' },
    { kind: 'daily', start: '2024-03-09', timezone: 'America/New_York', hourOffset: 2, minuteOffset: 30 },
    { kind: 'weekly', start: '2024-03-01', timezone: 'America/New_York', dayOffset: 2 },
    { kind: 'monthly', start: '2024-01-01', timezone: 'America/New_York', endOffset: 1 },
    { kind: 'hourly', start: '2024-03-09-00:00', timezone: 'America/New_York', minuteOffset: 30, endOffset: -2 },
  ];
  const statics: PartitionsSpec[] = [
    { kind: 'static', keys: ['a', 'b', 'c', 'd'] },
    { kind: 'static', keys: ['c', 'a', 'x'] },
  ];
  const timeMappings: PartitionMappingSpec[] = [
    { kind: 'timeWindow' },
    { kind: 'timeWindow', startOffset: -1, endOffset: -1 },
    { kind: 'timeWindow', startOffset: -2, endOffset: 1, allowNonexistentUpstreamPartitions: true },
    { kind: 'identity' },
    { kind: 'all' },
    { kind: 'last' },
  ];
  const staticMappings: PartitionMappingSpec[] = [
    { kind: 'identity' },
    { kind: 'all' },
    { kind: 'last' },
    { kind: 'static', map: { a: ['a', 'x'], c: 'c', x: ['a', 'b', 'c'] } },
  ];

  const cases = fc.oneof(
    fc.record({ up: fc.constantFrom(...specs), down: fc.constantFrom(...specs), mapping: fc.constantFrom(...timeMappings) }),
    fc.record({ up: fc.constantFrom(...statics), down: fc.constantFrom(...statics), mapping: fc.constantFrom(...staticMappings) }),
  );

  it('d ∈ downstreamOf({u}) ⇔ u ∈ upstreamOf(d)', () => {
    fc.assert(
      fc.property(cases, fc.integer({ min: at('2024-03-09T00:00:00Z'), max: at('2024-03-20T00:00:00Z') }), ({ up, down, mapping }, now) => {
        const upDef = partitionsDefinition(up);
        const downDef = partitionsDefinition(down);
        const m = partitionMapping(mapping);
        const upCount = Math.min(upDef.countAt(now), 200);
        const downCount = Math.min(downDef.countAt(now), 200);
        const upstreamOfDown = Array.from({ length: downCount }, (_, d) => m.upstreamOf(d, downDef, upDef, now).partitions);
        const mismatches: string[] = [];
        for (let u = 0; u < upCount; u += 1) {
          const affected = m.downstreamOf(partitionSetOfIndices([u]), upDef, downDef, now);
          for (let d = 0; d < downCount; d += 1) {
            const reads = (upstreamOfDown[d] as { hasIndex(i: number): boolean }).hasIndex(u);
            if (affected.hasIndex(d) !== reads) mismatches.push(`up ${u} / down ${d}: downstreamOf ${!reads}, upstreamOf ${reads}`);
          }
        }
        expect(mismatches).toEqual([]);
        // And a set maps to the union of its members' images.
        const some = partitionSetOfIndices([0, Math.floor(upCount / 2), upCount - 1].filter((i) => i >= 0));
        let union = upDef.empty();
        for (const u of some.indices()) union = union.union(m.downstreamOf(partitionSetOfIndices([u]), upDef, downDef, now));
        expect(m.downstreamOf(some, upDef, downDef, now).equals(union)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
