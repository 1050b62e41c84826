// What the `freshet` commands that talk to a planner's API read from the environment:
// FRESHET_API_URL (default http://127.0.0.1:8080) and FRESHET_API_TOKEN. `--api` overrides the URL.
import { EnvReader, type Env } from './env-reader';
import { InvalidConfigError } from './errors';
import { freezeWithMasking } from './mask';

export interface CliApiConfig {
  readonly url: string;
  /** Secret: masked when logged. */
  readonly token: string | undefined;
}

export const DEFAULT_API_URL = 'http://127.0.0.1:8080';

export function loadCliApiConfig(env: Env = process.env, urlOverride?: string): CliApiConfig {
  const read = new EnvReader(env);
  const url = (urlOverride ?? read.string('FRESHET_API_URL', DEFAULT_API_URL)).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s/]+/.test(url)) read.problem(urlOverride === undefined ? 'FRESHET_API_URL' : '--api', `must be an http(s) URL, got "${url}"`);
  const config = { url, token: read.optionalString('FRESHET_API_TOKEN') };
  if (read.issues.length > 0) throw new InvalidConfigError('cli', read.issues);
  return freezeWithMasking(config);
}
