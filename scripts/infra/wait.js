#!/usr/bin/env node
'use strict';
// Waits until one service really answers, for scripts/infra.sh.
//   node scripts/infra/wait.js <kafka|postgres|redis> <brokers-or-url> [timeout-seconds]
// Polls every 250 ms. On success prints one line describing what answered (cluster id, server
// version) and exits 0; on timeout prints the last error on stderr and exits 1.
const path = require('node:path');
const probes = require(path.join(__dirname, '..', '..', 'libs', 'testing', 'src', 'infra', 'probes.js'));

const PROBES = { kafka: probes.probeKafka, postgres: probes.probePostgres, redis: probes.probeRedis };

async function main(argv) {
  const [service, endpoint, seconds = '90'] = argv;
  const probe = PROBES[service];
  if (!probe || !endpoint) {
    process.stderr.write('usage: wait.js <kafka|postgres|redis> <brokers-or-url> [timeout-seconds]\n');
    return 2;
  }
  const result = await probe(endpoint, { timeoutMs: Number(seconds) * 1000, intervalMs: 250 });
  if (result.ok) {
    process.stdout.write(`${result.detail}\n`);
    return 0;
  }
  process.stderr.write(`${result.error.message}\n`);
  return 1;
}

module.exports = { main };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
