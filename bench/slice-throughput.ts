/**
 * A first throughput measurement (the full harness is its own issue): the generator through
 * connectd vs the raw librdkafka producer in one Node process, same broker, same record sizes,
 * same producer settings. Ground truth: records counted in the topic.
 *
 *   node dist/bench/slice-throughput.js [--records 1000000] [--value-size 100] [--tasks 2]
 */
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import kafka from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../tools/kafka/cluster.js';
import { ConnectdProcess } from '../tools/connectd-process.js';
import { readTopic } from '../tools/topic-reader.js';
import { generatedValue } from '../src/connectors/generator/generator-source-connector.js';

const { values: args } = parseArgs({
  options: { records: { type: 'string', default: '1000000' }, 'value-size': { type: 'string', default: '100' }, tasks: { type: 'string', default: '2' } },
});
const total = Number(args.records);
const valueSize = Number(args['value-size']);
const tasks = Number(args.tasks);
const PRODUCER = { 'linger.ms': 5, 'batch.num.messages': 10000, 'queue.buffering.max.messages': 500000, 'queue.buffering.max.kbytes': 524288, 'enable.idempotence': true };

async function rawProducer(bootstrap: string, topic: string): Promise<number> {
  const producer = new kafka.Producer({ ...PRODUCER, 'bootstrap.servers': bootstrap, dr_cb: true });
  await new Promise<void>((resolve, reject) => producer.connect({}, (err) => (err ? reject(new Error(err.message)) : resolve())));
  producer.setPollInBackground(true);
  let acked = 0;
  const done = new Promise<void>((resolve) => producer.on('delivery-report', () => ++acked === total && resolve()));
  const values = Array.from({ length: 1000 }, (_, i) => Buffer.from(generatedValue(0, i, 'connectd', valueSize)));
  const start = performance.now();
  for (let i = 0; i < total; ) {
    try {
      producer.produce(topic, null, values[i % 1000]!, `p0-${i}`, Date.now(), i);
      i++;
    } catch {
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  await done;
  const seconds = (performance.now() - start) / 1000;
  await new Promise<void>((resolve) => producer.disconnect(() => resolve()));
  return total / seconds;
}

async function connectd(bootstrap: string, topic: string, dir: string): Promise<number> {
  const partitions = Math.max(tasks, 4);
  const proc = await ConnectdProcess.start({
    dir,
    bootstrapServers: bootstrap,
    worker: Object.fromEntries(Object.entries(PRODUCER).map(([k, v]) => [`producer.${k}`, String(v)])),
    connectors: [
      {
        name: 'bench',
        'connector.class': 'GeneratorSource',
        'tasks.max': String(tasks),
        topic,
        'source.partitions': String(partitions),
        'records.per.partition': String(Math.ceil(total / partitions)),
        'value.size': String(valueSize),
      },
    ],
  });
  const start = performance.now();
  const goal = Math.ceil(total / partitions) * partitions;
  while ((await proc.metric('connectd_source_record_write_total')) < goal) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - start) / 1000;
  await proc.stop();
  return goal / seconds;
}

const cluster = await KafkaCluster.start();
const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-bench-'));
try {
  const results: Record<string, number> = {};
  for (const [name, run] of [
    ['raw-producer', (topic: string) => rawProducer(cluster.bootstrapServers, topic)],
    ['connectd', (topic: string) => connectd(cluster.bootstrapServers, topic, path.join(dir, topic))],
    ['raw-producer-2', (topic: string) => rawProducer(cluster.bootstrapServers, topic)],
    ['connectd-2', (topic: string) => connectd(cluster.bootstrapServers, topic, path.join(dir, topic))],
  ] as const) {
    const topic = `bench-${name}`;
    await cluster.createTopic(topic, { partitions: 3 });
    const rate = await run(topic);
    const inTopic = (await readTopic(cluster.bootstrapServers, topic)).length;
    results[name] = Math.round(rate);
    console.log(`${name.padEnd(16)} ${Math.round(rate).toLocaleString('en').padStart(10)} records/s  (${inTopic.toLocaleString('en')} records in the topic)`);
  }
  const out = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, librdkafka: kafka.librdkafkaVersion, kafka: cluster.kafkaVersion },
    config: { records: total, valueSize, tasks, producer: PRODUCER },
    recordsPerSecond: results,
  };
  await mkdir(path.resolve(import.meta.dirname, '../../bench/results'), { recursive: true });
  await writeFile(path.resolve(import.meta.dirname, `../../bench/results/slice-${valueSize}B-${tasks}t.json`), JSON.stringify(out, null, 2) + '\n');
} finally {
  await cluster.stop();
  await rm(dir, { recursive: true, force: true });
}
