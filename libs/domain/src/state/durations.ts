// How long each asset takes to compute, learnt from its materializations, so freshness planning
// can start a refresh early enough to land before the deadline. A worker may report the step's
// duration on the record (`durationMs`); otherwise it is read off the run: from the run's start,
// or from the latest of the same run's parent materializations if later (a step starts when its
// parents in the run have finished), to the materialization. Queueing time counts too, which
// errs on the safe side.

import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { MaterializationRecord } from '../records/records';
import { UNPARTITIONED, type AssetHistory } from './asset-history';

/**
 * Share of the gap closed when a step is faster than the estimate. A slower step raises the
 * estimate at once: being early costs a few minutes of freshness, being late a violation.
 */
const SPEED_UP_WEIGHT = 0.2;

/** A slow-decaying peak of the step durations seen, per asset key. */
export class DurationEstimates {
  private readonly byAsset = new Map<string, number>();

  observe(asset: string, sampleMs: number): void {
    if (!Number.isFinite(sampleMs) || sampleMs < 0) return;
    const prev = this.byAsset.get(asset);
    const next = prev === undefined || sampleMs >= prev ? sampleMs : prev + SPEED_UP_WEIGHT * (sampleMs - prev);
    this.byAsset.set(asset, next);
  }

  /** Estimated compute time in ms; null when the asset was never seen materialized by a run. */
  estimate(asset: string): number | null {
    return this.byAsset.get(asset) ?? null;
  }
}

export interface RunStart {
  readonly createdAt: Instant;
}

/**
 * The duration of the step that produced `record`, or null when it cannot be told (no run, or a
 * partitioned asset, whose runs cover many partitions at once).
 */
export function stepDurationMs(
  node: AssetNode,
  record: MaterializationRecord,
  run: RunStart | undefined,
  historyOf: (parentIndex: number) => AssetHistory,
): number | null {
  if (record.durationMs !== undefined) return record.durationMs;
  if (node.partitions || !run) return null;
  let start = run.createdAt;
  for (const edge of node.parents) {
    const parent = historyOf(edge.parent).materializations.get(UNPARTITIONED);
    if (parent && parent.runId === record.runId && parent.timestamp > start) start = parent.timestamp;
  }
  return Math.max(0, record.timestamp - start);
}
