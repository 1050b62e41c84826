// Turns event-log records back into the domain's planner records, in storage-id order. The same
// code serves the live path (records just appended) and a restart (the whole log replayed), so a
// restarted planner rebuilds exactly the state it had.
import {
  INITIAL_VERSION,
  fnv1a64,
  type AssetGraph,
  type AssetNode,
  type InputPointer,
  type PlannerRecord,
  type PlannerState,
} from '@freshet/domain';
import type { EventRecord, JsonValue } from '@freshet/storage';
import { RecordTypes } from '@freshet/storage';
import { PlannerRecordTypes } from './ingest-records';

/** Beyond this many partitions an input's version is its newest storage id (as the domain does). */
const MAX_DIGESTED_PARTITIONS = 100;

interface PointerJson {
  readonly asset: string;
  readonly partition?: string;
  readonly storageId: string;
  readonly dataVersion: string;
}

type Obj = { readonly [key: string]: JsonValue };

function obj(value: JsonValue): Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

function str(value: JsonValue | undefined): string | null {
  return typeof value === 'string' ? value : null;
}

/** Resolves the storage id of a parent materialization from the event id a worker used for it. */
export type EventIdResolver = (eventId: string) => number | null;

/**
 * The domain record of an event-log record, or null for records the planner state does not use
 * (run started, asset failed, ticks, definitions themselves: those rebind the graph instead).
 */
export function plannerRecordOf(record: EventRecord, graph: AssetGraph, state: PlannerState, resolve: EventIdResolver): PlannerRecord | null {
  const base = { storageId: record.storageId, timestamp: record.occurredAt };
  const payload = obj(record.payload);
  switch (record.type) {
    case RecordTypes.observation: {
      const node = record.assetKey === null ? undefined : graph.get(record.assetKey);
      if (!node || node.kind !== 'observableSource' || !partitionFits(node, record.partitionKey)) return null;
      return { ...base, type: 'observation', asset: node.key, partition: node.partitions ? record.partitionKey : null, dataVersion: str(payload['dataVersion']) };
    }
    case RecordTypes.materialization: {
      const node = record.assetKey === null ? undefined : graph.get(record.assetKey);
      if (!node || node.kind !== 'materializable' || !partitionFits(node, record.partitionKey)) return null;
      const inputs = Array.isArray(payload['inputs']) ? (payload['inputs'] as unknown as PointerJson[]) : [];
      return {
        ...base,
        type: 'materialization',
        asset: node.key,
        partition: record.partitionKey,
        runId: record.runId,
        codeVersion: str(payload['codeVersion']) ?? record.runId ?? '',
        dataVersion: str(payload['dataVersion']) ?? '',
        inputs: inputPointers(graph, node, inputs, resolve),
        dataTime: parseTime(payload['dataTime']),
        // The compute time the worker measured: freshness planning opens refreshes early enough by it.
        ...durationField(payload['durationMs']),
      };
    }
    case RecordTypes.request: {
      const codeLocation = str(payload['codeLocation']) ?? 'default';
      const aps = Array.isArray(payload['assetPartitions']) ? payload['assetPartitions'] : [];
      const assetPartitions = aps
        .map((ap) => ({ asset: str(obj(ap)['asset']) ?? '', partition: str(obj(ap)['partition']) }))
        .filter((ap) => {
          const node = graph.get(ap.asset);
          return node !== undefined && partitionFits(node, ap.partition);
        });
      if (record.runId === null) return null;
      return { ...base, type: 'runPlanned', runId: record.runId, codeLocation, assetPartitions };
    }
    case RecordTypes.runCompleted:
    case RecordTypes.runFailed: {
      if (record.runId === null) return null;
      const run = state.run(record.runId);
      if (!run || run.finished) return null;
      const failed = record.type === RecordTypes.runFailed ? notMaterialized(graph, state, record.runId) : [];
      return { ...base, type: 'runFinished', runId: record.runId, status: record.type === RecordTypes.runFailed ? 'failure' : 'success', failed };
    }
    case PlannerRecordTypes.codeVersionDeployed: {
      const asset = str(payload['asset']);
      if (asset === null || !graph.has(asset)) return null;
      return { ...base, type: 'codeVersionDeployed', asset, codeVersion: str(payload['codeVersion']) };
    }
    case PlannerRecordTypes.definitionsChanged: {
      const assets = Array.isArray(payload['assets']) ? payload['assets'].filter((a): a is string => typeof a === 'string' && graph.has(a)) : [];
      return { ...base, type: 'definitionsChanged', assets };
    }
    case PlannerRecordTypes.backfillRequested: {
      const backfillId = str(payload['backfillId']);
      const aps = Array.isArray(payload['assetPartitions']) ? payload['assetPartitions'] : [];
      const assetPartitions = aps
        .map((ap) => ({ asset: str(obj(ap)['asset']) ?? '', partition: str(obj(ap)['partition']) }))
        .filter((ap) => {
          const node = graph.get(ap.asset);
          return node !== undefined && node.kind === 'materializable' && partitionFits(node, ap.partition);
        });
      if (backfillId === null || assetPartitions.length === 0) return null;
      return { ...base, type: 'backfillRequested', backfillId, assetPartitions };
    }
    default:
      return null;
  }
}

