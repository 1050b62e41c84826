// The pure Freshet domain: specs, graph, partitions, versions, staleness, data time,
// freshness, the planner and the simulator. No I/O, no clock, no framework.
export * from './partitions/types';
export * from './partitions';
export * from './time';
export * from './errors';
export { IndexSet, type IndexRange } from './collections/index-set';
export * from './specs/types';
export { parseAssetSpecs, validateAssetSpecs } from './specs/validate';
export { resolveAutomation, type ResolvedAutomation, type CronSpec } from './specs/automation';
export { AssetGraph, buildAssetGraph, type AssetNode, type GraphOptions, type ParentEdge, type PolicyRef } from './graph/asset-graph';
export * from './records/records';
export { PlannerState, type RunState, type BackfillState } from './state/planner-state';
export { fnv1a64 } from './versions/hash';
export { computeDataVersion, currentInputs, dataVersionFor, INITIAL_VERSION } from './versions/data-version';
export { staleCauseSentence, stalenessOf, stalenessSignature, type StaleCause, type StaleCauseDetail, type StalenessStatus } from './versions/staleness';
export { currentDataTime, effectiveDataTime, failedDataTime, inProgressDataTime } from './data-time/data-time';
export { executionPeriod, lagMinutes, mergePeriods, nextViolationAt, overdueMinutes, partitionDeadline, type Period } from './freshness/freshness';
export { policyFit, type PolicyFit } from './freshness/refresh-plan';
export { CURSOR_VERSION, decodeCursor, emptyCursor, type AssetCursor, type OwedEntry, type PlannerCursor } from './cursor/cursor';
export { evaluate, type EvaluateOptions } from './planner/evaluate';
export { partitionsInScope, scopeProgress } from './rules/partition-scope';
export * from './planner/types';
export { parseScenario, type Scenario, type ScenarioStep } from './simulate/scenario';
export { runScenario, Simulation, type EvaluateStepResult, type ScenarioResult } from './simulate/simulator';
export { stepJson, type StepJson } from './simulate/report';
