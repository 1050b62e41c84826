// The record model: every event-log entry the planner reads. Each has a monotonically increasing
// `storageId` (every "since" question compares these) and a `timestamp` in epoch ms (which only
// feeds freshness arithmetic). Partitions are named by key; null means unpartitioned.

import type { Instant } from '../partitions/types';

export interface AssetPartitionRef {
  readonly asset: string;
  readonly partition: string | null;
}

/** What a materialization consumed from one parent. */
export interface InputPointer {
  /** Storage id of the newest parent record consumed (for partitioned parents: over the mapped partitions); null if none. */
  readonly storageId: number | null;
  /** The parent data version consumed (for partitioned parents: a digest over the mapped partitions); null if none. */
  readonly dataVersion: string | null;
}

interface RecordBase {
  readonly storageId: number;
  readonly timestamp: Instant;
}

export interface MaterializationRecord extends RecordBase {
  readonly type: 'materialization';
  readonly asset: string;
  readonly partition: string | null;
  readonly runId: string | null;
  /** The asset's code version, or the run id when it has none. */
  readonly codeVersion: string;
  readonly dataVersion: string;
  /** Keyed by parent asset key. */
  readonly inputs: Readonly<Record<string, InputPointer>>;
  /** Data time as computed by the worker, if it did; the planner computes its own from the inputs. */
  readonly dataTime?: Instant | null;
  /** How long the step took, as the worker measured it; freshness planning learns compute times from it. */
  readonly durationMs?: number;
  /**
   * The record covers every partition from `partition` to this key (inclusive), with one data
   * version: a single-run backfill of a range. Stored as one entry, however many partitions.
   */
  readonly partitionRangeEnd?: string;
}

export interface ObservationRecord extends RecordBase {
  readonly type: 'observation';
  readonly asset: string;
  readonly partition: string | null;
  readonly dataVersion: string | null;
}

export interface RunPlannedRecord extends RecordBase {
  readonly type: 'runPlanned';
  readonly runId: string;
  readonly codeLocation: string;
  readonly assetPartitions: readonly AssetPartitionRef[];
}

export interface RunFinishedRecord extends RecordBase {
  readonly type: 'runFinished';
  readonly runId: string;
  readonly status: 'success' | 'failure';
  /** Planned asset partitions that failed (were not materialized). */
  readonly failed: readonly AssetPartitionRef[];
}

export interface CodeVersionDeployedRecord extends RecordBase {
  readonly type: 'codeVersionDeployed';
  readonly asset: string;
  readonly codeVersion: string | null;
}

export interface DefinitionsChangedRecord extends RecordBase {
  readonly type: 'definitionsChanged';
  /** Keys added, removed or changed. */
  readonly assets: readonly string[];
}

export interface BackfillRequestedRecord extends RecordBase {
  readonly type: 'backfillRequested';
  readonly backfillId: string;
  readonly assetPartitions: readonly AssetPartitionRef[];
}

export interface BackfillFinishedRecord extends RecordBase {
  readonly type: 'backfillFinished';
  readonly backfillId: string;
}

export type PlannerRecord =
  | MaterializationRecord
  | ObservationRecord
  | RunPlannedRecord
  | RunFinishedRecord
  | CodeVersionDeployedRecord
  | DefinitionsChangedRecord
  | BackfillRequestedRecord
  | BackfillFinishedRecord;

export function apKey(asset: string, partition: string | null): string {
  return partition === null ? asset : `${asset}[${partition}]`;
}

/** A record before the event log assigns its storage id and timestamp. */
export type NewRecord = PlannerRecord extends infer R ? (R extends PlannerRecord ? Omit<R, 'storageId' | 'timestamp'> : never) : never;
