import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { type CachedAsset, type CachedGraph, type GraphInput, type JsonValue } from './graph-cache.port';

export class GraphCycleError extends Error {
  override readonly name = 'GraphCycleError';
  readonly retriable = false;

  constructor(readonly assetKeys: readonly string[]) {
    super(`The asset graph has a cycle; assets on it or downstream of it: ${assetKeys.join(', ')}`);
  }
}

export class DuplicateAssetKeyError extends Error {
  override readonly name = 'DuplicateAssetKeyError';
  readonly retriable = false;

  constructor(readonly assetKey: string) {
    super(`Asset key ${JSON.stringify(assetKey)} appears twice in the graph`);
  }
}

/** Everything a cache adapter stores for one graph version, computed once. */
export interface GraphSnapshot extends CachedGraph {
  /** The canonical JSON that `version` hashes; stored as the blob. */
  readonly blob: string;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
}

const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Normalizes the definitions (assets by key, deps sorted and unique), hashes their canonical
 * JSON into the version, and ranks the assets topologically. A dependency on a key that is not
 * in the graph (a plain source, say) is kept in `deps` but does not affect ranks; a
 * self-dependency (time-partitioned assets that read their own previous partition) is ignored
 * for ranking; any other cycle is an error.
 */
export function buildGraphSnapshot(input: GraphInput): GraphSnapshot {
  const seen = new Set<string>();
  const normalized = input.assets
    .map((asset) => {
      if (seen.has(asset.key)) throw new DuplicateAssetKeyError(asset.key);
      seen.add(asset.key);
      return { key: asset.key, deps: [...new Set(asset.deps)].sort(byCodePoint), spec: asset.spec };
    })
    .sort((a, b) => byCodePoint(a.key, b.key));
  const meta: JsonValue = input.meta ?? null;
  const blob = canonicalJson({ assets: normalized, meta });
  const version = createHash('sha256').update(blob).digest('hex');

  const ranks = rankTopologically(normalized);
  const downstream = new Map<string, string[]>();
  for (const asset of normalized) {
    for (const dep of asset.deps) {
      if (!seen.has(dep)) continue;
      downstream.set(dep, [...(downstream.get(dep) ?? []), asset.key]);
    }
  }
  for (const children of downstream.values()) children.sort(byCodePoint);
  const assets: CachedAsset[] = normalized
    .map((asset) => ({ ...asset, rank: ranks.get(asset.key) ?? 0 }))
    .sort((a, b) => a.rank - b.rank || byCodePoint(a.key, b.key));
  return { version, blob, assets, meta, downstream };
}

/** Kahn's algorithm (iterative: a 10 000-asset chain must not overflow the stack). */
function rankTopologically(assets: readonly { key: string; deps: readonly string[] }[]): Map<string, number> {
  const keys = new Set(assets.map((asset) => asset.key));
  const children = new Map<string, string[]>();
  const waitingOn = new Map<string, number>();
  for (const asset of assets) {
    const parents = asset.deps.filter((dep) => dep !== asset.key && keys.has(dep));
    waitingOn.set(asset.key, parents.length);
    for (const parent of parents) children.set(parent, [...(children.get(parent) ?? []), asset.key]);
  }
  const ranks = new Map<string, number>();
  const ready = assets.filter((asset) => waitingOn.get(asset.key) === 0).map((asset) => asset.key);
  for (const key of ready) ranks.set(key, 0);
  for (let next = 0; next < ready.length; next += 1) {
    const key = ready[next] ?? '';
    const rank = ranks.get(key) ?? 0;
    for (const child of children.get(key) ?? []) {
      ranks.set(child, Math.max(ranks.get(child) ?? 0, rank + 1));
      const remaining = (waitingOn.get(child) ?? 0) - 1;
      waitingOn.set(child, remaining);
      if (remaining === 0) ready.push(child);
    }
  }
  if (ready.length < assets.length) {
    throw new GraphCycleError(assets.map((asset) => asset.key).filter((key) => (waitingOn.get(key) ?? 0) > 0));
  }
  return ranks;
}

/** The graph stored under a version, rebuilt from its blob. */
export function graphFromBlob(version: string, blob: string): CachedGraph {
  const parsed = JSON.parse(blob) as { assets: { key: string; deps: string[]; spec: JsonValue }[]; meta: JsonValue };
  const snapshot = buildGraphSnapshot(parsed);
  return { version, assets: snapshot.assets, meta: snapshot.meta };
}
