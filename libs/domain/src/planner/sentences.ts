// One human sentence per decision, naming the assets involved. Reasons stay machine-readable
// alongside; these sentences are what `freshet why` and the simulator print.

import type { MaterializeReason, SkipReason } from './types';

export interface ReasonDetail<R> {
  readonly reason: R;
  readonly assets: readonly string[];
}

function list(keys: readonly string[]): string {
  if (keys.length <= 1) return keys[0] ?? '';
  // "a, b and c", built in place (no copy of the list: a request names up to every parent).
  let out = keys[0] as string;
  for (let i = 1; i < keys.length - 1; i++) out += `, ${keys[i] as string}`;
  return `${out} and ${keys[keys.length - 1] as string}`;
}

function be(keys: readonly string[], singular: string, plural: string): string {
  return keys.length > 1 ? plural : singular;
}

export function materializePhrase(asset: string, d: ReasonDetail<MaterializeReason>): string {
  const a = d.assets;
  switch (d.reason) {
    case 'missing':
      return a.length > 0 ? `${asset} has never been materialized and ${list(a)} now ${be(a, 'has', 'have')} data` : `${asset} has never been materialized`;
    case 'parentUpdated':
      return `${list(a)} ${be(a, 'has', 'have')} new data that ${asset} has not consumed`;
    case 'newSourceData':
      return `source ${list(a)} ${be(a, 'has', 'have')} a new data version that ${asset} has not consumed`;
    case 'codeVersionChanged':
      return `${asset} has new code since its latest materialization`;
    case 'freshness':
      return `${asset}'s freshness policy needs newer data`;
    case 'downstreamFreshness':
      return `the freshness ${be(a, 'policy', 'policies')} of ${list(a)} downstream ${be(a, 'needs', 'need')} newer data from ${asset}`;
    case 'cron':
      return `${asset}'s cron schedule ticked`;
    case 'backfill':
      return `backfill ${list(a)} targets ${asset}`;
  }
}

export function requestSentence(asset: string, details: readonly ReasonDetail<MaterializeReason>[], unitWith: readonly string[] = []): string {
  if (details.length === 0 && unitWith.length > 0) return `${asset} is computed together with ${list(unitWith)}, which ${be(unitWith, 'needs', 'need')} a run`;
  const suffix = unitWith.length > 0 ? ` (computed together with ${list(unitWith)})` : '';
  // One reason (the usual request): no list of phrases to join.
  const why = details.length === 1 ? materializePhrase(asset, details[0] as ReasonDetail<MaterializeReason>) : details.map((d) => materializePhrase(asset, d)).join('; ');
  return `requested ${asset}: ${why}${suffix}`;
}

export function skipPhrase(asset: string, d: ReasonDetail<SkipReason>): string {
  const a = d.assets;
  switch (d.reason) {
    case 'parentOutdated':
      return `waiting on ${list(a)}: ${be(a, 'it has', 'they have')} new upstream data that ${be(a, 'it has', 'they have')} not consumed yet, so ${asset} would run on data about to change`;
    case 'parentMissing':
      // Said of partitions too: the parent may have others, only those this asset reads are missing.
      return `waiting on ${list(a)}: what ${asset} reads from ${be(a, 'it', 'them')} was never materialized`;
    case 'parentInProgress':
      return `waiting on ${list(a)}: a run in progress is materializing ${be(a, 'it', 'them')}`;
    case 'inProgress':
      return `${asset} is already being materialized by a run in progress`;
    case 'notAllParentsUpdated':
      return `waiting for ${list(a)} to update before ${asset} runs again`;
    case 'recentFailure':
      // With assets: an ancestor a freshness refresh needs failed and is backing off.
      return a.length > 0
        ? `waiting on ${list(a)}: ${be(a, 'its', 'their')} latest attempt failed, and a retry waits for the back-off`
        : `the latest attempt at ${asset} failed and nothing has changed since`;
    case 'backfillInProgress':
      return `backfill ${list(a)} will materialize ${asset}`;
    case 'nonexistentParentPartitions':
      return `${list(a)} ${be(a, 'lacks', 'lack')} partitions that ${asset} needs`;
    case 'rateLimited':
      return `${asset} is past its per-tick limit`;
    case 'notSelected':
      // With assets: ancestors a freshness refresh needs, which the planner may not request.
      return a.length > 0
        ? `waiting on ${list(a)}: ${be(a, 'its', 'their')} data is older than ${asset} needs, and the planner does not request ${be(a, 'it', 'them')} (outside its selection, or not refreshed for freshness)`
        : `${asset} is outside the planner's selection`;
  }
}

export function skipSentence(asset: string, skips: readonly ReasonDetail<SkipReason>[], candidate: readonly ReasonDetail<MaterializeReason>[]): string {
  const why = candidate.map((d) => materializePhrase(asset, d)).join('; ');
  const held = skips.map((d) => skipPhrase(asset, d)).join('; ');
  return why ? `${held} (${why})` : held;
}

export function discardSentence(asset: string, count: number, limit: number | null): string {
  return `${asset}: ${count} partition${count === 1 ? '' : 's'} past the limit of ${limit ?? 'unlimited'} per tick discarded (never requested automatically; backfill them by hand)`;
}
