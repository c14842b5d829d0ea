/**
 * `npm run demo`: a local single-node Kafka on 127.0.0.1, then connectd in standalone mode with the
 * built-in generator streaming into a topic and the file sink copying that topic into a file (both
 * halves of Kafka Connect in one daemon). Prints progress every two seconds and where the REST API
 * and /metrics are; stops after `--seconds N` (default 30) or on Ctrl-C, then counts the topic and
 * checks the sink's file against it.
 *
 *   npm run demo                       # 30 s
 *   npm run demo -- --seconds 0        # until Ctrl-C
 *   npm run demo -- --tasks 4 --value-size 1024
 */
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { KafkaCluster } from './kafka/cluster.js';
import { ConnectdProcess } from './connectd-process.js';
import { readTopic } from './topic-reader.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    tasks: { type: 'string', default: '2' },
    'value-size': { type: 'string', default: '100' },
    'rest-port': { type: 'string', default: '8083' },
  },
});
const seconds = Number(args.seconds);
const TOPIC = 'connectd-demo';
const dir = path.resolve(fileURLToPath(new URL('../../.cache/demo', import.meta.url)));

const SINK_FILE = path.join(dir, 'sink.txt');

const say = (line: string): void => console.log(`demo | ${line}`);

await rm(dir, { recursive: true, force: true });
say('starting a single-node Kafka (KRaft) on 127.0.0.1 …');
const started = Date.now();
const cluster = await KafkaCluster.start({ dataDir: path.join(dir, 'kafka') });
say(`Kafka ${cluster.kafkaVersion} is up at ${cluster.bootstrapServers} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
await cluster.createTopic(TOPIC, { partitions: 3 });

let connectd: ConnectdProcess | undefined;
const cleanUp = async (): Promise<void> => {
  await connectd?.kill().catch(() => undefined);
  await cluster.stop({ keepData: false });
};

try {
  connectd = await ConnectdProcess.start({
    dir: path.join(dir, 'connectd'),
    bootstrapServers: cluster.bootstrapServers,
    port: Number(args['rest-port']),
    // The sink writes below the demo's directory, and nowhere else (allowed.paths, docs/security.md).
    worker: { 'offset.flush.interval.ms': '2000', 'allowed.paths': dir },
    connectors: [
      {
        name: 'demo-generator',
        'connector.class': 'GeneratorSource',
        'tasks.max': args.tasks,
        topic: TOPIC,
        'source.partitions': String(Math.max(4, Number(args.tasks))),
        'value.size': args['value-size'],
      },
      {
        name: 'demo-file-sink',
        'connector.class': 'FileStreamSink',
        'tasks.max': '1',
        topics: TOPIC,
        file: SINK_FILE,
      },
    ],
  });
  say(`connectd is running (pid ${connectd.pid}); its log: ${connectd.logFile}`);
  say(`REST API:  ${connectd.url}/connectors/demo-generator/status`);
  say(`metrics:   ${connectd.url}/metrics`);
  say(`offsets:   ${connectd.offsetsFile}`);
  say(`sink file: ${SINK_FILE}`);
  say(
    seconds > 0
      ? `streaming into topic '${TOPIC}' for ${seconds} s (Ctrl-C stops early) …`
      : `streaming into topic '${TOPIC}' until Ctrl-C …`,
  );

  const proc = connectd;
  let interrupted = false;
  const interrupt = new Promise<void>((resolve) => {
    process.once('SIGINT', () => {
      interrupted = true;
      resolve();
    });
  });
  const t0 = Date.now();
  let last = 0;
  let lastAt = t0;
  while (!interrupted && (seconds <= 0 || Date.now() - t0 < seconds * 1000)) {
    await Promise.race([new Promise((r) => setTimeout(r, 2000)), interrupt]);
    const written = await proc.metric('connectd_source_record_write_total');
    const inFlight = await proc.metric('connectd_source_active_records');
    const status = await proc.status('demo-generator');
    const sunk = await proc.metric('connectd_sink_record_send_total');
    const now = Date.now();
    const rate = ((written - last) / ((now - lastAt) / 1000)) | 0;
    say(
      `${((now - t0) / 1000).toFixed(0).padStart(3)} s  acked ${written.toLocaleString('en')} records  ` +
        `(${rate.toLocaleString('en')}/s)  in flight ${inFlight}  tasks ${status.tasks.map((t) => `${t.id}:${t.state}`).join(' ')}  ` +
        `sink put ${sunk.toLocaleString('en')}`,
    );
    last = written;
    lastAt = now;
  }

  say('stopping connectd (SIGTERM: drain in-flight records, commit offsets) …');
  const code = await proc.stop();
  const committed = await proc.committedOffsets('demo-generator');
  say(`connectd exited with code ${code}; committed offsets: ${[...committed].map(([p, o]) => `${p}→${JSON.stringify(o)}`).join('  ')}`);
  const inTopic = await readTopic(cluster.bootstrapServers, TOPIC);
  const expected = [...committed.values()].reduce((sum, o) => sum + Number(o.seq) + 1, 0);
  const distinct = new Set(inTopic.map((r) => r.key)).size;
  say(
    `topic '${TOPIC}' holds ${inTopic.length.toLocaleString('en')} records, ${distinct.toLocaleString('en')} distinct; the committed offsets account for ${expected.toLocaleString('en')}.`,
  );
  say(
    inTopic.length === expected && distinct === expected
      ? 'every record is there exactly once.'
      : 'MISMATCH between the topic and the committed offsets!',
  );
  // The sink copies values: every line of its file is a value of the topic (at least once).
  const lines = (await readFile(SINK_FILE, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
  const values = new Set(inTopic.map((r) => r.value));
  const foreign = lines.filter((l) => !values.has(l)).length;
  say(
    `the file sink wrote ${lines.length.toLocaleString('en')} lines (${new Set(lines).size.toLocaleString('en')} distinct) of the topic's ${inTopic.length.toLocaleString('en')} records${foreign === 0 ? '; every line is a record of the topic' : `; ${foreign} lines are NOT in the topic!`}.`,
  );
  const sample = inTopic[0];
  if (sample) say(`first record: key=${sample.key} value=${sample.value?.slice(0, 80)}… headers=${JSON.stringify(sample.headers)}`);
} finally {
  await cleanUp();
  say('Kafka stopped; done.');
}
