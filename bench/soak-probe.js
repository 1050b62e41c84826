'use strict';
// Preloaded into each service by `npm run soak` (NODE_OPTIONS=--require): appends the process's
// memory (RSS, heap) as a JSON line to $SOAK_PROBE_DIR/<pid>.jsonl every SOAK_PROBE_MS.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.SOAK_PROBE_DIR;
if (dir) {
  const file = path.join(dir, `${process.pid}.jsonl`);
  const every = Number(process.env.SOAK_PROBE_MS || '5000');
  const sample = () => {
    const m = process.memoryUsage();
    fs.appendFileSync(file, `${JSON.stringify({ t: Date.now(), rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external })}\n`);
  };
  sample();
  setInterval(sample, every).unref();
}
