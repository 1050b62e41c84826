// Loads a code location from a module path: its default export or its `codeLocation` export.
// TypeScript modules load through the project's transpile-on-require hook when not compiled.
import { existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { isCodeLocation } from '../define/code-location';
import { DefinitionError } from '../define/errors';
import type { CodeLocation } from '../define/types';

export type LoadErrorCode = 'moduleNotFound' | 'moduleFailed' | 'noCodeLocationExport' | 'invalidDefinitions';

export class CodeLocationLoadError extends Error {
  override readonly name = 'CodeLocationLoadError';
  constructor(
    readonly code: LoadErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// From libs/sdk/src/load (sources) or dist/libs/sdk/src/load (compiled) up to the repository root.
const TS_HOOK_CANDIDATES = [4, 5].map((up) => path.resolve(__dirname, ...Array<string>(up).fill('..'), 'scripts', 'ts-hook.js'));

function ensureTypeScriptHook(): void {
  // jest's module registry has no `require.extensions` and transpiles `.ts` itself; a process
  // started through bin/run-ts.js already has the hook.
  const extensions = (require as { extensions?: Record<string, unknown> }).extensions;
  if (extensions === undefined || extensions['.ts'] !== undefined) return;
  const hook = TS_HOOK_CANDIDATES.find((candidate) => existsSync(candidate));
  if (hook === undefined) {
    throw new CodeLocationLoadError('moduleFailed', 'cannot load a TypeScript code location: the transpile hook scripts/ts-hook.js is missing (compile the code location first)');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- installing a require hook is a side-effect import by path
  require(hook);
}

function isFile(candidate: string): boolean {
  return statSync(candidate, { throwIfNoEntry: false })?.isFile() ?? false;
}

function resolveModule(modulePath: string): string {
  const absolute = path.resolve(modulePath);
  const candidates = [absolute, `${absolute}.ts`, `${absolute}.js`, path.join(absolute, 'index.ts'), path.join(absolute, 'index.js')];
  const found = candidates.find(isFile);
  if (found === undefined) {
    throw new CodeLocationLoadError('moduleNotFound', `code location module not found: ${absolute} (also tried .ts, .js and index.ts/index.js)`);
  }
  return found;
}

export function loadCodeLocation(modulePath: string): CodeLocation {
  const file = resolveModule(modulePath);
  if (file.endsWith('.ts')) ensureTypeScriptHook();
  let loaded: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading a user module chosen at run time is this function's job
    loaded = require(file) as unknown;
  } catch (error) {
    // By name as well: a module compiled elsewhere may carry its own copy of the SDK.
    if (error instanceof DefinitionError || (error instanceof Error && error.name === 'DefinitionError')) {
      throw new CodeLocationLoadError('invalidDefinitions', `${file}: invalid definitions: ${error.message}`, { cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new CodeLocationLoadError('moduleFailed', `${file}: the module failed to load: ${message}`, { cause: error });
  }
  const exports = (typeof loaded === 'object' && loaded !== null ? loaded : {}) as Record<string, unknown>;
  const candidate = [exports.default, exports.codeLocation, loaded].find(isCodeLocation);
  if (candidate === undefined) {
    const names = Object.keys(exports).sort((a, b) => a.localeCompare(b));
    throw new CodeLocationLoadError(
      'noCodeLocationExport',
      `${file}: exports no code location (expected \`export default defineCodeLocation(...)\` or \`export const codeLocation = ...\`; found exports: ${names.join(', ') || 'none'})`,
    );
  }
  return candidate;
}
