// Loads a dbt project: reads target/manifest.json, running `dbt parse` first when it is missing or
// stale (the project's files, profile, target, vars or env changed since the last parse Freshet
// ran). Synchronous, because a code location module builds its definitions when it is loaded.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { DbtError } from '../errors';
import { readManifest } from '../manifest/read-manifest';
import type { DbtManifest } from '../manifest/types';
import { commonArgs, dbtEnv, dbtExecutable, type DbtCommandOptions } from './dbt-command';
import { projectFingerprint } from './project-files';

export interface LoadProjectOptions extends DbtCommandOptions {
  /**
   * A manifest.json to use as is (never parsed again), e.g. one built in CI. Default: the
   * project's target/manifest.json, refreshed with `dbt parse` when stale.
   */
  readonly manifestPath?: string;
  /** Folder `dbt parse` writes into; default `<projectDir>/target`. */
  readonly targetPath?: string;
}

export interface LoadedManifest {
  readonly manifest: DbtManifest;
  readonly manifestPath: string;
  /** True when this load ran `dbt parse`. */
  readonly parsed: boolean;
}

const STAMP_FILE = 'freshet-parse.json';

function runParse(options: LoadProjectOptions, targetPath: string): void {
  const executable = dbtExecutable(options);
  const result = spawnSync(executable, ['parse', ...commonArgs(options), '--target-path', targetPath, '--log-path', join(targetPath, 'logs'), '--no-use-colors'], {
    cwd: options.projectDir,
    env: dbtEnv(options),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) {
    const notFound = (result.error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new DbtError(notFound ? 'dbtNotFound' : 'parseFailed', notFound ? `dbt executable not found: ${executable}` : `dbt parse: ${result.error.message}`);
  }
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-30).join('\n');
    throw new DbtError('parseFailed', `dbt parse failed (exit ${result.status ?? result.signal}) in ${options.projectDir}:\n${output}`);
  }
}

export function loadManifest(options: LoadProjectOptions): LoadedManifest {
  const projectDir = resolve(options.projectDir);
  if (options.manifestPath !== undefined) {
    const path = resolve(projectDir, options.manifestPath);
    if (!existsSync(path)) throw new DbtError('manifestMissing', `manifest not found: ${path}`);
    return { manifest: readManifestFile(path), manifestPath: path, parsed: false };
  }
  if (!existsSync(join(projectDir, 'dbt_project.yml'))) throw new DbtError('manifestMissing', `${projectDir} has no dbt_project.yml`);
  const targetPath = options.targetPath === undefined ? join(projectDir, 'target') : isAbsolute(options.targetPath) ? options.targetPath : join(projectDir, options.targetPath);
  const manifestPath = join(targetPath, 'manifest.json');
  const stampPath = join(targetPath, STAMP_FILE);
  const fingerprint = projectFingerprint({
    projectDir,
    profilesDir: options.profilesDir === undefined ? projectDir : resolve(options.profilesDir),
    target: options.target ?? null,
    env: options.env ?? {},
    vars: options.vars === undefined ? null : JSON.stringify(options.vars),
    exclude: [targetPath],
  });
  let stamp: unknown = null;
  try {
    stamp = JSON.parse(readFileSync(stampPath, 'utf8'));
  } catch {
    // No stamp: this manifest was not made by Freshet, or never existed; parse.
  }
  const fresh = existsSync(manifestPath) && (stamp as { fingerprint?: unknown } | null)?.fingerprint === fingerprint;
  if (!fresh) {
    mkdirSync(targetPath, { recursive: true });
    runParse({ ...options, projectDir }, targetPath);
    writeFileSync(stampPath, `${JSON.stringify({ fingerprint })}\n`);
  }
  return { manifest: readManifestFile(manifestPath), manifestPath, parsed: !fresh };
}

export function readManifestFile(path: string): DbtManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new DbtError('manifestInvalid', `${path}: ${(error as Error).message}`);
  }
  return readManifest(raw, path);
}
