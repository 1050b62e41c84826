// Parses and validates asset specs from untrusted JSON, reporting EVERY problem at once with its
// JSON path: shape errors, duplicate keys, unknown dependencies, cycles, bad crons and zones,
// partition mappings that do not fit, multi-assets split across code locations, bad automation.

import { InvalidSpecsError, type Problem } from '../errors';
import type { PartitionMappingSpec, PartitionsSpec } from '../partitions/types';
import { checkCron, checkMappingFits, checkPartitionsSpec, checkTimezone } from './partition-checks';
import { ProblemCollector, compareStrings, isObject, type JsonObject } from './json';
import {
  MATERIALIZE_RULES,
  SKIP_RULES,
  type AssetKind,
  type AssetSpec,
  type AutomationSpec,
  type DependencySpec,
  type FreshnessPolicySpec,
  type MaterializeRuleName,
  type SkipRuleName,
} from './types';

const ASSET_FIELDS = ['key', 'kind', 'deps', 'codeVersion', 'partitions', 'freshness', 'automation', 'multiAsset', 'canSubset', 'codeLocation', 'description', 'group'];
const KINDS: readonly AssetKind[] = ['materializable', 'source', 'observableSource'];

/** Parses `value` (the `assets` array) into specs; throws InvalidSpecsError listing every problem. */
export function parseAssetSpecs(value: unknown, path = '$.assets'): AssetSpec[] {
  const c = new ProblemCollector();
  const specs = readSpecs(c, value, path);
  // Cross-asset checks run on whatever could be read, so every problem is reported at once.
  c.problems.push(...validateAssetSpecs(specs, path));
  if (c.problems.length > 0) throw new InvalidSpecsError(c.problems);
  return specs;
}

/** Collects shape problems in `c`; returns the specs that could be read. */
export function readSpecs(c: ProblemCollector, value: unknown, path: string): AssetSpec[] {
  if (!Array.isArray(value)) {
    c.expect(path, value, 'an array of asset specs');
    return [];
  }
  const out: AssetSpec[] = [];
  value.forEach((raw: unknown, i) => {
    const spec = readSpec(c, raw, `${path}[${i}]`);
    if (spec) out.push(spec);
  });
  return out;
}

function readSpec(c: ProblemCollector, raw: unknown, p: string): AssetSpec | undefined {
  if (!isObject(raw)) {
    c.expect(p, raw, 'an asset spec object');
    return undefined;
  }
  c.unknownKeys(p, raw, ASSET_FIELDS);
  const key = c.string(`${p}.key`, raw.key);
  let kind: AssetKind | undefined;
  if (raw.kind !== undefined) {
    if (KINDS.includes(raw.kind as AssetKind)) kind = raw.kind as AssetKind;
    else c.expect(`${p}.kind`, raw.kind, `one of ${KINDS.join(', ')}`);
  }
  const deps = readDeps(c, raw.deps, `${p}.deps`);
  const codeVersion = c.string(`${p}.codeVersion`, raw.codeVersion, true);
  const partitions = raw.partitions === undefined ? undefined : readPartitions(c, raw.partitions, `${p}.partitions`);
  const freshness = raw.freshness === undefined ? undefined : readFreshness(c, raw.freshness, `${p}.freshness`);
  const automation = raw.automation === undefined ? undefined : readAutomation(c, raw.automation, `${p}.automation`);
  const multiAsset = c.string(`${p}.multiAsset`, raw.multiAsset, true);
  const canSubset = c.boolean(`${p}.canSubset`, raw.canSubset, true);
  const codeLocation = c.string(`${p}.codeLocation`, raw.codeLocation, true);
  // Documentary only: checked to be strings (as in the contracts' AssetSpec: any description, a
  // non-empty group) and carried on the spec, never read by the planner.
  let description: string | undefined;
  if (typeof raw.description === 'string') description = raw.description;
  else if (raw.description !== undefined) c.expect(`${p}.description`, raw.description, 'a string');
  const group = c.string(`${p}.group`, raw.group, true);
  // A field with problems is left out (and reported); the asset stays, so its dependants do not
  // report it as unknown.
  if (key === undefined) return undefined;
  return stripUndefined({ key, kind, deps, codeVersion, partitions, freshness, automation, multiAsset, canSubset, codeLocation, description, group });
}

