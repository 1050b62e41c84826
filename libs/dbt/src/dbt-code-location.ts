// A whole code location made from a dbt project folder alone, for `freshet dev path/to/project`
// and for teams whose code location is nothing but dbt: every dbt asset and source, and a
// `warehouse` resource for observing the sources (the Postgres the dbt profile builds in).
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { defineCodeLocation, warehouseFromEnv, type CodeLocation, type ResourceDefinition } from '@freshet/sdk';
import { dbtAssets, type DbtAssetsOptions, type DbtProjectAssets } from './dbt-assets';
import { DbtError } from './errors';

/** The dbt project folder `path` names (the folder, or its dbt_project.yml); null when it is none. */
export function findDbtProject(path: string): string | null {
  const full = resolve(path);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return null;
  if (stat.isFile()) return basename(full) === 'dbt_project.yml' ? dirname(full) : null;
  return stat.isDirectory() && existsSync(join(full, 'dbt_project.yml')) ? full : null;
}

export interface DbtCodeLocationOptions extends Omit<DbtAssetsOptions, 'projectDir'> {
  /** Code location name; default the dbt project's name. */
  readonly locationName?: string;
  /**
   * The resource sources are observed through (named by `warehouseResource`, default `warehouse`).
   * Default: the warehouse from FRESHET_WAREHOUSE_URL in the environment the code location is
   * opened with; point it at the database the dbt profile builds in.
   */
  readonly warehouse?: ResourceDefinition;
}

export interface DbtCodeLocation {
  readonly location: CodeLocation;
  readonly project: DbtProjectAssets;
}

/**
 * Builds a code location from a dbt project folder. profiles.yml is looked up in the project
 * folder first (then dbt's default, ~/.dbt); the dbt executable is `options.dbtExecutable`, else
 * FRESHET_DBT in `options.env`, else `dbt` on the PATH.
 */
export function dbtCodeLocation(path: string, options: DbtCodeLocationOptions = {}): DbtCodeLocation {
  const projectDir = findDbtProject(path);
  if (projectDir === null) throw new DbtError('manifestMissing', `${resolve(path)} is not a dbt project (no dbt_project.yml)`);
  const profilesDir = options.profilesDir ?? (existsSync(join(projectDir, 'profiles.yml')) ? projectDir : undefined);
  const dbtExecutable = options.dbtExecutable ?? options.env?.FRESHET_DBT ?? undefined;
  const project = dbtAssets({
    ...options,
    projectDir,
    ...(profilesDir === undefined ? {} : { profilesDir }),
    ...(dbtExecutable === undefined ? {} : { dbtExecutable }),
  });
  const name = options.locationName ?? (project.graph.manifest.projectName.replace(/[^A-Za-z0-9_.-]/g, '_') || 'dbt');
  const location = defineCodeLocation({
    name,
    assets: project.assets,
    sources: project.sources,
    resources: { [options.warehouseResource ?? 'warehouse']: options.warehouse ?? warehouseFromEnv() },
  });
  return { location, project };
}
