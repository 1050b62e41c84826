// Resolves an asset's automation spec (or the default) into the rule sets the planner runs,
// following scenarios/FORMAT.md: eager, lazy, none, reconcile and policy objects.

import type { PartitionsSpec } from '../partitions/types';
import type { AutomationSpec, DefaultAutomation, MaterializeRuleName, SkipRuleName } from './types';

export interface CronSpec {
  readonly schedule: string;
  readonly timezone: string;
}

export interface ResolvedAutomation {
  /** `none`: never requested by the planner (manual runs only). */
  readonly policy: 'eager' | 'lazy' | 'none' | 'reconcile';
  readonly materializeOn: ReadonlySet<MaterializeRuleName>;
  readonly skipOn: ReadonlySet<SkipRuleName>;
  /** Per-tick limit on requested partitions; null = unlimited. */
  readonly maxPerTick: number | null;
  readonly retryAfterFailureMinutes: number | null;
  readonly cron: CronSpec | null;
  readonly partitionScopeMinutes: number | null;
}

const EAGER_MATERIALIZE: readonly MaterializeRuleName[] = ['missing', 'parentUpdated', 'codeVersionChanged', 'freshness'];
const LAZY_MATERIALIZE: readonly MaterializeRuleName[] = ['freshness'];
const DEFAULT_SKIP: readonly SkipRuleName[] = [
  'parentOutdated',
  'parentMissing',
  'parentInProgress',
  'recentFailure',
  'nonexistentParentPartitions',
  'backfillInProgress',
];
const RECONCILE_SKIP: readonly SkipRuleName[] = ['parentOutdated', 'parentMissing', 'nonexistentParentPartitions', 'backfillInProgress'];

const NONE: ResolvedAutomation = {
  policy: 'none',
  materializeOn: new Set(),
  skipOn: new Set(),
  maxPerTick: null,
  retryAfterFailureMinutes: null,
  cron: null,
  partitionScopeMinutes: null,
};

function timeKind(p: PartitionsSpec | undefined): 'hourly' | 'coarse' | null {
  if (!p || p.kind === 'static') return null;
  return p.kind === 'hourly' ? 'hourly' : 'coarse';
}

export function resolveAutomation(
  spec: AutomationSpec | undefined,
  defaultAutomation: DefaultAutomation,
  partitions: PartitionsSpec | undefined,
  upstreamOfFreshnessPolicy: boolean,
): ResolvedAutomation {
  const effective = spec ?? defaultAutomation;
  const time = timeKind(partitions);
  const timeDefaultLimit = time ? 1 : null;
  if (effective === 'none') return NONE;
  if (effective === 'reconcile') {
    const on: MaterializeRuleName[] = upstreamOfFreshnessPolicy ? ['missing', 'freshness'] : ['missing', 'parentUpdated', 'freshness'];
    return {
      ...NONE,
      policy: 'reconcile',
      materializeOn: new Set(on),
      skipOn: new Set(RECONCILE_SKIP),
      maxPerTick: time === 'hourly' ? 24 : time === 'coarse' ? 1 : null,
    };
  }
  if (effective === 'eager' || effective === 'lazy') {
    return {
      ...NONE,
      policy: effective,
      materializeOn: new Set(effective === 'eager' ? EAGER_MATERIALIZE : LAZY_MATERIALIZE),
      skipOn: new Set(DEFAULT_SKIP),
      maxPerTick: timeDefaultLimit,
    };
  }
  const cron = effective.cronSchedule ? { schedule: effective.cronSchedule, timezone: effective.cronTimezone ?? 'UTC' } : null;
  const defaults = effective.policy === 'eager' ? EAGER_MATERIALIZE : LAZY_MATERIALIZE;
  const materializeOn = effective.materializeOn ?? (cron ? [...defaults, 'cron' as const] : defaults);
  return {
    policy: effective.policy,
    materializeOn: new Set(materializeOn),
    skipOn: new Set(effective.skipOn ?? DEFAULT_SKIP),
    maxPerTick: effective.maxMaterializationsPerMinute === undefined ? timeDefaultLimit : effective.maxMaterializationsPerMinute,
    retryAfterFailureMinutes: effective.retryAfterFailureMinutes ?? null,
    cron,
    partitionScopeMinutes: effective.partitionScopeMinutes ?? null,
  };
}