function stripUndefined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

function readDeps(c: ProblemCollector, raw: unknown, p: string): (string | DependencySpec)[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    c.expect(p, raw, 'an array of asset keys or {key, mapping} objects');
    return undefined;
  }
  const out: (string | DependencySpec)[] = [];
  raw.forEach((d: unknown, i) => {
    const dp = `${p}[${i}]`;
    if (typeof d === 'string' && d.length > 0) out.push(d);
    else if (isObject(d)) {
      c.unknownKeys(dp, d, ['key', 'mapping']);
      const key = c.string(`${dp}.key`, d.key);
      const mapping = d.mapping === undefined ? undefined : readMapping(c, d.mapping, `${dp}.mapping`);
      if (key !== undefined) out.push(mapping ? { key, mapping } : { key });
    } else c.expect(dp, d, 'an asset key or a {key, mapping} object');
  });
  return out;
}

function readMapping(c: ProblemCollector, raw: unknown, p: string): PartitionMappingSpec | undefined {
  if (!isObject(raw)) {
    c.expect(p, raw, 'a partition mapping object');
    return undefined;
  }
  switch (raw.kind) {
    case 'identity':
    case 'all':
    case 'last':
      c.unknownKeys(p, raw, ['kind']);
      return { kind: raw.kind };
    case 'timeWindow': {
      c.unknownKeys(p, raw, ['kind', 'startOffset', 'endOffset', 'allowNonexistentUpstreamPartitions']);
      const startOffset = c.number(`${p}.startOffset`, raw.startOffset, { optional: true, integer: true });
      const endOffset = c.number(`${p}.endOffset`, raw.endOffset, { optional: true, integer: true });
      const allow = c.boolean(`${p}.allowNonexistentUpstreamPartitions`, raw.allowNonexistentUpstreamPartitions, true);
      if ((startOffset ?? 0) > (endOffset ?? 0)) c.add(p, 'startOffset must be ≤ endOffset');
      return stripUndefined({ kind: 'timeWindow' as const, startOffset, endOffset, allowNonexistentUpstreamPartitions: allow });
    }
    case 'static': {
      c.unknownKeys(p, raw, ['kind', 'map']);
      if (!isObject(raw.map)) {
        c.expect(`${p}.map`, raw.map, 'an object {"upstreamKey": "downstreamKey" | ["downstreamKey", ...]}');
        return undefined;
      }
      const map: Record<string, string | string[]> = {};
      for (const [up, down] of Object.entries(raw.map)) {
        if (typeof down === 'string') map[up] = down;
        else if (Array.isArray(down) && down.every((d) => typeof d === 'string')) map[up] = down.filter((d): d is string => typeof d === 'string');
        else c.expect(`${p}.map.${up}`, down, 'a downstream key or an array of downstream keys');
      }
      return { kind: 'static', map };
    }
    default:
      c.expect(`${p}.kind`, raw.kind, 'one of identity, timeWindow, all, last, static');
      return undefined;
  }
}

const TIME_PARTITION_FIELDS = ['kind', 'start', 'end', 'timezone', 'minuteOffset', 'hourOffset', 'dayOffset', 'endOffset'];

