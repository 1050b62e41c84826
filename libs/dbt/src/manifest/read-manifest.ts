// Reads a manifest.json (as produced by `dbt parse`) into the normalized shape the loader uses.
// Tolerant of dbt versions: freshness and loaded_at settings are read from `config` first, then
// from the top level; build_after's `updates_on` is also accepted under its early name `depends_on`.
import { DbtError } from '../errors';
import type { DbtBuildAfter, DbtDuration, DbtMacro, DbtManifest, DbtNode, DbtSource, DbtSourceFreshness, JsonObject } from './types';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);
const strOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
const obj = (value: unknown): JsonObject => (isObject(value) ? value : {});

const PERIODS = ['minute', 'hour', 'day'] as const;

function duration(value: unknown): DbtDuration | null {
  if (!isObject(value)) return null;
  const count = value.count;
  const period = value.period;
  if (typeof count !== 'number' || !PERIODS.includes(period as DbtDuration['period'])) return null;
  return { count, period: period as DbtDuration['period'] };
}

function buildAfter(node: JsonObject): DbtBuildAfter | null {
  const freshness = isObject(obj(node.config).freshness) ? obj(obj(node.config).freshness) : obj(node.freshness);
  const raw = freshness.build_after;
  const base = duration(raw);
  if (!base || !isObject(raw)) return null;
  const updatesOn = raw.updates_on ?? raw.depends_on;
  return { ...base, updatesOn: updatesOn === 'all' ? 'all' : 'any' };
}

/** `config.meta` over top-level `meta`: config wins key by key. */
function mergedMeta(node: JsonObject): JsonObject {
  return { ...obj(node.meta), ...obj(obj(node.config).meta) };
}

function readNode(uniqueId: string, raw: JsonObject): DbtNode {
  const config = obj(raw.config);
  const dependsOn = obj(raw.depends_on);
  const checksum = obj(raw.checksum);
  const version = raw.version;
  return {
    uniqueId,
    resourceType: str(raw.resource_type),
    name: str(raw.name),
    packageName: str(raw.package_name),
    fqn: strings(raw.fqn),
    alias: str(raw.alias, str(raw.name)),
    schema: str(raw.schema),
    configSchema: strOrNull(config.schema),
    materialized: str(config.materialized),
    version: typeof version === 'string' || typeof version === 'number' ? String(version) : null,
    rawCode: str(raw.raw_code, str(raw.raw_sql)),
    checksum: str(checksum.checksum),
    description: str(raw.description),
    dependsOnNodes: strings(dependsOn.nodes),
    dependsOnMacros: strings(dependsOn.macros),
    meta: mergedMeta(raw),
    config,
    group: strOrNull(config.group) ?? strOrNull(raw.group),
    buildAfter: buildAfter(raw),
    attachedNode: strOrNull(raw.attached_node),
    severity: strOrNull(config.severity),
    relationName: strOrNull(raw.relation_name),
  };
}

function sourceFreshness(raw: JsonObject): DbtSourceFreshness | null {
  const config = obj(raw.config);
  const freshness = isObject(config.freshness) ? config.freshness : isObject(raw.freshness) ? raw.freshness : null;
  if (!freshness) return null;
  const warnAfter = duration(freshness.warn_after);
  const errorAfter = duration(freshness.error_after);
  if (!warnAfter && !errorAfter) return null;
  return { warnAfter, errorAfter, filter: strOrNull(freshness.filter) };
}

function readSource(uniqueId: string, raw: JsonObject): DbtSource {
  const config = obj(raw.config);
  return {
    uniqueId,
    sourceName: str(raw.source_name),
    name: str(raw.name),
    packageName: str(raw.package_name),
    schema: str(raw.schema),
    identifier: str(raw.identifier, str(raw.name)),
    description: str(raw.description),
    loadedAtField: strOrNull(config.loaded_at_field) ?? strOrNull(raw.loaded_at_field),
    loadedAtQuery: strOrNull(config.loaded_at_query) ?? strOrNull(raw.loaded_at_query),
    freshness: sourceFreshness(raw),
    meta: { ...obj(raw.source_meta), ...obj(raw.meta), ...obj(config.meta) },
  };
}

function readMacro(uniqueId: string, raw: JsonObject): DbtMacro {
  return {
    uniqueId,
    packageName: str(raw.package_name),
    macroSql: str(raw.macro_sql),
    dependsOnMacros: strings(obj(raw.depends_on).macros),
  };
}

const byId = <T>(entries: [string, T][]): Map<string, T> => new Map(entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));

/** Parses the manifest's JSON value; `where` names the file in errors. */
export function readManifest(value: unknown, where = 'manifest.json'): DbtManifest {
  if (!isObject(value) || !isObject(value.nodes) || !isObject(value.metadata)) {
    throw new DbtError('manifestInvalid', `${where} is not a dbt manifest (expected an object with metadata and nodes)`);
  }
  const metadata = value.metadata;
  const nodes = byId(Object.entries(value.nodes).filter((e): e is [string, JsonObject] => isObject(e[1])).map(([id, raw]) => [id, readNode(id, raw)]));
  const sources = byId(Object.entries(obj(value.sources)).filter((e): e is [string, JsonObject] => isObject(e[1])).map(([id, raw]) => [id, readSource(id, raw)]));
  const macros = byId(Object.entries(obj(value.macros)).filter((e): e is [string, JsonObject] => isObject(e[1])).map(([id, raw]) => [id, readMacro(id, raw)]));
  return {
    dbtVersion: str(metadata.dbt_version),
    schemaVersion: str(metadata.dbt_schema_version),
    adapterType: str(metadata.adapter_type),
    projectName: str(metadata.project_name),
    nodes,
    sources,
    macros,
  };
}
