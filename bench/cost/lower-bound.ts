// A lower bound on the materializations any scheduler needs to meet every freshness policy on
// the trace, computed per asset by a greedy interval-cover argument (see bench/README.md).
//
// A refresh of asset U started at s takes d_U and carries data time at most f_U(s) = min over
// U's parents p of: a source's first change after s; an asset's max(bootstrap data time of p,
// f_p(s − d_p)) — U reads p's latest completed materialization, which started by s − d_p (data
// flows down a chain no faster than its compute). f_U is non-decreasing. (The relaxed variant,
// `parentsAlwaysFresh`, takes min over U's source ancestors of their first change after s, as if
// every ancestor were refreshed instantly.) U must satisfy its own policy and, for each
// descendant P with a policy, what P needs from it: P's materialization valid at t read U after
// U's refresh completed, at least (shortest compute path from U's child to P) before t, so U's
// refresh must carry data time ≥ t − lag_P and complete by t − shift(U, P). Everything else is
// relaxed (unlimited workers, parents always fresh, overlapping refreshes allowed), so the
// count is a lower bound. Greedy: with the current refresh's data time D, find the earliest
// deadline τ by which some requirement needs newer data, start the next refresh as late as
// possible (τ − d_U), which maximizes its data time since f_U is non-decreasing; by induction
// the greedy k-th refresh carries at least the data time of any feasible schedule's k-th, so no
// feasible schedule uses fewer refreshes.

import { nextTick, type FreshnessPolicySpec } from '@freshet/domain';
import { MINUTE } from './trace';
import type { Warehouse, WarehouseAsset } from './warehouse';

interface Requirement {
  readonly policy: FreshnessPolicySpec;
  /** The asset whose policy it is. */
  readonly owner: string;
  /** U's refresh must complete this long before P's requirement instant. */
  readonly shiftMs: number;
}

export interface AssetBound {
  readonly asset: string;
  readonly refreshes: number;
  /** The requirement could not be met even by this ideal schedule at some instant. */
  readonly infeasible: boolean;
  readonly requirements: number;
}

/** Shortest compute path from each asset's children down to each policy-carrying descendant. */
function requirementsOf(w: Warehouse): Map<string, Requirement[]> {
  const byKey = new Map(w.assets.map((a) => [a.key, a]));
  const children = new Map<string, WarehouseAsset[]>();
  for (const a of w.assets) for (const d of a.deps) children.set(d, [...(children.get(d) ?? []), a]);
  // shift[U][P]: minimum over paths U → c → … → P of the durations of c … P.
  const shift = new Map<string, Map<string, number>>();
  for (const a of [...w.assets].reverse()) {
    const mine = new Map<string, number>();
    if (a.freshness) mine.set(a.key, 0);
    for (const c of children.get(a.key) ?? [])
      for (const [p, s] of shift.get(c.key) ?? []) mine.set(p, Math.min(mine.get(p) ?? Number.POSITIVE_INFINITY, c.durationMs + s));
    shift.set(a.key, mine);
  }
  const out = new Map<string, Requirement[]>();
  for (const a of w.assets)
    out.set(
      a.key,
      [...(shift.get(a.key) ?? [])].map(([p, s]) => ({ policy: byKey.get(p)?.freshness as FreshnessPolicySpec, owner: p, shiftMs: s })),
    );
  return out;
}

function sourceAncestors(w: Warehouse): Map<string, string[]> {
  const sources = new Set(w.sources.map((s) => s.key));
  const out = new Map<string, string[]>();
  for (const a of w.assets) {
    const set = new Set<string>();
    for (const d of a.deps) {
      if (sources.has(d)) set.add(d);
      else for (const s of out.get(d) ?? []) set.add(s);
    }
    out.set(a.key, [...set].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0)));
  }
  return out;
}

/**
 * For one requirement: the earliest instant by which U needs a refresh carrying newer data than
 * D, and the data time that refresh must exceed; null if none within the trace.
 */
function deadline(r: Requirement, d: number, to: number): { by: number; needs: number } | null {
  const lag = r.policy.maximumLagMinutes * MINUTE;
  if (!Number.isFinite(d)) return null;
  if (r.policy.cronSchedule) {
    // The first cron tick T with T − lag > D is the first instant P is judged overdue.
    const tick = nextTick(r.policy.cronSchedule, d + lag, r.policy.cronTimezone ?? 'UTC');
    return tick > to ? null : { by: tick - r.shiftMs, needs: tick - lag - 1 };
  }
  // Overdue just after D + lag, until data newer than D lands.
  return d + lag > to ? null : { by: d + lag - r.shiftMs, needs: d };
}

/** The most recent data a refresh of `key` started at `s` can carry, data flowing through its parents. */
function flowDataTime(w: Warehouse, bootstrap: ReadonlyMap<string, number>): (key: string, s: number) => number {
  const assets = new Map(w.assets.map((a) => [a.key, a]));
  const timelines = new Map(w.sources.map((t) => [t.key, t]));
  const f = (key: string, s: number): number => {
    const a = assets.get(key);
    if (!a) throw new Error(`unknown asset ${key}`);
    let out = Number.POSITIVE_INFINITY;
    for (const d of a.deps) {
      const source = timelines.get(d);
      if (source) {
        out = Math.min(out, source.nextChangeAfter(s));
        continue;
      }
      const parent = assets.get(d);
      if (!parent) throw new Error(`unknown parent ${d}`);
      // p's latest completed materialization before s: the bootstrap, or a refresh started by s − d_p.
      const boot = bootstrap.get(d) ?? w.from;
      const started = s - parent.durationMs;
      out = Math.min(out, started < w.from ? boot : Math.max(boot, f(d, started)));
    }
    return out;
  };
  return f;
}

export interface BoundOptions {
  /** The looser relaxation: every ancestor refreshed instantly (data reaches U as of its start). */
  readonly parentsAlwaysFresh?: boolean;
}

export function lowerBound(w: Warehouse, bootstrap: ReadonlyMap<string, number>, o: BoundOptions = {}): AssetBound[] {
  const requirements = requirementsOf(w);
  const ancestors = sourceAncestors(w);
  const timelines = new Map(w.sources.map((s) => [s.key, s]));
  const flow = flowDataTime(w, bootstrap);
  return w.assets.map((a) => {
    const reqs = requirements.get(a.key) ?? [];
    const srcs = (ancestors.get(a.key) ?? []).map((k) => timelines.get(k)).filter((s) => s !== undefined);
    const best = o.parentsAlwaysFresh ? (s: number): number => Math.min(...srcs.map((t) => t.nextChangeAfter(s))) : (s: number): number => flow(a.key, s);
    let dataTime = bootstrap.get(a.key) ?? w.from;
    let refreshes = 0;
    let infeasible = false;
    for (;;) {
      let next: { by: number; needs: number } | null = null;
      for (const r of reqs) {
        const dl = deadline(r, dataTime, w.to);
        if (dl && (!next || dl.by < next.by)) next = dl;
      }
      if (!next) break;
      const refreshed = best(next.by - a.durationMs);
      refreshes++;
      if (refreshed <= next.needs || refreshed <= dataTime) infeasible = true;
      if (refreshed <= dataTime) break;
      dataTime = refreshed;
    }
    return { asset: a.key, refreshes, infeasible, requirements: reqs.length };
  });
}
