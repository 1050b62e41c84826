#!/usr/bin/env node
// Fails when any import cycle exists among the TypeScript sources (apps and libs).
const madge = require('madge');

madge(['apps', 'libs'], {
  fileExtensions: ['ts'],
  tsConfig: 'tsconfig.json',
  excludeRegExp: [/\.spec\.ts$/, /node_modules/],
  detectiveOptions: { ts: { skipTypeImports: true } },
})
  .then((res) => {
    const cycles = res.circular();
    if (cycles.length > 0) {
      console.error(`import cycles found (${cycles.length}):`);
      for (const c of cycles) console.error('  ' + c.join(' -> '));
      process.exit(1);
    }
    console.log(`no import cycles among ${Object.keys(res.obj()).length} modules`);
  })
  .catch((e) => {
    console.error('cycle check failed to run:', e);
    process.exit(1);
  });
