// `parentUpdated` / `newSourceData`: a parent has new data the child has not consumed (since
// the last tick, newer than the child, not from a run that also planned the child, and with a
// different data version), or a parent is requested this tick in a run the child can share.

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_HITS, sortedUnique, type Hit } from './rule';

export const parentUpdated = (ctx: TickContext, node: AssetNode): readonly Hit[] => {
  let updated = IndexSet.EMPTY;
  const updatedBy: string[] = [];
  let fromSources = IndexSet.EMPTY;
  const sources: string[] = [];
  for (const t of ctx.parentTriggers(node)) {
    if (t.edge.parentKind === 'observableSource') {
      fromSources = fromSources.union(t.partitions);
      sources.push(t.edge.parentKey);
    } else {
      updated = updated.union(t.partitions);
      updatedBy.push(t.edge.parentKey);
    }
  }
  if (updated.isEmpty() && fromSources.isEmpty()) return NO_HITS;
  const hits: Hit[] = [];
  if (!updated.isEmpty()) hits.push({ partitions: updated, reason: 'parentUpdated', assets: sortedUnique(updatedBy) });
  if (!fromSources.isEmpty()) hits.push({ partitions: fromSources, reason: 'newSourceData', assets: sortedUnique(sources) });
  return hits;
};
