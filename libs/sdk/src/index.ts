// @freshet/sdk: what users import to define assets and code locations, and the run executor the
// worker service wraps.
export * from './define/spec-types';
export * from './define/types';
export * from './define/errors';
export { asset, type AssetOptions } from './define/asset';
export { sqlAsset, sqlCodeVersion, highestPlaceholder, type SqlAssetOptions } from './define/sql-asset';
export { shellAsset, DATA_VERSION_LINE, type ShellAssetOptions } from './define/shell-asset';
export { multiAsset, type MultiAssetOptions } from './define/multi-asset';
export {
  observableSource,
  source,
  DEFAULT_OBSERVE_INTERVAL_SECONDS,
  type ObservableSourceOptions,
  type SourceOptions,
} from './define/sources';
export { defineCodeLocation, isCodeLocation, type CodeLocationOptions } from './define/code-location';
export { toAssetSpecs, type ToAssetSpecsOptions } from './define/to-specs';

export * from './resources/resource';
export * from './resources/sql-resource';
export { openPostgres, postgresResource, maskUrl, type PostgresResourceOptions } from './resources/postgres';
export { openPglite, pgliteResource, IN_MEMORY } from './resources/pglite';
export {
  warehouseFromEnv,
  warehouseTarget,
  WarehouseConfigError,
  WAREHOUSE_URL_VARIABLE,
  DEFAULT_EMBEDDED_WAREHOUSE_DIR,
  type WarehouseTarget,
} from './resources/warehouse-from-env';
export { ResourceSet, UnknownResourceError } from './resources/resource-set';

export { fileContentHash, modifiedTime, listFiles } from './observe/file-helpers';
export { sqlQueryResult, rowsVersion } from './observe/sql-query-result';
export { observeFileContent, observeModifiedTime, observeQuery } from './observe/observe-fns';

export { loadCodeLocation, CodeLocationLoadError, type LoadErrorCode } from './load/load-code-location';

export * from './runtime/run-events';
export { executeRun, type ExecutionEnv, type LatestRecord, type RunResult } from './runtime/execute-run';
export { derivedDataVersion, INITIAL_DATA_VERSION } from './runtime/data-version';
export { createRunLogger, stdoutJsonSink, MAX_KEPT_LOG_LINES, type LogSink, type CapturingLogger } from './runtime/logger';
export { ComputeTimeoutError } from './runtime/timeout';
export {
  builtInUpstreamPartitions,
  domainUpstreamPartitions,
  MAX_POINTED_PARTITIONS,
  type UpstreamPartitionsResolver,
} from './runtime/upstream-partitions';
export { observeSource, observableSourceOf, NotObservableError, type Observation, type ObserveOptions } from './runtime/observe-source';

export {
  definitionsPayload,
  definitionsHash,
  publishDefinitions,
  DEFINITIONS_TOPIC,
  DEFINITIONS_EVENT_TYPE,
  type PublishFn,
} from './publish/definitions-message';
export { toRunEventV1, RUN_EVENT_TYPE, type RunEventContext } from './publish/run-event-contract';
export { sha256Hex, stableJson } from './util/hash';
