// The JSON asset spec (scenarios/FORMAT.md): what a code location publishes about each asset.
// Specs are plain data; `buildAssetGraph` resolves them into the graph the planner reads.

import type { PartitionMappingSpec, PartitionsSpec } from '../partitions/types';

export type AssetKind = 'materializable' | 'source' | 'observableSource';

export interface DependencySpec {
  readonly key: string;
  readonly mapping?: PartitionMappingSpec;
}

export interface FreshnessPolicySpec {
  readonly maximumLagMinutes: number;
  readonly cronSchedule?: string;
  readonly cronTimezone?: string;
}

/** Rules that can make an asset partition a candidate. */
export const MATERIALIZE_RULES = ['missing', 'parentUpdated', 'codeVersionChanged', 'freshness', 'cron'] as const;
export type MaterializeRuleName = (typeof MATERIALIZE_RULES)[number];

/** Rules that can hold a candidate back (it stays owed). */
export const SKIP_RULES = [
  'parentOutdated',
  'parentMissing',
  'parentInProgress',
  'recentFailure',
  'notAllParentsUpdated',
  'nonexistentParentPartitions',
  'backfillInProgress',
] as const;
export type SkipRuleName = (typeof SKIP_RULES)[number];

export type PolicyName = 'eager' | 'lazy';

export interface AutomationObjectSpec {
  readonly policy: PolicyName;
  readonly maxMaterializationsPerMinute?: number | null;
  readonly retryAfterFailureMinutes?: number;
  readonly cronSchedule?: string;
  readonly cronTimezone?: string;
  readonly materializeOn?: readonly MaterializeRuleName[];
  readonly skipOn?: readonly SkipRuleName[];
  readonly partitionScopeMinutes?: number;
}

export type AutomationSpec = 'eager' | 'lazy' | 'none' | AutomationObjectSpec;
export type DefaultAutomation = 'eager' | 'lazy' | 'none' | 'reconcile';

export interface AssetSpec {
  readonly key: string;
  readonly kind?: AssetKind;
  readonly deps?: readonly (string | DependencySpec)[];
  readonly codeVersion?: string;
  readonly partitions?: PartitionsSpec;
  readonly freshness?: FreshnessPolicySpec;
  readonly automation?: AutomationSpec;
  readonly multiAsset?: string;
  readonly canSubset?: boolean;
  readonly codeLocation?: string;
  /** Documentation for people and catalogs (the SDK's `description` and `group`); the planner ignores both. */
  readonly description?: string;
  readonly group?: string;
}

export const DEFAULT_CODE_LOCATION = 'default';
