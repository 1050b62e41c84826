// The planner's projection of the event log, maintained incrementally: `apply(record)` for each
// record in storage-id order. The planner service rebuilds it by replaying Postgres and then
// applies events as they arrive; `freshet simulate` feeds it the same way. Everything is indexed
// by asset, partitions are compact index sets, and derived sets are cached per asset.

import { IndexSet } from '../collections/index-set';
import { InvalidRecordError } from '../errors';
import type { AssetGraph, AssetNode } from '../graph/asset-graph';
import type {
  AssetPartitionRef,
  BackfillRequestedRecord,
  MaterializationRecord,
  ObservationRecord,
  PlannerRecord,
  RunFinishedRecord,
  RunPlannedRecord,
} from '../records/records';
import type { Instant } from '../partitions/types';
import { AssetHistory, UNPARTITIONED, type MaterializationEntry } from './asset-history';
import { DurationEstimates, stepDurationMs } from './durations';
import { EMPTY_LINEAGE, MISSING_LINEAGE, mergeLineages, rootLineage, type Lineage } from './lineage';

/** Older materializations kept per unpartitioned asset for input pointers that lag behind. */
const KEPT_UNPARTITIONED_RECORDS = 32;
/**
 * Finished runs are looked up only through the attempts and materializations that name them (a
 * failed attempt's data time, "the parent was updated by a run that also planned the child"). Once
 * none does, the run is dropped: a long-lived planner otherwise keeps every run it ever saw (about
 * 2.7 KB for a run of ten assets). The check walks every asset's entries, so it runs only after
 * this many runs, or as many as are kept, have finished since the last one.
 */
const RUN_SWEEP_EVERY = 1000;

export interface PlannerStateOptions {
  /**
   * Finished runs checked for dropping after this many more finish (or as many as are kept);
   * default 1,000. Dropping changes no decision: the property tests compare 1 with never.
   */
  readonly runSweepEvery?: number;
}

export interface RunState {
  readonly runId: string;
  readonly codeLocation: string;
  readonly plannedStorageId: number;
  readonly createdAt: Instant;
  /** Planned partitions per asset key (UNPARTITIONED for unpartitioned assets). */
  readonly planned: Map<string, IndexSet>;
  readonly materialized: Map<string, IndexSet>;
  finished: boolean;
  status: 'inProgress' | 'success' | 'failure';
  finishedAt: Instant | null;
  finishedStorageId: number | null;
}

export interface BackfillState {
  readonly backfillId: string;
  readonly requestedStorageId: number;
  readonly targets: Map<string, IndexSet>;
  finished: boolean;
}

export class PlannerState {
  private readonly histories = new Map<string, AssetHistory>();
  /** Histories by node index of the current graph (the hot path avoids string lookups). */
  private byIndex: AssetHistory[] = [];
  private activeRunsCache: RunState[] | null = null;
  private activeBackfillsCache: BackfillState[] | null = null;
  private readonly runs = new Map<string, RunState>();
  private readonly activeRunIds = new Set<string>();
  private finishedSinceSweep = 0;
  private readonly backfills = new Map<string, BackfillState>();
  /** Compute time per asset, learnt from materializations (freshness planning starts refreshes by it). */
  readonly durations = new DurationEstimates();
  private lastStorageIdSeen = 0;
  private graphRef: AssetGraph;
  /**
   * By node index, for the edge checks every tick makes (flat, so a check reads one number):
   * storage id of the newest materialization or observation, and of the latest materialization
   * of an unpartitioned asset; 0 = none.
   */
  private lastUpdateIds = new Float64Array(0);
  private unpartitionedMaterializationIds = new Float64Array(0);
  private unpartitionedLatest: (MaterializationEntry | undefined)[] = [];

  private readonly runSweepEvery: number;

  constructor(graph: AssetGraph, options: PlannerStateOptions = {}) {
    this.graphRef = graph;
    this.runSweepEvery = options.runSweepEvery ?? RUN_SWEEP_EVERY;
    for (const n of graph.nodes) this.histories.set(n.key, new AssetHistory(n.key, n.partitionsFingerprint));
    this.indexHistories();
  }

