import { RecordTypes, type AssetPartitionRef, type JsonValue, type NewRecord, type RunStatus } from './event-log.port';

/** How one record changes its run's row; `null` when the record does not concern a run. */
export interface RunUpdate {
  readonly runId: string;
  readonly status: RunStatus;
  readonly statusRank: number;
  readonly planned: readonly AssetPartitionRef[];
  readonly materialized: readonly AssetPartitionRef[];
  readonly failed: readonly AssetPartitionRef[];
  readonly requestedAt: number | null;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly error: string | null;
}

/** Terminal statuses share the top rank: whichever is stored first stays. */
export const RUN_STATUS_RANK: Readonly<Record<RunStatus, number>> = { requested: 0, started: 1, succeeded: 2, failed: 2 };

/**
 * Derives the run-table change a record implies. Pure: the adapters apply it with an upsert
 * that keeps the highest-ranked status, the first non-null timestamps, and appends asset
 * partitions without repeating them. A materialization or asset failure of an unknown run
 * creates it as `started`: it is evidence that the run is executing.
 */
export function runUpdateFor(record: NewRecord): RunUpdate | null {
  const runId = record.runId ?? null;
  if (runId === null) return null;
  const base = { runId, planned: [], materialized: [], failed: [], requestedAt: null, startedAt: null, finishedAt: null, error: null };
  const ap = (): AssetPartitionRef[] => [{ assetKey: record.assetKey ?? '', partitionKey: record.partitionKey ?? null }];
  switch (record.type) {
    case RecordTypes.request:
      return { ...base, status: 'requested', statusRank: 0, planned: normalizePlanned(record.plannedAssetPartitions ?? []), requestedAt: record.occurredAt };
    case RecordTypes.runStarted:
      return { ...base, status: 'started', statusRank: 1, startedAt: record.occurredAt };
    case RecordTypes.runCompleted:
      return { ...base, status: 'succeeded', statusRank: 2, finishedAt: record.occurredAt };
    case RecordTypes.runFailed:
      return { ...base, status: 'failed', statusRank: 2, finishedAt: record.occurredAt, error: errorText(record.payload) };
    case RecordTypes.materialization:
      return { ...base, status: 'started', statusRank: 1, materialized: ap() };
    case RecordTypes.assetFailed:
      return { ...base, status: 'started', statusRank: 1, failed: ap() };
    default:
      return null;
  }
}

/** Plain `{assetKey, partitionKey}` objects (extra fields would defeat jsonb containment), without repeats. */
function normalizePlanned(planned: readonly AssetPartitionRef[]): AssetPartitionRef[] {
  const seen = new Set<string>();
  const result: AssetPartitionRef[] = [];
  for (const { assetKey, partitionKey } of planned) {
    const id = JSON.stringify([assetKey, partitionKey]);
    if (seen.has(id)) continue;
    seen.add(id);
    result.push({ assetKey, partitionKey });
  }
  return result;
}

function errorText(payload: JsonValue): string | null {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return null;
  const error = payload['error'];
  if (typeof error === 'string') return error;
  if (error !== null && typeof error === 'object' && !Array.isArray(error) && typeof error['message'] === 'string') return error['message'];
  return null;
}
