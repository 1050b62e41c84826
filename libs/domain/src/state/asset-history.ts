// What the planner remembers about one asset: latest materialization and attempt per partition
// (as range maps, compact for backfilled ranges), the update log for "updated since" questions,
// observation changes of sources, and cached derived sets.

import { IndexSet } from '../collections/index-set';
import { RangeMap } from '../collections/range-map';
import type { Instant } from '../partitions/types';
import type { InputPointer } from '../records/records';
import type { Lineage } from './lineage';

export interface MaterializationEntry {
  readonly storageId: number;
  readonly timestamp: Instant;
  readonly runId: string | null;
  readonly codeVersion: string;
  readonly dataVersion: string;
  readonly inputs: Readonly<Record<string, InputPointer>>;
  readonly lineage: Lineage;
}

export interface ObservationEntry {
  readonly storageId: number;
  readonly timestamp: Instant;
  readonly dataVersion: string | null;
}

export type AttemptStatus = 'inFlight' | 'succeeded' | 'failed';

export interface AttemptEntry {
  readonly runId: string;
  readonly status: AttemptStatus;
  /** Storage id of the record that set this status (planned, materialized or finished). */
  readonly storageId: number;
  readonly timestamp: Instant;
}

/** Index used for the single partition of an unpartitioned asset. */
export const UNPARTITIONED = 0;
const SINGLE_INDEX = IndexSet.single(UNPARTITIONED);

export class AssetHistory {
  readonly materializations = new RangeMap<MaterializationEntry>();
  /** Storage id of each partition's first materialization (partitioned data time needs it). */
  readonly firstMaterialized = new RangeMap<number>();
  readonly observations = new RangeMap<ObservationEntry>();
  readonly attempts = new RangeMap<AttemptEntry>();
  /** Unpartitioned materializations by storage id, so input pointers to older records resolve. */
  readonly materializationsById = new Map<number, MaterializationEntry>();
  /** Observations whose data version differs from the previous one (any partition), ascending. */
  readonly observationChanges: ObservationEntry[] = [];
  /** Storage ids and partition indices of materializations/observations, ascending by storage id. */
  private readonly updateIds: number[] = [];
  private readonly updateFirst: number[] = [];
  private readonly updateLast: number[] = [];
  /** The newest record of any kind touching this asset. */
  lastTouchedStorageId = 0;
  /** The newest materialization or observation. */
  lastUpdateStorageId = 0;
  lastUpdate: MaterializationEntry | ObservationEntry | null = null;
  codeDeployedStorageId = 0;
  private materializedCache: IndexSet | null = null;
  private inFlightCache: IndexSet | null = null;

  /** Unpartitioned assets need no update log: "updated since" is one comparison. */
  private unpartitioned: boolean;

  constructor(
    readonly key: string,
    /** Fingerprint of the partitions spec the indices refer to. */
    public partitionsFingerprint: string,
  ) {
    this.unpartitioned = partitionsFingerprint === 'null';
  }

  get isUnpartitioned(): boolean {
    return this.unpartitioned;
  }

  logUpdate(storageId: number, first: number, last = first): void {
    if (!this.isUnpartitioned) {
      this.updateIds.push(storageId);
      this.updateFirst.push(first);
      this.updateLast.push(last);
    }
    this.lastUpdateStorageId = Math.max(this.lastUpdateStorageId, storageId);
    this.materializedCache = null;
  }

  /** Partitions with a materialization or observation after `storageId`. */
  updatedSince(storageId: number): IndexSet {
    if (this.lastUpdateStorageId <= storageId) return IndexSet.EMPTY;
    if (this.isUnpartitioned) return SINGLE_INDEX;
    let lo = 0;
    let hi = this.updateIds.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.updateIds[mid] as number) <= storageId) lo = mid + 1;
      else hi = mid;
    }
    const ranges: [number, number][] = [];
    for (let i = lo; i < this.updateIds.length; i++) ranges.push([this.updateFirst[i] as number, this.updateLast[i] as number]);
    return IndexSet.fromRanges(ranges);
  }

  /** Storage ids of updates after `storageId` for one partition (ascending). */
  updatesOfPartitionSince(storageId: number, index: number): number[] {
    const out: number[] = [];
    if (this.isUnpartitioned) return this.lastUpdateStorageId > storageId ? [this.lastUpdateStorageId] : [];
    for (let i = this.updateIds.length - 1; i >= 0; i--) {
      const sid = this.updateIds[i] as number;
      if (sid <= storageId) break;
      if ((this.updateFirst[i] as number) <= index && index <= (this.updateLast[i] as number)) out.push(sid);
    }
    return out.reverse();
  }

  /** Drops update-log entries at or below `storageId` (the cursor has moved past them). */
  compactUpdateLog(storageId: number): void {
    let n = 0;
    while (n < this.updateIds.length && (this.updateIds[n] as number) <= storageId) n++;
    this.updateIds.splice(0, n);
    this.updateFirst.splice(0, n);
    this.updateLast.splice(0, n);
  }

  materialized(): IndexSet {
    if (!this.materializedCache)
      this.materializedCache = this.unpartitioned ? (this.materializations.get(UNPARTITIONED) ? SINGLE_INDEX : IndexSet.EMPTY) : this.materializations.keys();
    return this.materializedCache;
  }

  /** Any partition in flight? (cheap for unpartitioned assets) */
  hasInFlight(): boolean {
    return !this.inFlight().isEmpty();
  }

  inFlight(): IndexSet {
    // Cached for unpartitioned assets too: every evaluated asset asks, and the range map lookup
    // behind it reads several objects scattered over a large heap.
    if (!this.inFlightCache) {
      if (this.isUnpartitioned) this.inFlightCache = this.attempts.get(UNPARTITIONED)?.status === 'inFlight' ? SINGLE_INDEX : IndexSet.EMPTY;
      else this.inFlightCache = this.attempts.filter(this.attempts.keys(), (a) => a.status === 'inFlight');
    }
    return this.inFlightCache;
  }

  setAttempt(first: number, last: number, entry: AttemptEntry): void {
    this.attempts.set(first, last, entry);
    // An unpartitioned asset's one attempt decides its in-flight set: known now, not on the
    // next tick's first question (records are applied between ticks).
    this.inFlightCache = this.isUnpartitioned && first === UNPARTITIONED ? (entry.status === 'inFlight' ? SINGLE_INDEX : IndexSet.EMPTY) : null;
  }

  invalidate(): void {
    this.materializedCache = null;
    this.inFlightCache = null;
  }

  resetPartitions(fingerprint: string): void {
    this.partitionsFingerprint = fingerprint;
    this.unpartitioned = fingerprint === 'null';
    this.materializations.clear();
    this.firstMaterialized.clear();
    this.observations.clear();
    this.attempts.clear();
    this.materializationsById.clear();
    this.invalidate();
  }
}
