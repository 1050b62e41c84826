// Time-window partitions: index i is the window of slot firstSlot + i (see time-slots.ts).
// The first window is the first tick at or after `start`; windows exist once they have ended
// (plus `endOffset`), and only windows that end at or before `end` belong to the definition.

import type { Instant, PartitionSet, PartitionsDefinition, TimePartitionsSpec, TimeWindow } from './types';
import { RangePartitionSet } from './partition-set';
import type { TimeSlots } from './time-slots';

export class TimeWindowPartitionsDefinition implements PartitionsDefinition {
  readonly isTimeWindow = true;
  /** Canonical IANA name of the zone. */
  readonly timezone: string;
  /** Number of windows in the definition (bounded by `end`), or null when unbounded. */
  readonly size: number | null;
  private readonly firstSlot: number;
  private readonly endOffset: number;

  constructor(
    readonly spec: TimePartitionsSpec,
    readonly slots: TimeSlots,
    /** The instant `start` denotes. */
    readonly startInstant: Instant,
    /** The instant `end` denotes, or null. */
    readonly endInstant: Instant | null,
  ) {
    this.timezone = slots.cadence.zone.name;
    const containing = slots.slotOf(startInstant);
    this.firstSlot = slots.start(containing) < startInstant ? containing + 1 : containing;
    this.endOffset = spec.endOffset ?? 0;
    this.size = endInstant === null ? null : Math.max(0, slots.slotOf(endInstant) - this.firstSlot);
  }

  /** Start of the first window. */
  get firstWindowStart(): Instant {
    return this.slots.start(this.firstSlot);
  }

  countAt(now: Instant): number {
    // Windows with index < ended have ended by `now` (ended is negative before the start).
    const ended = this.slots.slotOf(now) - this.firstSlot;
    const cap = this.size ?? Number.POSITIVE_INFINITY;
    // Like Dagster: a positive endOffset adds windows up to the cap; a negative one removes
    // windows from what the cap leaves.
    const count = this.endOffset >= 0 ? Math.min(ended + this.endOffset, cap) : Math.min(ended, cap) + this.endOffset;
    return Math.max(0, count);
  }

  existingAt(now: Instant): PartitionSet {
    const count = this.countAt(now);
    return count === 0 ? RangePartitionSet.EMPTY : RangePartitionSet.range(0, count - 1);
  }

  /** Whether an index lies inside the definition (ignores `now`). */
  contains(index: number): boolean {
    return Number.isSafeInteger(index) && index >= 0 && (this.size === null || index < this.size);
  }

  keyAt(index: number): string | null {
    return this.contains(index) ? this.slots.key(this.firstSlot + index) : null;
  }

  indexOf(key: string): number | null {
    const slot = this.slots.slotOfKey(key);
    if (slot === null) return null;
    const index = slot - this.firstSlot;
    // The round trip rejects spellings that name a slot but are not its key.
    return this.contains(index) && this.slots.key(slot) === key ? index : null;
  }

  windowAt(index: number): TimeWindow | null {
    return this.contains(index) ? this.virtualWindow(index) : null;
  }

  indexForInstant(t: Instant, endClosed = false): number | null {
    const index = this.virtualIndexOf(endClosed ? t - 1 : t);
    return this.contains(index) ? index : null;
  }

  sameAs(other: PartitionsDefinition): boolean {
    return other instanceof TimeWindowPartitionsDefinition && other.shapeKey === this.shapeKey;
  }

  empty(): PartitionSet {
    return RangePartitionSet.EMPTY;
  }

  fromIndices(indices: Iterable<number>): PartitionSet {
    return RangePartitionSet.fromIndices(indices);
  }

  range(firstIndex: number, lastIndex: number): PartitionSet {
    return RangePartitionSet.range(firstIndex, lastIndex);
  }

  // ---- Beyond the interface: windows before the start or past the end, for mappings. ----

  /** The window of any integer index, also before index 0 or past `end`. */
  virtualWindow(index: number): TimeWindow {
    const slot = this.firstSlot + index;
    return { start: this.slots.start(slot), end: this.slots.start(slot + 1) };
  }

  /** The index of the window containing `t`, also before the start or past `end`. */
  virtualIndexOf(t: Instant): number {
    return this.slots.slotOf(t) - this.firstSlot;
  }

  /** The key of any integer index (names nonexistent partitions in explanations). */
  virtualKey(index: number): string {
    return this.slots.key(this.firstSlot + index);
  }

  /** Same cadence, zone and offsets: windows coincide, indices differ by a constant. */
  sameCadence(other: TimeWindowPartitionsDefinition): boolean {
    return other.cadenceKey === this.cadenceKey && other.slots.start(other.firstSlot) === this.slots.start(other.firstSlot);
  }

  /** For the same cadence: this index + shift = the other's index of the same window. */
  indexShiftTo(other: TimeWindowPartitionsDefinition): number {
    return this.firstSlot - other.firstSlot;
  }

  /** The cron expression whose ticks bound the windows. */
  get cronSchedule(): string {
    return this.slots.cron();
  }

  private get cadenceKey(): string {
    const c = this.slots.cadence;
    return `${c.kind}|${c.zone.name}|${c.minuteOffset}|${c.hourOffset}|${c.dayOffset}`;
  }

  private get shapeKey(): string {
    return `${this.cadenceKey}|${this.firstSlot}|${this.size ?? ''}|${this.endOffset}`;
  }
}
