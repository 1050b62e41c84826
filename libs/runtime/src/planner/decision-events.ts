// What a tick's decisions become: event-log records (requests, a tick explanation) and the
// messages the outbox relays afterwards (requests, staleness, freshness violations). Built here,
// written in one transaction with the cursor by the planner, so nothing is published that was not
// committed, and nothing committed is lost before it is published.
import { randomUUID } from 'node:crypto';
import { TOPICS, createEvent, type EventData, type EventType } from '@freshet/contracts';
import {
  apKey,
  currentDataTime,
  staleCauseSentence,
  type AssetGraph,
  type PartitionKeyRange,
  type PlannerState,
  type StalenessStatus,
  type TickResult,
} from '@freshet/domain';
import { RecordTypes, type JsonValue, type NewOutboxMessage, type NewRecord } from '@freshet/storage';

export interface DecisionContext {
  readonly graph: AssetGraph;
  readonly state: PlannerState;
  readonly now: number;
  readonly epoch: number;
  /** CloudEvents source, e.g. `freshet/planner`. */
  readonly source: string;
  readonly newId?: () => string;
  /** The skip decisions last written (`DecisionWrites.skipSignature`): a tick whose skips changed is written even without runs. */
  readonly previousSkipSignature?: string;
}

export interface DecisionWrites {
  readonly records: NewRecord[];
  readonly outbox: NewOutboxMessage[];
  /** The run ids requested, in request order. */
  readonly runIds: string[];
  /** What the tick skipped and why, compactly: equal signatures need no new explanation record. */
  readonly skipSignature: string;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const partitionField = (partition: string | null): { partition?: string } => (partition === null ? {} : { partition });
/** The domain names a range only when two or more partitions changed at once: passed on whole. */
const rangeField = (range: PartitionKeyRange | undefined): { partitionRange?: PartitionKeyRange } => (range === undefined ? {} : { partitionRange: range });

function outboxMessage<T extends EventType>(topic: string, type: T, data: EventData<T>, key: string, ctx: DecisionContext, id: string): NewOutboxMessage {
  const event = createEvent(type, data, { source: ctx.source, id, time: ctx.now, subject: key });
  return { topic, key, eventId: id, value: event as unknown as JsonValue };
}

function causesOf(status: StalenessStatus): EventData<'dev.freshet.staleness.v1'>['causes'] {
  if (status.status !== 'stale') return [];
  return status.causes.map((c) => ({
    code: c.cause,
    ...(c.dependency === undefined ? {} : { asset: c.dependency }),
    sentence: staleCauseSentence(c),
  }));
}

export function decisionWrites(tick: TickResult, ctx: DecisionContext): DecisionWrites {
  const newId = ctx.newId ?? randomUUID;
  const records: NewRecord[] = [];
  const outbox: NewOutboxMessage[] = [];
  const runIds: string[] = [];

  for (const run of tick.runs) {
    const runId = newId();
    runIds.push(runId);
    const assetPartitions = run.assetPartitions.map((ap) => ({ asset: ap.asset, ...partitionField(ap.partition) }));
    const data: EventData<'dev.freshet.materialization-request.v1'> = {
      runId,
      codeLocation: run.codeLocation,
      assetPartitions,
      reasons: run.assetPartitions.map((ap) => ({
        asset: ap.asset,
        ...partitionField(ap.partition),
        codes: [...ap.reasons],
        sentence: ap.sentence,
      })),
      attempt: 1,
      plannerEpoch: ctx.epoch,
      requestedAt: iso(ctx.now),
    };
    const eventId = `request:${runId}`;
    records.push({
      eventId,
      type: RecordTypes.request,
      runId,
      occurredAt: ctx.now,
      payload: data,
      plannedAssetPartitions: run.assetPartitions.map((ap) => ({ assetKey: ap.asset, partitionKey: ap.partition })),
    });
    // Keyed by the first asset partition, not only its asset: the runs of a partitioned asset
    // spread over the topic's partitions, so a fan-out is shared by every worker.
    const first = run.assetPartitions[0];
    const key = first ? apKey(first.asset, first.partition) : runId;
    outbox.push(outboxMessage(TOPICS.materializationRequests.name, 'dev.freshet.materialization-request.v1', data, key, ctx, eventId));
  }

  for (const change of tick.stalenessChanges) {
    const data: EventData<'dev.freshet.staleness.v1'> = {
      asset: change.asset,
      ...partitionField(change.partition),
      status: change.status.status,
      causes: causesOf(change.status),
      changedAt: iso(ctx.now),
    };
    outbox.push(outboxMessage(TOPICS.staleness.name, 'dev.freshet.staleness.v1', data, change.asset, ctx, newId()));
  }

  for (const change of tick.violationChanges) {
    const policy = { ...change.policy };
    if (change.kind === 'violated') {
      const data: EventData<'dev.freshet.freshness-violation.v1'> = {
        status: 'violated',
        asset: change.asset,
        ...partitionField(change.partition),
        ...rangeField(change.partitionRange),
        overdueMinutes: change.overdueMinutes,
        policy,
        dataTime: change.dataTime === null ? null : iso(change.dataTime),
        startedAt: iso(change.since),
      };
      outbox.push(outboxMessage(TOPICS.freshnessViolations.name, 'dev.freshet.freshness-violation.v1', data, change.asset, ctx, newId()));
    } else {
      const node = ctx.graph.get(change.asset);
      const dataTime = node ? currentDataTime(node, ctx.state, ctx.now) : null;
      const data: EventData<'dev.freshet.freshness-violation.v1'> = {
        status: 'resolved',
        asset: change.asset,
        ...partitionField(change.partition),
        ...rangeField(change.partitionRange),
        overdueMinutes: 0,
        policy,
        dataTime: dataTime === null ? null : iso(dataTime),
        startedAt: iso(change.since),
        resolvedAt: iso(ctx.now),
        durationMinutes: Math.max(0, change.durationMinutes),
      };
      outbox.push(outboxMessage(TOPICS.freshnessViolations.name, 'dev.freshet.freshness-violation.v1', data, change.asset, ctx, newId()));
    }
  }

  // The explanation of the tick, so "why did or didn't X run" is answered from the log: written
  // when the tick decided something, and when what it skipped (or why) changed since the last one.
  const skipSignature = JSON.stringify(tick.skipped.map((s) => [s.asset, s.reasons, s.partitionCount, s.sentence]));
  const skipsChanged = skipSignature !== (ctx.previousSkipSignature ?? '[]');
  if (tick.runs.length > 0 || tick.violationChanges.length > 0 || tick.discarded.length > 0 || skipsChanged) {
    records.push({
      eventId: `tick:${newId()}`,
      type: RecordTypes.tick,
      occurredAt: ctx.now,
      payload: {
        runs: tick.runs.map((run, i) => ({
          runId: runIds[i] ?? null,
          assetPartitions: run.assetPartitions.map((ap) => ({ ap: apKey(ap.asset, ap.partition), reasons: [...ap.reasons], sentence: ap.sentence })),
        })),
        skipped: tick.skipped.map((s) => ({
          asset: s.asset,
          partitions: s.partitions === null ? null : [...s.partitions],
          partitionCount: s.partitionCount,
          reasons: [...s.reasons],
          candidateReasons: [...s.candidateReasons],
          sentence: s.sentence,
        })),
        discarded: tick.discarded.map((d) => ({ asset: d.asset, partitionCount: d.partitionCount, sentence: d.sentence })),
        violations: tick.violationChanges.map((v) => ({
          kind: v.kind,
          asset: v.asset,
          partition: v.partition,
          since: iso(v.since),
          ...(v.kind === 'violated' ? { overdueMinutes: v.overdueMinutes } : { durationMinutes: Math.max(0, v.durationMinutes) }),
        })),
      },
    });
  }
  return { records, outbox, runIds, skipSignature };
}
