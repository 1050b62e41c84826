// Partition mappings: which upstream partitions a downstream partition reads (upstreamOf), and
// the inverse, which downstream partitions an upstream change affects (downstreamOf). For every
// mapping, d ∈ downstreamOf({u}) ⇔ u ∈ upstreamOf(d).partitions, for existing u and d.
//
// Results are index sets, computed range by range where the mapping allows it (identity and
// timeWindow between time definitions), so mapping 50,000 hourly partitions costs O(ranges).

import {
  asTimeWindowDefinition,
  isStaticPartitionsSpec,
  isTimePartitionsSpec,
  parsePartitionBoundary,
  type PartitionsProblem,
} from './definition';
import { RangePartitionSet } from './partition-set';
import type { TimeWindowPartitionsDefinition } from './time-partitions';
import { findZone } from '../time';
import type {
  Instant,
  PartitionMapping,
  PartitionMappingSpec,
  PartitionSet,
  PartitionsDefinition,
  PartitionsSpec,
  UpstreamOptions,
  UpstreamPartitions,
} from './types';

export class PartitionMappingError extends Error {
  readonly code = 'PARTITION_MAPPING_INVALID';
  readonly retriable = false;
  constructor(message: string) {
    super(message);
    this.name = 'PartitionMappingError';
  }
}

type Range = readonly [number, number];

const NOTHING: UpstreamPartitions = { partitions: RangePartitionSet.EMPTY, requiredButNonexistent: [] };

function existing(def: PartitionsDefinition, now: Instant): PartitionSet {
  return def.existingAt(now);
}

function requireTime(def: PartitionsDefinition, role: string, mapping: string): TimeWindowPartitionsDefinition {
  const time = asTimeWindowDefinition(def);
  if (time === null) throw new PartitionMappingError(`${mapping} mapping needs time-window partitions on the ${role} side`);
  return time;
}

function requireSameZone(up: TimeWindowPartitionsDefinition, down: TimeWindowPartitionsDefinition): void {
  if (up.timezone !== down.timezone) {
    throw new PartitionMappingError(`timeWindow mapping between different time zones (${up.timezone} upstream, ${down.timezone} downstream)`);
  }
}

/** Every upstream index of a static-like (key) mapping from a set, by iterating its indices. */
function keysToIndices(keys: Iterable<string>, def: PartitionsDefinition): number[] {
  const out: number[] = [];
  for (const key of keys) {
    const i = def.indexOf(key);
    if (i !== null) out.push(i);
  }
  return out;
}

// ---------------------------------------------------------------- identity

class IdentityMapping implements PartitionMapping {
  readonly spec: PartitionMappingSpec = { kind: 'identity' };

  upstreamOf(downIndex: number, down: PartitionsDefinition, up: PartitionsDefinition, now: Instant): UpstreamPartitions {
    const key = down.keyAt(downIndex);
    if (key === null) return NOTHING;
    const upIndex = up.indexOf(key);
    if (upIndex === null || upIndex >= up.countAt(now)) return { partitions: RangePartitionSet.EMPTY, requiredButNonexistent: [key] };
    return { partitions: RangePartitionSet.range(upIndex, upIndex), requiredButNonexistent: [] };
  }

  downstreamOf(upIndices: PartitionSet, up: PartitionsDefinition, down: PartitionsDefinition, now: Instant): PartitionSet {
    const changed = upIndices.intersect(existing(up, now));
    const upTime = asTimeWindowDefinition(up);
    const downTime = asTimeWindowDefinition(down);
    if (upTime !== null && downTime !== null && upTime.sameCadence(downTime)) {
      // Same windows, same keys: shift the ranges.
      const shift = upTime.indexShiftTo(downTime);
      const shifted: Range[] = [];
      for (const [a, b] of changed.ranges()) {
        const lo = Math.max(0, a + shift);
        const hi = b + shift;
        if (lo <= hi) shifted.push([lo, hi]);
      }
      return RangePartitionSet.fromRanges(shifted).intersect(existing(down, now));
    }
    const keys: string[] = [];
    for (const i of changed.indices()) {
      const key = up.keyAt(i);
      if (key !== null) keys.push(key);
    }
    return RangePartitionSet.fromIndices(keysToIndices(keys, down)).intersect(existing(down, now));
  }
}

// ---------------------------------------------------------------- timeWindow

class TimeWindowMapping implements PartitionMapping {
  private readonly startOffset: number;
  private readonly endOffset: number;
  private readonly allowNonexistent: boolean;

