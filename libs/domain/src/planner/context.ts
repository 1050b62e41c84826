// Everything one tick shares: the pinned inputs (graph, state, cursor, now), what has been
// decided so far this tick (requests, expected data times), and per-tick memo tables.

import { IndexSet } from '../collections/index-set';
import type { AssetCursor, PlannerCursor } from '../cursor/cursor';
import { currentDataTime } from '../data-time/data-time';
import type { AssetGraph, AssetNode, ParentEdge } from '../graph/asset-graph';
import { downstreamOf, existingPartitions, isIdentityEdge, SINGLE, upstreamOf, type UpstreamResult } from '../graph/partition-edges';
import type { Instant } from '../partitions/types';
import type { AssetHistory, MaterializationEntry, ObservationEntry } from '../state/asset-history';
import type { PlannerState } from '../state/planner-state';
import { consumedUpTo } from '../versions/consumed';
import { currentInput } from '../versions/data-version';

export interface ParentTrigger {
  readonly edge: ParentEdge;
  /** Child partitions triggered by this parent. */
  readonly partitions: IndexSet;
  /** `updated`: new parent data since the last tick; `requested`: parent requested in the same run this tick. */
  readonly kind: 'updated' | 'requested';
}

export class TickContext {
  /** Partitions requested so far this tick, by node index (an array: read on every edge). */
  private readonly requestedByIndex: (IndexSet | undefined)[];
  /** By node index: partition 0 requested this tick (an unpartitioned asset's only one), read flat. */
  private readonly requestedFirst: Uint8Array;
  /**
   * Expected data time of requested unpartitioned assets once their run completes (§2.6), by
   * node index; undefined = not requested this tick (an array: set for every request).
   */
  private readonly expectedByIndex: (Instant | null | undefined)[];
  /** Outdated ancestors of partition 0 by node index (every unpartitioned asset), then of other partitions. */
  private readonly outdatedOfFirst: (readonly string[] | undefined)[];
  private readonly outdatedMemo = new Map<number, readonly string[]>();
  /** Per-node memo tables, by node index (undefined = not computed yet). */
  private readonly currentDataTimeMemo: (Instant | null | undefined)[];
  private readonly existingMemo: (IndexSet | undefined)[];
  private readonly triggerMemo: (readonly ParentTrigger[] | undefined)[];
  private readonly upstreamMemo = new Map<ParentEdge, Map<number, UpstreamResult>>();
  private readonly updatedMemo: (IndexSet | undefined)[];
  private readonly downstreamOfUpdatesMemo = new Map<ParentEdge, IndexSet>();
  private readonly cursorByIndex: readonly (AssetCursor | undefined)[];
  /** By node index: a record touched it since the last tick (set by the tick's first pass). */
  readonly touched: Uint8Array;
  /** By node index: it or one of its parents was touched (set with `touched`). */
  readonly inputsTouched: Uint8Array;

  constructor(
    readonly graph: AssetGraph,
    readonly state: PlannerState,
    readonly cursor: PlannerCursor,
    readonly now: Instant,
    /** The cursor's entries by node index, when already known (else looked up by key). */
    cursorEntries?: readonly (AssetCursor | undefined)[],
  ) {
    const n = graph.nodes.length;
    this.requestedByIndex = new Array<IndexSet | undefined>(n);
    this.requestedFirst = new Uint8Array(n);
    this.expectedByIndex = new Array<Instant | null | undefined>(n);
    this.outdatedOfFirst = new Array<readonly string[] | undefined>(n);
    this.currentDataTimeMemo = new Array<Instant | null | undefined>(n);
    this.existingMemo = new Array<IndexSet | undefined>(n);
    this.triggerMemo = new Array<readonly ParentTrigger[] | undefined>(n);
    this.updatedMemo = new Array<IndexSet | undefined>(n);
    this.cursorByIndex = cursorEntries ?? graph.nodes.map((node) => cursor.assets[node.key]);
    this.touched = new Uint8Array(n);
    this.inputsTouched = new Uint8Array(n);
  }

