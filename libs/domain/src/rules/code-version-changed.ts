// `codeVersionChanged` (Freshet): the asset's code version differs from the one its latest
// materialization used, per partition: every materialized partition built with other code is a
// candidate (the per-tick rate limit paces a large rebuild, newest first).

import type { AssetNode } from '../graph/asset-graph';
import type { TickContext } from '../planner/context';
import { NO_HITS, type Hit } from './rule';

export const codeVersionChanged = (ctx: TickContext, node: AssetNode): readonly Hit[] => {
  const version = node.codeVersion;
  if (version === null) return NO_HITS;
  if (!node.partitions) {
    const latest = ctx.state.unpartitionedMaterializationAt(node.index);
    return latest && latest.codeVersion !== version ? [{ partitions: ctx.existing(node), reason: 'codeVersionChanged', assets: [] }] : NO_HITS;
  }
  const h = ctx.history(node);
  const scope = h.materialized();
  const changed = h.materializations.filter(scope, (e) => e.codeVersion !== version);
  return changed.isEmpty() ? NO_HITS : [{ partitions: changed, reason: 'codeVersionChanged', assets: [] }];
};
