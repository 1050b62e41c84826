#!/usr/bin/env node
// Usage: node bin/run-ts.js file.ts [args...] — runs a TypeScript entry point from source.
require('reflect-metadata');
require('../scripts/ts-hook');
const path = require('node:path');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: run-ts FILE.ts [args...]');
  process.exit(2);
}
process.argv.splice(1, 1);
require(path.resolve(entry));
