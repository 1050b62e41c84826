// Shape checks on the spec fields a user writes. The planner validates specs again on its side;
// these catch mistakes at definition time, next to the code that made them.
import { DefinitionError } from './errors';
import type { AssetSpecFields } from './types';
import { depKey, type AssetSpecJson, type PartitionsSpecJson } from './spec-types';

const KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;

export function checkKey(key: unknown, what: string): string {
  if (typeof key !== 'string' || !KEY_PATTERN.test(key) || key.length > 512) {
    throw new DefinitionError(
      'invalidKey',
      `${what}: key ${JSON.stringify(key)} is not a valid asset key (letters, digits, _ . -, path segments separated by /)`,
    );
  }
  return key;
}

function checkPartitions(key: string, partitions: PartitionsSpecJson): void {
  if (partitions.kind === 'static') {
    const keys = partitions.keys;
    if (keys.length === 0) throw new DefinitionError('invalidSpec', `${key}: static partitions need at least one key`);
    if (new Set(keys).size !== keys.length) throw new DefinitionError('invalidSpec', `${key}: static partition keys repeat`);
    return;
  }
  if (!['hourly', 'daily', 'weekly', 'monthly'].includes(partitions.kind)) {
    throw new DefinitionError('invalidSpec', `${key}: unknown partitions kind ${JSON.stringify(partitions.kind)}`);
  }
  if (typeof partitions.start !== 'string' || partitions.start === '') {
    throw new DefinitionError('invalidSpec', `${key}: time partitions need a start`);
  }
}

export function checkSpecFields(fields: AssetSpecFields, what: string): void {
  const key = checkKey(fields.key, what);
  for (const dep of fields.deps ?? []) checkKey(depKey(dep), `${key} dependency`);
  if (fields.codeVersion !== undefined && typeof fields.codeVersion !== 'string') {
    throw new DefinitionError('invalidSpec', `${key}: codeVersion must be a string`);
  }
  if (fields.partitions) checkPartitions(key, fields.partitions);
  const freshness = fields.freshness;
  if (freshness && !(typeof freshness.maximumLagMinutes === 'number' && freshness.maximumLagMinutes >= 0)) {
    throw new DefinitionError('invalidSpec', `${key}: freshness.maximumLagMinutes must be a number ≥ 0`);
  }
  if (freshness?.cronSchedule !== undefined && freshness.cronSchedule.trim().split(/\s+/).length !== 5) {
    throw new DefinitionError('invalidSpec', `${key}: freshness.cronSchedule must have 5 fields (got "${freshness.cronSchedule}")`);
  }
}

/** The JSON spec of a user's fields, with only the fields that are set (stable key order). */
export function specFromFields(fields: AssetSpecFields, extra: Partial<AssetSpecJson> = {}): AssetSpecJson {
  const spec: Record<string, unknown> = { key: fields.key, kind: extra.kind ?? 'materializable' };
  const deps = fields.deps ?? [];
  if (deps.length > 0) spec.deps = deps.map((dep) => (typeof dep === 'string' ? dep : { ...dep }));
  const optional: [keyof AssetSpecJson, unknown][] = [
    ['codeVersion', extra.codeVersion ?? fields.codeVersion],
    ['partitions', fields.partitions],
    ['freshness', fields.freshness],
    ['automation', fields.automation],
    ['multiAsset', extra.multiAsset],
    ['canSubset', extra.canSubset],
    ['description', fields.description],
    ['group', fields.group],
  ];
  for (const [name, value] of optional) if (value !== undefined) spec[name] = value;
  return spec as unknown as AssetSpecJson;
}

export function timeoutMs(timeoutSeconds: number | undefined, key: string): number | null {
  if (timeoutSeconds === undefined) return null;
  if (!(timeoutSeconds > 0)) throw new DefinitionError('invalidSpec', `${key}: timeoutSeconds must be > 0`);
  return Math.round(timeoutSeconds * 1000);
}
