import { type Redis } from 'ioredis';
import { canonicalJson } from '../canonical-json';
import {
  type AssetState,
  type AssetStateEntry,
  type CachedAsset,
  type CachedGraph,
  type GraphCache,
  type GraphInput,
  type JsonValue,
  type PublishResult,
} from '../graph-cache.port';
import { buildGraphSnapshot, graphFromBlob, type GraphSnapshot } from '../graph-snapshot';
import { type RedisKeys } from '../redis-keys';
import { compareAssetStateEntries, validateAssetState } from '../asset-state';
import { defineFreshetCommands } from './commands';

export interface RedisGraphCacheOptions {
  /** A retired graph version stays readable this long (default one day) for readers that resolved it just before the switch. */
  readonly retiredVersionTtlMs?: number;
}

const DEFAULT_RETIRED_VERSION_TTL_MS = 24 * 60 * 60 * 1000;
const FLUSH_SCAN_COUNT = 500;

/**
 * The graph cache on Redis. A graph version is written whole in one MULTI (under its own
 * `{version}` keys, no expiry), then a script points `current` at it; the version it replaced
 * is then retired (its keys get an expiry) unless it has become current again meanwhile:
 * invalidation by versioning, no DEL storms, and readers in the middle of the old version
 * finish on it. Concurrent publishers: the last switch wins, and the winner's keys never carry
 * an expiry. The client is not owned: the caller quits it.
 */
