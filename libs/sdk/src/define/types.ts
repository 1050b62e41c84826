// What a code location is made of: asset definitions (spec + how to compute), sources, and
// resources. Specs go to the planner; compute and observe functions stay in the code location
// and run only in the observer and the workers.
import type { AssetDepJson, AssetSpecJson } from './spec-types';
import type { ResourceDefinition, ResourceAccess } from '../resources/resource';

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type Metadata = Readonly<Record<string, JsonValue>>;

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Metadata): void;
  info(message: string, fields?: Metadata): void;
  warn(message: string, fields?: Metadata): void;
  error(message: string, fields?: Metadata): void;
}

/**
 * Where a materialization's input came from: one parent record it consumed. A parent materialized
 * earlier in the same run is pointed at by the event id of that materialization (its storage id is
 * only known once the event log has stored it).
 */
export interface InputPointer {
  readonly asset: string;
  readonly partition: string | null;
  /** Storage id of the parent record in the event log; null when not yet stored or never recorded. */
  readonly storageId: number | null;
  /** Event id of the parent record, when known (always for a parent produced in the same run). */
  readonly eventId: string | null;
  /** Data version consumed; null when the parent has no record (never materialized or observed). */
  readonly dataVersion: string | null;
  /** Data time of the parent record, epoch ms, when known. */
  readonly dataTime: number | null;
  /** True when the parent was materialized earlier in this same run. */
  readonly producedInRun: boolean;
}

/** What a compute function is told about one parent asset. */
export interface AssetInput {
  readonly asset: string;
  /** Parent partitions this asset partition reads (`[null]` for an unpartitioned parent). */
  readonly partitions: readonly (string | null)[];
  readonly pointers: readonly InputPointer[];
}

export interface ExecutionContextBase {
  readonly runId: string;
  readonly attempt: number;
  readonly partition: string | null;
  readonly logger: Logger;
  readonly resources: ResourceAccess;
  /** Aborted when the compute timeout passes; long computations should watch it. */
  readonly signal: AbortSignal;
  /** Environment variables the worker chose to pass to user code (shell assets inherit them). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface ComputeContext extends ExecutionContextBase {
  readonly asset: string;
  readonly codeVersion: string | null;
  /** One entry per dependency, by parent key. */
  readonly inputs: Readonly<Record<string, AssetInput>>;
}

export interface ComputeResult {
  /** Overrides the derived data version (e.g. a content hash the compute knows best). */
  readonly dataVersion?: string;
  readonly metadata?: Metadata;
  /** Overrides the data time estimate, epoch ms. */
  readonly dataTime?: number;
}

// The compute function may return nothing at all (the executor derives everything), hence void.
export type ComputeFn = (ctx: ComputeContext) => Promise<ComputeResult | void> | ComputeResult | void;

/** Spec fields a user writes; `kind` and `codeLocation` are filled in by the SDK. */
export interface AssetSpecFields {
  readonly key: string;
  readonly deps?: readonly AssetDepJson[];
  readonly codeVersion?: string;
  readonly partitions?: AssetSpecJson['partitions'];
  readonly freshness?: AssetSpecJson['freshness'];
  readonly automation?: AssetSpecJson['automation'];
  readonly description?: string;
  readonly group?: string;
}

export interface ExecutionOptions {
  /** Compute timeout; the run marks the asset failed when it passes. Default: none. */
  readonly timeoutSeconds?: number;
}

export type MaterializationType = 'compute' | 'sql' | 'shell';

/** A materializable asset: its spec and the function that materializes it. */
export interface AssetDefinition {
  readonly definitionKind: 'asset';
  readonly type: MaterializationType;
  readonly spec: AssetSpecJson;
  readonly compute: ComputeFn;
  readonly timeoutMs: number | null;
  /** The SQL statement of a SQL asset, or the command line of a shell asset, for display. */
  readonly describe: string | null;
}

export interface MultiComputeContext extends ExecutionContextBase {
  /** Member keys this run asks for (all members unless the multi-asset can subset). */
  readonly selected: readonly string[];
  readonly codeVersion: string | null;
  /** Inputs of the selected members, by parent key (members' own keys excluded). */
  readonly inputs: Readonly<Record<string, AssetInput>>;
}

/**
 * What a multi-asset returns for a member that did not materialize while its siblings did (one
 * model of a dbt build failed, or was skipped because another failed). Throwing fails them all.
 */
export interface MemberFailure {
  readonly failed: true;
  readonly error: { readonly name: string; readonly message: string };
  /** Key of the asset whose failure kept this member from running (it is then `upstreamFailed`). */
  readonly blockedBy?: string;
}

export function isMemberFailure(value: ComputeResult | MemberFailure | undefined): value is MemberFailure {
  return value !== undefined && (value as { failed?: unknown }).failed === true;
}

export type MultiComputeResults = Readonly<Record<string, ComputeResult | MemberFailure | undefined>>;

export type MultiComputeFn = (ctx: MultiComputeContext) => Promise<MultiComputeResults | void> | MultiComputeResults | void;

/** Several assets computed together by one function. */
export interface MultiAssetDefinition {
  readonly definitionKind: 'multiAsset';
  readonly name: string;
  readonly canSubset: boolean;
  readonly specs: readonly AssetSpecJson[];
  readonly compute: MultiComputeFn;
  readonly timeoutMs: number | null;
}

export interface ObserveContext {
  readonly asset: string;
  readonly partition: string | null;
  readonly logger: Logger;
  readonly resources: ResourceAccess;
  readonly signal: AbortSignal;
}

export interface ObserveResult {
  readonly dataVersion: string;
  readonly metadata?: Metadata;
  /** When the observed data last changed, epoch ms, if the source knows. */
  readonly dataTime?: number;
}

/** Returns the observed data version (or a result with metadata); null when there is nothing yet. */
export type ObserveFn = (ctx: ObserveContext) => Promise<ObserveResult | string | null> | ObserveResult | string | null;

export interface ObservableSourceDefinition {
  readonly definitionKind: 'observableSource';
  readonly spec: AssetSpecJson;
  readonly observe: ObserveFn;
  /** How often the observer calls `observe`. */
  readonly intervalSeconds: number;
  /** Report every observation, even when the data version did not change. */
  readonly alwaysEmit: boolean;
  readonly timeoutMs: number | null;
}

/** A source that exists outside Freshet and is not observed (invisible to data time). */
export interface SourceDefinition {
  readonly definitionKind: 'source';
  readonly spec: AssetSpecJson;
}

export type SourceLike = ObservableSourceDefinition | SourceDefinition;

export interface CodeLocation {
  readonly definitionKind: 'codeLocation';
  readonly name: string;
  /** Materializable assets, multi-asset members included, sorted by key. */
  readonly assets: readonly AssetDefinition[];
  readonly multiAssets: readonly MultiAssetDefinition[];
  readonly sources: readonly SourceLike[];
  readonly resources: Readonly<Record<string, ResourceDefinition>>;
}
