#!/usr/bin/env node
// The `freshet` command. Runs the compiled CLI (built by `npm install` through `prepare`), or the
// TypeScript sources when there is no build, when a source file changed after the build (a stale
// build would silently run old code), or when FRESHET_FROM_SOURCE is set.
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'apps', 'cli', 'src', 'main.js');

/** Newest modification time of the TypeScript sources under apps/ and libs/ (a few hundred files). */
function newestSourceMtime() {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  for (const top of ['apps', 'libs']) if (fs.existsSync(path.join(root, top))) walk(path.join(root, top));
  return newest;
}

function useBuild() {
  if (process.env.FRESHET_FROM_SOURCE || !fs.existsSync(compiled)) return false;
  return fs.statSync(compiled).mtimeMs >= newestSourceMtime();
}

if (useBuild()) {
  require(compiled).runCli(process.argv);
} else {
  require('../scripts/ts-hook');
  require(path.join(root, 'apps', 'cli', 'src', 'main.ts')).runCli(process.argv);
}