  private indexHistories(): void {
    this.byIndex = this.graphRef.nodes.map((n) => this.histories.get(n.key) as AssetHistory);
    this.lastUpdateIds = new Float64Array(this.byIndex.length);
    this.unpartitionedMaterializationIds = new Float64Array(this.byIndex.length);
    this.unpartitionedLatest = new Array<MaterializationEntry | undefined>(this.byIndex.length);
    this.graphRef.nodes.forEach((n, i) => {
      const h = this.byIndex[i] as AssetHistory;
      this.lastUpdateIds[i] = h.lastUpdateStorageId;
      if (!n.partitions) {
        this.unpartitionedLatest[i] = h.materializations.get(UNPARTITIONED);
        this.unpartitionedMaterializationIds[i] = this.unpartitionedLatest[i]?.storageId ?? 0;
      }
    });
  }

  /** Storage id of the newest materialization or observation of the node at `index` (0 = none). */
  lastUpdateIdAt(index: number): number {
    return this.lastUpdateIds[index] as number;
  }

  /** Storage id of the latest materialization of the unpartitioned asset at `index` (0 = never, or partitioned). */
  unpartitionedMaterializationIdAt(index: number): number {
    return this.unpartitionedMaterializationIds[index] as number;
  }

  /** The latest materialization of the unpartitioned asset at `index` (undefined: never, or partitioned). */
  unpartitionedMaterializationAt(index: number): MaterializationEntry | undefined {
    return this.unpartitionedLatest[index];
  }

  /** History of the node at `index` in the current graph. */
  historyAt(index: number): AssetHistory {
    return this.byIndex[index] as AssetHistory;
  }

  get graph(): AssetGraph {
    return this.graphRef;
  }

  get lastStorageId(): number {
    return this.lastStorageIdSeen;
  }

  /** Applies the records in order. */
  applyAll(records: Iterable<PlannerRecord>): void {
    for (const r of records) this.apply(r);
  }

  apply(record: PlannerRecord): void {
    if (record.storageId <= this.lastStorageIdSeen)
      throw new InvalidRecordError(`record ${record.storageId} is not newer than ${this.lastStorageIdSeen}: apply records in storage-id order`);
    switch (record.type) {
      case 'materialization':
        this.applyMaterialization(record);
        break;
      case 'observation':
        this.applyObservation(record);
        break;
      case 'runPlanned':
        this.applyRunPlanned(record);
        break;
      case 'runFinished':
        this.applyRunFinished(record);
        break;
      case 'codeVersionDeployed': {
        const h = this.historyOf(record.asset);
        h.codeDeployedStorageId = record.storageId;
        h.lastTouchedStorageId = record.storageId;
        break;
      }
      case 'definitionsChanged':
        for (const k of record.assets) {
          const h = this.histories.get(k);
          if (h) h.lastTouchedStorageId = record.storageId;
        }
        break;
      case 'backfillRequested':
        this.applyBackfillRequested(record);
        break;
      case 'backfillFinished': {
        const b = this.backfills.get(record.backfillId);
        if (b) {
          b.finished = true;
          this.activeBackfillsCache = null;
          for (const k of b.targets.keys()) this.historyOf(k).lastTouchedStorageId = record.storageId;
        }
        break;
      }
    }
    this.lastStorageIdSeen = record.storageId;
  }

  /**
   * Switches to new definitions (history is kept). An asset whose partitions definition changed
   * keeps its materializations under the partition keys that still exist, and forgets attempts.
   */
  rebind(graph: AssetGraph): void {
    const old = this.graphRef;
    this.graphRef = graph;
    for (const n of graph.nodes) {
      const h = this.histories.get(n.key);
      if (!h) {
        this.histories.set(n.key, new AssetHistory(n.key, n.partitionsFingerprint));
        continue;
      }
      if (h.partitionsFingerprint === n.partitionsFingerprint) continue;
      const before = old.get(n.key);
      const entries = [...h.materializations.entries()];
      const firsts = [...h.firstMaterialized.entries()];
      h.resetPartitions(n.partitionsFingerprint);
      if (!before?.partitions || !n.partitions) continue;
      const moveTo = (i: number): number | null => {
        const key = before.partitions?.keyAt(i) ?? null;
        return key === null ? null : (n.partitions?.indexOf(key) ?? null);
      };
      for (const e of entries)
        for (let i = e.start; i <= e.end; i++) {
          const j = moveTo(i);
          if (j !== null) h.materializations.set(j, j, e.value);
        }
      for (const e of firsts)
        for (let i = e.start; i <= e.end; i++) {
          const j = moveTo(i);
          if (j !== null) h.firstMaterialized.set(j, j, e.value);
        }
      h.invalidate();
    }
    this.indexHistories();
  }

