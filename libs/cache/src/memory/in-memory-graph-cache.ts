import { compareAssetStateEntries, validateAssetState } from '../asset-state';
import {
  type AssetState,
  type AssetStateEntry,
  type CachedAsset,
  type CachedGraph,
  type GraphCache,
  type GraphInput,
  type PublishResult,
} from '../graph-cache.port';
import { buildGraphSnapshot, type GraphSnapshot } from '../graph-snapshot';
import { settle } from './settle';

/**
 * The graph cache in process memory, for `freshet dev`, the simulator and unit tests. Same
 * behaviour as the Redis adapter (one contract suite); returned values are copies, so callers
 * cannot change the cache by mutating what they read.
 */
export class InMemoryGraphCache implements GraphCache {
  private current: GraphSnapshot | null = null;
  private readonly states = new Map<string, Map<string | null, AssetState>>();

  publishGraph(input: GraphInput): Promise<PublishResult> {
    return settle(() => {
      const snapshot = buildGraphSnapshot(input);
      const previousVersion = this.current?.version ?? null;
      this.current = snapshot;
      return { version: snapshot.version, previousVersion, changed: previousVersion !== snapshot.version };
    });
  }

  getCurrentVersion(): Promise<string | null> {
    return settle(() => this.current?.version ?? null);
  }

  getCurrentGraph(): Promise<CachedGraph | null> {
    return settle(() => {
      const current = this.current;
      return current === null ? null : copy({ version: current.version, assets: current.assets, meta: current.meta });
    });
  }

  getAsset(assetKey: string): Promise<CachedAsset | null> {
    return settle(() => {
      const asset = this.current?.assets.find((candidate) => candidate.key === assetKey);
      return asset === undefined ? null : copy(asset);
    });
  }

  getUpstream(assetKey: string): Promise<string[]> {
    return settle(() => {
      const asset = this.current?.assets.find((candidate) => candidate.key === assetKey);
      return [...(asset?.deps ?? [])];
    });
  }

  getDownstream(assetKey: string): Promise<string[]> {
    return settle(() => [...(this.current?.downstream.get(assetKey) ?? [])]);
  }

  getTopologicalOrder(): Promise<string[]> {
    return settle(() => (this.current?.assets ?? []).map((asset) => asset.key));
  }

  setAssetState(assetKey: string, partitionKey: string | null, state: AssetState): Promise<boolean> {
    return settle(() => {
      validateAssetState(state);
      const partitions = this.states.get(assetKey) ?? new Map<string | null, AssetState>();
      const cached = partitions.get(partitionKey);
      if (cached !== undefined && cached.storageId >= state.storageId) return false;
      partitions.set(partitionKey, copy(state));
      this.states.set(assetKey, partitions);
      return true;
    });
  }

  getAssetState(assetKey: string, partitionKey: string | null): Promise<AssetState | null> {
    return settle(() => {
      const state = this.states.get(assetKey)?.get(partitionKey);
      return state === undefined ? null : copy(state);
    });
  }

  getAllAssetStates(): Promise<AssetStateEntry[]> {
    return settle(() => {
      const entries: AssetStateEntry[] = [];
      for (const [assetKey, partitions] of this.states) {
        for (const [partitionKey, state] of partitions) entries.push({ assetKey, partitionKey, state: copy(state) });
      }
      return entries.sort(compareAssetStateEntries);
    });
  }

  flush(): Promise<void> {
    return settle(() => {
      this.current = null;
      this.states.clear();
      return ;
    });
  }
}

function copy<T>(value: T): T {
  return structuredClone(value);
}
