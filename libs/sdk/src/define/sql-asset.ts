// `sqlAsset({...})`: an asset materialized by SQL statements run against a SQL resource. Values
// reach the statement only as bound parameters (`$1..$n`), never by string interpolation.
import { sha256Hex } from '../util/hash';
import { DefinitionError } from './errors';
import { checkSpecFields, specFromFields, timeoutMs } from './validate-fields';
import type { AssetDefinition, AssetSpecFields, ComputeContext, ComputeFn, ExecutionOptions, Metadata } from './types';

export interface SqlAssetOptions extends AssetSpecFields, ExecutionOptions {
  /** One statement, or several run in order in one transaction. Placeholders `$1..$n`. */
  readonly sql: string | readonly string[];
  /** The parameter values, bound by the driver. Each statement receives the first n it uses. */
  readonly params?: (ctx: ComputeContext) => readonly unknown[];
  /** Resource name; default `warehouse`. */
  readonly resource?: string;
}

/** The highest `$n` placeholder a statement uses (0 when none). */
export function highestPlaceholder(statement: string): number {
  let highest = 0;
  for (const match of statement.matchAll(/\$(\d+)/g)) highest = Math.max(highest, Number(match[1]));
  return highest;
}

/** A code version derived from the statements, so editing the SQL makes the asset's code stale. */
export function sqlCodeVersion(statements: readonly string[]): string {
  return `sql-${sha256Hex(...statements.map((s) => s.trim())).slice(0, 16)}`;
}

export function sqlAsset(options: SqlAssetOptions): AssetDefinition {
  checkSpecFields(options, 'sqlAsset()');
  const statements = typeof options.sql === 'string' ? [options.sql] : [...options.sql];
  if (statements.length === 0 || statements.some((s) => typeof s !== 'string' || s.trim() === '')) {
    throw new DefinitionError('invalidSpec', `${options.key}: sql must be a non-empty statement or list of statements`);
  }
  const resourceName = options.resource ?? 'warehouse';
  const codeVersion = options.codeVersion ?? sqlCodeVersion(statements);

  const compute: ComputeFn = async (ctx) => {
    const params = options.params ? options.params(ctx) : [];
    const needed = Math.max(...statements.map(highestPlaceholder));
    if (needed > params.length) {
      throw new DefinitionError('invalidSpec', `${ctx.asset}: the SQL uses $${needed} but params gives ${params.length} value(s)`);
    }
    const warehouse = await ctx.resources.sql(resourceName);
    const rowCounts = await warehouse.transaction(async (tx) => {
      const counts: (number | null)[] = [];
      for (const statement of statements) {
        const bound = params.slice(0, highestPlaceholder(statement));
        const result = await tx.query(statement, bound);
        counts.push(result.rowCount);
      }
      return counts;
    });
    ctx.logger.info('sql asset executed', { statements: statements.length, rowCounts });
    const metadata: Metadata = { statements: statements.length, rowCount: rowCounts[rowCounts.length - 1] ?? null };
    return { metadata };
  };

  return {
    definitionKind: 'asset',
    type: 'sql',
    spec: specFromFields(options, { codeVersion }),
    compute,
    timeoutMs: timeoutMs(options.timeoutSeconds, options.key),
    describe: statements.join(';\n'),
  };
}
