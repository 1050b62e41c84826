#!/usr/bin/env node
// The `freshet` command. Runs the compiled CLI (built by `npm install` through `prepare`);
// falls back to the TypeScript sources when no build exists, e.g. in a fresh checkout.
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');
const compiled = path.join(__dirname, '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (fs.existsSync(compiled) && !process.env.FRESHET_FROM_SOURCE) {
  require(compiled).runCli(process.argv);
} else {
  require('../scripts/ts-hook');
  require(path.join(__dirname, '..', 'apps', 'cli', 'src', 'main.ts')).runCli(process.argv);
}
