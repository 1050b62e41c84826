// Hashing helpers for data versions: sha256, and a JSON form whose bytes do not depend on object
// key order, Map/Set order or the driver's number types, so the same rows always hash the same.
import { createHash } from 'node:crypto';

export function sha256Hex(...parts: readonly string[]): string {
  const hash = createHash('sha256');
  // Length-prefixing each part keeps ("ab","c") and ("a","bc") apart.
  for (const part of parts) hash.update(`${part.length}:${part}`);
  return hash.digest('hex');
}

function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  // Tag checks rather than instanceof: rows may come from another realm (PGlite's loader).
  const tag = Object.prototype.toString.call(value);
  if (tag === '[object Date]') return (value as Date).toISOString();
  if (tag === '[object Uint8Array]') return Buffer.from(value as Uint8Array).toString('base64');
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Map) {
    const entries = [...value.entries()].map(([k, v]) => [String(k), normalize(v)] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = normalize((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** JSON with object keys sorted at every level; Dates as ISO strings, bigints as strings. */
export function stableJson(value: unknown): string {
  return JSON.stringify(normalize(value));
}
