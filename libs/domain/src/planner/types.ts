// What a planner tick returns: decisions with machine-readable reasons and one sentence a
// person can read, grouped into runs; plus staleness and freshness-violation changes, the new
// cursor and the instant the planner must wake at even if no event arrives.

import type { FreshnessPolicySpec } from '../specs/types';
import type { Instant } from '../partitions/types';
import type { StalenessStatus } from '../versions/staleness';
import type { PlannerCursor } from '../cursor/cursor';

export type MaterializeReason =
  | 'missing'
  | 'parentUpdated'
  | 'newSourceData'
  | 'codeVersionChanged'
  | 'freshness'
  | 'downstreamFreshness'
  | 'cron'
  | 'backfill';

export type SkipReason =
  | 'parentOutdated'
  | 'parentMissing'
  | 'parentInProgress'
  | 'inProgress'
  | 'notAllParentsUpdated'
  | 'recentFailure'
  | 'backfillInProgress'
  | 'nonexistentParentPartitions'
  | 'rateLimited'
  | 'notSelected';

export const MATERIALIZE_REASON_ORDER: readonly MaterializeReason[] = [
  'missing',
  'parentUpdated',
  'newSourceData',
  'codeVersionChanged',
  'freshness',
  'downstreamFreshness',
  'cron',
  'backfill',
];

export const SKIP_REASON_ORDER: readonly SkipReason[] = [
  'inProgress',
  'parentInProgress',
  'parentMissing',
  'parentOutdated',
  'nonexistentParentPartitions',
  'notAllParentsUpdated',
  'recentFailure',
  'backfillInProgress',
  'rateLimited',
  'notSelected',
];

export interface RequestedAssetPartition {
  readonly asset: string;
  readonly partition: string | null;
  readonly reasons: readonly MaterializeReason[];
  /** One sentence naming the assets involved. */
  readonly sentence: string;
}

export interface RunRequest {
  readonly codeLocation: string;
  /** The partition key shared by the run's asset partitions (null for unpartitioned runs). */
  readonly partitionKey: string | null;
  /** Asset partitions in dependency order (a worker runs them in this order). */
  readonly assetPartitions: readonly RequestedAssetPartition[];
}

/** A run of consecutive partitions (by index), named by its first and last keys. */
export interface PartitionKeyRange {
  readonly first: string;
  readonly last: string;
  readonly count: number;
}

/** Decisions list at most this many partition keys; `partitionRanges` always covers them all. */
export const MAX_LISTED_PARTITIONS = 1000;

export interface SkippedDecision {
  readonly asset: string;
  /**
   * Partition keys skipped for these reasons (the newest MAX_LISTED_PARTITIONS when there are
   * more); null for an unpartitioned asset.
   */
  readonly partitions: readonly string[] | null;
  /** Every skipped partition, compactly; null for an unpartitioned asset. */
  readonly partitionRanges: readonly PartitionKeyRange[] | null;
  readonly partitionCount: number;
  readonly reasons: readonly SkipReason[];
  /** Why it was a candidate in the first place. */
  readonly candidateReasons: readonly MaterializeReason[];
  readonly sentence: string;
}

export interface DiscardedDecision {
  readonly asset: string;
  /** As in SkippedDecision: listed keys (capped), all of them as ranges, and the count. */
  readonly partitions: readonly string[] | null;
  readonly partitionRanges: readonly PartitionKeyRange[] | null;
  readonly partitionCount: number;
  readonly sentence: string;
}

export interface StalenessChange {
  readonly asset: string;
  readonly partition: string | null;
  readonly status: StalenessStatus;
}

/**
 * Something overdue now. Per-partition violations of a time-partitioned asset come one per
 * contiguous range of overdue partitions (an asset defined with years of missing hourly history is
 * one entry, not 50,000): `partition` and the figures are those of the range's first (oldest, most
 * overdue) partition, and `partitionRange` names the range when it holds two or more.
 */
export interface Violation {
  readonly asset: string;
  readonly partition: string | null;
  readonly partitionRange?: PartitionKeyRange;
  readonly overdueMinutes: number;
  /** Asset-level: the data time judged; per partition: the window end. */
  readonly dataTime: Instant | null;
  readonly since: Instant;
  readonly policy: FreshnessPolicySpec;
}

/**
 * A violation that started or ended this tick. Per-partition violations of a time-partitioned
 * asset that start (or end) in the same tick are reported as one change per contiguous range of
 * partitions, so a freshly defined asset with years of missing history emits a few changes, not
 * one per partition: `partition` and the figures are those of the range's first (oldest)
 * partition, and `partitionRange` names the whole range when it holds more than one.
 * (`TickResult.violations` still lists every overdue partition.)
 */
export type ViolationChange =
  | ({ readonly kind: 'violated'; readonly partitionRange?: PartitionKeyRange } & Violation)
  | {
      readonly kind: 'resolved';
      readonly asset: string;
      readonly partition: string | null;
      readonly partitionRange?: PartitionKeyRange;
      readonly since: Instant;
      readonly durationMinutes: number;
      readonly policy: FreshnessPolicySpec;
    };

export interface TickResult {
  readonly runs: readonly RunRequest[];
  readonly skipped: readonly SkippedDecision[];
  readonly discarded: readonly DiscardedDecision[];
  readonly stalenessChanges: readonly StalenessChange[];
  readonly violationChanges: readonly ViolationChange[];
  /** Everything overdue at `now` (before this tick's requests run). */
  readonly violations: readonly Violation[];
  readonly cursor: PlannerCursor;
  /** The next instant the planner must tick even without events; null = only on events. */
  readonly nextWakeAt: Instant | null;
  /** Assets evaluated this tick (incremental evaluation looks at only these). */
  readonly evaluatedAssets: number;
}