  /**
   * Forgets update-log entries at or below `storageId`. The planner service calls it with the
   * last storage id of a persisted cursor: no tick asks "updated since" about older positions.
   */
  compact(storageId: number): void {
    for (const h of this.histories.values()) h.compactUpdateLog(storageId);
  }

  history(key: string): AssetHistory | undefined {
    return this.histories.get(key);
  }

  historyOf(key: string): AssetHistory {
    const h = this.histories.get(key);
    if (!h) throw new InvalidRecordError(`unknown asset "${key}"`);
    return h;
  }

  run(runId: string): RunState | undefined {
    return this.runs.get(runId);
  }

  /** Unfinished runs, by planned storage id. */
  activeRuns(): readonly RunState[] {
    if (!this.activeRunsCache)
      this.activeRunsCache = [...this.activeRunIds].map((id) => this.runs.get(id) as RunState).sort((a, b) => a.plannedStorageId - b.plannedStorageId);
    return this.activeRunsCache;
  }

  /** Unfinished backfills, by requested storage id. */
  activeBackfills(): readonly BackfillState[] {
    if (!this.activeBackfillsCache)
      this.activeBackfillsCache = [...this.backfills.values()].filter((b) => !b.finished).sort((a, b) => a.requestedStorageId - b.requestedStorageId);
    return this.activeBackfillsCache;
  }

  backfill(id: string): BackfillState | undefined {
    return this.backfills.get(id);
  }

  /** Storage id of the newest record of any kind touching any asset in the graph. */
  latestMaterialization(key: string, index: number): MaterializationEntry | undefined {
    return this.histories.get(key)?.materializations.get(index);
  }

  /** Partition index of a record's partition key for the asset's current definition. */
  partitionIndex(node: AssetNode, partition: string | null): number {
    if (!node.partitions) {
      if (partition !== null) throw new InvalidRecordError(`asset "${node.key}" is not partitioned, got partition "${partition}"`);
      return UNPARTITIONED;
    }
    if (partition === null) throw new InvalidRecordError(`asset "${node.key}" is partitioned: a partition key is required`);
    const i = node.partitions.indexOf(partition);
    if (i === null) throw new InvalidRecordError(`"${partition}" is not a partition of "${node.key}"`);
    return i;
  }

  private nodeOf(key: string): AssetNode {
    const n = this.graphRef.get(key);
    if (!n) throw new InvalidRecordError(`unknown asset "${key}"`);
    return n;
  }

  private applyMaterialization(r: MaterializationRecord): void {
    const node = this.nodeOf(r.asset);
    const h = this.historyOf(r.asset);
    const index = this.partitionIndex(node, r.partition);
    const last = r.partitionRangeEnd === undefined ? index : this.partitionIndex(node, r.partitionRangeEnd);
    if (last < index) throw new InvalidRecordError(`partition range of "${r.asset}" ends before it starts`);
    const entry: MaterializationEntry = {
      storageId: r.storageId,
      timestamp: r.timestamp,
      runId: r.runId,
      codeVersion: r.codeVersion,
      dataVersion: r.dataVersion,
      inputs: r.inputs,
      lineage: this.lineageOf(node, r),
    };
    h.materializations.set(index, last, entry);
    const range = IndexSet.range(index, last);
    // First materializations: the gaps of [index, last] in what was materialized before.
    let cursor = index;
    const gaps: [number, number][] = [];
    for (const e of h.firstMaterialized.entriesIn(index, last)) {
      if (e.start > cursor) gaps.push([cursor, e.start - 1]);
      cursor = e.end + 1;
    }
    if (cursor <= last) gaps.push([cursor, last]);
    for (const [a, b] of gaps) h.firstMaterialized.set(a, b, r.storageId);
    if (!node.partitions) {
      h.materializationsById.set(r.storageId, entry);
      // Pointers name the parent's latest records; older ones are rarely consumed, keep a few.
      if (h.materializationsById.size > KEPT_UNPARTITIONED_RECORDS) {
        const oldest = h.materializationsById.keys().next().value;
        if (oldest !== undefined) h.materializationsById.delete(oldest);
      }
    }
    const duration = stepDurationMs(node, r, r.runId === null ? undefined : this.runs.get(r.runId), (i) => this.historyAt(i));
    if (duration !== null) this.durations.observe(node.key, duration);
    h.lastUpdate = entry;
    h.logUpdate(r.storageId, index, last);
    h.lastTouchedStorageId = r.storageId;
    this.lastUpdateIds[node.index] = h.lastUpdateStorageId;
    if (!node.partitions) {
      this.unpartitionedMaterializationIds[node.index] = r.storageId;
      this.unpartitionedLatest[node.index] = entry;
    }
    if (r.runId !== null) {
      const runId = r.runId;
      for (const e of [...h.attempts.entriesIn(index, last)])
        if (e.value.runId === runId) h.setAttempt(e.start, e.end, { runId, status: 'succeeded', storageId: r.storageId, timestamp: r.timestamp });
      const run = this.runs.get(runId);
      if (run) run.materialized.set(r.asset, (run.materialized.get(r.asset) ?? IndexSet.EMPTY).union(range));
    }
  }

