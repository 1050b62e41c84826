// Observes a dbt source through SQL: `max(loaded_at_field)` and a row count (or the source's
// `loaded_at_query` / `meta.freshet.observe_query`, whose first column is the load time). The data
// version changes when either changes; the data time is the newest load time. dbt's own source
// freshness thresholds (warn_after / error_after) are checked at each observation: the result goes
// into the observation's metadata and, past a threshold, into the observer's log.
import { createHash } from 'node:crypto';
import type { Metadata, ObserveFn, ObserveResult } from '@freshet/sdk';
import type { DbtSourceNode } from '../manifest/project-graph';
import { durationMinutes } from '../manifest/policies';

export type SourceFreshnessStatus = 'pass' | 'warn' | 'error' | 'unchecked';

function toEpochMs(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    // Postgres `timestamp without time zone` comes back as text in some drivers: read it as UTC.
    const iso = /[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`;
    const ms = Date.parse(iso);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** dbt's verdict on a source whose newest row loaded at `loadedAt`, at `now`. */
export function sourceFreshnessStatus(node: DbtSourceNode, loadedAt: number, now: number): SourceFreshnessStatus {
  const freshness = node.source.freshness;
  if (!freshness) return 'unchecked';
  const lagMinutes = (now - loadedAt) / 60_000;
  if (freshness.errorAfter && lagMinutes > durationMinutes(freshness.errorAfter)) return 'error';
  if (freshness.warnAfter && lagMinutes > durationMinutes(freshness.warnAfter)) return 'warn';
  return 'pass';
}

export interface SourceObserverOptions {
  /** The SQL resource of the code location that reaches the warehouse dbt builds in. */
  readonly resource: string;
  readonly now?: () => number;
}

export function sourceObserver(node: DbtSourceNode, options: SourceObserverOptions): ObserveFn {
  const query = node.observeQuery;
  const now = options.now ?? Date.now;
  return async (ctx): Promise<ObserveResult | null> => {
    if (query === null) return null;
    const warehouse = await ctx.resources.sql(options.resource);
    const { rows } = await warehouse.query(query);
    const row = rows[0];
    if (!row) return null;
    const firstColumn = Object.keys(row)[0];
    const loadedAtRaw = 'loaded_at' in row ? row.loaded_at : firstColumn === undefined ? null : row[firstColumn];
    const loadedAt = toEpochMs(loadedAtRaw);
    const rowCount = row.row_count === undefined || row.row_count === null ? null : Number(row.row_count);
    if (loadedAt === null && (rowCount === null || rowCount === 0)) return null;
    const dataVersion = `dbt-src-${createHash('sha256').update(`${loadedAt ?? ''}\u0000${rowCount ?? ''}`).digest('hex').slice(0, 16)}`;
    const metadata: Record<string, Metadata[string]> = { dbtUniqueId: node.uniqueId };
    if (loadedAt !== null) metadata.loadedAt = new Date(loadedAt).toISOString();
    if (rowCount !== null) metadata.rowCount = rowCount;
    if (loadedAt !== null) {
      const at = now();
      const status = sourceFreshnessStatus(node, loadedAt, at);
      metadata.dbtSourceFreshness = status;
      metadata.lagMinutes = Math.max(0, Math.round((at - loadedAt) / 60_000));
      const message = `source ${node.key}: newest row loaded ${metadata.lagMinutes} min ago`;
      if (status === 'error') ctx.logger.error(`${message}, past error_after`, { asset: node.key });
      else if (status === 'warn') ctx.logger.warn(`${message}, past warn_after`, { asset: node.key });
    }
    return { dataVersion, metadata, ...(loadedAt === null ? {} : { dataTime: loadedAt }) };
  };
}

/**
 * How often the observer polls a source: often enough to notice dbt's freshness thresholds being
 * crossed (a quarter of the smallest), between 1 minute and 1 hour; 5 minutes without thresholds.
 */
export function observeIntervalSeconds(node: DbtSourceNode): number {
  const freshness = node.source.freshness;
  const minutes = [freshness?.warnAfter, freshness?.errorAfter].filter((d): d is NonNullable<typeof d> => d !== null && d !== undefined).map(durationMinutes);
  if (minutes.length === 0) return 300;
  return Math.min(3600, Math.max(60, Math.round((Math.min(...minutes) * 60) / 4)));
}
