// A data version from a query's result: the hash of its rows. Rows are hashed as a sorted list of
// their canonical JSON, so the version changes with the data and not with the order rows come
// back in, nor with the driver's number types (bigints and Dates are normalized).
import { sha256Hex, stableJson } from '../util/hash';
import type { SqlExecutor } from '../resources/sql-resource';

export function rowsVersion(rows: readonly Record<string, unknown>[]): string {
  const lines = rows.map((row) => stableJson(row)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Hex('rows', String(lines.length), ...lines);
}

export async function sqlQueryResult(resource: SqlExecutor, sql: string, params: readonly unknown[] = []): Promise<string> {
  const result = await resource.query(sql, params);
  return rowsVersion(result.rows);
}
