// Backfills: a partition range of one asset (and, optionally, everything downstream of it) that the
// planner rebuilds in its own order, parents first (the domain's `backfill` rule). Launching one
// appends a `backfillRequested` record; the planner's state takes it from the log like any other
// record, so a restarted planner resumes it. Progress is read from the planner's state: a target
// is done once materialized after the backfill was requested.
import { randomUUID } from 'node:crypto';
import type { AssetGraph, AssetNode } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';
import type { EventLog } from '@freshet/storage';
import { InvalidRequestError, NotFoundError } from '../errors';
import { BACKFILL_RECORD_TYPE, type BackfillRecord, type StoredDecision } from '../read-model/log-follower';

export interface BackfillInput {
  readonly asset: string;
  readonly from: string;
  readonly to: string;
  readonly downstream?: boolean;
}

export const MAX_BACKFILL_PARTITIONS = 50_000;

export interface LaunchedBackfill {
  readonly backfillId: string;
  readonly assetPartitions: readonly { readonly asset: string; readonly partition: string | null }[];
}

export async function launchBackfill(eventLog: EventLog, report: TickReport, input: BackfillInput, now: number): Promise<LaunchedBackfill> {
  const graph = report.graph;
  const node = graph.get(input.asset);
  if (!node) throw new InvalidRequestError('asset', `unknown asset "${input.asset}"`);
  if (node.kind !== 'materializable') throw new InvalidRequestError('asset', `"${input.asset}" is a source: it is observed, not materialized`);
  const defn = node.partitions;
  if (!defn) throw new InvalidRequestError('asset', `"${input.asset}" is not partitioned: materialize it instead`);
  const existing = defn.countAt(now);
  const first = defn.indexOf(input.from);
  if (first === null || first >= existing) throw new InvalidRequestError('from', `"${input.from}" is not an existing partition of "${input.asset}"`);
  const last = defn.indexOf(input.to);
  if (last === null || last >= existing) throw new InvalidRequestError('to', `"${input.to}" is not an existing partition of "${input.asset}"`);
  if (last < first) throw new InvalidRequestError('to', `"${input.to}" comes before "${input.from}"`);

  const aps: { asset: string; partition: string | null }[] = [];
  for (let i = first; i <= last; i++) aps.push({ asset: node.key, partition: defn.keyAt(i) });
  if (input.downstream === true) aps.push(...downstreamTargets(graph, node, first, last, now));
  if (aps.length > MAX_BACKFILL_PARTITIONS) throw new InvalidRequestError('to', `the range holds ${aps.length} asset partitions, more than ${MAX_BACKFILL_PARTITIONS}`);

  const backfillId = `bf-${randomUUID().slice(0, 8)}`;
  const payload = { backfillId, asset: node.key, from: input.from, to: input.to, downstream: input.downstream === true, assetPartitions: aps.map((ap) => ({ asset: ap.asset, ...(ap.partition === null ? {} : { partition: ap.partition }) })) };
  await eventLog.append([{ eventId: `backfill:${backfillId}`, type: BACKFILL_RECORD_TYPE, assetKey: node.key, occurredAt: now, payload: payload }]);
  return { backfillId, assetPartitions: aps };
}

/**
 * Descendants' partitions covering the same time: the same keys where the partitions match, the
 * windows overlapping the range where both are time windows, every existing partition otherwise,
 * and the asset itself when it is unpartitioned.
 */
