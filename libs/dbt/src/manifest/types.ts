// The part of dbt's manifest.json (schema v12, dbt 1.8+) the loader reads. Only what Freshet
// needs is typed; everything is optional-tolerant because older and newer dbt versions differ
// in where they put things (e.g. source freshness at the top level or under `config`).

export type JsonObject = { readonly [key: string]: unknown };

/** `model`, `seed`, `snapshot`, `test`, `analysis`, `operation`, …: kept open, dbt adds types. */
export type DbtResourceType = string;

export interface DbtDuration {
  readonly count: number;
  readonly period: 'minute' | 'hour' | 'day';
}

export interface DbtBuildAfter extends DbtDuration {
  /** `any` (default) or `all`; early 1.10 builds called it `depends_on`. */
  readonly updatesOn: 'any' | 'all';
}

/** A model, seed, snapshot or test node, normalized. */
export interface DbtNode {
  readonly uniqueId: string;
  readonly resourceType: DbtResourceType;
  readonly name: string;
  readonly packageName: string;
  readonly fqn: readonly string[];
  readonly alias: string;
  readonly schema: string;
  /** `config.schema` as written by the user (null when the project default applies). */
  readonly configSchema: string | null;
  readonly materialized: string;
  readonly version: string | null;
  readonly rawCode: string;
  readonly checksum: string;
  readonly description: string;
  readonly dependsOnNodes: readonly string[];
  readonly dependsOnMacros: readonly string[];
  /** `config.meta` merged over the top-level `meta` (config wins, as in dagster-dbt). */
  readonly meta: JsonObject;
  readonly config: JsonObject;
  readonly group: string | null;
  readonly buildAfter: DbtBuildAfter | null;
  /** Tests only: the node a generic test is attached to. */
  readonly attachedNode: string | null;
  /** Tests only: `error` or `warn`. */
  readonly severity: string | null;
  readonly relationName: string | null;
}

export interface DbtSourceFreshness {
  readonly warnAfter: DbtDuration | null;
  readonly errorAfter: DbtDuration | null;
  readonly filter: string | null;
}

export interface DbtSource {
  readonly uniqueId: string;
  readonly sourceName: string;
  readonly name: string;
  readonly packageName: string;
  readonly schema: string;
  readonly identifier: string;
  readonly description: string;
  readonly loadedAtField: string | null;
  readonly loadedAtQuery: string | null;
  readonly freshness: DbtSourceFreshness | null;
  readonly meta: JsonObject;
}

export interface DbtMacro {
  readonly uniqueId: string;
  readonly packageName: string;
  readonly macroSql: string;
  readonly dependsOnMacros: readonly string[];
}

export interface DbtManifest {
  readonly dbtVersion: string;
  readonly schemaVersion: string;
  readonly adapterType: string;
  readonly projectName: string;
  readonly nodes: ReadonlyMap<string, DbtNode>;
  readonly sources: ReadonlyMap<string, DbtSource>;
  readonly macros: ReadonlyMap<string, DbtMacro>;
}