  /** Drops what the tick memoized (the context outlives its tick: see evaluate). */
  releaseMemos(): void {
    this.upstreamMemo.clear();
    this.downstreamOfUpdatesMemo.clear();
    this.updatedMemo.fill(undefined);
    this.outdatedMemo.clear();
    this.expectedByIndex.fill(undefined);
    this.outdatedOfFirst.fill(undefined);
    this.currentDataTimeMemo.fill(undefined);
    this.existingMemo.fill(undefined);
    this.triggerMemo.fill(undefined);
    this.requestedByIndex.fill(undefined);
    this.requestedFirst.fill(0);
  }

  setRequested(index: number, set: IndexSet): void {
    this.requestedByIndex[index] = set;
    this.requestedFirst[index] = set.has(0) ? 1 : 0;
  }

  /** Records at or below this storage id were seen by an earlier tick. */
  get since(): number {
    return this.cursor.lastStorageId;
  }

  assetCursor(key: string): AssetCursor | undefined {
    return this.cursor.assets[key];
  }

  /** The cursor entry of the node at `index` (looked up once per tick). */
  cursorAt(index: number): AssetCursor | undefined {
    return this.cursorByIndex[index];
  }

  history(node: AssetNode): AssetHistory {
    return this.state.historyAt(node.index);
  }

  existing(node: AssetNode): IndexSet {
    if (!node.partitions) return SINGLE;
    let e = this.existingMemo[node.index];
    if (!e) {
      e = existingPartitions(node, this.now);
      this.existingMemo[node.index] = e;
    }
    return e;
  }

  currentDataTime(node: AssetNode): Instant | null {
    let t = this.currentDataTimeMemo[node.index];
    if (t === undefined) {
      t = currentDataTime(node, this.state, this.now);
      this.currentDataTimeMemo[node.index] = t;
    }
    return t;
  }

  /** Expected data time of a parent this tick: its expected one if requested, else its current one. */
  expectedThisTick(node: AssetNode): Instant | null {
    const expected = this.expectedByIndex[node.index];
    return expected !== undefined ? expected : this.currentDataTime(node);
  }

  /** Records the data time a requested unpartitioned asset will have once its run completes. */
  setExpected(index: number, dataTime: Instant | null): void {
    this.expectedByIndex[index] = dataTime;
  }

  /** Partitions of the node at `index` materialized or observed since the last tick (memoized). */
  updatedSince(index: number): IndexSet {
    let u = this.updatedMemo[index];
    if (!u) {
      u = this.state.historyAt(index).updatedSince(this.since);
      this.updatedMemo[index] = u;
    }
    return u;
  }

  /** Child partitions across `edge` that the parent's updates since the last tick map to (memoized). */
  downstreamOfUpdates(edge: ParentEdge): IndexSet {
    let d = this.downstreamOfUpdatesMemo.get(edge);
    if (!d) {
      const updated = this.updatedSince(edge.parent);
      // Same partitions on both sides, each read as itself: the image is the set itself (clipped
      // to the child's existing partitions, as downstreamOf does), without the mapping engine.
      d = isIdentityEdge(this.graph, edge) ? updated.intersect(this.existing(this.graph.node(edge.child))) : downstreamOf(this.graph, edge, updated, this.now);
      this.downstreamOfUpdatesMemo.set(edge, d);
    }
    return d;
  }

  /** upstreamOf, memoized for the tick (every rule asks about the same edges). */
  upstream(edge: ParentEdge, childIndex: number): UpstreamResult {
    if (!edge.parentPartitioned) return upstreamOf(this.graph, edge, childIndex, this.now);
    let byIndex = this.upstreamMemo.get(edge);
    if (!byIndex) {
      byIndex = new Map();
      this.upstreamMemo.set(edge, byIndex);
    }
    let r = byIndex.get(childIndex);
    if (!r) {
      r = upstreamOf(this.graph, edge, childIndex, this.now);
      byIndex.set(childIndex, r);
    }
    return r;
  }

  requestedOf(index: number): IndexSet {
    return this.requestedByIndex[index] ?? IndexSet.EMPTY;
  }