  constructor(readonly spec: Extract<PartitionMappingSpec, { kind: 'timeWindow' }>) {
    this.startOffset = spec.startOffset ?? 0;
    this.endOffset = spec.endOffset ?? 0;
    this.allowNonexistent = spec.allowNonexistentUpstreamPartitions ?? false;
    if (!Number.isSafeInteger(this.startOffset) || !Number.isSafeInteger(this.endOffset) || this.startOffset > this.endOffset) {
      throw new PartitionMappingError(`timeWindow offsets must be integers with startOffset ≤ endOffset, got ${this.startOffset}/${this.endOffset}`);
    }
  }

  /** The upstream virtual index range the downstream index reads, or null when empty. */
  private upstreamRange(downIndex: number, down: TimeWindowPartitionsDefinition, up: TimeWindowPartitionsDefinition): Range | null {
    const start = down.virtualWindow(downIndex + this.startOffset).start;
    const end = down.virtualWindow(downIndex + this.endOffset).end;
    if (start >= end) return null;
    return [up.virtualIndexOf(start), up.virtualIndexOf(end - 1)];
  }

  upstreamOf(
    downIndex: number,
    downDef: PartitionsDefinition,
    upDef: PartitionsDefinition,
    now: Instant,
    options?: UpstreamOptions,
  ): UpstreamPartitions {
    const down = requireTime(downDef, 'downstream', 'timeWindow');
    const up = requireTime(upDef, 'upstream', 'timeWindow');
    requireSameZone(up, down);
    const range = this.upstreamRange(downIndex, down, up);
    if (range === null) return NOTHING;
    const [first, last] = range;
    const count = up.countAt(now);
    const lo = Math.max(first, 0);
    const hi = Math.min(last, count - 1);
    const partitions = lo <= hi ? RangePartitionSet.range(lo, hi) : RangePartitionSet.EMPTY;
    if (this.allowNonexistent) return { partitions, requiredButNonexistent: [] };
    const missing: string[] = [];
    // Before the upstream's first partition: exempt for a dependency of an asset on itself.
    if (!(options?.selfDependency ?? false)) for (let i = first; i <= Math.min(last, -1); i += 1) missing.push(up.virtualKey(i));
    for (let i = Math.max(first, count); i <= last; i += 1) missing.push(up.virtualKey(i));
    return { partitions, requiredButNonexistent: missing };
  }

  downstreamOf(upIndices: PartitionSet, upDef: PartitionsDefinition, downDef: PartitionsDefinition, now: Instant): PartitionSet {
    const down = requireTime(downDef, 'downstream', 'timeWindow');
    const up = requireTime(upDef, 'upstream', 'timeWindow');
    requireSameZone(up, down);
    const changed = upIndices.intersect(existing(up, now));
    const affected: Range[] = [];
    for (const [a, b] of changed.ranges()) {
      // d reads [start(d + so), end(d + eo)); it overlaps [start(a), end(b)) exactly for
      // d + eo ≥ index(start(a)) and d + so ≤ index(end(b) − 1).
      const lo = down.virtualIndexOf(up.virtualWindow(a).start) - this.endOffset;
      const hi = down.virtualIndexOf(up.virtualWindow(b).end - 1) - this.startOffset;
      const clippedLo = Math.max(lo, 0);
      if (clippedLo <= hi) affected.push([clippedLo, hi]);
    }
    return RangePartitionSet.fromRanges(affected).intersect(existing(down, now));
  }
}

// ---------------------------------------------------------------- all, last

class AllMapping implements PartitionMapping {
  readonly spec: PartitionMappingSpec = { kind: 'all' };

  upstreamOf(_downIndex: number, _down: PartitionsDefinition, up: PartitionsDefinition, now: Instant): UpstreamPartitions {
    return { partitions: existing(up, now), requiredButNonexistent: [] };
  }

  downstreamOf(upIndices: PartitionSet, up: PartitionsDefinition, down: PartitionsDefinition, now: Instant): PartitionSet {
    return upIndices.intersect(existing(up, now)).isEmpty() ? RangePartitionSet.EMPTY : existing(down, now);
  }
}

class LastMapping implements PartitionMapping {
  readonly spec: PartitionMappingSpec = { kind: 'last' };

  upstreamOf(_downIndex: number, _down: PartitionsDefinition, up: PartitionsDefinition, now: Instant): UpstreamPartitions {
    const count = up.countAt(now);
    return { partitions: count === 0 ? RangePartitionSet.EMPTY : RangePartitionSet.range(count - 1, count - 1), requiredButNonexistent: [] };
  }

