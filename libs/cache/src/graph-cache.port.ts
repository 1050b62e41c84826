/**
 * The graph-cache port: the asset graph and the latest state per asset partition, cached so a
 * planner replica, the API, the observer and the workers read them without Postgres. It is a
 * cache, never the source of truth: after `flush` everything is rebuilt from the event log and
 * the definitions.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One asset as the publisher gives it: its key, the keys it depends on, and its serialized spec. */
export interface GraphAssetInput {
  readonly key: string;
  readonly deps: readonly string[];
  /** The asset spec as JSON (kind, code version, partitions, freshness, automation, …). */
  readonly spec: JsonValue;
}

export interface GraphInput {
  readonly assets: readonly GraphAssetInput[];
  /** Anything else the readers need with the graph (code locations, for instance). */
  readonly meta?: JsonValue;
}

export interface CachedAsset {
  readonly key: string;
  /** Sorted, without repeats. */
  readonly deps: readonly string[];
  /** Topological level: 0 for assets without parents in the graph, else 1 + max parent rank. */
  readonly rank: number;
  readonly spec: JsonValue;
}

export interface CachedGraph {
  /** sha256 (hex) of the canonical JSON of the definitions: same definitions, same version. */
  readonly version: string;
  /** In topological order: by rank, then by key. */
  readonly assets: readonly CachedAsset[];
  readonly meta: JsonValue;
}

export interface PublishResult {
  readonly version: string;
  readonly previousVersion: string | null;
  /** False when this version was already current. */
  readonly changed: boolean;
}

/**
 * Latest state of one asset partition, written after the event-log commit. `storageId` is the
 * event-log position it reflects: a write older than what is cached is ignored, so two writers
 * racing after their commits cannot move the cache backwards.
 */
export interface AssetState {
  readonly storageId: number;
  readonly [field: string]: JsonValue;
}

export interface AssetStateEntry {
  readonly assetKey: string;
  readonly partitionKey: string | null;
  readonly state: AssetState;
}

export interface GraphCache {
  /** Writes the version, then points `current` at it; readers always resolve `current` first. */
  publishGraph(input: GraphInput): Promise<PublishResult>;
  getCurrentVersion(): Promise<string | null>;
  getCurrentGraph(): Promise<CachedGraph | null>;
  /** One asset of the current graph, or null. */
  getAsset(assetKey: string): Promise<CachedAsset | null>;
  /** The keys an asset of the current graph declares as deps (sources outside the graph and itself included), sorted. */
  getUpstream(assetKey: string): Promise<string[]>;
  /** The assets of the current graph that declare `assetKey` as a dep, sorted. */
  getDownstream(assetKey: string): Promise<string[]>;
  /** Every asset key of the current graph in topological order (rank, then key). */
  getTopologicalOrder(): Promise<string[]>;
  /** Returns false (and changes nothing) when the cached state is at the same or a later storage id. */
  setAssetState(assetKey: string, partitionKey: string | null, state: AssetState): Promise<boolean>;
  getAssetState(assetKey: string, partitionKey: string | null): Promise<AssetState | null>;
  /** Every cached state, by asset key then partition key (null first). */
  getAllAssetStates(): Promise<AssetStateEntry[]>;
  /** Deletes everything this cache wrote (only under its own key prefix). */
  flush(): Promise<void>;
}
