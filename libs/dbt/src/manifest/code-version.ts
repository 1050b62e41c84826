// A dbt resource's code version: a hash of the SQL dbt compiles it from, normalized so that
// cosmetic edits (comments, indentation, blank lines, spacing around commas and parentheses)
// change nothing, while any change to what runs does. "What runs" is the model's Jinja-SQL, the
// project and package macros it calls (transitively: editing a macro rebuilds its users), and the
// config that decides how it is built (materialization, snapshot strategy). dbt's own macros and
// the adapter's are left out, so upgrading dbt does not rebuild the whole warehouse.
import { createHash } from 'node:crypto';
import type { DbtManifest, DbtNode } from './types';

/**
 * Removes SQL comments (`-- …`, `/* … *\/`) and Jinja comments (`{# … #}`), collapses whitespace
 * to one space, and drops spaces next to `, ( ) ; { } %`. String literals ('…' and "…")
 * are copied untouched, so `'a  b'` and `'a b'` stay different.
 */
export function normalizeSql(sql: string): string {
  let out = '';
  let i = 0;
  let pendingSpace = false;
  const emit = (text: string): void => {
    if (pendingSpace && out !== '' && !/[,();{}%]$/.test(out) && !/^[,();{}%]/.test(text)) out += ' ';
    pendingSpace = false;
    out += text;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
      pendingSpace = true;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
      pendingSpace = true;
    } else if (ch === '{' && next === '#') {
      const end = sql.indexOf('#}', i + 2);
      i = end === -1 ? sql.length : end + 2;
      pendingSpace = true;
    } else if (ch === "'" || ch === '"') {
      // A quoted string or identifier; a doubled quote inside is an escaped quote.
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === ch) {
          if (sql[j + 1] === ch) j += 2;
          else break;
        } else j++;
      }
      emit(sql.slice(i, j + 1));
      i = j + 1;
    } else if (/\s/.test(ch)) {
      pendingSpace = true;
      i++;
    } else {
      let j = i + 1;
      while (j < sql.length && !/[\s'"]/.test(sql[j] as string) && !isCommentStart(sql, j)) j++;
      emit(sql.slice(i, j));
      i = j;
    }
  }
  return out;
}

function isCommentStart(sql: string, j: number): boolean {
  const pair = sql.slice(j, j + 2);
  return pair === '--' || pair === '/*' || pair === '{#';
}

/** Macros that ship with dbt or with the adapter: not the project's code. */
function isBuiltInPackage(packageName: string, adapterType: string): boolean {
  return packageName === 'dbt' || packageName === `dbt_${adapterType}`;
}

/** The project and package macros a node calls, transitively, sorted by unique id. */
export function userMacrosOf(node: DbtNode, manifest: DbtManifest): string[] {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    if (seen.has(id)) return;
    const macro = manifest.macros.get(id);
    if (!macro || isBuiltInPackage(macro.packageName, manifest.adapterType)) return;
    seen.add(id);
    for (const inner of macro.dependsOnMacros) visit(inner);
  };
  for (const id of node.dependsOnMacros) visit(id);
  return [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Config keys that change what a build does (not how it is described). */
const BUILD_CONFIG_KEYS = ['materialized', 'incremental_strategy', 'unique_key', 'strategy', 'check_cols', 'updated_at', 'on_schema_change'];

/**
 * The code version of a model, seed or snapshot: `dbt-<16 hex>`. A seed's code is its CSV, so its
 * version is dbt's checksum of the file.
 */
export function dbtCodeVersion(node: DbtNode, manifest: DbtManifest): string {
  const hash = createHash('sha256');
  if (node.resourceType === 'seed') {
    hash.update(`seed\u0000${node.checksum}`);
    return `dbt-${hash.digest('hex').slice(0, 16)}`;
  }
  hash.update(`${node.resourceType}\u0000${normalizeSql(node.rawCode)}\u0000`);
  const config: Record<string, unknown> = {};
  for (const key of BUILD_CONFIG_KEYS) if (node.config[key] !== undefined && node.config[key] !== null) config[key] = node.config[key];
  hash.update(`${JSON.stringify(config)}\u0000`);
  for (const id of userMacrosOf(node, manifest)) {
    hash.update(`${id}\u0000${normalizeSql(manifest.macros.get(id)?.macroSql ?? '')}\u0000`);
  }
  return `dbt-${hash.digest('hex').slice(0, 16)}`;
}
