#!/usr/bin/env node
'use strict';
// Waits until one service really answers, for scripts/infra.sh.
//   node scripts/infra/wait.js <kafka|postgres|redis> <brokers-or-url> [timeout-seconds] [--pid N]
// Polls every 250 ms. On success prints one line describing what answered (cluster id, server
// version) and exits 0; on timeout prints the last error on stderr and exits 1.
const path = require('node:path');
const probes = require(path.join(__dirname, '..', '..', 'libs', 'testing', 'src', 'infra', 'probes.js'));

const PROBES = { kafka: probes.probeKafka, postgres: probes.probePostgres, redis: probes.probeRedis };

// `--pid N`: give up as soon as process N has exited (a broker that died while starting).
function takePid(argv) {
  const at = argv.indexOf('--pid');
  if (at === -1) return { rest: argv, pid: undefined };
  const pid = Number(argv[at + 1]);
  return { rest: [...argv.slice(0, at), ...argv.slice(at + 2)], pid: Number.isInteger(pid) ? pid : undefined };
}

function processGone(pid) {
  try {
    process.kill(pid, 0);
    return undefined;
  } catch (error) {
    return error && error.code === 'EPERM' ? undefined : `process ${pid} has exited`;
  }
}

async function main(argv) {
  const { rest, pid } = takePid(argv);
  const [service, endpoint, seconds = '90'] = rest;
  const probe = PROBES[service];
  if (!probe || !endpoint) {
    process.stderr.write('usage: wait.js <kafka|postgres|redis> <brokers-or-url> [timeout-seconds] [--pid N]\n');
    return 2;
  }
  const abortIf = pid === undefined ? undefined : () => processGone(pid);
  const result = await probe(endpoint, { timeoutMs: Number(seconds) * 1000, intervalMs: 250, abortIf });
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