function partitionFits(node: AssetNode, partition: string | null): boolean {
  if (!node.partitions) return partition === null;
  return partition !== null && node.partitions.indexOf(partition) !== null;
}

function durationField(value: JsonValue | undefined): { durationMs?: number } {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? { durationMs: value } : {};
}

function parseTime(value: JsonValue | undefined): number | null {
  if (typeof value !== 'string') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

function notMaterialized(graph: AssetGraph, state: PlannerState, runId: string): { asset: string; partition: string | null }[] {
  const run = state.run(runId);
  if (!run) return [];
  const out: { asset: string; partition: string | null }[] = [];
  const keys = [...run.planned.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const key of keys) {
    const node = graph.get(key);
    const planned = run.planned.get(key);
    if (!node || !planned) continue;
    const done = run.materialized.get(key);
    const left = done ? planned.difference(done) : planned;
    for (const i of left.ascending()) out.push({ asset: key, partition: node.partitions ? (node.partitions.keyAt(i) ?? null) : null });
  }
  return out;
}

/**
 * The domain's input pointers (one per parent edge) from the worker's per-partition pointers:
 * plain sources are never versioned, a partitioned parent read over several partitions is
 * summarized the way the domain summarizes what a child would consume now.
 */
function inputPointers(graph: AssetGraph, node: AssetNode, pointers: readonly PointerJson[], resolve: EventIdResolver): Record<string, InputPointer> {
  const inputs: Record<string, InputPointer> = {};
  const edges = node.selfEdge ? [...node.parents, node.selfEdge] : node.parents;
  for (const edge of edges) {
    const parent = graph.node(edge.parent);
    const mine = pointers.filter((p) => p.asset === edge.parentKey);
    if (parent.kind === 'source') {
      inputs[edge.parentKey] = { storageId: null, dataVersion: INITIAL_VERSION };
      continue;
    }
    if (mine.length === 0) {
      inputs[edge.parentKey] = parent.kind === 'observableSource' ? { storageId: null, dataVersion: INITIAL_VERSION } : { storageId: null, dataVersion: null };
      continue;
    }
    const resolved = mine.map((p) => ({ ...p, id: storageIdOf(p.storageId, resolve) }));
    const newest = resolved.reduce((a, b) => ((b.id ?? -1) > (a.id ?? -1) ? b : a));
    if (!parent.partitions || resolved.length === 1) {
      inputs[edge.parentKey] = { storageId: newest.id, dataVersion: newest.dataVersion };
      continue;
    }
    const partitions = parent.partitions;
    const indexed = resolved
      .map((p) => ({ index: p.partition === undefined ? null : partitions.indexOf(p.partition), version: p.dataVersion }))
      .filter((p): p is { index: number; version: string } => p.index !== null)
      .sort((a, b) => a.index - b.index);
    inputs[edge.parentKey] =
      indexed.length > MAX_DIGESTED_PARTITIONS
        ? { storageId: newest.id, dataVersion: `sid:${newest.id ?? 0}` }
        : { storageId: newest.id, dataVersion: fnv1a64(indexed.map((p) => `${p.index}:${p.version}`).join('\n')) };
  }
  return inputs;
}

function storageIdOf(text: string, resolve: EventIdResolver): number | null {
  if (text.startsWith('event:')) return resolve(text.slice('event:'.length));
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}
