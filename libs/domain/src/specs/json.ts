// Small helpers to read untrusted JSON while collecting every problem with its path.

import type { Problem } from '../errors';

export type Json = null | boolean | number | string | readonly Json[] | { readonly [k: string]: Json };
export type JsonObject = { readonly [k: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v}"`;
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${typeof v} ${v}`;
  return typeof v;
}

export class ProblemCollector {
  readonly problems: Problem[] = [];

  add(path: string, message: string): void {
    this.problems.push({ path, message });
  }

  expect(path: string, value: unknown, expected: string): void {
    this.add(path, `expected ${expected}, got ${describeValue(value)}`);
  }

  /** Reports keys of `obj` outside `allowed` (a typo in a field name must not pass silently). */
  unknownKeys(path: string, obj: JsonObject, allowed: readonly string[]): void {
    for (const k of Object.keys(obj).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (!allowed.includes(k)) this.add(`${path}.${k}`, `unknown field (expected one of ${allowed.join(', ')})`);
    }
  }

  string(path: string, v: unknown, optional = false): string | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v === 'string' && v.length > 0) return v;
    this.expect(path, v, 'a non-empty string');
    return undefined;
  }

  number(path: string, v: unknown, opts: { optional?: boolean; min?: number; integer?: boolean; positive?: boolean } = {}): number | undefined {
    if (v === undefined && opts.optional) return undefined;
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (opts.min === undefined || v >= opts.min) &&
      (!opts.positive || v > 0) &&
      (!opts.integer || Number.isInteger(v));
    if (ok) return v;
    const what = [opts.integer ? 'an integer' : 'a number', opts.positive ? '> 0' : '', opts.min !== undefined ? `≥ ${opts.min}` : '']
      .filter(Boolean)
      .join(' ');
    this.expect(path, v, what);
    return undefined;
  }

  boolean(path: string, v: unknown, optional = false): boolean | undefined {
    if (v === undefined && optional) return undefined;
    if (typeof v === 'boolean') return v;
    this.expect(path, v, 'true or false');
    return undefined;
  }
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
