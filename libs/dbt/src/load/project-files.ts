// Where a dbt project's files are, and a fingerprint of everything `dbt parse` reads, so a stale
// manifest (older than the project's files) is noticed and parsed again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Folders dbt writes or that never hold project sources. */
const SKIPPED_DIRS = new Set(['target', 'logs', 'node_modules', '.git', '.venv', 'venv', '__pycache__']);

function listFiles(root: string, dir: string, out: string[], exclude: ReadonlySet<string>): void {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (SKIPPED_DIRS.has(entry.name) || exclude.has(path) || (dir === root && entry.name.startsWith('.'))) continue;
      listFiles(root, path, out, exclude);
    } else if (entry.isFile()) {
      out.push(path);
    }
  }
}

export interface FingerprintInput {
  readonly projectDir: string;
  readonly profilesDir: string | null;
  readonly target: string | null;
  /** The environment dbt is given (its Jinja may read any of it with env_var): part of the fingerprint. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly vars: string | null;
  /** Absolute folders to leave out (where dbt writes its artifacts). */
  readonly exclude?: readonly string[];
}

/** sha256 over the project's files (path and content), the profile, the target, vars and env. */
export function projectFingerprint(input: FingerprintInput): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  listFiles(input.projectDir, input.projectDir, files, new Set(input.exclude ?? []));
  for (const file of files) {
    hash.update(`${relative(input.projectDir, file).split(sep).join('/')}\u0000`);
    hash.update(readFileSync(file));
    hash.update('\u0000');
  }
  if (input.profilesDir !== null) {
    const profiles = join(input.profilesDir, 'profiles.yml');
    try {
      if (statSync(profiles).isFile()) hash.update(readFileSync(profiles));
    } catch {
      // No profiles.yml there: dbt will say so when it parses.
    }
  }
  hash.update(`\u0000target=${input.target ?? ''}\u0000vars=${input.vars ?? ''}\u0000`);
  const env = Object.entries(input.env)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  hash.update(JSON.stringify(env));
  return hash.digest('hex');
}
