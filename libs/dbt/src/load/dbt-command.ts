// How dbt is invoked: which executable, with which project, profiles and target, in which
// environment. Shared by `dbt parse` (at load) and `dbt build` (in runs).
export interface DbtCommandOptions {
  /** The project folder (holds dbt_project.yml). */
  readonly projectDir: string;
  /** Folder of profiles.yml; default: dbt's own lookup (the project folder, then ~/.dbt). */
  readonly profilesDir?: string;
  /** Profile target; default: the profile's default target. */
  readonly target?: string;
  /** The dbt executable; default `dbt` on the PATH. */
  readonly dbtExecutable?: string;
  /**
   * The environment dbt runs in (profiles read credentials from it with env_var). Nothing else of
   * the calling process leaks in; in runs the worker's variables for user code are added on top.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** dbt `--vars`, as an object (sent as JSON). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

/** dbt must not phone home from a worker, nor ask about upgrades. */
const QUIET_ENV = { DO_NOT_TRACK: '1', DBT_SEND_ANONYMOUS_USAGE_STATS: 'false', DBT_VERSION_CHECK: 'false' };

export function dbtExecutable(options: DbtCommandOptions): string {
  return options.dbtExecutable ?? 'dbt';
}

export function dbtEnv(options: DbtCommandOptions, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of [options.env ?? {}, extra]) {
    for (const [name, value] of Object.entries(source)) if (value !== undefined) env[name] = value;
  }
  return { ...env, ...QUIET_ENV };
}

/** Arguments every dbt command gets: project, profiles, target, vars. */
export function commonArgs(options: DbtCommandOptions): string[] {
  const args = ['--project-dir', options.projectDir];
  if (options.profilesDir !== undefined) args.push('--profiles-dir', options.profilesDir);
  if (options.target !== undefined) args.push('--target', options.target);
  if (options.vars !== undefined) args.push('--vars', JSON.stringify(options.vars));
  return args;
}