  private applyObservation(r: ObservationRecord): void {
    const node = this.nodeOf(r.asset);
    const h = this.historyOf(r.asset);
    const index = node.partitions && r.partition !== null ? this.partitionIndex(node, r.partition) : UNPARTITIONED;
    const entry = { storageId: r.storageId, timestamp: r.timestamp, dataVersion: r.dataVersion };
    const previous = h.observationChanges[h.observationChanges.length - 1];
    if (!previous || previous.dataVersion !== r.dataVersion || r.dataVersion === null) h.observationChanges.push(entry);
    h.observations.set(index, index, entry);
    h.lastUpdate = entry;
    h.logUpdate(r.storageId, index);
    h.lastTouchedStorageId = r.storageId;
    this.lastUpdateIds[node.index] = h.lastUpdateStorageId;
  }

  private groupByAsset(aps: readonly AssetPartitionRef[]): Map<string, IndexSet> {
    const byAsset = new Map<string, number[]>();
    for (const ap of aps) {
      const idx = this.partitionIndex(this.nodeOf(ap.asset), ap.partition);
      const list = byAsset.get(ap.asset) ?? [];
      list.push(idx);
      byAsset.set(ap.asset, list);
    }
    return new Map([...byAsset].map(([k, v]) => [k, IndexSet.fromIndices(v)]));
  }

  private applyRunPlanned(r: RunPlannedRecord): void {
    if (this.runs.has(r.runId)) throw new InvalidRecordError(`run "${r.runId}" was already planned`);
    const planned = this.groupByAsset(r.assetPartitions);
    this.runs.set(r.runId, {
      runId: r.runId,
      codeLocation: r.codeLocation,
      plannedStorageId: r.storageId,
      createdAt: r.timestamp,
      planned,
      materialized: new Map(),
      finished: false,
      status: 'inProgress',
      finishedAt: null,
      finishedStorageId: null,
    });
    this.activeRunIds.add(r.runId);
    this.activeRunsCache = null;
    for (const [asset, set] of planned) {
      const h = this.historyOf(asset);
      for (const [a, b] of set.ranges()) h.setAttempt(a, b, { runId: r.runId, status: 'inFlight', storageId: r.storageId, timestamp: r.timestamp });
      h.lastTouchedStorageId = r.storageId;
    }
  }

  private applyRunFinished(r: RunFinishedRecord): void {
    const run = this.runs.get(r.runId);
    if (!run) throw new InvalidRecordError(`run "${r.runId}" finished but was never planned`);
    run.finished = true;
    run.status = r.status;
    run.finishedAt = r.timestamp;
    run.finishedStorageId = r.storageId;
    this.activeRunIds.delete(r.runId);
    this.activeRunsCache = null;
    this.finishedSinceSweep++;
    // Every planned partition the run did not materialize failed, whether or not it is listed.
    for (const [asset, planned] of run.planned) {
      const h = this.historyOf(asset);
      const notMaterialized = planned.difference(run.materialized.get(asset) ?? IndexSet.EMPTY);
      for (const [a, b] of notMaterialized.ranges())
        for (const e of [...h.attempts.entriesIn(a, b)])
          if (e.value.runId === r.runId) h.setAttempt(e.start, e.end, { runId: r.runId, status: 'failed', storageId: r.storageId, timestamp: r.timestamp });
      h.lastTouchedStorageId = r.storageId;
    }
    if (this.finishedSinceSweep >= Math.max(this.runSweepEvery, this.runs.size - this.activeRunIds.size - this.finishedSinceSweep)) this.dropUnnamedRuns();
  }