  /** Is the parent side of `edge` for child partition `childIndex` requested this tick in a run the child can share? */
  parentRequestedSameRun(edge: ParentEdge, childIndex: number): boolean {
    if (!edge.sameRun) return false;
    if (!edge.parentPartitioned) return this.requestedFirst[edge.parent] === 1;
    const req = this.requestedByIndex[edge.parent];
    if (!req || req.isEmpty()) return false;
    return !this.upstream(edge, childIndex).partitions.intersect(req).isEmpty();
  }

  /** Is any mapped parent partition requested this tick at all (same run or not)? */
  parentRequestedAnyRun(edge: ParentEdge, childIndex: number): boolean {
    if (!edge.parentPartitioned) return this.requestedFirst[edge.parent] === 1;
    const req = this.requestedByIndex[edge.parent];
    if (!req || req.isEmpty()) return false;
    return !this.upstream(edge, childIndex).partitions.intersect(req).isEmpty();
  }

  /** The newest record (materialization or observation) among the mapped parent partitions. */
  latestParentRecord(edge: ParentEdge, childIndex: number): MaterializationEntry | ObservationEntry | undefined {
    const parent = this.graph.node(edge.parent);
    const h = this.state.history(parent.key);
    if (!h) return undefined;
    const mapped = this.upstream(edge, childIndex).partitions;
    const map = parent.kind === 'materializable' ? h.materializations : h.observations;
    let best: MaterializationEntry | ObservationEntry | undefined;
    for (const [a, b] of mapped.ranges())
      for (const e of map.entriesIn(a, b)) if (!best || e.value.storageId > best.storageId) best = e.value;
    return best;
  }

  /**
   * Has the parent across `edge` new data for child partition `childIndex` that the child has
   * not consumed? Newer than the child's latest materialization, from a run that did not also
   * plan the child, and (Freshet) with a data version different from the one consumed.
   */
  parentHasNewData(edge: ParentEdge, childIndex: number, ignoreRunsPlanningChild = true): boolean {
    // An unpartitioned child's latest materialization is one array read (the common case).
    const mine = this.state.unpartitionedMaterializationAt(edge.child) ?? this.state.historyAt(edge.child).materializations.get(childIndex);
    // Quick reject: nothing of the parent's is newer than what the child's latest materialization read.
    const consumed = mine ? consumedUpTo(mine, edge.parentKey) : 0;
    if (mine && this.state.lastUpdateIdAt(edge.parent) <= consumed) return false;
    // Never materialized, runs not considered: any parent data at all is new to it.
    if (!mine && !ignoreRunsPlanningChild) return this.parentHasAnyData(edge, childIndex);
    const latest = this.latestParentRecord(edge, childIndex);
    if (!latest) return false;
    if (mine && latest.storageId <= consumed) return false;
    const input = currentInput(this.graph, this.state, edge, childIndex, this.now);
    if (mine && input.dataVersion === (mine.inputs[edge.parentKey]?.dataVersion ?? null)) return false;
    if (ignoreRunsPlanningChild && 'runId' in latest && latest.runId !== null) {
      const run = this.state.run(latest.runId);
      if (run?.planned.get(this.graph.node(edge.child).key)?.has(childIndex)) return false;
    }
    return true;
  }

  private parentHasAnyData(edge: ParentEdge, childIndex: number): boolean {
    const parent = this.graph.node(edge.parent);
    const h = this.state.historyAt(parent.index);
    if (parent.kind === 'observableSource') return h.lastUpdate !== null;
    if (!parent.partitions) return h.materializations.get(0) !== undefined;
    return !h.materialized().intersect(this.upstream(edge, childIndex).partitions).isEmpty();
  }

  /** Like parentHasNewData, counting updates from runs that planned the child too (outdatedness). */
  parentHasNewDataIgnoringRuns(edge: ParentEdge, childIndex: number): boolean {
    return this.parentHasNewData(edge, childIndex, false);
  }

