// Partition keys → the UTC time windows the SQL of partitioned assets binds as parameters.
const HOUR_KEY = /^(\d{4})-(\d{2})-(\d{2})-(\d{2}):(\d{2})$/;
const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface Window {
  readonly start: string;
  readonly end: string;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function hourWindow(key: string | null): Window {
  const m = key === null ? null : HOUR_KEY.exec(key);
  if (!m) throw new Error(`not an hourly partition key: ${String(key)}`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  return { start: iso(start), end: iso(start + 3_600_000) };
}

export function dayWindow(key: string | null): Window {
  const m = key === null ? null : DAY_KEY.exec(key);
  if (!m) throw new Error(`not a daily partition key: ${String(key)}`);
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return { start: iso(start), end: iso(start + 86_400_000) };
}
