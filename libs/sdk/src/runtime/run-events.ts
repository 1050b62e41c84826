// The events the executor emits while it runs a request. Kept small and flat so the worker can
// map each one onto the run-events topic's payloads one to one.
import type { InputPointer, Metadata } from '../define/types';

export interface AssetPartitionRef {
  readonly asset: string;
  readonly partition: string | null;
}

export interface RunRequest {
  readonly runId: string;
  readonly assetPartitions: readonly AssetPartitionRef[];
  /** 1 for the first delivery; redeliveries of the same run count up. */
  readonly attempt: number;
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  /** ISO-8601. */
  readonly time: string;
  readonly runId: string;
  readonly attempt: number;
  readonly asset: string | null;
  readonly partition: string | null;
  readonly message: string;
  readonly fields?: Metadata;
}

export interface ErrorDetails {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Why an asset partition did not materialize. */
export type FailureKind = 'error' | 'timeout' | 'upstreamFailed' | 'invalidRequest';

export interface RunStartedEvent {
  readonly type: 'started';
  readonly eventId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly at: number;
  readonly codeLocation: string;
  readonly assetPartitions: readonly AssetPartitionRef[];
}

export interface AssetMaterializedEvent {
  readonly type: 'assetMaterialized';
  readonly eventId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly at: number;
  readonly asset: string;
  readonly partition: string | null;
  /** The asset's code version, or the run id when it has none (so a rerun always differs). */
  readonly codeVersion: string;
  readonly dataVersion: string;
  readonly dataVersionIsUserProvided: boolean;
  /** One pointer per parent partition read, sorted by (asset, partition). */
  readonly inputs: readonly InputPointer[];
  /** The executor's estimate of the data time, epoch ms (null: unknown). The planner recomputes it from the pointers. */
  readonly dataTime: number | null;
  readonly startedAt: number;
  readonly durationMs: number;
  readonly metadata: Metadata;
  /** The last log lines of this asset partition (capped). */
  readonly logs: readonly LogLine[];
}

export interface AssetFailedEvent {
  readonly type: 'assetFailed';
  readonly eventId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly at: number;
  readonly asset: string;
  readonly partition: string | null;
  readonly kind: FailureKind;
  readonly error: ErrorDetails;
  /** For `upstreamFailed`: the failed asset partition that blocked this one. */
  readonly blockedBy?: AssetPartitionRef;
  readonly startedAt: number | null;
  readonly durationMs: number;
  readonly logs: readonly LogLine[];
}

export interface RunCompletedEvent {
  readonly type: 'completed';
  readonly eventId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly at: number;
  readonly materialized: readonly AssetPartitionRef[];
  readonly durationMs: number;
}

export interface RunFailedEvent {
  readonly type: 'failed';
  readonly eventId: string;
  readonly runId: string;
  readonly attempt: number;
  readonly at: number;
  readonly materialized: readonly AssetPartitionRef[];
  /** Asset partitions whose own computation failed. */
  readonly failed: readonly AssetPartitionRef[];
  /** Asset partitions not run because something they depend on failed. */
  readonly skipped: readonly AssetPartitionRef[];
  readonly durationMs: number;
}

export type RunEvent = RunStartedEvent | AssetMaterializedEvent | AssetFailedEvent | RunCompletedEvent | RunFailedEvent;

export function compareAssetPartitions(a: AssetPartitionRef, b: AssetPartitionRef): number {
  if (a.asset !== b.asset) return a.asset < b.asset ? -1 : 1;
  const pa = a.partition ?? '';
  const pb = b.partition ?? '';
  return pa < pb ? -1 : pa > pb ? 1 : 0;
}
