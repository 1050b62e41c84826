// Partition arithmetic across one dependency edge, as IndexSets. Unpartitioned assets have the
// single index 0. Edge rules (reference §4.2/§4.3): an unpartitioned side means "all"; an
// unpartitioned parent updates only the latest partition of a time-partitioned child (all
// partitions of a static one); both partitioned sides go through the partitions engine.

import { IndexSet } from '../collections/index-set';
import type { Instant, PartitionsDefinition } from '../partitions/types';
import type { AssetGraph, AssetNode, ParentEdge } from './asset-graph';

export const SINGLE = IndexSet.single(0);

/** Partitions of `node` that exist at `now` ({0} when unpartitioned). */
export function existingPartitions(node: AssetNode, now: Instant): IndexSet {
  if (!node.partitions) return SINGLE;
  const n = node.partitions.countAt(now);
  return n <= 0 ? IndexSet.EMPTY : IndexSet.range(0, n - 1);
}

export function lastPartition(node: AssetNode, now: Instant): number | null {
  if (!node.partitions) return 0;
  const n = node.partitions.countAt(now);
  return n > 0 ? n - 1 : null;
}

export function partitionKey(node: AssetNode, index: number): string | null {
  return node.partitions ? node.partitions.keyAt(index) : null;
}

function toIndexSet(set: { ranges(): readonly (readonly [number, number])[] }): IndexSet {
  return IndexSet.fromRanges(set.ranges());
}

function fromIndexSet(def: PartitionsDefinition, set: IndexSet): ReturnType<PartitionsDefinition['empty']> {
  let out = def.empty();
  for (const [a, b] of set.ranges()) out = out.union(def.range(a, b));
  return out;
}

export interface UpstreamResult {
  readonly partitions: IndexSet;
  readonly nonexistent: readonly string[];
}

const FROM_UNPARTITIONED: UpstreamResult = { partitions: SINGLE, nonexistent: [] };

/** The parent partitions child partition `childIndex` reads through `edge`. */
export function upstreamOf(graph: AssetGraph, edge: ParentEdge, childIndex: number, now: Instant): UpstreamResult {
  const parent = graph.node(edge.parent);
  const child = graph.node(edge.child);
  if (!parent.partitions) return FROM_UNPARTITIONED;
  if (!child.partitions || !edge.mapping) {
    if (edge.mappingSpec?.kind === 'last') {
      const last = lastPartition(parent, now);
      return { partitions: last === null ? IndexSet.EMPTY : IndexSet.single(last), nonexistent: [] };
    }
    return { partitions: existingPartitions(parent, now), nonexistent: [] };
  }
  // The first partition of a self-dependent asset has no previous partition, by design.
  const r = edge.mapping.upstreamOf(childIndex, child.partitions, parent.partitions, now, { selfDependency: edge.isSelf });
  return { partitions: toIndexSet(r.partitions), nonexistent: r.requiredButNonexistent };
}

/** Child partitions affected when `parentSet` of the parent changed (clipped to existing). */
export function downstreamOf(graph: AssetGraph, edge: ParentEdge, parentSet: IndexSet, now: Instant): IndexSet {
  if (parentSet.isEmpty()) return IndexSet.EMPTY;
  const parent = graph.node(edge.parent);
  const child = graph.node(edge.child);
  if (!child.partitions) {
    if (edge.mappingSpec?.kind === 'last' && parent.partitions) {
      const last = lastPartition(parent, now);
      return last !== null && parentSet.has(last) ? SINGLE : IndexSet.EMPTY;
    }
    return SINGLE;
  }
  const existing = existingPartitions(child, now);
  if (!parent.partitions || !edge.mapping) {
    if (child.isTimePartitioned) {
      const last = lastPartition(child, now);
      return last === null ? IndexSet.EMPTY : IndexSet.single(last);
    }
    return existing;
  }
  const down = edge.mapping.downstreamOf(fromIndexSet(parent.partitions, parentSet), parent.partitions, child.partitions, now);
  return toIndexSet(down).intersect(existing);
}

/** Both sides partitioned the same way, each child partition reading the same parent partition. */
export function isIdentityEdge(graph: AssetGraph, edge: ParentEdge): boolean {
  const parent = graph.node(edge.parent);
  const child = graph.node(edge.child);
  if (!parent.partitions || !child.partitions || edge.isSelf) return false;
  if (parent.partitionsFingerprint !== child.partitionsFingerprint) return false;
  const m = edge.mappingSpec;
  if (!m || m.kind === 'identity') return true;
  return m.kind === 'timeWindow' && (m.startOffset ?? 0) === 0 && (m.endOffset ?? 0) === 0;
}

/** May a child count this parent's request this tick as its own input (reference §2.2)? */
export function sameRunEligible(_graph: AssetGraph, edge: ParentEdge): boolean {
  return edge.sameRun;
}
