// `shellAsset({...})`: an asset materialized by running a program. It is spawned directly with an
// argument list, never through a shell, so no argument is ever parsed as shell syntax.
import { spawn } from 'node:child_process';
import { DefinitionError } from './errors';
import { checkSpecFields, specFromFields, timeoutMs } from './validate-fields';
import type { AssetDefinition, AssetSpecFields, ComputeContext, ComputeFn, ExecutionOptions } from './types';

export interface ShellAssetOptions extends AssetSpecFields, ExecutionOptions {
  readonly command: string;
  readonly args?: readonly string[] | ((ctx: ComputeContext) => readonly string[]);
  /** Added to the environment the executor was given. */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
}

/** A line `FRESHET_DATA_VERSION=<v>` on stdout sets the data version of the materialization. */
export const DATA_VERSION_LINE = /^FRESHET_DATA_VERSION=(\S+)\s*$/;

export function shellAsset(options: ShellAssetOptions): AssetDefinition {
  checkSpecFields(options, 'shellAsset()');
  if (typeof options.command !== 'string' || options.command === '') {
    throw new DefinitionError('invalidSpec', `${options.key}: command must be a non-empty string`);
  }
  const compute: ComputeFn = (ctx) =>
    new Promise((resolve, reject) => {
      const args = typeof options.args === 'function' ? options.args(ctx) : (options.args ?? []);
      const env: Record<string, string> = {};
      for (const [name, value] of Object.entries(ctx.env)) if (value !== undefined) env[name] = value;
      Object.assign(env, options.env ?? {}, {
        FRESHET_RUN_ID: ctx.runId,
        FRESHET_ASSET: ctx.asset,
        FRESHET_PARTITION: ctx.partition ?? '',
      });
      const child = spawn(options.command, [...args], {
        shell: false,
        env,
        cwd: options.cwd,
        signal: ctx.signal,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let dataVersion: string | undefined;
      const lines = (stream: NodeJS.ReadableStream, log: (line: string) => void): void => {
        let pending = '';
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          pending += chunk;
          const parts = pending.split('\n');
          pending = parts.pop() ?? '';
          parts.forEach(log);
        });
        stream.on('end', () => pending !== '' && log(pending));
      };
      lines(child.stdout, (line) => {
        const match = DATA_VERSION_LINE.exec(line);
        if (match?.[1]) dataVersion = match[1];
        else ctx.logger.info(line, { stream: 'stdout' });
      });
      lines(child.stderr, (line) => ctx.logger.warn(line, { stream: 'stderr' }));
      child.on('error', reject);
      child.on('close', (exitCode, signal) => {
        if (exitCode === 0) {
          resolve({ ...(dataVersion ? { dataVersion } : {}), metadata: { exitCode } });
        } else {
          reject(new Error(`${options.command} exited with ${exitCode === null ? `signal ${signal}` : `code ${exitCode}`}`));
        }
      });
    });

  return {
    definitionKind: 'asset',
    type: 'shell',
    spec: specFromFields(options),
    compute,
    timeoutMs: timeoutMs(options.timeoutSeconds, options.key),
    describe: [options.command, ...(typeof options.args === 'function' ? ['<args from context>'] : (options.args ?? []))].join(' '),
  };
}