function readPartitions(c: ProblemCollector, raw: unknown, p: string): PartitionsSpec | undefined {
  if (!isObject(raw)) {
    c.expect(p, raw, 'a partitions object');
    return undefined;
  }
  if (raw.kind === 'static') {
    c.unknownKeys(p, raw, ['kind', 'keys']);
    const keys: unknown = raw.keys;
    if (!Array.isArray(keys) || keys.length === 0 || !keys.every((k) => typeof k === 'string' && k.length > 0)) {
      c.expect(`${p}.keys`, keys, 'a non-empty array of partition keys');
      return undefined;
    }
    const list = keys as string[];
    const dup = list.find((k, i) => list.indexOf(k) !== i);
    if (dup !== undefined) c.add(`${p}.keys`, `duplicate partition key "${dup}"`);
    return { kind: 'static', keys: list };
  }
  if (raw.kind === 'hourly' || raw.kind === 'daily' || raw.kind === 'weekly' || raw.kind === 'monthly') {
    c.unknownKeys(p, raw, TIME_PARTITION_FIELDS);
    const before = c.problems.length;
    const start = c.string(`${p}.start`, raw.start);
    const end = c.string(`${p}.end`, raw.end, true);
    const timezone = c.string(`${p}.timezone`, raw.timezone, true);
    const minuteOffset = c.number(`${p}.minuteOffset`, raw.minuteOffset, { optional: true, integer: true, min: 0 });
    const hourOffset = c.number(`${p}.hourOffset`, raw.hourOffset, { optional: true, integer: true, min: 0 });
    const dayOffset = c.number(`${p}.dayOffset`, raw.dayOffset, { optional: true, integer: true, min: 0 });
    const endOffset = c.number(`${p}.endOffset`, raw.endOffset, { optional: true, integer: true });
    if (c.problems.length > before || start === undefined) return undefined;
    const spec: PartitionsSpec = stripUndefined({ kind: raw.kind, start, end, timezone, minuteOffset, hourOffset, dayOffset, endOffset });
    for (const message of checkPartitionsSpec(spec)) c.add(p, message);
    return spec;
  }
  c.expect(`${p}.kind`, raw.kind, 'one of hourly, daily, weekly, monthly, static');
  return undefined;
}

function readCron(c: ProblemCollector, schedule: unknown, zone: unknown, p: string, zoneField: string): void {
  const cron = c.string(`${p}.cronSchedule`, schedule, true);
  const tz = c.string(`${p}.${zoneField}`, zone, true);
  if (tz !== undefined && cron === undefined) c.add(`${p}.${zoneField}`, 'a time zone needs a cronSchedule');
  if (cron !== undefined) for (const m of checkCron(cron)) c.add(`${p}.cronSchedule`, m);
  if (tz !== undefined) for (const m of checkTimezone(tz)) c.add(`${p}.${zoneField}`, m);
}

function readFreshness(c: ProblemCollector, raw: unknown, p: string): FreshnessPolicySpec | undefined {
  if (!isObject(raw)) {
    c.expect(p, raw, 'a freshness policy {maximumLagMinutes, cronSchedule?, cronTimezone?}');
    return undefined;
  }
  const before = c.problems.length;
  c.unknownKeys(p, raw, ['maximumLagMinutes', 'cronSchedule', 'cronTimezone']);
  const lag = c.number(`${p}.maximumLagMinutes`, raw.maximumLagMinutes, { min: 0 });
  readCron(c, raw.cronSchedule, raw.cronTimezone, p, 'cronTimezone');
  if (c.problems.length > before || lag === undefined) return undefined;
  return stripUndefined({
    maximumLagMinutes: lag,
    cronSchedule: raw.cronSchedule as string | undefined,
    cronTimezone: raw.cronTimezone as string | undefined,
  });
}

const AUTOMATION_FIELDS = [
  'policy',
  'maxMaterializationsPerMinute',
  'retryAfterFailureMinutes',
  'cronSchedule',
  'cronTimezone',
  'materializeOn',
  'skipOn',
  'partitionScopeMinutes',
];

function readRuleList<T extends string>(c: ProblemCollector, raw: unknown, p: string, allowed: readonly T[]): T[] | undefined {
  if (raw === undefined) return undefined;
  if (!Array.isArray(raw)) {
    c.expect(p, raw, `an array of rule names (${allowed.join(', ')})`);
    return undefined;
  }
  const out: T[] = [];
  raw.forEach((r: unknown, i) => {
    if (typeof r === 'string' && (allowed as readonly string[]).includes(r)) out.push(r as T);
    else c.expect(`${p}[${i}]`, r, `one of ${allowed.join(', ')}`);
  });
  return out;
}

