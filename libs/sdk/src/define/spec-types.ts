// The serializable asset spec, in the JSON form of the project's scenario format and of the
// definitions topic. The planner sees only this, never user code, so it holds nothing that
// cannot be written as JSON.

// Partitions and mappings are the domain's own spec types: one definition of the JSON form.
import type { PartitionMappingSpec, PartitionsSpec, StaticPartitionsSpec, TimePartitionsSpec } from '@freshet/domain';

export type { TimePartitionsKind } from '@freshet/domain';
export type TimePartitionsSpecJson = TimePartitionsSpec;
export type StaticPartitionsSpecJson = StaticPartitionsSpec;
export type PartitionsSpecJson = PartitionsSpec;
export type PartitionMappingJson = PartitionMappingSpec;

export type AssetDepJson = string | { readonly key: string; readonly mapping?: PartitionMappingJson };

export interface FreshnessPolicyJson {
  readonly maximumLagMinutes: number;
  readonly cronSchedule?: string;
  readonly cronTimezone?: string;
}

export type AutomationPolicyName = 'eager' | 'lazy' | 'none';

export interface AutomationPolicyObjectJson {
  readonly policy: 'eager' | 'lazy';
  readonly maxMaterializationsPerMinute?: number;
  readonly retryAfterFailureMinutes?: number;
  readonly cronSchedule?: string;
  readonly materializeOn?: readonly string[];
  readonly skipOn?: readonly string[];
  readonly partitionScopeMinutes?: number;
}

export type AutomationPolicyJson = AutomationPolicyName | AutomationPolicyObjectJson;

export type AssetKind = 'materializable' | 'source' | 'observableSource';

export interface AssetSpecJson {
  readonly key: string;
  readonly kind?: AssetKind;
  readonly deps?: readonly AssetDepJson[];
  readonly codeVersion?: string;
  readonly partitions?: PartitionsSpecJson;
  readonly freshness?: FreshnessPolicyJson;
  readonly automation?: AutomationPolicyJson;
  readonly multiAsset?: string;
  readonly canSubset?: boolean;
  readonly codeLocation?: string;
  readonly description?: string;
  readonly group?: string;
}

/** The key of a dependency entry, whichever form it was written in. */
export function depKey(dep: AssetDepJson): string {
  return typeof dep === 'string' ? dep : dep.key;
}

/** The explicit mapping of a dependency entry, if it names one. */
export function depMapping(dep: AssetDepJson): PartitionMappingJson | undefined {
  return typeof dep === 'string' ? undefined : dep.mapping;
}