  /** Drops finished runs that no attempt or kept materialization names any more. */
  private dropUnnamedRuns(): void {
    this.finishedSinceSweep = 0;
    const named = new Set<string>();
    for (const h of this.histories.values()) {
      for (const a of h.attempts.values()) named.add(a.runId);
      for (const m of h.materializations.values()) if (m.runId !== null) named.add(m.runId);
      for (const m of h.materializationsById.values()) if (m.runId !== null) named.add(m.runId);
    }
    for (const [runId, run] of this.runs) if (run.finished && !named.has(runId)) this.runs.delete(runId);
  }

  private applyBackfillRequested(r: BackfillRequestedRecord): void {
    const targets = this.groupByAsset(r.assetPartitions);
    this.backfills.set(r.backfillId, { backfillId: r.backfillId, requestedStorageId: r.storageId, targets, finished: false });
    this.activeBackfillsCache = null;
    for (const k of targets.keys()) this.historyOf(k).lastTouchedStorageId = r.storageId;
  }

  /** Lineage of a new materialization through its input pointers (reference §1.2). */
  private lineageOf(node: AssetNode, r: MaterializationRecord): Lineage {
    const parts: Lineage[] = [];
    let trackedParents = 0;
    for (const edge of node.parents) {
      const parent = this.graphRef.node(edge.parent);
      if (parent.kind === 'source') continue;
      trackedParents++;
      const ph = this.historyOf(parent.key);
      const pointer = r.inputs[parent.key];
      if (pointer && pointer.storageId === null) continue;
      const pointerId = pointer?.storageId ?? r.storageId - 1;
      if (parent.kind === 'observableSource') {
        const obs = [...ph.observationChanges].reverse().find((o) => o.storageId <= pointerId);
        if (obs) parts.push({ fixed: undefined, sources: [[parent.key, obs.storageId]] });
        continue;
      }
      if (parent.isTimePartitioned) {
        parts.push({ fixed: this.partitionedDataTimeAsOf(parent, pointerId), sources: [] });
        continue;
      }
      const consumed = this.recordAtOrBefore(ph, parent, pointerId);
      if (consumed) parts.push(consumed.lineage);
    }
    if (parts.length === 0) return trackedParents === 0 ? rootLineage(r.timestamp) : EMPTY_LINEAGE;
    return mergeLineages(parts);
  }

  private recordAtOrBefore(h: AssetHistory, parent: AssetNode, storageId: number): MaterializationEntry | undefined {
    const exact = h.materializationsById.get(storageId);
    if (exact) return exact;
    if (!parent.partitions) {
      let best: MaterializationEntry | undefined;
      for (const e of h.materializationsById.values()) if (e.storageId <= storageId && (!best || e.storageId > best.storageId)) best = e;
      return best;
    }
    // Static partitions: Dagster falls back to the latest record of any partition.
    let best: MaterializationEntry | undefined;
    for (const e of h.materializations.entries()) if (e.value.storageId <= storageId && (!best || e.value.storageId > best.storageId)) best = e.value;
    return best;
  }

  /** End of the contiguous materialized prefix from the first partition; null if none. */
  partitionedDataTime(node: AssetNode): Instant | null {
    const h = this.historyOf(node.key);
    const first = h.materialized().ranges()[0];
    if (!first || first[0] !== 0 || !node.partitions) return null;
    return node.partitions.windowAt(first[1])?.end ?? null;
  }

  /** Reference §1.2 partitionedDataTime(asset, cursor). */
  partitionedDataTimeAsOf(node: AssetNode, storageId: number): Instant | null {
    const prefixEnd = this.partitionedDataTime(node);
    if (prefixEnd === null) return null;
    const h = this.historyOf(node.key);
    if (h.lastUpdateStorageId <= storageId) return prefixEnd;
    const netNew = h.firstMaterialized.filter(h.materialized(), (sid) => sid > storageId).first();
    if (netNew === null || !node.partitions) return prefixEnd;
    return Math.min(node.partitions.windowAt(netNew)?.start ?? prefixEnd, prefixEnd);
  }

  /** Missing-lineage marker for a never-materialized asset. */
  static readonly MISSING = MISSING_LINEAGE;
}
