// A materialization asked for by hand goes the way the planner's own requests go: a `request`
// record (the run is planned: the planner's state sees it in flight and never requests it twice)
// and, in the same transaction, the materialization request in the outbox, which the leading
// planner's relay publishes to the workers.
import { randomUUID } from 'node:crypto';
import { TOPICS, createEvent, type EventData } from '@freshet/contracts';
import type { AssetNode } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';
import { RecordTypes, type EventLog, type JsonValue, type NewOutboxMessage, type NewRecord } from '@freshet/storage';
import { ConflictError, InvalidRequestError } from '../errors';
import { resolveSelection } from './selection';

export interface MaterializeInput {
  readonly selection: string;
  readonly partition?: string;
}

export interface PlannedRun {
  readonly runId: string;
  readonly codeLocation: string;
  readonly assetPartitions: readonly { readonly asset: string; readonly partition: string | null }[];
}

export const MANUAL_REASON = 'manual';
export const API_SOURCE = 'freshet/api';

export async function materialize(eventLog: EventLog, report: TickReport, epoch: number, input: MaterializeInput, now: number): Promise<PlannedRun[]> {
  const nodes = resolveSelection(report.graph, input.selection);
  if (nodes.length === 0) throw new InvalidRequestError('selection', 'selects no materializable asset');
  const partition = input.partition ?? null;
  const aps = nodes.map((node) => ({ node, partition: partitionFor(node, partition, now) }));
  // In flight: in the planner's state, or in a run the event log has but the planner has not applied yet.
  const active = new Set<string>();
  for (const run of await eventLog.runsByStatus(['requested', 'started'])) {
    const done = new Set(run.materializedAssetPartitions.map((ap) => JSON.stringify([ap.assetKey, ap.partitionKey])));
    for (const ap of run.plannedAssetPartitions) {
      const id = JSON.stringify([ap.assetKey, ap.partitionKey]);
      if (!done.has(id)) active.add(id);
    }
  }
  const busy = aps.filter(({ node, partition: p }) => {
    if (active.has(JSON.stringify([node.key, p]))) return true;
    const history = report.state.history(node.key);
    if (!history) return false;
    const index = p === null ? 0 : (node.partitions?.indexOf(p) ?? -1);
    return history.inFlight().has(index);
  });
  if (busy.length > 0) {
    throw new ConflictError(`already in flight: ${busy.map(({ node, partition: p }) => (p === null ? node.key : `${node.key}[${p}]`)).join(', ')}; wait for its run to finish`);
  }
  // One run per code location (a run never spans two), assets in dependency order.
  const byLocation = new Map<string, typeof aps>();
  for (const ap of aps) byLocation.set(ap.node.codeLocation, [...(byLocation.get(ap.node.codeLocation) ?? []), ap]);
  const locations = [...byLocation.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const records: NewRecord[] = [];
  const outbox: NewOutboxMessage[] = [];
  const runs: PlannedRun[] = [];
  for (const codeLocation of locations) {
    const members = byLocation.get(codeLocation) ?? [];
    const runId = randomUUID();
    const sentence = 'requested by hand through the Freshet API';
    const data: EventData<'dev.freshet.materialization-request.v1'> = {
      runId,
      codeLocation,
      assetPartitions: members.map(({ node, partition: p }) => ({ asset: node.key, ...(p === null ? {} : { partition: p }) })),
      reasons: members.map(({ node, partition: p }) => ({ asset: node.key, ...(p === null ? {} : { partition: p }), codes: [MANUAL_REASON], sentence })),
      attempt: 1,
      plannerEpoch: epoch,
      requestedAt: new Date(now).toISOString(),
    };
    const eventId = `request:${runId}`;
    records.push({
      eventId,
      type: RecordTypes.request,
      runId,
      occurredAt: now,
      payload: { ...data, requestedBy: 'api' },
      plannedAssetPartitions: members.map(({ node, partition: p }) => ({ assetKey: node.key, partitionKey: p })),
    });
    const first = members[0]?.node.key ?? runId;
    const event = createEvent('dev.freshet.materialization-request.v1', data, { source: API_SOURCE, id: eventId, time: now, subject: first });
    outbox.push({ topic: TOPICS.materializationRequests.name, key: first, eventId, value: event as unknown as JsonValue });
    runs.push({ runId, codeLocation, assetPartitions: members.map(({ node, partition: p }) => ({ asset: node.key, partition: p })) });
  }
  await eventLog.append(records, { outbox });
  return runs;
}

function partitionFor(node: AssetNode, partition: string | null, now: number): string | null {
  if (!node.partitions) return null;
  if (partition === null) throw new InvalidRequestError('partition', `"${node.key}" is partitioned: name the partition to materialize`);
  const index = node.partitions.indexOf(partition);
  if (index === null) throw new InvalidRequestError('partition', `"${partition}" is not a partition of "${node.key}"`);
  if (index >= node.partitions.countAt(now)) throw new InvalidRequestError('partition', `partition "${partition}" of "${node.key}" does not exist yet`);
  return partition;
}
