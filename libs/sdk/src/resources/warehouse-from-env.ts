// The warehouse a code location uses, chosen by the environment it is given:
// FRESHET_WAREHOUSE_URL = postgres://… ⇒ that Postgres; `memory://` ⇒ an in-memory PGlite;
// unset ⇒ an embedded PGlite under `<baseDir>/.freshet/warehouse`, so `freshet dev` needs nothing.
import * as path from 'node:path';
import { defineResource, type ResourceDefinition } from './resource';
import { IN_MEMORY, openPglite } from './pglite';
import { maskUrl, openPostgres } from './postgres';
import type { SqlResource } from './sql-resource';

export const WAREHOUSE_URL_VARIABLE = 'FRESHET_WAREHOUSE_URL';
export const DEFAULT_EMBEDDED_WAREHOUSE_DIR = path.join('.freshet', 'warehouse');

export type WarehouseTarget =
  | { readonly kind: 'postgres'; readonly url: string }
  | { readonly kind: 'pglite'; readonly dataDir: string };

export class WarehouseConfigError extends Error {
  override readonly name = 'WarehouseConfigError';
}

/** Decides where the warehouse is; exported so `freshet dev` can print it. */
export function warehouseTarget(env: Readonly<Record<string, string | undefined>>, baseDir: string): WarehouseTarget {
  const url = env[WAREHOUSE_URL_VARIABLE]?.trim();
  if (url === undefined || url === '') return { kind: 'pglite', dataDir: path.resolve(baseDir, DEFAULT_EMBEDDED_WAREHOUSE_DIR) };
  if (url === IN_MEMORY) return { kind: 'pglite', dataDir: IN_MEMORY };
  if (url.startsWith('pglite:')) return { kind: 'pglite', dataDir: path.resolve(baseDir, url.slice('pglite:'.length)) };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new WarehouseConfigError(
    `${WAREHOUSE_URL_VARIABLE} must be postgres://…, pglite:<dir> or memory:// (got ${maskUrl(url)})`,
  );
}

export function warehouseFromEnv(): ResourceDefinition<SqlResource> {
  return defineResource(`warehouse from ${WAREHOUSE_URL_VARIABLE}`, async (ctx) => {
    const target = warehouseTarget(ctx.env, ctx.baseDir);
    return target.kind === 'postgres' ? openPostgres(target.url) : openPglite(target.dataDir);
  });
}
