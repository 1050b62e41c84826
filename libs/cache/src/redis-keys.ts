/**
 * Every Redis key Freshet uses, built here and nowhere else. Layout (`<p>` = the configured key
 * prefix, default `freshet`; `v1` versions the layout itself, so a new layout can live next to
 * the old one during an upgrade):
 *
 *   <p>:v1:graph:current                 STRING  the current graph version
 *   <p>:v1:graph:{<ver>}:blob            STRING  canonical JSON of the definitions
 *   <p>:v1:graph:{<ver>}:assets          ZSET    asset keys scored by topological rank
 *   <p>:v1:graph:{<ver>}:asset:<key>     HASH    spec (JSON), rank, deps (JSON)
 *   <p>:v1:graph:{<ver>}:up:<key>        SET     parents
 *   <p>:v1:graph:{<ver>}:down:<key>      SET     children
 *   <p>:v1:state:assets                  SET     asset keys that have cached state
 *   <p>:v1:state:asset:<key>             HASH    partition field → AssetState JSON
 *   <p>:v1:lease:<name>                  STRING  lease holder (with PX)
 *   <p>:v1:lease:<name>:epoch            STRING  fencing epoch (INCR)
 *
 * `{<ver>}` is a Redis Cluster hash tag: every key of one version shares a slot, so the MULTI
 * that writes a version stays valid on a cluster.
 */
export class RedisKeys {
  readonly base: string;

  constructor(readonly keyPrefix: string) {
    if (keyPrefix === '' || /[*?[\]\\\s]/.test(keyPrefix)) {
      throw new Error(`Redis key prefix ${JSON.stringify(keyPrefix)} must be non-empty, without glob characters or spaces`);
    }
    this.base = `${keyPrefix}:v1:`;
  }

  graphCurrent(): string {
    return `${this.base}graph:current`;
  }

  graphBlob(version: string): string {
    return `${this.graphVersionBase(version)}blob`;
  }

  graphAssets(version: string): string {
    return `${this.graphVersionBase(version)}assets`;
  }

  graphAsset(version: string, assetKey: string): string {
    return `${this.graphVersionBase(version)}asset:${assetKey}`;
  }

  graphUpstream(version: string, assetKey: string): string {
    return `${this.graphVersionBase(version)}up:${assetKey}`;
  }

  graphDownstream(version: string, assetKey: string): string {
    return `${this.graphVersionBase(version)}down:${assetKey}`;
  }

  /** The Lua script that retires a version rebuilds its keys from this prefix and the asset list. */
  graphVersionBase(version: string): string {
    return `${this.base}graph:{${version}}:`;
  }

  stateIndex(): string {
    return `${this.base}state:assets`;
  }

  assetState(assetKey: string): string {
    return `${this.base}state:asset:${assetKey}`;
  }

  /** Hash field of a partition: `~` for an unpartitioned asset, `=<key>` otherwise (never ambiguous). */
  partitionField(partitionKey: string | null): string {
    return partitionKey === null ? '~' : `=${partitionKey}`;
  }

  partitionFromField(field: string): string | null {
    if (field === '~') return null;
    if (field.startsWith('=')) return field.slice(1);
    throw new Error(`Not a partition field: ${JSON.stringify(field)}`);
  }

  lease(name: string): string {
    return `${this.base}lease:${name}`;
  }

  leaseEpoch(name: string): string {
    return `${this.base}lease:${name}:epoch`;
  }

  /** SCAN MATCH pattern for every key under this prefix (the prefix has no glob characters). */
  everything(): string {
    return `${this.base}*`;
  }
}
