// The scenario format (scenarios/FORMAT.md): parsed from untrusted JSON with every problem
// reported at once, naming the JSON path and what was expected.

import { InvalidScenarioError } from '../errors';
import type { Instant } from '../partitions/types';
import { ProblemCollector, isObject, type JsonObject } from '../specs/json';
import type { AssetSpec, DefaultAutomation } from '../specs/types';
import { readSpecs, validateAssetSpecs } from '../specs/validate';
import { tryParseDuration, tryParseInstant } from '../time';

export interface ExpectedAssetPartition {
  readonly asset: string;
  readonly partition: string | null;
}

export interface ExpectedSkip {
  readonly asset: string;
  readonly partition?: string;
  readonly reasons?: readonly string[];
}

export type ScenarioAction =
  | { readonly kind: 'run'; readonly id: string | null; readonly assets: readonly string[]; readonly partition: string | null; readonly failed: readonly string[]; readonly inProgress: boolean; readonly materialized: readonly string[] }
  | { readonly kind: 'observe'; readonly asset: string; readonly dataVersion: string | null; readonly partition: string | null }
  | { readonly kind: 'codeVersion'; readonly asset: string; readonly version: string }
  | { readonly kind: 'define'; readonly assets: readonly AssetSpec[] }
  | { readonly kind: 'backfill'; readonly id: string; readonly assets: Readonly<Record<string, readonly string[]>> }
  | {
      readonly kind: 'evaluate';
      readonly expect: readonly ExpectedAssetPartition[] | null;
      readonly reasons: Readonly<Record<string, readonly string[]>> | null;
      readonly expectSkipped: readonly ExpectedSkip[] | null;
      readonly expectViolations: readonly ExpectedAssetPartition[] | null;
      readonly launch: boolean;
    }
  | { readonly kind: 'complete'; readonly target: string; readonly failed: readonly string[] };

export interface ScenarioStep {
  readonly index: number;
  readonly at: Instant | null;
  readonly advanceMs: number | null;
  readonly action: ScenarioAction;
}

export interface Scenario {
  readonly name: string;
  readonly description: string | null;
  readonly start: Instant;
  readonly defaultAutomation: DefaultAutomation;
  readonly selection: readonly string[] | null;
  readonly assets: readonly AssetSpec[];
  readonly steps: readonly ScenarioStep[];
}

const DEFAULT_START = '2024-01-01T00:00:00Z';
const ACTIONS = ['run', 'observe', 'codeVersion', 'define', 'backfill', 'evaluate', 'complete'] as const;

function stringList(c: ProblemCollector, v: unknown, path: string, optional: boolean): string[] {
  if (v === undefined && optional) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    c.expect(path, v, 'an array of non-empty strings');
    return [];
  }
  return v as string[];
}

function partitionOf(c: ProblemCollector, v: unknown, path: string): string | null {
  if (v === undefined || v === null) return null;
  return c.string(path, v) ?? null;
}

function readApList(c: ProblemCollector, v: unknown, path: string): ExpectedAssetPartition[] {
  if (!Array.isArray(v)) {
    c.expect(path, v, 'an array of {"asset", "partition"?} objects');
    return [];
  }
  const out: ExpectedAssetPartition[] = [];
  v.forEach((x: unknown, i) => {
    const p = `${path}[${i}]`;
    if (!isObject(x)) return c.expect(p, x, 'an {"asset", "partition"?} object');
    c.unknownKeys(p, x, ['asset', 'partition']);
    const asset = c.string(`${p}.asset`, x.asset);
    if (asset !== undefined) out.push({ asset, partition: partitionOf(c, x.partition, `${p}.partition`) });
  });
  return out;
}