function readAutomation(c: ProblemCollector, raw: unknown, p: string): AutomationSpec | undefined {
  if (raw === 'eager' || raw === 'lazy' || raw === 'none') return raw;
  if (!isObject(raw)) {
    c.expect(p, raw, '"eager", "lazy", "none" or an automation object {policy, ...}');
    return undefined;
  }
  const before = c.problems.length;
  c.unknownKeys(p, raw, AUTOMATION_FIELDS);
  if (raw.policy !== 'eager' && raw.policy !== 'lazy') c.expect(`${p}.policy`, raw.policy, '"eager" or "lazy"');
  let maxPerMinute: number | null | undefined;
  if (raw.maxMaterializationsPerMinute === null) maxPerMinute = null;
  else
    maxPerMinute = c.number(`${p}.maxMaterializationsPerMinute`, raw.maxMaterializationsPerMinute, {
      optional: true,
      integer: true,
      positive: true,
    });
  const retry = c.number(`${p}.retryAfterFailureMinutes`, raw.retryAfterFailureMinutes, { optional: true, min: 0 });
  readCron(c, raw.cronSchedule, raw.cronTimezone, p, 'cronTimezone');
  const materializeOn = readRuleList<MaterializeRuleName>(c, raw.materializeOn, `${p}.materializeOn`, MATERIALIZE_RULES);
  const skipOn = readRuleList<SkipRuleName>(c, raw.skipOn, `${p}.skipOn`, SKIP_RULES);
  const scope = c.number(`${p}.partitionScopeMinutes`, raw.partitionScopeMinutes, { optional: true, min: 0 });
  if (materializeOn?.includes('cron') && raw.cronSchedule === undefined)
    c.add(`${p}.materializeOn`, 'the cron rule needs a cronSchedule');
  if (c.problems.length > before) return undefined;
  return stripUndefined({
    policy: raw.policy as 'eager' | 'lazy',
    maxMaterializationsPerMinute: maxPerMinute,
    retryAfterFailureMinutes: retry,
    cronSchedule: raw.cronSchedule as string | undefined,
    cronTimezone: raw.cronTimezone as string | undefined,
    materializeOn,
    skipOn,
    partitionScopeMinutes: scope,
  });
}

export function depKey(d: string | DependencySpec): string {
  return typeof d === 'string' ? d : d.key;
}

function isSelfEdgeAllowed(spec: AssetSpec, dep: string | DependencySpec): boolean {
  if (typeof dep === 'string' || !spec.partitions || spec.partitions.kind === 'static') return false;
  const m = dep.mapping;
  return m?.kind === 'timeWindow' && (m.endOffset ?? 0) < 0 && (m.startOffset ?? 0) < 0;
}