function downstreamTargets(graph: AssetGraph, root: AssetNode, first: number, last: number, now: number): { asset: string; partition: string | null }[] {
  const out: { asset: string; partition: string | null }[] = [];
  const rootDefn = root.partitions;
  if (!rootDefn) return out;
  const start = rootDefn.windowAt(first)?.start ?? null;
  const end = rootDefn.windowAt(last)?.end ?? null;
  const descendants = graph
    .descendantsOf([root.index])
    .map((i) => graph.node(i))
    .filter((n) => n.kind === 'materializable' && n.index !== root.index)
    .sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const child of descendants) {
    const defn = child.partitions;
    if (!defn) {
      out.push({ asset: child.key, partition: null });
      continue;
    }
    const existing = defn.countAt(now);
    const keys: string[] = [];
    if (defn.sameAs(rootDefn)) {
      for (let i = first; i <= last && i < existing; i++) keys.push(defn.keyAt(i) as string);
    } else if (defn.isTimeWindow && start !== null && end !== null) {
      for (let i = 0; i < existing; i++) {
        const w = defn.windowAt(i);
        if (w && w.start < end && w.end > start) keys.push(defn.keyAt(i) as string);
      }
    } else {
      for (let i = 0; i < existing; i++) keys.push(defn.keyAt(i) as string);
    }
    for (const key of keys) out.push({ asset: child.key, partition: key });
  }
  return out;
}

export interface BackfillProgress {
  readonly backfillId: string;
  readonly asset: string;
  readonly from: string;
  readonly to: string;
  readonly downstream: boolean;
  readonly requestedAt: string;
  readonly status: 'running' | 'completed' | 'failed';
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  readonly pending: number;
  readonly assets: readonly BackfillAssetProgress[];
}

export interface BackfillAssetProgress {
  readonly asset: string;
  readonly total: number;
  readonly done: number;
  readonly failed: number;
  readonly running: number;
  /**
   * Why partitions of it are still owed and not running: the planner's latest decision held them
   * back (e.g. `parentMissing` when their parents were never materialized and are not in the
   * backfill). Null when nothing is held back.
   */
  readonly waiting: { readonly reasons: readonly string[]; readonly sentence: string } | null;
}

/** The planner's latest decision about an asset, if any. */
export type LatestDecision = (asset: string) => StoredDecision | undefined;

export function backfillProgress(report: TickReport, record: BackfillRecord | undefined, latestDecision: LatestDecision): BackfillProgress {
  if (!record) throw new NotFoundError('no such backfill');
  type Row = { -readonly [K in keyof BackfillAssetProgress]: BackfillAssetProgress[K] };
  const byAsset = new Map<string, Row>();
  for (const ap of record.assetPartitions) {
    const row = byAsset.get(ap.asset) ?? { asset: ap.asset, total: 0, done: 0, failed: 0, running: 0, waiting: null };
    byAsset.set(ap.asset, row);
    row.total++;
    const node = report.graph.get(ap.asset);
    const history = report.state.history(ap.asset);
    if (!node || !history) continue;
    const index = node.partitions ? (ap.partition === null ? null : node.partitions.indexOf(ap.partition)) : 0;
    if (index === null) continue;
    const entry = history.materializations.get(index);
    const attempt = history.attempts.get(index);
    if (entry && entry.storageId > record.storageId) row.done++;
    else if (history.inFlight().has(index)) row.running++;
    else if (attempt && attempt.status === 'failed' && attempt.storageId > record.storageId) row.failed++;
  }
  for (const row of byAsset.values()) {
    if (row.done + row.failed + row.running === row.total) continue;
    // Held back since the backfill was requested, as a backfill candidate: say why.
    const d = latestDecision(row.asset);
    if (d && d.kind === 'skipped' && d.candidateReasons.includes('backfill') && d.tickStorageId > record.storageId) row.waiting = { reasons: d.reasons, sentence: d.sentence };
  }
  const assets = [...byAsset.values()];
  const sum = (f: (r: (typeof assets)[number]) => number): number => assets.reduce((n, r) => n + f(r), 0);
  const total = sum((r) => r.total);
  const done = sum((r) => r.done);
  const failed = sum((r) => r.failed);
  const running = sum((r) => r.running);
  const status = done === total ? 'completed' : failed > 0 && done + failed === total ? 'failed' : 'running';
  return {
    backfillId: record.backfillId,
    asset: record.asset,
    from: record.from,
    to: record.to,
    downstream: record.downstream,
    requestedAt: new Date(record.requestedAt).toISOString(),
    status,
    total,
    done,
    failed,
    running,
    pending: total - done - failed - running,
    assets,
  };
}