export class RedisGraphCache implements GraphCache {
  private readonly retiredVersionTtlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    options: RedisGraphCacheOptions = {},
  ) {
    defineFreshetCommands(redis);
    this.retiredVersionTtlMs = options.retiredVersionTtlMs ?? DEFAULT_RETIRED_VERSION_TTL_MS;
  }

  async publishGraph(input: GraphInput): Promise<PublishResult> {
    const snapshot = buildGraphSnapshot(input);
    const { version } = snapshot;
    const current = await this.redis.get(this.keys.graphCurrent());
    if (current === version && (await this.redis.exists(this.keys.graphBlob(version))) === 1) {
      return { version, previousVersion: current, changed: false };
    }
    await this.writeVersion(snapshot);
    const ownKeys = this.snapshotKeys(snapshot);
    const replaced = await this.redis.freshetGraphSwitch(1 + ownKeys.length, this.keys.graphCurrent(), ...ownKeys, version);
    const previousVersion = replaced === '' ? null : replaced;
    if (previousVersion !== null && previousVersion !== version) {
      const retired = await this.storedVersionKeys(previousVersion);
      await this.redis.freshetGraphRetire(1 + retired.length, this.keys.graphCurrent(), ...retired, previousVersion, this.retiredVersionTtlMs);
    }
    return { version, previousVersion, changed: previousVersion !== version };
  }

  async getCurrentVersion(): Promise<string | null> {
    return this.redis.get(this.keys.graphCurrent());
  }

  async getCurrentGraph(): Promise<CachedGraph | null> {
    const version = await this.getCurrentVersion();
    if (version === null) return null;
    const blob = await this.redis.get(this.keys.graphBlob(version));
    return blob === null ? null : graphFromBlob(version, blob);
  }

  async getAsset(assetKey: string): Promise<CachedAsset | null> {
    const version = await this.getCurrentVersion();
    if (version === null) return null;
    const hash = await this.redis.hgetall(this.keys.graphAsset(version, assetKey));
    if (hash['spec'] === undefined) return null;
    return {
      key: assetKey,
      deps: JSON.parse(hash['deps'] ?? '[]') as string[],
      rank: Number(hash['rank'] ?? 0),
      spec: JSON.parse(hash['spec']) as JsonValue,
    };
  }

  async getUpstream(assetKey: string): Promise<string[]> {
    return this.readSet((version) => this.keys.graphUpstream(version, assetKey));
  }

  async getDownstream(assetKey: string): Promise<string[]> {
    return this.readSet((version) => this.keys.graphDownstream(version, assetKey));
  }

  async getTopologicalOrder(): Promise<string[]> {
    const version = await this.getCurrentVersion();
    if (version === null) return [];
    const flat = await this.redis.zrange(this.keys.graphAssets(version), 0, -1, 'WITHSCORES');
    const entries: { key: string; rank: number }[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) entries.push({ key: flat[i] ?? '', rank: Number(flat[i + 1]) });
    // Re-sorted here: Redis orders equal scores by bytes, JavaScript strings by UTF-16 units.
    return entries.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((entry) => entry.key);
  }

  async setAssetState(assetKey: string, partitionKey: string | null, state: AssetState): Promise<boolean> {
    validateAssetState(state);
    const written = await this.redis.freshetStateSetIfNewer(
      this.keys.assetState(assetKey),
      this.keys.stateIndex(),
      this.keys.partitionField(partitionKey),
      canonicalJson(state),
      state.storageId,
      assetKey,
    );
    return written === 1;
  }

  async getAssetState(assetKey: string, partitionKey: string | null): Promise<AssetState | null> {
    const json = await this.redis.hget(this.keys.assetState(assetKey), this.keys.partitionField(partitionKey));
    return json === null ? null : (JSON.parse(json) as AssetState);
  }

  async getAllAssetStates(): Promise<AssetStateEntry[]> {
    const assetKeys = await this.redis.smembers(this.keys.stateIndex());
    if (assetKeys.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const assetKey of assetKeys) pipeline.hgetall(this.keys.assetState(assetKey));
    const replies = (await pipeline.exec()) ?? [];
    const entries: AssetStateEntry[] = [];
    assetKeys.forEach((assetKey, index) => {
      const [error, hash] = replies[index] ?? [null, {}];
      if (error) throw error;
      for (const [field, json] of Object.entries(hash as Record<string, string>)) {
        entries.push({ assetKey, partitionKey: this.keys.partitionFromField(field), state: JSON.parse(json) as AssetState });
      }
    });
    return entries.sort(compareAssetStateEntries);
  }

  async flush(): Promise<void> {
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.everything(), 'COUNT', FLUSH_SCAN_COUNT);
      if (found.length > 0) await this.redis.unlink(...found);
      cursor = next;
    } while (cursor !== '0');
  }

  /** Writes every key of a version in one MULTI; rewriting clears any expiry from an earlier retirement. */
  private async writeVersion(snapshot: GraphSnapshot): Promise<void> {
    const { version } = snapshot;
    const multi = this.redis.multi();
    multi.set(this.keys.graphBlob(version), snapshot.blob);
    const assetsKey = this.keys.graphAssets(version);
    multi.del(assetsKey);
    if (snapshot.assets.length > 0) multi.zadd(assetsKey, ...snapshot.assets.flatMap((asset) => [asset.rank, asset.key]));
    for (const asset of snapshot.assets) {
      const hashKey = this.keys.graphAsset(version, asset.key);
      multi.del(hashKey);
      multi.hset(hashKey, { spec: canonicalJson(asset.spec), rank: String(asset.rank), deps: JSON.stringify(asset.deps) });
      const upKey = this.keys.graphUpstream(version, asset.key);
      multi.del(upKey);
      if (asset.deps.length > 0) multi.sadd(upKey, ...asset.deps);
      const downKey = this.keys.graphDownstream(version, asset.key);
      const children = snapshot.downstream.get(asset.key) ?? [];
      multi.del(downKey);
      if (children.length > 0) multi.sadd(downKey, ...children);
    }
    const replies = await multi.exec();
    const failed = replies?.find(([error]) => error !== null);
    if (replies === null || failed !== undefined) throw failed?.[0] ?? new Error(`Writing graph version ${version} was aborted`);
  }

  /** Every key a version owns, from its asset list in Redis. */
  private async storedVersionKeys(version: string): Promise<string[]> {
    const assetKeys = await this.redis.zrange(this.keys.graphAssets(version), 0, -1);
    return this.versionKeys(version, assetKeys);
  }

  private snapshotKeys(snapshot: GraphSnapshot): string[] {
    return this.versionKeys(
      snapshot.version,
      snapshot.assets.map((asset) => asset.key),
    );
  }

  private versionKeys(version: string, assetKeys: readonly string[]): string[] {
    return [
      this.keys.graphBlob(version),
      this.keys.graphAssets(version),
      ...assetKeys.flatMap((key) => [this.keys.graphAsset(version, key), this.keys.graphUpstream(version, key), this.keys.graphDownstream(version, key)]),
    ];
  }

  private async readSet(keyFor: (version: string) => string): Promise<string[]> {
    const version = await this.getCurrentVersion();
    if (version === null) return [];
    const members = await this.redis.smembers(keyFor(version));
    return members.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
