// Turns a manifest into Freshet assets: every model, seed and snapshot is an asset (ephemeral
// models are not: they are compiled into their consumers, so edges are bridged through them), every
// dbt source a source asset, `ref()` and `source()` edges dependencies. Pure: no I/O.
import type { AssetSpecJson } from '@freshet/sdk';
import { DbtError } from '../errors';
import { dbtCodeVersion } from './code-version';
import { assetKeyOf, type AssetKeyFn } from './keys';
import { nodePolicies, type NodePolicies } from './policies';
import type { DbtManifest, DbtNode, DbtSource, JsonObject } from './types';

const ASSET_RESOURCE_TYPES = new Set(['model', 'seed', 'snapshot']);
const KEY_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)*$/;
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export interface DbtAssetNode {
  readonly key: string;
  readonly uniqueId: string;
  readonly node: DbtNode;
  /** What `dbt build --select` is given for it: its fully qualified name. */
  readonly selector: string;
  readonly codeVersion: string;
  /** Keys of the assets and sources it reads, sorted. */
  readonly deps: readonly string[];
  readonly policies: NodePolicies;
  /** Materializable spec (kind, key, deps, codeVersion, policies, description, group). */
  readonly spec: AssetSpecJson;
}

export interface DbtSourceNode {
  readonly key: string;
  readonly uniqueId: string;
  readonly source: DbtSource;
  /** Observable when it has a loaded_at_field, a loaded_at_query or meta.freshet.observe_query. */
  readonly observeQuery: string | null;
  readonly spec: AssetSpecJson;
}

export interface DbtProjectGraph {
  readonly manifest: DbtManifest;
  /** Sorted by key. */
  readonly assets: readonly DbtAssetNode[];
  /** Sorted by key. */
  readonly sources: readonly DbtSourceNode[];
  /** unique_id → asset key, for assets and sources. */
  readonly keyOf: ReadonlyMap<string, string>;
  /** asset unique_id → the tests attached to it (sorted unique ids). */
  readonly testsOf: ReadonlyMap<string, readonly string[]>;
}

export interface ProjectGraphOptions {
  readonly assetKey?: AssetKeyFn;
  /** Prefix every key (`warehouse` → `warehouse/marts/orders`). Applied after `assetKey`. */
  readonly keyPrefix?: string;
}

const isAsset = (node: DbtNode): boolean => ASSET_RESOURCE_TYPES.has(node.resourceType) && node.materialized !== 'ephemeral';

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The query that observes a source: its configured query, else max(loaded_at_field) and a row count. */
export function sourceObserveQuery(source: DbtSource): string | null {
  const freshet = isObject(source.meta.freshet) ? source.meta.freshet : {};
  if (typeof freshet.observe_query === 'string') return freshet.observe_query;
  if (source.loadedAtQuery !== null) return source.loadedAtQuery;
  if (source.loadedAtField === null) return null;
  // The database is left out on purpose: Postgres cannot read across databases, and the
  // connection the observer uses already points at the right one.
  const relation = `${quoteIdentifier(source.schema)}.${quoteIdentifier(source.identifier)}`;
  const filter = source.freshness?.filter ? ` where ${source.freshness.filter}` : '';
  return `select max(${source.loadedAtField}) as loaded_at, count(*) as row_count from ${relation}${filter}`;
}

function description(text: string): Partial<AssetSpecJson> {
  return text.trim() === '' ? {} : { description: text.trim() };
}

export function buildProjectGraph(manifest: DbtManifest, options: ProjectGraphOptions = {}): DbtProjectGraph {
  const prefix = options.keyPrefix ? `${options.keyPrefix.replace(/\/+$/, '')}/` : '';
  const keyOf = new Map<string, string>();
  const owner = new Map<string, string>();
  const claim = (uniqueId: string, key: string): void => {
    const full = `${prefix}${key}`;
    if (!KEY_PATTERN.test(full)) {
      throw new DbtError('invalidKey', `${uniqueId}: asset key "${full}" is not valid (letters, digits, _ . -, segments separated by /); set meta.freshet.key`);
    }
    const other = owner.get(full);
    if (other !== undefined) throw new DbtError('duplicateKey', `${other} and ${uniqueId} both have asset key "${full}"; set meta.freshet.key on one`);
    owner.set(full, uniqueId);
    keyOf.set(uniqueId, full);
  };
  for (const source of manifest.sources.values()) claim(source.uniqueId, assetKeyOf({ kind: 'source', source }, options.assetKey));
  for (const node of manifest.nodes.values()) if (isAsset(node)) claim(node.uniqueId, assetKeyOf({ kind: 'node', node }, options.assetKey));

  /** Asset and source keys a node reads, looking through ephemeral models. */
  const upstreamKeys = (node: DbtNode): string[] => {
    const keys = new Set<string>();
    const seen = new Set<string>();
    const queue = [...node.dependsOnNodes];
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const key = keyOf.get(id);
      if (key !== undefined) {
        keys.add(key);
        continue;
      }
      const parent = manifest.nodes.get(id);
      if (parent && parent.resourceType === 'model' && parent.materialized === 'ephemeral') queue.push(...parent.dependsOnNodes);
    }
    return [...keys].sort(compare);
  };

  const testsOf = new Map<string, string[]>();
  for (const test of manifest.nodes.values()) {
    if (test.resourceType !== 'test') continue;
    const targets = test.attachedNode !== null ? [test.attachedNode] : test.dependsOnNodes;
    for (const target of targets) testsOf.set(target, [...(testsOf.get(target) ?? []), test.uniqueId].sort(compare));
  }

  const assets: DbtAssetNode[] = [];
  for (const node of manifest.nodes.values()) {
    if (!isAsset(node)) continue;
    const key = keyOf.get(node.uniqueId) as string;
    const deps = upstreamKeys(node);
    const codeVersion = dbtCodeVersion(node, manifest);
    const policies = nodePolicies(node);
    const freshet = isObject(node.meta.freshet) ? node.meta.freshet : {};
    const dagster = isObject(node.meta.dagster) ? node.meta.dagster : {};
    const group = [freshet.group, dagster.group, node.group].find((g): g is string => typeof g === 'string' && g !== '');
    const spec: AssetSpecJson = {
      key,
      kind: 'materializable',
      ...(deps.length > 0 ? { deps } : {}),
      codeVersion,
      ...(policies.freshness ? { freshness: policies.freshness } : {}),
      ...(policies.automation ? { automation: policies.automation } : {}),
      ...description(node.description),
      ...(group ? { group } : {}),
    };
    assets.push({ key, uniqueId: node.uniqueId, node, selector: `fqn:${node.fqn.join('.')}`, codeVersion, deps, policies, spec });
  }

  const sources: DbtSourceNode[] = [];
  for (const source of manifest.sources.values()) {
    const key = keyOf.get(source.uniqueId) as string;
    const observeQuery = sourceObserveQuery(source);
    const spec: AssetSpecJson = { key, kind: observeQuery === null ? 'source' : 'observableSource', ...description(source.description) };
    sources.push({ key, uniqueId: source.uniqueId, source, observeQuery, spec });
  }

  const byKey = <T extends { key: string }>(a: T, b: T): number => compare(a.key, b.key);
  return { manifest, assets: assets.sort(byKey), sources: sources.sort(byKey), keyOf, testsOf };
}
