#!/usr/bin/env node
'use strict';
// Kafka is ready when a kafkajs admin's describeCluster() succeeds, polled every 250 ms.
//   node scripts/infra/wait-kafka.js [brokers (default 127.0.0.1:9092)] [timeout-seconds (default 90)]
const { main } = require('./wait.js');

const [brokers = process.env.FRESHET_KAFKA_BROKERS || '127.0.0.1:9092', seconds = '90'] = process.argv.slice(2);
main(['kafka', brokers, seconds]).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
