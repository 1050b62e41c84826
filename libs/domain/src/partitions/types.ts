// The partition API the planner relies on. Partitions are addressed by their ordinal index in
// the definition's sequence (0 = first window or first static key), so partition sets can be
// compact ranges: 50,000 hourly partitions of an asset cost a few numbers, not 50,000 strings.

/** Milliseconds since the Unix epoch, UTC. The domain never reads a clock: callers pass it. */
export type Instant = number;

export type TimePartitionsKind = 'hourly' | 'daily' | 'weekly' | 'monthly';

export interface TimePartitionsSpec {
  readonly kind: TimePartitionsKind;
  /** `YYYY-MM-DD`, `YYYY-MM-DD-HH:MM` (in `timezone`) or a full ISO-8601 instant. */
  readonly start: string;
  /** Exclusive; same forms as `start`. */
  readonly end?: string;
  /** IANA zone; default `UTC`. */
  readonly timezone?: string;
  readonly minuteOffset?: number;
  readonly hourOffset?: number;
  /** Weekly: day of week (0 = Sunday). Monthly: day of month (default 1). */
  readonly dayOffset?: number;
  /** `1` makes the current, unfinished window exist too; negative hides the newest windows. */
  readonly endOffset?: number;
}

export interface StaticPartitionsSpec {
  readonly kind: 'static';
  readonly keys: readonly string[];
}

export type PartitionsSpec = TimePartitionsSpec | StaticPartitionsSpec;

export type PartitionMappingSpec =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'timeWindow';
      readonly startOffset?: number;
      readonly endOffset?: number;
      readonly allowNonexistentUpstreamPartitions?: boolean;
    }
  | { readonly kind: 'all' }
  | { readonly kind: 'last' }
  | { readonly kind: 'static'; readonly map: Readonly<Record<string, string | readonly string[]>> };

export interface TimeWindow {
  readonly start: Instant;
  readonly end: Instant;
}

/**
 * An immutable set of partitions of ONE definition, stored as sorted disjoint index ranges.
 * Iteration is always in index order (oldest first for time windows).
 */
export interface PartitionSet {
  readonly size: number;
  isEmpty(): boolean;
  hasIndex(index: number): boolean;
  /** Indices in ascending order. */
  indices(): Iterable<number>;
  /** Indices in descending order (newest first). */
  indicesDescending(): Iterable<number>;
  /** Inclusive [first, last] index ranges, ascending. */
  ranges(): readonly (readonly [number, number])[];
  union(other: PartitionSet): PartitionSet;
  intersect(other: PartitionSet): PartitionSet;
  difference(other: PartitionSet): PartitionSet;
  equals(other: PartitionSet): boolean;
  first(): number | null;
  last(): number | null;
}

export interface PartitionsDefinition {
  readonly spec: PartitionsSpec;
  readonly isTimeWindow: boolean;
  /** Number of partitions that exist at `now` counted from index 0 (the set is always a prefix, minus nothing). */
  countAt(now: Instant): number;
  /** Every partition that exists at `now` (windows that have ended, plus `endOffset` windows, capped by `end`). */
  existingAt(now: Instant): PartitionSet;
  /** The key at an index, or null when the index is outside the definition (ignores `now`). */
  keyAt(index: number): string | null;
  /** The index of a key, or null when the string is not a key of this definition (ignores `now`). */
  indexOf(key: string): number | null;
  /** Time windows only: the window of an index; null for static or out-of-range. */
  windowAt(index: number): TimeWindow | null;
  /** Time windows only: the index of the window containing `t` (or ending at `t` when endClosed). */
  indexForInstant(t: Instant, endClosed?: boolean): number | null;
  /** Same shape (a changed definition resets what was remembered about the asset's partitions). */
  sameAs(other: PartitionsDefinition): boolean;
  empty(): PartitionSet;
  fromIndices(indices: Iterable<number>): PartitionSet;
  range(firstIndex: number, lastIndex: number): PartitionSet;
}

/** Result of mapping one downstream partition to its upstream partitions. */
export interface UpstreamPartitions {
  readonly partitions: PartitionSet;
  /** Upstream keys the mapping requires that do not exist (never exempted). */
  readonly requiredButNonexistent: readonly string[];
}

/** Options of `PartitionMapping.upstreamOf` (added; optional, so older callers are unaffected). */
export interface UpstreamOptions {
  /**
   * The dependency is of an asset on itself: upstream partitions before the first one (the
   * first partition's "previous") are not reported as required-but-nonexistent.
   */
  readonly selfDependency?: boolean;
}

export interface PartitionMapping {
  readonly spec: PartitionMappingSpec;
  /** Downstream partition → the upstream partitions it reads, at `now`. */
  upstreamOf(
    downIndex: number,
    down: PartitionsDefinition,
    up: PartitionsDefinition,
    now: Instant,
    options?: UpstreamOptions,
  ): UpstreamPartitions;
  /** Upstream partitions that changed → the downstream partitions affected, at `now`. */
  downstreamOf(upIndices: PartitionSet, up: PartitionsDefinition, down: PartitionsDefinition, now: Instant): PartitionSet;
}