  downstreamOf(upIndices: PartitionSet, up: PartitionsDefinition, down: PartitionsDefinition, now: Instant): PartitionSet {
    const count = up.countAt(now);
    return count > 0 && upIndices.hasIndex(count - 1) ? existing(down, now) : RangePartitionSet.EMPTY;
  }
}

// ---------------------------------------------------------------- static

class StaticMapping implements PartitionMapping {
  /** downstream key → upstream keys, sorted. */
  private readonly upKeysByDownKey: ReadonlyMap<string, readonly string[]>;

  constructor(readonly spec: Extract<PartitionMappingSpec, { kind: 'static' }>) {
    const inverse = new Map<string, string[]>();
    for (const upKey of Object.keys(spec.map).sort(compareStrings)) {
      for (const downKey of targets(spec.map[upKey])) {
        const list = inverse.get(downKey) ?? [];
        list.push(upKey);
        inverse.set(downKey, list);
      }
    }
    this.upKeysByDownKey = inverse;
  }

  upstreamOf(downIndex: number, down: PartitionsDefinition, up: PartitionsDefinition, now: Instant): UpstreamPartitions {
    const downKey = down.keyAt(downIndex);
    if (downKey === null) return NOTHING;
    const indices: number[] = [];
    const missing: string[] = [];
    const count = up.countAt(now);
    for (const upKey of this.upKeysByDownKey.get(downKey) ?? []) {
      const i = up.indexOf(upKey);
      if (i === null || i >= count) missing.push(upKey);
      else indices.push(i);
    }
    return { partitions: RangePartitionSet.fromIndices(indices), requiredButNonexistent: missing };
  }

  downstreamOf(upIndices: PartitionSet, up: PartitionsDefinition, down: PartitionsDefinition, now: Instant): PartitionSet {
    const downKeys: string[] = [];
    for (const i of upIndices.intersect(existing(up, now)).indices()) {
      const upKey = up.keyAt(i);
      if (upKey !== null && Object.prototype.hasOwnProperty.call(this.spec.map, upKey)) downKeys.push(...targets(this.spec.map[upKey]));
    }
    return RangePartitionSet.fromIndices(keysToIndices(downKeys, down)).intersect(existing(down, now));
  }
}

