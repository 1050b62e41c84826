// Freshness and automation policies from dbt config (README "Policies" has the table):
//   meta.freshet.freshness / meta.freshet.automation      → as written (the scenario format's JSON)
//   meta.dagster.freshness_policy, meta.dagster_freshness_policy, config.dagster_freshness_policy (legacy)
//                                                          → {maximumLagMinutes, cronSchedule, cronTimezone}
//   meta.dagster.auto_materialize_policy.type              → "eager" | "lazy"
//   freshness.build_after {count, period, updates_on}     → lazy, fresh within count×period;
//                                                            updates_on all adds notAllParentsUpdated;
//                                                            count 0 means eager
// The first that is set wins, in that order, separately for freshness and for automation.
import type { AutomationPolicyJson, FreshnessPolicyJson } from '@freshet/sdk';
import { DbtError } from '../errors';
import type { DbtBuildAfter, DbtDuration, DbtNode, JsonObject } from './types';

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

const PERIOD_MINUTES: Record<DbtDuration['period'], number> = { minute: 1, hour: 60, day: 1440 };

export function durationMinutes(duration: DbtDuration): number {
  return duration.count * PERIOD_MINUTES[duration.period];
}

/** The skip rules of eager and lazy (scenarios format), plus the one `updates_on: all` needs. */
const WAIT_FOR_ALL_PARENTS_SKIP_ON = [
  'parentOutdated',
  'parentMissing',
  'parentInProgress',
  'recentFailure',
  'nonexistentParentPartitions',
  'backfillInProgress',
  'notAllParentsUpdated',
] as const;

export interface NodePolicies {
  readonly freshness?: FreshnessPolicyJson;
  readonly automation?: AutomationPolicyJson;
  /** Where each came from, for the README's promise that users can tell. */
  readonly origin: { readonly freshness?: string; readonly automation?: string };
}

function invalid(node: DbtNode, where: string, problem: string): DbtError {
  return new DbtError('invalidPolicy', `dbt ${node.resourceType} ${node.name} (${node.uniqueId}): ${where} ${problem}`);
}

function pick(source: JsonObject, ...names: string[]): unknown {
  for (const name of names) if (source[name] !== undefined) return source[name];
  return undefined;
}

/** Accepts camelCase (Freshet) and snake_case (Dagster) field names. */
function freshnessFrom(raw: unknown, node: DbtNode, where: string): FreshnessPolicyJson {
  if (!isObject(raw)) throw invalid(node, where, 'must be an object {maximumLagMinutes, cronSchedule?, cronTimezone?}');
  const lag = pick(raw, 'maximumLagMinutes', 'maximum_lag_minutes');
  if (typeof lag !== 'number' || !(lag >= 0)) throw invalid(node, where, 'needs maximumLagMinutes (a number ≥ 0)');
  const cron = pick(raw, 'cronSchedule', 'cron_schedule');
  const zone = pick(raw, 'cronTimezone', 'cron_timezone', 'cron_schedule_timezone');
  if (cron !== undefined && cron !== null && typeof cron !== 'string') throw invalid(node, where, 'cronSchedule must be a string');
  if (zone !== undefined && zone !== null && typeof zone !== 'string') throw invalid(node, where, 'cronTimezone must be a string');
  return {
    maximumLagMinutes: lag,
    ...(typeof cron === 'string' ? { cronSchedule: cron } : {}),
    ...(typeof cron === 'string' && typeof zone === 'string' ? { cronTimezone: zone } : {}),
  };
}

function automationFrom(raw: unknown, node: DbtNode, where: string): AutomationPolicyJson {
  if (raw === 'eager' || raw === 'lazy' || raw === 'none') return raw;
  if (isObject(raw) && (raw.policy === 'eager' || raw.policy === 'lazy')) return raw as unknown as AutomationPolicyJson;
  throw invalid(node, where, 'must be "eager", "lazy", "none" or an object {policy: "eager" | "lazy", ...}');
}

function buildAfterPolicies(buildAfter: DbtBuildAfter): { freshness?: FreshnessPolicyJson; automation: AutomationPolicyJson } {
  const minutes = durationMinutes(buildAfter);
  const waitForAll = buildAfter.updatesOn === 'all';
  if (minutes === 0) {
    // Build on every upstream change.
    return { automation: waitForAll ? { policy: 'eager', skipOn: [...WAIT_FOR_ALL_PARENTS_SKIP_ON] } : 'eager' };
  }
  return {
    freshness: { maximumLagMinutes: minutes },
    automation: waitForAll ? { policy: 'lazy', skipOn: [...WAIT_FOR_ALL_PARENTS_SKIP_ON] } : 'lazy',
  };
}

/** The Freshet policies of a model, seed or snapshot. */
export function nodePolicies(node: DbtNode): NodePolicies {
  const freshet = isObject(node.meta.freshet) ? node.meta.freshet : {};
  const dagster = isObject(node.meta.dagster) ? node.meta.dagster : {};
  const fromBuildAfter = node.buildAfter ? buildAfterPolicies(node.buildAfter) : null;

  let freshness: FreshnessPolicyJson | undefined;
  let freshnessOrigin: string | undefined;
  if (freshet.freshness !== undefined) {
    freshness = freshnessFrom(freshet.freshness, node, 'meta.freshet.freshness');
    freshnessOrigin = 'meta.freshet.freshness';
  } else if (dagster.freshness_policy !== undefined) {
    freshness = freshnessFrom(dagster.freshness_policy, node, 'meta.dagster.freshness_policy');
    freshnessOrigin = 'meta.dagster.freshness_policy';
  } else if (node.meta.dagster_freshness_policy !== undefined && node.meta.dagster_freshness_policy !== null) {
    freshness = freshnessFrom(node.meta.dagster_freshness_policy, node, 'meta.dagster_freshness_policy');
    freshnessOrigin = 'meta.dagster_freshness_policy';
  } else if (node.config.dagster_freshness_policy !== undefined && node.config.dagster_freshness_policy !== null) {
    freshness = freshnessFrom(node.config.dagster_freshness_policy, node, 'config.dagster_freshness_policy');
    freshnessOrigin = 'config.dagster_freshness_policy';
  } else if (fromBuildAfter?.freshness) {
    freshness = fromBuildAfter.freshness;
    freshnessOrigin = 'freshness.build_after';
  }

  let automation: AutomationPolicyJson | undefined;
  let automationOrigin: string | undefined;
  const dagsterAuto = dagster.auto_materialize_policy;
  if (freshet.automation !== undefined) {
    automation = automationFrom(freshet.automation, node, 'meta.freshet.automation');
    automationOrigin = 'meta.freshet.automation';
  } else if (isObject(dagsterAuto)) {
    automation = automationFrom(dagsterAuto.type, node, 'meta.dagster.auto_materialize_policy.type');
    automationOrigin = 'meta.dagster.auto_materialize_policy';
  } else if (fromBuildAfter) {
    automation = fromBuildAfter.automation;
    automationOrigin = 'freshness.build_after';
  }

  return {
    ...(freshness ? { freshness } : {}),
    ...(automation ? { automation } : {}),
    origin: { ...(freshnessOrigin ? { freshness: freshnessOrigin } : {}), ...(automationOrigin ? { automation: automationOrigin } : {}) },
  };
}