/** Cross-asset checks on specs whose shape is valid. */
export function validateAssetSpecs(specs: readonly AssetSpec[], path = '$.assets'): Problem[] {
  const c = new ProblemCollector();
  const byKey = new Map<string, { spec: AssetSpec; index: number }>();
  specs.forEach((spec, i) => {
    if (byKey.has(spec.key)) c.add(`${path}[${i}].key`, `duplicate asset key "${spec.key}" (first at ${path}[${byKey.get(spec.key)?.index}])`);
    else byKey.set(spec.key, { spec, index: i });
  });
  specs.forEach((spec, i) => {
    const p = `${path}[${i}]`;
    const isSource = spec.kind === 'source' || spec.kind === 'observableSource';
    if (isSource && spec.deps && spec.deps.length > 0) c.add(`${p}.deps`, 'a source asset has no dependencies');
    if (isSource && spec.automation !== undefined) c.add(`${p}.automation`, 'a source asset is never materialized, so it has no automation');
    (spec.deps ?? []).forEach((dep, j) => {
      const dp = `${p}.deps[${j}]`;
      const key = depKey(dep);
      const parent = byKey.get(key);
      if (key === spec.key) {
        if (!isSelfEdgeAllowed(spec, dep))
          c.add(dp, `"${key}" depends on itself; only a time-partitioned asset may, through a timeWindow mapping with negative offsets (e.g. -1/-1)`);
        return;
      }
      if (!parent) {
        c.add(dp, `unknown dependency "${key}"`);
        return;
      }
      if (spec.deps?.findIndex((d) => depKey(d) === key) !== j) c.add(dp, `duplicate dependency "${key}"`);
      const mapping = typeof dep === 'string' ? undefined : dep.mapping;
      for (const m of checkMappingFits(mapping, parent.spec.partitions, spec.partitions)) c.add(mapping ? `${dp}.mapping` : dp, m);
    });
  });
  for (const cycle of findCycles(specs, byKey)) c.add(path, `dependency cycle: ${cycle.join(' → ')}`);
  checkMultiAssets(c, specs, path);
  return c.problems;
}

function findCycles(specs: readonly AssetSpec[], byKey: Map<string, unknown>): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const cycles: string[][] = [];
  const stack: string[] = [];
  const keys = specs.map((s) => s.key);
  const specOf = new Map<string, AssetSpec>();
  for (const s of specs) if (!specOf.has(s.key)) specOf.set(s.key, s);
  const visit = (k: string): void => {
    state.set(k, 'visiting');
    stack.push(k);
    const parents = [...new Set((specOf.get(k)?.deps ?? []).map(depKey))].filter((p) => p !== k && byKey.has(p)).sort(compareStrings);
    for (const p of parents) {
      const s = state.get(p);
      if (s === 'visiting') cycles.push([...stack.slice(stack.indexOf(p)), p]);
      else if (s === undefined) visit(p);
    }
    stack.pop();
    state.set(k, 'done');
  };
  for (const k of [...keys].sort(compareStrings)) if (!state.has(k)) visit(k);
  return cycles;
}

function checkMultiAssets(c: ProblemCollector, specs: readonly AssetSpec[], path: string): void {
  const groups = new Map<string, { index: number; spec: AssetSpec }[]>();
  specs.forEach((spec, index) => {
    if (spec.multiAsset === undefined) {
      if (spec.canSubset !== undefined) c.add(`${path}[${index}].canSubset`, 'canSubset only applies to an asset with a multiAsset id');
      return;
    }
    const g = groups.get(spec.multiAsset) ?? [];
    g.push({ index, spec });
    groups.set(spec.multiAsset, g);
  });
  for (const [id, members] of [...groups].sort((a, b) => compareStrings(a[0], b[0]))) {
    const first = members[0];
    if (!first) continue;
    const subsettable = first.spec.canSubset ?? false;
    for (const m of members) {
      const p = `${path}[${m.index}]`;
      if ((m.spec.canSubset ?? false) !== subsettable) c.add(`${p}.canSubset`, `members of multi-asset "${id}" disagree on canSubset`);
      if (m.spec.kind === 'source' || m.spec.kind === 'observableSource') c.add(`${p}.multiAsset`, 'a source asset cannot be part of a multi-asset');
      if (subsettable) continue;
      if ((m.spec.codeLocation ?? 'default') !== (first.spec.codeLocation ?? 'default'))
        c.add(`${p}.codeLocation`, `non-subsettable multi-asset "${id}" is split across code locations ("${first.spec.codeLocation ?? 'default'}" and "${m.spec.codeLocation ?? 'default'}")`);
      if (JSON.stringify(m.spec.partitions ?? null) !== JSON.stringify(first.spec.partitions ?? null))
        c.add(`${p}.partitions`, `members of non-subsettable multi-asset "${id}" must share one partitions definition`);
    }
  }
}

export type { JsonObject };
