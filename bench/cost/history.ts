// The materialization history of one strategy, judged the same way for all three: each
// materialization's data time follows SEMANTICS (the latest instant all root data up to which is
// incorporated), computed from what it read when it started; freshness violation minutes follow
// the overdue definition (without cron: overdue while dataTime < now − lag; with cron: while
// dataTime < latestTick(now) − lag), until a materialization brings it back to 0.

import { nextTick } from '@freshet/domain';
import type { SourceTimeline } from './trace';
import { MINUTE } from './trace';
import type { Warehouse, WarehouseAsset } from './warehouse';

export interface Materialization {
  readonly asset: string;
  readonly start: number;
  readonly end: number;
  /** Data time it carries (Infinity: no later source change within the trace). */
  readonly dataTime: number;
}

export class MaterializationHistory {
  private readonly sources: ReadonlyMap<string, SourceTimeline>;
  private readonly assets: ReadonlyMap<string, WarehouseAsset>;
  /** Data time of each asset's latest completed materialization. */
  private readonly current = new Map<string, number>();
  readonly completed: Materialization[] = [];

  constructor(readonly warehouse: Warehouse) {
    this.sources = new Map(warehouse.sources.map((s) => [s.key, s]));
    this.assets = new Map(warehouse.assets.map((a) => [a.key, a]));
  }

  /**
   * Data time of a materialization of `asset` that reads its inputs at `t`: the minimum over its
   * parents of a source's next change after t, or a parent asset's current data time.
   */
  dataTimeOfReadAt(asset: string, t: number): number {
    const a = this.assets.get(asset);
    if (!a) throw new Error(`unknown asset ${asset}`);
    let out = Number.POSITIVE_INFINITY;
    for (const d of a.deps) {
      const source = this.sources.get(d);
      const parentTime = source ? source.nextChangeAfter(t) : this.current.get(d);
      if (parentTime === undefined) throw new Error(`${asset} read ${d} before it was ever materialized`);
      out = Math.min(out, parentTime);
    }
    return out;
  }

  /** Records a completed materialization (call in completion-time order). */
  complete(m: Materialization): void {
    this.current.set(m.asset, m.dataTime);
    this.completed.push(m);
  }

  currentDataTime(asset: string): number | undefined {
    return this.current.get(asset);
  }
}

/** Minutes in (from, to] during which `asset` was overdue per its policy, given its materializations. */
export function violationMinutes(asset: WarehouseAsset, history: readonly Materialization[], bootstrapDataTime: number, from: number, to: number): number {
  const policy = asset.freshness;
  if (!policy) return 0;
  const lag = policy.maximumLagMinutes * MINUTE;
  const mine = history.filter((m) => m.asset === asset.key && m.end > from && m.end <= to).sort((x, y) => x.end - y.end);
  // Intervals [since, until) on which the data time is constant.
  const segments: { since: number; until: number; dataTime: number }[] = [];
  let since = from;
  let dataTime = bootstrapDataTime;
  for (const m of mine) {
    segments.push({ since, until: m.end, dataTime });
    since = m.end;
    dataTime = m.dataTime;
  }
  segments.push({ since, until: to, dataTime });
  let overdueMs = 0;
  for (const s of segments) {
    if (s.until <= s.since || !Number.isFinite(s.dataTime)) continue;
    let begins: number;
    if (policy.cronSchedule) {
      // Overdue from the first cron tick T with T − lag > dataTime (if it is before `until`).
      begins = nextTick(policy.cronSchedule, s.dataTime + lag, policy.cronTimezone ?? 'UTC');
    } else begins = s.dataTime + lag;
    const start = Math.max(s.since, begins);
    if (start < s.until) overdueMs += s.until - start;
  }
  return overdueMs / MINUTE;
}
