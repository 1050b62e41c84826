/** Replacement text for every secret in logged configuration. */
export const MASK = '***';

/** Field names whose values are secrets wherever they appear in a config object. */
const SECRET_FIELDS = new Set(['password', 'token']);
/** Field names whose values are URLs that may carry a password. */
const URL_FIELDS = new Set(['url']);

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; other URLs unchanged. */
export function maskUrlPassword(value: string): string {
  try {
    const url = new URL(value);
    if (url.password === '') return value;
    url.password = MASK;
    return url.toString();
  } catch {
    // Not parseable: hide anything between "//user:" and "@" so a malformed URL still never leaks.
    return value.replace(/(\/\/[^:/@]*:)[^@]*@/, `$1${MASK}@`);
  }
}

/** A plain, JSON-ready deep copy of `value` with every secret replaced by `***`. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item));
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (SECRET_FIELDS.has(key) && typeof field === 'string') copy[key] = MASK;
    else if (URL_FIELDS.has(key) && typeof field === 'string') copy[key] = maskUrlPassword(field);
    else copy[key] = maskSecrets(field);
  }
  return copy;
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Deep-freezes `value` and gives every nested object a non-enumerable `toJSON` and
 * `util.inspect` hook that return the masked copy, so `JSON.stringify(config)`,
 * `console.log(config.database)` and loggers that serialize objects never print a secret.
 */
export function freezeWithMasking<T extends object>(value: T): T {
  for (const field of Object.values(value)) {
    if (field !== null && typeof field === 'object') freezeWithMasking(field as object);
  }
  if (!Array.isArray(value)) {
    Object.defineProperty(value, 'toJSON', { value: () => maskSecrets(value), enumerable: false });
    Object.defineProperty(value, INSPECT, { value: () => maskSecrets(value), enumerable: false });
  }
  return Object.freeze(value);
}
