// A local Kafka for manual work: `node dist/tools/kafka/cli.js [--brokers 3] [--data-dir DIR] [--keep-data]`.
// Prints the bootstrap servers, then runs until SIGINT/SIGTERM and stops the cluster.
import { parseArgs } from 'node:util';
import { KafkaCluster } from './cluster.js';

const { values } = parseArgs({
  options: {
    brokers: { type: 'string', default: '1' },
    'data-dir': { type: 'string' },
    'keep-data': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('usage: node dist/tools/kafka/cli.js [--brokers 1|3] [--data-dir DIR] [--keep-data]');
  process.exit(0);
}
const brokers = Number(values.brokers);
if (brokers !== 1 && brokers !== 3) {
  console.error(`--brokers must be 1 or 3, got ${values.brokers}`);
  process.exit(2);
}

const started = Date.now();
const cluster = await KafkaCluster.start({ brokers, ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}) });
console.log(`Kafka ${cluster.kafkaVersion}, ${brokers} node(s), ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
for (const n of cluster.nodes) console.log(`  node ${n.nodeId}: 127.0.0.1:${n.port} pid ${n.pid ?? '-'} logs ${n.dir}/server.log`);
console.log(`bootstrap.servers=${cluster.bootstrapServers}`);
console.log('Ctrl-C to stop.');

const keepAlive = setInterval(() => undefined, 1 << 30); // signal handlers alone do not keep Node running
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping Kafka`);
  cluster.stop({ keepData: values['keep-data'] }).then(
    () => {
      clearInterval(keepAlive);
      console.log(values['keep-data'] ? `stopped; data kept in ${cluster.dataDir}` : 'stopped');
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
      clearInterval(keepAlive);
    },
  );
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
