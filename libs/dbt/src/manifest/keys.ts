// The asset key scheme (README "Asset keys"), compatible with dagster-dbt so projects moving over
// keep their keys:
//   1. `meta.freshet.key` (a string; `/` separates path segments), else `meta.dagster.asset_key`
//      (a list of segments, or a string) — config meta first, then the node's meta;
//   2. a source: `<source_name>/<table name>`;
//   3. a versioned model: its alias (`orders_v2`);
//   4. a model, seed or snapshot: `<config.schema>/<name>` when the schema is set explicitly,
//      else `<name>`.
// An `assetKey` option may replace the scheme for any resource (return undefined to keep it).
import type { DbtNode, DbtSource, JsonObject } from './types';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A resource the key function is asked about. */
export type DbtKeyedResource = { readonly kind: 'node'; readonly node: DbtNode } | { readonly kind: 'source'; readonly source: DbtSource };

export type AssetKeyFn = (resource: DbtKeyedResource) => string | undefined;

function keyFromMeta(meta: JsonObject): string | undefined {
  const freshet = meta.freshet;
  if (isObject(freshet) && typeof freshet.key === 'string') return freshet.key;
  const dagster = meta.dagster;
  if (isObject(dagster)) {
    const key = dagster.asset_key;
    if (typeof key === 'string') return key;
    if (Array.isArray(key) && key.length > 0 && key.every((part) => typeof part === 'string')) return key.join('/');
  }
  return undefined;
}

/** The default key of a resource under the scheme above. */
export function defaultAssetKey(resource: DbtKeyedResource): string {
  if (resource.kind === 'source') {
    const { source } = resource;
    return keyFromMeta(source.meta) ?? `${source.sourceName}/${source.name}`;
  }
  const { node } = resource;
  const fromMeta = keyFromMeta(node.meta);
  if (fromMeta !== undefined) return fromMeta;
  if (node.resourceType === 'model' && node.version !== null) return node.alias;
  return node.configSchema === null ? node.name : `${node.configSchema}/${node.name}`;
}

export function assetKeyOf(resource: DbtKeyedResource, override?: AssetKeyFn): string {
  return override?.(resource) ?? defaultAssetKey(resource);
}
