// @freshet/dbt: dbt projects as Freshet assets. Load a project (its manifest, parsed when missing
// or stale) into asset definitions for a code location, and run subsets of it with real dbt.
export { DbtError, type DbtErrorCode } from './errors';
export { dbtAssets, loadDbtProject, type DbtAssetsOptions, type DbtProjectAssets, type LoadDbtProjectOptions, type LoadedDbtProject } from './dbt-assets';
export type * from './manifest/types';
export { readManifest } from './manifest/read-manifest';
export { normalizeSql, dbtCodeVersion, userMacrosOf } from './manifest/code-version';
export { defaultAssetKey, assetKeyOf, type AssetKeyFn, type DbtKeyedResource } from './manifest/keys';
export { nodePolicies, durationMinutes, type NodePolicies } from './manifest/policies';
export {
  buildProjectGraph,
  sourceObserveQuery,
  type DbtAssetNode,
  type DbtProjectGraph,
  type DbtSourceNode,
  type ProjectGraphOptions,
} from './manifest/project-graph';
export { loadManifest, readManifestFile, type LoadProjectOptions, type LoadedManifest } from './load/load-project';
export type { DbtCommandOptions } from './load/dbt-command';
export { projectFingerprint } from './load/project-files';
export { runDbtSubset, type DbtInvocation, type DbtRunCommand, type RunSubsetOptions, type RunSubsetResult } from './run/run-subset';
export { assetOutcomes, readRunResults, type AssetOutcome, type DbtNodeResult, type DbtRunResults } from './run/run-results';
export { parseDbtLogLine, type DbtLogLine } from './run/dbt-process';
export { sourceObserver, sourceFreshnessStatus, observeIntervalSeconds, type SourceFreshnessStatus } from './observe/observe-source';
export { dbtCodeLocation, findDbtProject, type DbtCodeLocation, type DbtCodeLocationOptions } from './dbt-code-location';
