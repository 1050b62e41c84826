import { type ConfigIssue } from './errors';

/** The environment as a plain record; `process.env` fits, and tests pass their own. */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Reads variables one by one and collects every problem instead of throwing at the first, so
 * `loadConfig` can report them all together. Each method returns a usable fallback value after
 * recording an issue; the caller throws once at the end if any issue was recorded.
 * An empty or whitespace-only value counts as unset (shells and compose files produce them).
 */
export class EnvReader {
  private readonly found: ConfigIssue[] = [];

  constructor(private readonly env: Env) {}

  get issues(): readonly ConfigIssue[] {
    return this.found;
  }

  private raw(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  }

  private fail(variable: string, message: string): void {
    this.found.push({ variable, message });
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  requiredString(name: string, why: string): string {
    const value = this.raw(name);
    if (value === undefined) {
      this.fail(name, `is required (${why})`);
      return '';
    }
    return value;
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value)) {
      this.fail(name, `must be an integer, got "${value}"`);
      return fallback;
    }
    const parsed = Number(value);
    if (parsed < range.min || parsed > range.max) {
      this.fail(name, `must be between ${range.min} and ${range.max}, got ${parsed}`);
      return fallback;
    }
    return parsed;
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const lower = value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(lower)) return true;
    if (['false', '0', 'no', 'off'].includes(lower)) return false;
    this.fail(name, `must be a boolean (true/false/1/0/yes/no/on/off), got "${value}"`);
    return fallback;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: undefined): T | undefined;
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T | undefined): T | undefined {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const match = allowed.find((candidate) => candidate === value.toLowerCase());
    if (match === undefined) {
      this.fail(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
      return fallback;
    }
    return match;
  }

  /** A URL whose scheme is one of `protocols` (without the trailing colon). The value is not echoed: it may hold a password. */
  url(name: string, fallback: string, protocols: readonly string[]): string {
    const value = this.raw(name) ?? fallback;
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      this.fail(name, 'must be a valid URL');
      return fallback;
    }
    const scheme = parsed.protocol.replace(/:$/, '');
    if (!protocols.includes(scheme)) {
      this.fail(name, `must use one of the schemes ${protocols.join(', ')}, got "${scheme}"`);
      return fallback;
    }
    return value;
  }

  /** Comma-separated `host:port` pairs. */
  hostPortList(name: string, fallback: string): string[] {
    const value = this.raw(name) ?? fallback;
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    if (entries.length === 0) {
      this.fail(name, 'must list at least one host:port');
      return [fallback];
    }
    const bad = entries.filter((entry) => !/^[^\s:,]+:\d{1,5}$/.test(entry) || Number(entry.split(':').pop()) > 65535);
    if (bad.length > 0) {
      this.fail(name, `every entry must be host:port, bad: ${bad.join(', ')}`);
    }
    return entries;
  }

  /** Records a cross-variable problem (for example SASL username without password). */
  problem(name: string, message: string): void {
    this.fail(name, message);
  }
}
