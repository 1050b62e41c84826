// Static partitions: a fixed list of keys, index = position in the list. All of them always exist.

import { RangePartitionSet } from './partition-set';
import type { Instant, PartitionSet, PartitionsDefinition, StaticPartitionsSpec, TimeWindow } from './types';

export class StaticPartitionsDefinition implements PartitionsDefinition {
  readonly isTimeWindow = false;
  private readonly indexByKey: ReadonlyMap<string, number>;
  private readonly all: PartitionSet;

  constructor(readonly spec: StaticPartitionsSpec) {
    const indexByKey = new Map<string, number>();
    spec.keys.forEach((key, i) => {
      if (!indexByKey.has(key)) indexByKey.set(key, i);
    });
    this.indexByKey = indexByKey;
    this.all = spec.keys.length === 0 ? RangePartitionSet.EMPTY : RangePartitionSet.range(0, spec.keys.length - 1);
  }

  get keys(): readonly string[] {
    return this.spec.keys;
  }

  countAt(_now: Instant): number {
    return this.spec.keys.length;
  }

  existingAt(_now: Instant): PartitionSet {
    return this.all;
  }

  keyAt(index: number): string | null {
    return this.spec.keys[index] ?? null;
  }

  indexOf(key: string): number | null {
    return this.indexByKey.get(key) ?? null;
  }

  windowAt(_index: number): TimeWindow | null {
    return null;
  }

  indexForInstant(_t: Instant, _endClosed?: boolean): number | null {
    return null;
  }

  sameAs(other: PartitionsDefinition): boolean {
    if (!(other instanceof StaticPartitionsDefinition) || other.keys.length !== this.keys.length) return false;
    return this.keys.every((key, i) => other.keys[i] === key);
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
}
