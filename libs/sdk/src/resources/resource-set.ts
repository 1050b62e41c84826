// The opened resources of one code location: each opened once, on first use, and closed together.
import type { Closeable, ResourceAccess, ResourceDefinition, ResourceOpenContext } from './resource';
import { isSqlResource, type SqlResource } from './sql-resource';

export class UnknownResourceError extends Error {
  override readonly name = 'UnknownResourceError';
}

export class ResourceSet implements ResourceAccess {
  private readonly opened = new Map<string, Promise<Closeable>>();

  constructor(
    private readonly definitions: Readonly<Record<string, ResourceDefinition>>,
    private readonly openContext: ResourceOpenContext,
  ) {}

  get(name: string): Promise<Closeable> {
    const existing = this.opened.get(name);
    if (existing) return existing;
    const definition = this.definitions[name];
    if (!definition) {
      const known = Object.keys(this.definitions).sort((a, b) => a.localeCompare(b));
      return Promise.reject(new UnknownResourceError(`no resource named "${name}" (known: ${known.join(', ') || 'none'})`));
    }
    const opening = definition.open(this.openContext);
    this.opened.set(name, opening);
    // A failed open is forgotten so the next use retries instead of failing for ever.
    opening.catch(() => this.opened.delete(name));
    return opening;
  }

  async sql(name = 'warehouse'): Promise<SqlResource> {
    const resource = await this.get(name);
    if (!isSqlResource(resource)) throw new UnknownResourceError(`resource "${name}" is not a SQL resource`);
    return resource;
  }

  /** Closes every opened resource (those that failed to open are skipped). */
  async close(): Promise<void> {
    const names = [...this.opened.keys()].sort((a, b) => a.localeCompare(b));
    const pending = names.map((name) => this.opened.get(name));
    this.opened.clear();
    for (const opening of pending) {
      if (!opening) continue;
      const resource = await opening.catch(() => null);
      if (resource) await resource.close();
    }
  }
}