  /** Child partitions each parent triggers this tick (new data since the last tick, or a same-run request). */
  parentTriggers(node: AssetNode): readonly ParentTrigger[] {
    const memo = this.triggerMemo[node.index];
    if (memo) return memo;
    const out: ParentTrigger[] = [];
    for (const edge of node.parents) {
      if (edge.parentKind === 'source') continue;
      if (!node.partitions && !edge.parentPartitioned) {
        // Both sides unpartitioned: each side is the single partition 0.
        if (this.state.lastUpdateIdAt(edge.parent) > this.since && this.parentHasNewData(edge, 0)) out.push({ edge, partitions: SINGLE, kind: 'updated' });
        if (edge.sameRun && this.requestedFirst[edge.parent] === 1) out.push({ edge, partitions: SINGLE, kind: 'requested' });
        continue;
      }
      const updated = this.updatedSince(edge.parent);
      if (!updated.isEmpty()) {
        let confirmed: IndexSet;
        if (isIdentityEdge(this.graph, edge)) confirmed = this.newDataAlongIdentity(edge, updated.intersect(this.existing(node)));
        else {
          const found: number[] = [];
          for (const c of this.downstreamOfUpdates(edge).ascending()) if (this.parentHasNewData(edge, c)) found.push(c);
          confirmed = IndexSet.fromIndices(found);
        }
        if (!confirmed.isEmpty()) out.push({ edge, partitions: confirmed, kind: 'updated' });
      }
      const req = this.requestedByIndex[edge.parent];
      if (edge.sameRun && req && !req.isEmpty()) {
        const affected = downstreamOf(this.graph, edge, req, this.now);
        if (!affected.isEmpty()) out.push({ edge, partitions: affected, kind: 'requested' });
      }
    }
    this.triggerMemo[node.index] = out;
    return out;
  }

  /** Memo by (node, partition) packed into one number. */
  /**
   * parentHasNewData for every partition of `updated` at once, along an edge that maps each
   * partition to the same partition of the parent: a merge of the two assets' range maps, so a
   * backfilled range of 50,000 partitions costs a few segments.
   */
  private newDataAlongIdentity(edge: ParentEdge, updated: IndexSet): IndexSet {
    const parent = this.graph.node(edge.parent);
    const child = this.graph.node(edge.child);
    const ph = this.state.historyAt(parent.index);
    const ch = this.state.historyAt(child.index);
    const parentMap = parent.kind === 'materializable' ? ph.materializations : ph.observations;
    const out: [number, number][] = [];
    for (const [a, b] of updated.ranges()) {
      for (const pe of parentMap.entriesIn(a, b)) {
        const p: MaterializationEntry | ObservationEntry = pe.value;
        // Observations have no run; materializations may.
        const runId = (p as Partial<MaterializationEntry>).runId ?? null;
        const planned = runId !== null ? this.state.run(runId)?.planned.get(child.key) : undefined;
        const keep = (s: number, e: number): void => {
          if (!planned) out.push([s, e]);
          else for (const [x, y] of IndexSet.range(s, e).difference(planned).ranges()) out.push([x, y]);
        };
        let next = pe.start;
        for (const ce of ch.materializations.entriesIn(pe.start, pe.end)) {
          if (ce.start > next) keep(next, ce.start - 1);
          const mine = ce.value;
          const consumed = mine.inputs[parent.key]?.dataVersion ?? null;
          if (p.storageId > consumedUpTo(mine, parent.key) && (p.dataVersion ?? 'INITIAL') !== consumed) keep(ce.start, ce.end);
          next = ce.end + 1;
        }
        if (next <= pe.end) keep(next, pe.end);
      }
    }
    return IndexSet.fromRanges(out);
  }

  /** Outdated ancestors of (node, partition) computed earlier this tick, if any. */
  outdatedMemoOf(nodeIndex: number, partition: number): readonly string[] | undefined {
    return partition === 0 ? this.outdatedOfFirst[nodeIndex] : this.outdatedMemo.get(partition * this.graph.nodes.length + nodeIndex);
  }

  rememberOutdated(nodeIndex: number, partition: number, value: readonly string[]): void {
    if (partition === 0) this.outdatedOfFirst[nodeIndex] = value;
    else this.outdatedMemo.set(partition * this.graph.nodes.length + nodeIndex, value);
  }
}