function targets(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- factory, defaults, validation

/** The mapping a spec describes; throws PartitionMappingError for offsets that cannot work. */
export function partitionMapping(spec: PartitionMappingSpec): PartitionMapping {
  switch (spec.kind) {
    case 'identity':
      return new IdentityMapping();
    case 'timeWindow':
      return new TimeWindowMapping(spec);
    case 'all':
      return new AllMapping();
    case 'last':
      return new LastMapping();
    case 'static':
      return new StaticMapping(spec);
  }
}

/**
 * The mapping of a dependency that declares none (`null` = unpartitioned side): either side
 * unpartitioned ⇒ all; both time windows ⇒ timeWindow 0/0; otherwise identity (validateMapping
 * reports identity between a time-window and a static definition).
 */
export function defaultMapping(up: PartitionsSpec | null, down: PartitionsSpec | null): PartitionMappingSpec {
  if (up === null || down === null) return { kind: 'all' };
  if (isTimePartitionsSpec(up) && isTimePartitionsSpec(down)) return { kind: 'timeWindow', startOffset: 0, endOffset: 0 };
  return { kind: 'identity' };
}

/** The mapping a dependency uses: the declared one, else the default. */
export function effectiveMapping(up: PartitionsSpec | null, down: PartitionsSpec | null, declared?: PartitionMappingSpec | null): PartitionMappingSpec {
  return declared ?? defaultMapping(up, down);
}

function zoneOf(spec: PartitionsSpec): string | null {
  if (!isTimePartitionsSpec(spec)) return null;
  return findZone(spec.timezone ?? 'UTC')?.name ?? spec.timezone ?? 'UTC';
}

function describe(spec: PartitionsSpec | null): string {
  if (spec === null) return 'unpartitioned';
  return isStaticPartitionsSpec(spec) ? 'static' : `${spec.kind} (time-window)`;
}

/**
 * Every problem of a dependency's mapping between two partitions specs (`null` = unpartitioned),
 * with paths relative to the mapping object. `mapping` undefined/null checks the default.
 */
export function validateMapping(up: PartitionsSpec | null, down: PartitionsSpec | null, mapping?: PartitionMappingSpec | null): PartitionsProblem[] {
  const problems: PartitionsProblem[] = [];
  const declared = mapping !== undefined && mapping !== null;
  const spec = effectiveMapping(up, down, mapping);
  const prefix = declared ? '' : 'the default mapping: ';
  const add = (path: string, message: string): void => {
    problems.push({ path, message: prefix + message });
  };
  switch (spec.kind) {
    case 'identity': {
      if (up === null || down === null) {
        add('kind', `identity needs partitions on both sides (upstream ${describe(up)}, downstream ${describe(down)})`);
      } else if (isStaticPartitionsSpec(up) !== isStaticPartitionsSpec(down)) {
        add('kind', `identity between ${describe(up)} and ${describe(down)} partitions matches no keys; declare a mapping`);
      } else if (isStaticPartitionsSpec(up) && isStaticPartitionsSpec(down) && Array.isArray(up.keys) && Array.isArray(down.keys)) {
        const upKeys = [...new Set(up.keys)].sort(compareStrings);
        const downKeys = [...new Set(down.keys)].sort(compareStrings);
        if (upKeys.join('\u0000') !== downKeys.join('\u0000')) add('kind', 'identity between static partitions with different keys');
      }
      break;
    }
    case 'timeWindow': {
      const offsets: [string, unknown][] = [
        ['startOffset', spec.startOffset],
        ['endOffset', spec.endOffset],
      ];
      for (const [field, value] of offsets) {
        if (value !== undefined && !(typeof value === 'number' && Number.isSafeInteger(value))) {
          add(field, `${field} must be an integer, got ${JSON.stringify(value)}`);
        }
      }
      const so = spec.startOffset ?? 0;
      const eo = spec.endOffset ?? 0;
      if (Number.isSafeInteger(so) && Number.isSafeInteger(eo) && so > eo) {
        add('startOffset', `startOffset (${so}) must not be greater than endOffset (${eo})`);
      }
      if (spec.allowNonexistentUpstreamPartitions !== undefined && typeof spec.allowNonexistentUpstreamPartitions !== 'boolean') {
        add('allowNonexistentUpstreamPartitions', 'allowNonexistentUpstreamPartitions must be true or false');
      }
      if (up === null || down === null || !isTimePartitionsSpec(up) || !isTimePartitionsSpec(down)) {
        add('kind', `timeWindow needs time-window partitions on both sides (upstream ${describe(up)}, downstream ${describe(down)})`);
      } else if (zoneOf(up) !== zoneOf(down)) {
        add('kind', `timeWindow between different time zones (upstream ${zoneOf(up)}, downstream ${zoneOf(down)})`);
      }
      break;
    }
    case 'all':
      break;
    case 'last':
      if (up === null) add('kind', 'last needs a partitioned upstream');
      break;
    case 'static': {
      if (up === null || down === null || !isStaticPartitionsSpec(up) || !isStaticPartitionsSpec(down)) {
        add('kind', `static needs static partitions on both sides (upstream ${describe(up)}, downstream ${describe(down)})`);
        break;
      }
      if (typeof spec.map !== 'object' || spec.map === null) {
        add('map', 'map must be an object of upstream key → downstream key(s)');
        break;
      }
      const upKeys = new Set(Array.isArray(up.keys) ? up.keys : []);
      const downKeys = new Set(Array.isArray(down.keys) ? down.keys : []);
      for (const upKey of Object.keys(spec.map).sort(compareStrings)) {
        const value: unknown = spec.map[upKey];
        if (!upKeys.has(upKey)) add(`map.${upKey}`, `"${upKey}" is not a key of the upstream partitions`);
        if (typeof value === 'string') {
          if (!downKeys.has(value)) add(`map.${upKey}`, `"${value}" is not a key of the downstream partitions`);
        } else if (Array.isArray(value)) {
          value.forEach((v: unknown, i) => {
            if (typeof v !== 'string' || !downKeys.has(v)) add(`map.${upKey}[${i}]`, `${JSON.stringify(v)} is not a key of the downstream partitions`);
          });
        } else {
          add(`map.${upKey}`, 'must be a downstream key or a list of them');
        }
      }
      break;
    }
    default:
      add('kind', `unknown mapping kind ${JSON.stringify((spec as { kind?: unknown }).kind)} (expected identity, timeWindow, all, last or static)`);
  }
  return problems;
}

/** Whether a time partitions spec's start parses (helper for callers that pre-check specs). */
export function partitionBoundaryParses(text: string, timezone = 'UTC'): boolean {
  const zone = findZone(timezone);
  return zone !== null && parsePartitionBoundary(text, zone) !== null;
}
