import { type JsonValue } from './graph-cache.port';

/**
 * JSON with object keys sorted at every depth and no whitespace, so equal values always give
 * the same text (and hash). Array order is kept: it is meaningful. Rejects what JSON cannot
 * represent instead of silently dropping it.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not representable in JSON`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: ${typeof value} is not JSON`);
  const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const fields: string[] = [];
  for (const key of keys) {
    const field = value[key];
    if (field === undefined) continue;
    fields.push(`${JSON.stringify(key)}:${canonicalJson(field)}`);
  }
  return `{${fields.join(',')}}`;
}
