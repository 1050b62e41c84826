// Resources are the connections a code location's functions use (a warehouse, an API client).
// They are declared as factories and opened lazily, on first use, so that loading a code location
// to publish its specs never opens a database.
import type { Closeable } from './closeable';
import type { SqlResource } from './sql-resource';

export type { Closeable };

/** What a resource factory may read: the environment it is given (never process.env directly). */
export interface ResourceOpenContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Directory relative paths (like an embedded database's data dir) resolve against. */
  readonly baseDir: string;
}

export interface ResourceDefinition<T extends Closeable = Closeable> {
  readonly definitionKind: 'resource';
  readonly description: string;
  open(ctx: ResourceOpenContext): Promise<T>;
}

export function defineResource<T extends Closeable>(
  description: string,
  open: (ctx: ResourceOpenContext) => Promise<T>,
): ResourceDefinition<T> {
  return { definitionKind: 'resource', description, open };
}

/** How compute and observe functions reach resources. */
export interface ResourceAccess {
  /** The opened resource; opened on first call, shared afterwards. */
  get(name: string): Promise<Closeable>;
  /** The named resource as a SQL resource (default name `warehouse`). */
  sql(name?: string): Promise<SqlResource>;
}
