// Ready-made observe functions for the common sources.
import { fileContentHash, modifiedTime } from './file-helpers';
import { sqlQueryResult } from './sql-query-result';
import type { ObserveContext, ObserveFn } from '../define/types';

/** Observes a file or folder by content hash: a new version only when bytes change. */
export function observeFileContent(target: string | ((ctx: ObserveContext) => string)): ObserveFn {
  return async (ctx) => {
    const where = typeof target === 'string' ? target : target(ctx);
    const version = await fileContentHash(where);
    const updatedAt = version === null ? null : await modifiedTime(where);
    if (version === null) return null;
    return { dataVersion: version, ...(updatedAt === null ? {} : { dataTime: updatedAt }) };
  };
}

/** Observes a file or folder by its latest modification time (cheap; touches count as changes). */
export function observeModifiedTime(target: string | ((ctx: ObserveContext) => string)): ObserveFn {
  return async (ctx) => {
    const updatedAt = await modifiedTime(typeof target === 'string' ? target : target(ctx));
    return updatedAt === null ? null : { dataVersion: `mtime-${Math.floor(updatedAt)}`, dataTime: updatedAt };
  };
}

/** Observes a query's result on a SQL resource (default `warehouse`); params are bound. */
export function observeQuery(
  sql: string,
  options: { readonly params?: (ctx: ObserveContext) => readonly unknown[]; readonly resource?: string } = {},
): ObserveFn {
  return async (ctx) => {
    const warehouse = await ctx.resources.sql(options.resource ?? 'warehouse');
    return { dataVersion: await sqlQueryResult(warehouse, sql, options.params ? options.params(ctx) : []) };
  };
}
