// Runs TypeScript sources directly (benchmarks, scripts, services spawned by tests) by
// transpiling with swc on require and resolving the @freshet/* path aliases. Type checking is
// `npm run typecheck`'s job; this only transpiles, with decorator metadata for NestJS.
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '..');
const aliases = /^@freshet\/(domain|contracts|config|messaging|storage|cache|sdk|dbt|testing|runtime|api|observability)(\/.*)?$/;

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, parent, ...rest) {
  const m = aliases.exec(request);
  if (m) request = path.join(root, 'libs', m[1], 'src', m[2] ?? '');
  return originalResolve.call(this, request, parent, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