function readAction(c: ProblemCollector, name: (typeof ACTIONS)[number], raw: JsonObject, p: string): ScenarioAction | undefined {
  const v = raw[name];
  const ap = `${p}.${name}`;
  switch (name) {
    case 'run': {
      if (!isObject(v)) return void c.expect(ap, v, 'a run object {"assets", "partition"?, "failed"?, "id"?, "status"?, "materialized"?}');
      c.unknownKeys(ap, v, ['id', 'assets', 'partition', 'failed', 'status', 'materialized']);
      const status = v.status;
      if (status !== undefined && status !== 'inProgress' && status !== 'complete') c.expect(`${ap}.status`, status, '"inProgress" (or omit it)');
      const id = v.id === undefined ? null : (c.string(`${ap}.id`, v.id) ?? null);
      if (status === 'inProgress' && id === null) c.add(`${ap}.id`, 'a run in progress needs an id, so a later step can finish it');
      const assets = stringList(c, v.assets, `${ap}.assets`, false);
      const failed = stringList(c, v.failed, `${ap}.failed`, true);
      const materialized = stringList(c, v.materialized, `${ap}.materialized`, true);
      for (const f of failed) if (assets.includes(f)) c.add(`${ap}.failed`, `"${f}" is listed in both assets and failed`);
      for (const m of materialized) if (!assets.includes(m)) c.add(`${ap}.materialized`, `"${m}" is not one of the run's assets`);
      return { kind: 'run', id, assets, partition: partitionOf(c, v.partition, `${ap}.partition`), failed, inProgress: status === 'inProgress', materialized };
    }
    case 'observe': {
      if (!isObject(v)) return void c.expect(ap, v, 'an observe object {"asset", "dataVersion", "partition"?}');
      c.unknownKeys(ap, v, ['asset', 'dataVersion', 'partition']);
      const asset = c.string(`${ap}.asset`, v.asset);
      let dataVersion: string | null = null;
      if (v.dataVersion !== null) dataVersion = c.string(`${ap}.dataVersion`, v.dataVersion) ?? null;
      return asset === undefined ? undefined : { kind: 'observe', asset, dataVersion, partition: partitionOf(c, v.partition, `${ap}.partition`) };
    }
    case 'codeVersion': {
      if (!isObject(v)) return void c.expect(ap, v, 'a codeVersion object {"asset", "version"}');
      c.unknownKeys(ap, v, ['asset', 'version']);
      const asset = c.string(`${ap}.asset`, v.asset);
      const version = c.string(`${ap}.version`, v.version);
      return asset === undefined || version === undefined ? undefined : { kind: 'codeVersion', asset, version };
    }
    case 'define': {
      if (!isObject(v)) return void c.expect(ap, v, 'a define object {"assets": [...]}');
      c.unknownKeys(ap, v, ['assets']);
      const assets = readSpecs(c, v.assets, `${ap}.assets`);
      for (const pr of validateAssetSpecs(assets, `${ap}.assets`)) c.add(pr.path, pr.message);
      return { kind: 'define', assets };
    }
    case 'backfill': {
      if (!isObject(v)) return void c.expect(ap, v, 'a backfill object {"id", "assets": {"asset": ["partition", ...]}}');
      c.unknownKeys(ap, v, ['id', 'assets']);
      const id = c.string(`${ap}.id`, v.id);
      const assets: Record<string, string[]> = {};
      if (!isObject(v.assets)) c.expect(`${ap}.assets`, v.assets, 'an object mapping asset keys to partition lists');
      else for (const [k, list] of Object.entries(v.assets)) assets[k] = stringList(c, list, `${ap}.assets.${k}`, false);
      return id === undefined ? undefined : { kind: 'backfill', id, assets };
    }
    case 'evaluate': {
      if (!isObject(v)) return void c.expect(ap, v, 'an evaluate object {"expect"?, "reasons"?, "expectSkipped"?, "expectViolations"?, "launch"?}');
      c.unknownKeys(ap, v, ['expect', 'reasons', 'expectSkipped', 'expectViolations', 'launch']);
      const expect = v.expect === undefined ? null : readApList(c, v.expect, `${ap}.expect`);
      let reasons: Record<string, string[]> | null = null;
      if (v.reasons !== undefined) {
        reasons = {};
        if (!isObject(v.reasons)) c.expect(`${ap}.reasons`, v.reasons, 'an object mapping asset keys to reason lists');
        else for (const [k, list] of Object.entries(v.reasons)) reasons[k] = stringList(c, list, `${ap}.reasons.${k}`, false);
      }
      let expectSkipped: ExpectedSkip[] | null = null;
      if (v.expectSkipped !== undefined) {
        expectSkipped = [];
        if (!Array.isArray(v.expectSkipped)) c.expect(`${ap}.expectSkipped`, v.expectSkipped, 'an array of {"asset", "partition"?, "reasons"?}');
        else
          v.expectSkipped.forEach((x: unknown, i) => {
            const sp = `${ap}.expectSkipped[${i}]`;
            if (!isObject(x)) return c.expect(sp, x, 'an {"asset", "partition"?, "reasons"?} object');
            c.unknownKeys(sp, x, ['asset', 'partition', 'reasons']);
            const asset = c.string(`${sp}.asset`, x.asset);
            const partition = x.partition === undefined ? undefined : c.string(`${sp}.partition`, x.partition);
            const rs = x.reasons === undefined ? undefined : stringList(c, x.reasons, `${sp}.reasons`, false);
            if (asset !== undefined) expectSkipped?.push({ asset, ...(partition !== undefined ? { partition } : {}), ...(rs ? { reasons: rs } : {}) });
          });
      }
      const expectViolations = v.expectViolations === undefined ? null : readApList(c, v.expectViolations, `${ap}.expectViolations`);
      const launch = v.launch === undefined ? true : (c.boolean(`${ap}.launch`, v.launch) ?? true);
      return { kind: 'evaluate', expect, reasons, expectSkipped, expectViolations, launch };
    }
    case 'complete': {
      const target = c.string(ap, v);
      c.unknownKeys(p, raw, ['complete', 'failed', 'at', 'advance']);
      const failed = stringList(c, raw.failed, `${p}.failed`, true);
      return target === undefined ? undefined : { kind: 'complete', target, failed };
    }
  }
}

