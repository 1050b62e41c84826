// `parentOutdated`: a parent partition not requested in the same run has an outdated ancestor
// (reference §2.5 outdatedAncestors): somewhere upstream, an asset has new parent data it has
// not consumed, so running now would compute on data about to change. Names those ancestors.

import type { IndexSet } from '../collections/index-set';
import type { AssetNode, ParentEdge } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_SKIPS, skipEach, sortedUnique, type SkipHit } from './rule';

/** Partitioned recursion stops beyond this many mapped partitions (reference §4.5). */
const MAX_RECURSION_PARTITIONS = 100;

function parentIsNewer(ctx: TickContext, child: AssetNode, edge: ParentEdge, index: number): boolean {
  // An unpartitioned parent only concerns the latest partition of a time-partitioned child.
  if (!edge.parentPartitioned && child.isTimePartitioned && ctx.existing(child).last() !== index) return false;
  return ctx.parentHasNewDataIgnoringRuns(edge, index);
}

const NONE: readonly string[] = [];

/** Outdated ancestors of each mapped parent partition, added to `into` (allocated on first need). */
function collectFromParent(ctx: TickContext, edge: ParentEdge, index: number, into: Set<string> | null): Set<string> | null {
  if (!edge.parentPartitioned) {
    // Memo first: most parents were walked already this tick (no node lookup then).
    const found = ctx.outdatedMemoOf(edge.parent, 0) ?? outdatedAncestors(ctx, ctx.graph.node(edge.parent), 0);
    if (found.length === 0) return into;
    const out = into ?? new Set<string>();
    for (const k of found) out.add(k);
    return out;
  }
  const parent = ctx.graph.node(edge.parent);
  const mapped = ctx.upstream(edge, index).partitions;
  if (mapped.size > MAX_RECURSION_PARTITIONS) return into;
  let out = into;
  for (const p of mapped.ascending())
    for (const k of outdatedAncestors(ctx, parent, p)) {
      out ??= new Set<string>();
      out.add(k);
    }
  return out;
}

export function outdatedAncestors(ctx: TickContext, node: AssetNode, index: number): readonly string[] {
  if (node.kind !== 'materializable' || node.parents.length === 0) return NONE;
  const memo = ctx.outdatedMemoOf(node.index, index);
  if (memo !== undefined) return memo;
  const value = computeOutdatedAncestors(ctx, node, index);
  ctx.rememberOutdated(node.index, index, value);
  return value;
}

function computeOutdatedAncestors(ctx: TickContext, node: AssetNode, index: number): readonly string[] {
  // An asset partition with unconsumed parent data is itself the thing to wait on: the walk
  // stops there (Dagster goes on up through its other parents; the skip is the same, and the
  // nearest outdated asset is the one worth naming). This keeps the walk over partitioned
  // graphs from visiting every ancestor partition.
  for (const edge of node.parents) {
    if (edge.parentKind !== 'source' && parentIsNewer(ctx, node, edge, index)) return [node.key];
  }
  let result: Set<string> | null = null;
  for (const edge of node.parents) {
    if (edge.parentKind === 'source') continue;
    result = collectFromParent(ctx, edge, index, result);
  }
  return result ? sortedUnique(result) : NONE;
}

export const parentOutdated = (ctx: TickContext, node: AssetNode, candidates: IndexSet): readonly SkipHit[] =>
  node.parents.length === 0
    ? NO_SKIPS
    : skipEach(candidates, 'parentOutdated', (i) => {
    let found: Set<string> | null = null;
    for (const edge of node.parents) {
      if (edge.parentKind !== 'materializable' || ctx.parentRequestedSameRun(edge, i)) continue;
      // Requested this tick in a run the child cannot share: it lands later; wait for it.
      if (ctx.parentRequestedAnyRun(edge, i)) {
        found ??= new Set<string>();
        found.add(edge.parentKey);
        continue;
      }
      found = collectFromParent(ctx, edge, i, found);
    }
    return found ? sortedUnique(found) : null;
  });
