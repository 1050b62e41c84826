// Which parent partitions one partition of a child reads, for the input pointers the executor
// records. The planner's partition library (libs/domain) is the authority and the default
// (`domainUpstreamPartitions`): time zones, DST, offsets and existence at `now` as the planner sees
// them. `builtInUpstreamPartitions` is a small UTC-only fallback for when the domain refuses a
// spec. Either answers `null` when it cannot tell (or the list would be huge): the executor then
// records one pointer to the parent's latest record.
import { effectiveMapping, partitionMapping, partitionsDefinition, type PartitionsSpec } from '@freshet/domain';
import { depKey, depMapping, type AssetSpecJson, type PartitionMappingJson, type TimePartitionsSpecJson } from '../define/spec-types';

/** Parent partition keys read (`[null]` for an unpartitioned parent); null when unknown. */
export type UpstreamPartitionsResolver = (
  child: AssetSpecJson,
  childPartition: string | null,
  parent: AssetSpecJson,
) => readonly (string | null)[] | null;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function isUtc(spec: TimePartitionsSpecJson): boolean {
  return spec.timezone === undefined || spec.timezone === 'UTC' || spec.timezone === 'Etc/UTC';
}

/** Start instant of the window a key names (UTC only), or null when the key does not parse. */
function windowStartOf(spec: TimePartitionsSpecJson, key: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:-(\d{2}):(\d{2}))?$/.exec(key);
  if (!match) return null;
  const [, y, m, d, hh, mm] = match;
  if (spec.kind === 'hourly') return hh === undefined ? null : Date.UTC(Number(y), Number(m) - 1, Number(d), Number(hh), Number(mm));
  return Date.UTC(Number(y), Number(m) - 1, Number(d), spec.hourOffset ?? 0, spec.minuteOffset ?? 0);
}

function shiftWindows(spec: TimePartitionsSpecJson, start: number, count: number): number {
  switch (spec.kind) {
    case 'hourly':
      return start + count * HOUR;
    case 'daily':
      return start + count * DAY;
    case 'weekly':
      return start + count * 7 * DAY;
    case 'monthly': {
      const date = new Date(start);
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + count, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes());
    }
  }
}

function keyOf(spec: TimePartitionsSpecJson, start: number): string {
  const date = new Date(start);
  const day = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
  return spec.kind === 'hourly' ? `${day}-${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}` : day;
}

/** The start of the parent window that contains `t`. */
function alignedStart(spec: TimePartitionsSpecJson, t: number): number {
  const date = new Date(t);
  const minute = spec.minuteOffset ?? 0;
  const hour = spec.hourOffset ?? 0;
  let start: number;
  switch (spec.kind) {
    case 'hourly':
      start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), minute);
      break;
    case 'daily':
      start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), hour, minute);
      break;
    case 'weekly': {
      const dayStart = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), hour, minute);
      const back = (date.getUTCDay() - (spec.dayOffset ?? 0) + 7) % 7;
      start = dayStart - back * DAY;
      break;
    }
    case 'monthly':
      start = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), spec.dayOffset ?? 1, hour, minute);
      break;
  }
  while (start > t) start = shiftWindows(spec, start, -1);
  return start;
}

function timeWindowUpstream(
  child: TimePartitionsSpecJson,
  childKey: string,
  parent: TimePartitionsSpecJson,
  mapping: Extract<PartitionMappingJson, { kind: 'timeWindow' }> | undefined,
): string[] | null {
  if (!isUtc(child) || !isUtc(parent)) return null;
  const childStart = windowStartOf(child, childKey);
  const parentFirst = windowStartOf(parent, parent.start) ?? Date.parse(parent.start);
  if (childStart === null || Number.isNaN(parentFirst)) return null;
  const from = shiftWindows(child, childStart, mapping?.startOffset ?? 0);
  const to = shiftWindows(child, shiftWindows(child, childStart, mapping?.endOffset ?? 0), 1);
  const parentEnd = parent.end === undefined ? Number.POSITIVE_INFINITY : (windowStartOf(parent, parent.end) ?? Date.parse(parent.end));
  const keys: string[] = [];
  // Bounded: a window list longer than this is a mapping the executor should not spell out.
  for (let start = alignedStart(parent, from); start < to && keys.length <= 10_000; start = shiftWindows(parent, start, 1)) {
    if (start >= parentFirst && start < parentEnd) keys.push(keyOf(parent, start));
  }
  return keys;
}

export const builtInUpstreamPartitions: UpstreamPartitionsResolver = (child, childPartition, parent) => {
  if (parent.partitions === undefined) return [null];
  const dep = (child.deps ?? []).find((d) => depKey(d) === parent.key);
  const mapping = dep === undefined ? undefined : depMapping(dep);
  if (child.partitions === undefined || childPartition === null) return null;
  if (mapping?.kind === 'all' || mapping?.kind === 'last') return null;
  if (mapping?.kind === 'static') {
    const ups = Object.entries(mapping.map)
      .filter(([, down]) => (typeof down === 'string' ? down === childPartition : down.includes(childPartition)))
      .map(([up]) => up);
    return ups.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
  if (child.partitions.kind === 'static' || parent.partitions.kind === 'static') {
    if (child.partitions.kind === 'static' && parent.partitions.kind === 'static' && (mapping === undefined || mapping.kind === 'identity')) {
      return parent.partitions.keys.includes(childPartition) ? [childPartition] : [];
    }
    return null;
  }
  if (mapping?.kind === 'identity') return [childPartition];
  return timeWindowUpstream(child.partitions, childPartition, parent.partitions, mapping);
};

/** More parent partitions than this are not spelled out as pointers (one "latest" pointer instead). */
export const MAX_POINTED_PARTITIONS = 1000;

/** The planner's own mappings, evaluated at `now()`; falls back to the built-in resolver if the domain throws. */
export function domainUpstreamPartitions(now: () => number): UpstreamPartitionsResolver {
  return (child, childPartition, parent) => {
    if (parent.partitions === undefined) return [null];
    try {
      const dep = (child.deps ?? []).find((d) => depKey(d) === parent.key);
      const declared = dep === undefined ? undefined : depMapping(dep);
      const upSpec: PartitionsSpec = parent.partitions;
      const downSpec: PartitionsSpec | null = child.partitions ?? null;
      const mappingSpec = effectiveMapping(upSpec, downSpec, declared ?? null);
      const up = partitionsDefinition(upSpec);
      const at = now();
      if (downSpec === null || childPartition === null) {
        // An unpartitioned child reads every (or the last) existing parent partition.
        const count = up.countAt(at);
        if (mappingSpec.kind === 'last') return count === 0 ? [] : [up.keyAt(count - 1)];
        return count <= MAX_POINTED_PARTITIONS ? Array.from({ length: count }, (_, i) => up.keyAt(i)).filter((k): k is string => k !== null) : null;
      }
      const down = partitionsDefinition(downSpec);
      const index = down.indexOf(childPartition);
      if (index === null) return null;
      const { partitions } = partitionMapping(mappingSpec).upstreamOf(index, down, up, at);
      if (partitions.size > MAX_POINTED_PARTITIONS) return null;
      return [...partitions.indices()].map((i) => up.keyAt(i)).filter((k): k is string => k !== null);
    } catch {
      return builtInUpstreamPartitions(child, childPartition, parent);
    }
  };
}