function readStep(c: ProblemCollector, raw: unknown, index: number): ScenarioStep | undefined {
  const p = `$.steps[${index}]`;
  if (!isObject(raw)) return void c.expect(p, raw, `a step object with one of ${ACTIONS.join(', ')}`);
  const names = ACTIONS.filter((a) => raw[a] !== undefined);
  if (names.length !== 1) {
    c.add(p, `expected exactly one action (${ACTIONS.join(', ')}), found ${names.length === 0 ? 'none' : names.join(', ')}`);
    return undefined;
  }
  const name = names[0] as (typeof ACTIONS)[number];
  if (name !== 'complete') c.unknownKeys(p, raw, [name, 'at', 'advance']);
  let at: Instant | null = null;
  if (raw.at !== undefined) {
    at = typeof raw.at === 'string' ? tryParseInstant(raw.at) : null;
    if (at === null) c.expect(`${p}.at`, raw.at, 'an ISO-8601 instant such as "2024-01-01T09:00:00Z"');
  }
  let advanceMs: number | null = null;
  if (raw.advance !== undefined) {
    advanceMs = typeof raw.advance === 'string' ? tryParseDuration(raw.advance) : null;
    if (advanceMs === null) c.expect(`${p}.advance`, raw.advance, 'a duration such as "35m", "2h", "1d" or "30s"');
  }
  if (at !== null && advanceMs !== null) c.add(p, 'a step may carry "at" or "advance", not both');
  const action = readAction(c, name, raw, p);
  return action ? { index, at, advanceMs, action } : undefined;
}

/** Parses a scenario; throws InvalidScenarioError listing every problem with its JSON path. */
export function parseScenario(value: unknown): Scenario {
  const c = new ProblemCollector();
  if (!isObject(value)) {
    c.expect('$', value, 'a scenario object {"name", "assets", "steps", ...}');
    throw new InvalidScenarioError(c.problems);
  }
  c.unknownKeys('$', value, ['name', 'description', 'start', 'defaultAutomation', 'selection', 'assets', 'steps']);
  const name = c.string('$.name', value.name) ?? '';
  const description = value.description === undefined ? null : (c.string('$.description', value.description) ?? null);
  const startText = value.start === undefined ? DEFAULT_START : value.start;
  const start = typeof startText === 'string' ? tryParseInstant(startText) : null;
  if (start === null) c.expect('$.start', startText, 'an ISO-8601 instant such as "2024-01-01T00:00:00Z"');
  const da = value.defaultAutomation ?? 'reconcile';
  if (da !== 'eager' && da !== 'lazy' && da !== 'none' && da !== 'reconcile') c.expect('$.defaultAutomation', da, 'one of eager, lazy, none, reconcile');
  const selection = value.selection === undefined ? null : stringList(c, value.selection, '$.selection', false);
  const assets = readSpecs(c, value.assets, '$.assets');
  for (const pr of validateAssetSpecs(assets, "$.assets")) c.add(pr.path, pr.message);
  const known = new Set(assets.map((a) => a.key));
  selection?.forEach((k, i) => {
    if (!known.has(k)) c.add(`$.selection[${i}]`, `unknown asset "${k}"`);
  });
  const steps: ScenarioStep[] = [];
  if (!Array.isArray(value.steps)) c.expect('$.steps', value.steps, 'an array of steps');
  else value.steps.forEach((s: unknown, i) => {
    const step = readStep(c, s, i);
    if (step) steps.push(step);
  });
  if (c.problems.length > 0) throw new InvalidScenarioError(c.problems);
  return { name, description, start: start as Instant, defaultAutomation: da as DefaultAutomation, selection, assets, steps };
}
