// `cron` (policy objects with a cronSchedule): a cron tick passed since the last tick; the
// candidate waits (owed) until every parent has updated since that tick or is requested with it.

import { IndexSet } from '../collections/index-set';
import { ticksBetween, tickAfter } from '../freshness/policy-clock';
import type { AssetNode } from '../graph/asset-graph';
import type { Instant } from '../partitions/types';
import type { TickContext } from '../planner/context';
import { NO_HITS, type Hit } from './rule';

export function cronHits(ctx: TickContext, node: AssetNode): readonly Hit[] {
  const cron = node.automation.cron;
  const last = ctx.cursor.lastTickAt;
  if (!cron || last === null) return NO_HITS;
  const ticks = ticksBetween(cron, last, ctx.now);
  const latest = ticks[ticks.length - 1];
  if (latest === undefined) return [];
  let partitions: IndexSet;
  if (!node.partitions) partitions = IndexSet.single(0);
  else if (node.isTimePartitioned) {
    const lastOf = ticks.map((t) => (node.partitions?.countAt(t) ?? 0) - 1).filter((i) => i >= 0);
    partitions = IndexSet.fromIndices(lastOf);
  } else partitions = ctx.existing(node);
  return partitions.isEmpty() ? [] : [{ partitions, reason: 'cron', assets: [], cronTick: latest }];
}

export function nextCronTick(node: AssetNode, now: Instant): Instant | null {
  return node.automation.cron ? tickAfter(node.automation.cron, now) : null;
}

/** Parents that have not updated since `tick` and are not requested with the child. */
export function parentsNotUpdatedSince(ctx: TickContext, node: AssetNode, index: number, tick: Instant): string[] {
  const waiting: string[] = [];
  for (const edge of node.parents) {
    const parent = ctx.graph.node(edge.parent);
    if (parent.kind === 'source') continue;
    if (ctx.parentRequestedSameRun(edge, index)) continue;
    const latest = ctx.latestParentRecord(edge, index);
    if (!latest || latest.timestamp < tick) waiting.push(parent.key);
  }
  return waiting;
}
