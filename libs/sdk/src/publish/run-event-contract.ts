// Maps the executor's events onto the contracts' `dev.freshet.run-event.v1` payloads. Publish each
// with the event's own `eventId` as the CloudEvents id: a child materialized in the same run points
// at its parent by that id until the event log has given the parent a storage id.
import type { RunEventV1 } from '@freshet/contracts';
import type { InputPointer } from '../define/types';
import type { AssetPartitionRef, RunEvent } from '../runtime/run-events';

export const RUN_EVENT_TYPE = 'dev.freshet.run-event.v1';

export interface RunEventContext {
  readonly workerId: string;
  readonly codeLocation: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const partitionField = (partition: string | null): { partition?: string } => (partition === null ? {} : { partition });

/**
 * A pointer in contract form. The contract needs a storage id and a data version: a parent never
 * recorded has neither and is left out; a parent built earlier in the same run whose storage id the
 * worker does not know yet is named `event:<eventId>`, which the event log resolves.
 */
function contractPointer(pointer: InputPointer): { asset: string; partition?: string; storageId: string; dataVersion: string } | null {
  if (pointer.dataVersion === null) return null;
  const storageId = pointer.storageId !== null ? String(pointer.storageId) : pointer.eventId !== null ? `event:${pointer.eventId}` : null;
  if (storageId === null) return null;
  return { asset: pointer.asset, ...partitionField(pointer.partition), storageId, dataVersion: pointer.dataVersion };
}

const describeRefs = (refs: readonly AssetPartitionRef[]): string =>
  refs.map((r) => (r.partition === null ? r.asset : `${r.asset}[${r.partition}]`)).join(', ');

export function toRunEventV1(event: RunEvent, context: RunEventContext): RunEventV1 {
  switch (event.type) {
    case 'started':
      return { kind: 'started', runId: event.runId, codeLocation: context.codeLocation, workerId: context.workerId, attempt: event.attempt, startedAt: iso(event.at) };
    case 'assetMaterialized':
      return {
        kind: 'assetMaterialized',
        runId: event.runId,
        asset: event.asset,
        ...partitionField(event.partition),
        dataVersion: event.dataVersion,
        codeVersion: event.codeVersion,
        inputs: event.inputs.map(contractPointer).filter((p): p is NonNullable<typeof p> => p !== null),
        dataTime: event.dataTime === null ? null : iso(event.dataTime),
        durationMs: Math.max(0, Math.round(event.durationMs)),
        materializedAt: iso(event.at),
      };
    case 'assetFailed':
      return {
        kind: 'assetFailed',
        runId: event.runId,
        asset: event.asset,
        ...partitionField(event.partition),
        error: {
          message: event.error.message,
          code: event.kind,
          // Redelivering the same request will not fix an invalid request or a failed parent.
          retriable: event.kind === 'error' || event.kind === 'timeout',
          ...(event.error.stack === undefined ? {} : { stack: event.error.stack.slice(0, 16_384) }),
        },
        failedAt: iso(event.at),
      };
    case 'completed':
      return { kind: 'completed', runId: event.runId, completedAt: iso(event.at), durationMs: Math.max(0, Math.round(event.durationMs)) };
    case 'failed':
      return {
        kind: 'failed',
        runId: event.runId,
        error: {
          message: `failed: ${describeRefs(event.failed) || 'none'}; not run: ${describeRefs(event.skipped) || 'none'}`,
          code: 'assetsFailed',
          retriable: false,
        },
        failedAt: iso(event.at),
        durationMs: Math.max(0, Math.round(event.durationMs)),
      };
  }
}
