// `codeVersionChanged` (Freshet): the asset's code version differs from the one its latest
// materialization used. Time-partitioned assets rebuild their latest partition only (history is
// left to backfills); static-partitioned assets rebuild every materialized partition.

import { IndexSet } from '../collections/index-set';
import type { AssetNode } from '../graph/asset-graph';
import { lastPartition } from '../graph/partition-edges';
import type { TickContext } from '../planner/context';
import type { Hit } from './rule';

export const codeVersionChanged = (ctx: TickContext, node: AssetNode): Hit[] => {
  const version = node.codeVersion;
  if (version === null) return [];
  const h = ctx.history(node);
  let scope = h.materialized();
  if (node.isTimePartitioned) {
    const last = lastPartition(node, ctx.now);
    scope = last === null ? IndexSet.EMPTY : scope.intersect(IndexSet.single(last));
  }
  const changed = h.materializations.filter(scope, (e) => e.codeVersion !== version);
  return changed.isEmpty() ? [] : [{ partitions: changed, reason: 'codeVersionChanged', assets: [] }];
};
