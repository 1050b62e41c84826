// The live table `freshet dev` prints: one row per asset with its status, data time, lag, next
// freshness deadline, and the planner's last decision about it and why. Built from the planner's
// latest tick (its graph and state), so it shows exactly what the planner sees.
import { IndexSet, currentDataTime, nextViolationAt, scopeProgress, stalenessOf, type AssetNode } from '@freshet/domain';
import type { TickReport } from '@freshet/runtime';

export interface AssetRow {
  readonly asset: string;
  readonly status: string;
  readonly dataTime: string;
  readonly lag: string;
  readonly nextDeadline: string;
  readonly decision: string;
}

/** The planner's last decision per asset, kept across ticks (a tick only mentions what it evaluated). */
export class DecisionLog {
  private readonly byAsset = new Map<string, string>();

  record(report: TickReport): void {
    const at = clock(report.at);
    for (const run of report.result.runs) {
      for (const ap of run.assetPartitions) {
        const which = ap.partition === null ? '' : ` [${ap.partition}]`;
        this.byAsset.set(ap.asset, `${at} requested${which} (${ap.reasons.join(', ')}): ${ap.sentence}`);
      }
    }
    for (const skip of report.result.skipped) {
      const which = skip.partitions === null ? '' : ` ${skip.partitions.length} partition${skip.partitions.length === 1 ? '' : 's'}`;
      this.byAsset.set(skip.asset, `${at} skipped${which} (${skip.reasons.join(', ')}): ${skip.sentence}`);
    }
    for (const discard of report.result.discarded) this.byAsset.set(discard.asset, `${at} discarded: ${discard.sentence}`);
  }

  of(asset: string): string {
    return this.byAsset.get(asset) ?? '';
  }
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

function when(ms: number | null, now: number): string {
  if (ms === null) return '-';
  const iso = new Date(ms).toISOString();
  return new Date(now).toISOString().slice(0, 10) === iso.slice(0, 10) ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

export function duration(ms: number): string {
  if (ms < 0) return `-${duration(-ms)}`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

function statusOf(report: TickReport, node: AssetNode, now: number): string {
  const h = report.state.history(node.key);
  if (node.kind === 'source') return 'source';
  if (node.kind === 'observableSource') {
    const last = h?.observationChanges.at(-1);
    return last ? `observed ${shortVersion(last.dataVersion)}` : 'not observed';
  }
  const running = h !== undefined && !h.inFlight().isEmpty();
  if (node.partitions) {
    const materialized = h?.materialized() ?? IndexSet.EMPTY;
    const total = node.partitions.countAt(now);
    const scope = scopeProgress(node, materialized, now);
    const prefix = running ? 'running, ' : '';
    // A scoped policy pursues recent partitions only: progress is counted over those, the rest shown as context.
    if (scope && scope.total < total) return `${prefix}${scope.materialized}/${scope.total} recent (of ${total})`;
    return `${prefix}${materialized.size}/${total} partitions`;
  }
  if (running) return 'running';
  const status = stalenessOf(report.graph, report.state, node, report.state.partitionIndex(node, null), now);
  if (status.status !== 'stale') return status.status;
  return `stale (${status.causes.map((c) => (c.dependency ? `${c.cause} ${c.dependency}` : c.cause)).join(', ')})`;
}

function shortVersion(version: string | null): string {
  if (version === null) return '(none)';
  return version.length > 10 ? `${version.slice(0, 8)}…` : version;
}

export function tableRows(report: TickReport, decisions: DecisionLog, now: number): AssetRow[] {
  return report.graph.nodes.map((node) => {
    const dataTime = node.kind === 'source' ? null : currentDataTime(node, report.state, now);
    const deadline = node.freshness && !node.isTimePartitioned ? nextViolationAt(node.freshness, dataTime, now) : null;
    return {
      asset: node.key,
      status: statusOf(report, node, now),
      dataTime: when(dataTime, now),
      lag: dataTime === null ? '-' : duration(now - dataTime),
      nextDeadline: node.freshness ? (deadline === null ? (node.isTimePartitioned ? 'per partition' : '-') : when(deadline, now)) : '',
      decision: decisions.of(node.key),
    };
  });
}

/** The lag `duration` shows for data as new as the sources it was read from (under a second). */
const CURRENT_LAG = '0s';

const HEADERS: AssetRow = { asset: 'ASSET', status: 'STATUS', dataTime: 'DATA TIME', lag: 'LAG', nextDeadline: 'NEXT DEADLINE', decision: 'LAST DECISION' };
const COLUMNS: readonly (keyof AssetRow)[] = ['asset', 'status', 'dataTime', 'lag', 'nextDeadline', 'decision'];

/** Fixed-width text; the last column is cut to the terminal width. */
export function renderTable(rows: readonly AssetRow[], width: number): string[] {
  const all = [HEADERS, ...rows];
  const widths = COLUMNS.map((column) => Math.max(...all.map((row) => row[column].length)));
  return all.map((row) => {
    const line = COLUMNS.map((column, i) => (i === COLUMNS.length - 1 ? row[column] : row[column].padEnd(widths[i] ?? 0))).join('  ');
    return line.length > width ? `${line.slice(0, Math.max(0, width - 1))}…` : line;
  });
}

/**
 * What changes the table in a way worth a new snapshot (not the clock ticking on). An asset whose
 * sources have not changed since it read them has data time *now*: its data time and deadline move
 * every second while nothing happens, so such a row counts as "current" rather than by its time.
 */
export function tableSignature(rows: readonly AssetRow[]): string {
  return rows.map((row) => `${row.asset}|${row.status}|${row.lag === CURRENT_LAG ? 'current' : row.dataTime}|${row.decision}`).join('\n');
}
