/**
 * Kafka's Java producer and consumer settings (worker producer.* / consumer.*, connector
 * producer.override.* / consumer.override.*) reach librdkafka with the Java meaning: each checked
 * in the configuration librdkafka itself holds (its debug=conf dump), not only in the translated
 * map. Java-only settings are ignored with a warning, unknown keys refused by name at validation.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import { parseWorkerConfig } from '../../../src/main-thread/config/worker-config.js';
import { WorkerConfigException } from '../../../src/main-thread/config/worker-config.js';
import {
  JAVA_CLIENT_KEYS,
  LIBRDKAFKA_KEYS,
  javaClientKeysMarkdown,
  translateClientKeys,
} from '../../../src/main-thread/config/java-client-keys.js';
import { consumerOverrides, producerOverrides } from '../../../src/main-thread/runtime/client-overrides.js';
import { taskProducerConfig } from '../../../src/main-thread/runtime/producer-config.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';
import { effectiveConfig } from '../../fixtures/librdkafka-config.js';

const BASE = { 'bootstrap.servers': '127.0.0.1:1', 'offset.storage.file.filename': '/tmp/o', 'key.converter': 'x', 'value.converter': 'x' };
const worker = (extra: Record<string, string>) => parseWorkerConfig({ ...BASE, ...extra }, 'standalone', '/tmp');
const problemsOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigException) return err.problems;
    throw err;
  }
  return [];
};

/** Java key, its value, librdkafka's canonical name in the dump, the value librdkafka holds. */
type Case = [java: string, value: string, librdkafka: string, effective: string];

const PRODUCER_CASES: Case[] = [
  ['acks', '1', 'request.required.acks', '1'],
  ['linger.ms', '7', 'queue.buffering.max.ms', '7'],
  ['batch.size', '12345', 'batch.size', '12345'],
  ['compression.type', 'zstd', 'compression.codec', 'zstd'],
  ['max.request.size', '2000000', 'message.max.bytes', '2000000'],
  ['buffer.memory', '2097152', 'queue.buffering.max.kbytes', '2048'],
  ['delivery.timeout.ms', '123456', 'message.timeout.ms', '123456'],
  ['request.timeout.ms', '23456', 'request.timeout.ms', '23456'],
  ['retries', '7', 'message.send.max.retries', '7'],
  ['retry.backoff.ms', '150', 'retry.backoff.ms', '150'],
  ['enable.idempotence', 'false', 'enable.idempotence', 'false'],
  ['max.in.flight.requests.per.connection', '3', 'max.in.flight.requests.per.connection', '3'],
  ['client.id', 'java-named', 'client.id', 'java-named'],
  ['send.buffer.bytes', '-1', 'socket.send.buffer.bytes', '0'],
  ['metadata.max.age.ms', '60000', 'metadata.max.age.ms', '60000'],
];

const CONSUMER_CASES: Case[] = [
  ['group.id', 'java-group', 'group.id', 'java-group'],
  ['fetch.min.bytes', '10', 'fetch.min.bytes', '10'],
  ['fetch.max.bytes', '1000000', 'fetch.max.bytes', '1000000'],
  ['fetch.max.wait.ms', '333', 'fetch.wait.max.ms', '333'],
  ['max.partition.fetch.bytes', '70000', 'fetch.message.max.bytes', '70000'],
  ['auto.offset.reset', 'none', 'auto.offset.reset', 'error'],
  ['isolation.level', 'read_uncommitted', 'isolation.level', 'read_uncommitted'],
  ['session.timeout.ms', '30000', 'session.timeout.ms', '30000'],
  ['heartbeat.interval.ms', '2000', 'heartbeat.interval.ms', '2000'],
  ['max.poll.interval.ms', '400000', 'max.poll.interval.ms', '400000'],
  ['auto.commit.interval.ms', '3000', 'auto.commit.interval.ms', '3000'],
  ['enable.auto.commit', 'false', 'enable.auto.commit', 'false'],
  [
    'partition.assignment.strategy',
    'org.apache.kafka.clients.consumer.CooperativeStickyAssignor',
    'partition.assignment.strategy',
    'cooperative-sticky',
  ],
  ['request.timeout.ms', '40000', 'socket.timeout.ms', '40000'],
  ['receive.buffer.bytes', '65536', 'socket.receive.buffer.bytes', '65536'],
];

const prefixed = (prefix: string, cases: Case[]) => Object.fromEntries(cases.map(([k, v]) => [`${prefix}${k}`, v]));

t.test("worker producer.* in Java's names: librdkafka holds each with the Java meaning", async (t) => {
  const config = worker(prefixed('producer.', PRODUCER_CASES));
  const effective = await effectiveConfig('producer', { ...config.producer, 'bootstrap.servers': config.bootstrapServers });
  for (const [java, value, name, expected] of PRODUCER_CASES)
    t.equal(effective.get(name), expected, `producer.${java}=${value} → ${name}=${expected}`);
});

t.test('acks=all with idempotence, as Kafka Connect writes it, is -1 in librdkafka', async (t) => {
  const config = worker({ 'producer.acks': 'all', 'producer.enable.idempotence': 'true', 'producer.buffer.memory': '1000' });
  const effective = await effectiveConfig('producer', { ...config.producer, 'bootstrap.servers': config.bootstrapServers });
  t.equal(effective.get('request.required.acks'), '-1');
  t.equal(effective.get('enable.idempotence'), 'true');
  t.equal(effective.get('queue.buffering.max.kbytes'), '1', 'under 1 KiB rounds up, never to 0');
});

t.test("worker consumer.* in Java's names: librdkafka holds each with the Java meaning", async (t) => {
  const config = worker(prefixed('consumer.', CONSUMER_CASES));
  const effective = await effectiveConfig('consumer', { ...config.consumer, 'bootstrap.servers': config.bootstrapServers });
  for (const [java, value, name, expected] of CONSUMER_CASES)
    t.equal(effective.get(name), expected, `consumer.${java}=${value} → ${name}=${expected}`);
});

t.test('connector overrides in Java names reach the task producer and the sink consumer', async (t) => {
  const connector = {
    'producer.override.buffer.memory': '4194304',
    'producer.override.max.request.size': '3000000',
    'consumer.override.fetch.max.wait.ms': '250',
    'consumer.override.partition.assignment.strategy': 'RangeAssignor,RoundRobinAssignor',
  };
  // A worker value in the librdkafka spelling, overridden by the connector's Java spelling.
  const config = worker({ 'producer.message.max.bytes': '1500000' });
  const producer = await effectiveConfig('producer', taskProducerConfig(config, 'task-0', producerOverrides(connector, 'All')));
  t.equal(producer.get('queue.buffering.max.kbytes'), '4096', "over connectd's own default (512 MiB)");
  t.equal(producer.get('message.max.bytes'), '3000000', "the connector's max.request.size wins over the worker's message.max.bytes");
  const consumer = await effectiveConfig('consumer', {
    ...consumerOverrides(connector, 'All'),
    'group.id': 'g',
    'bootstrap.servers': '127.0.0.1:1',
  });
  t.equal(consumer.get('fetch.wait.max.ms'), '250');
  t.equal(consumer.get('partition.assignment.strategy'), 'range,roundrobin');
});

t.test('Java-only settings are ignored with a warning naming them; librdkafka names pass unchanged', async (t) => {
  const config = worker({
    'producer.key.serializer': 'org.apache.kafka.common.serialization.StringSerializer',
    'producer.max.block.ms': '60000',
    'consumer.value.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer',
    'producer.queue.buffering.max.messages': '1000',
    'consumer.queued.max.messages.kbytes': '1024',
    'consumer.max.poll.records': '100',
  });
  t.same(config.ignoredKeys.map((w) => w.key).sort(), ['consumer.value.deserializer', 'producer.key.serializer', 'producer.max.block.ms']);
  t.match(
    config.ignoredKeys.find((w) => w.key === 'producer.max.block.ms'),
    { reason: /task\.max\.inflight\.records/ },
  );
  t.same(config.producer, { 'queue.buffering.max.messages': '1000' });
  t.same(
    config.consumer,
    { 'queued.max.messages.kbytes': '1024', 'max.poll.records': '100' },
    'max.poll.records stays for connectd to apply',
  );
  t.same(
    producerOverrides({ 'producer.override.value.serializer': 'x', 'producer.override.linger.ms': '1' }, 'All'),
    { 'linger.ms': '1' },
    'dropped from overrides',
  );
});

t.test('unknown keys and settings librdkafka cannot honour are refused at validation, by name', async (t) => {
  const err = t.throws(() =>
    worker({
      'producer.linger.msec': '5',
      'consumer.fetch.max.wait': '5',
      'producer.partitioner.class': 'com.example.MyPartitioner',
      'consumer.partition.assignment.strategy': 'org.apache.kafka.clients.consumer.StickyAssignor',
      'producer.buffer.memory': 'lots',
      'producer.compression.type': 'brotli',
      'consumer.auto.offset.reset': 'by_duration:PT1H',
    }),
  ) as WorkerConfigException;
  t.ok(err instanceof WorkerConfigException);
  const byName = new Map(err.problems.map((p) => [p.name, p.message]));
  t.match(byName.get('producer.linger.msec'), /unknown Kafka producer setting/);
  t.match(byName.get('consumer.fetch.max.wait'), /unknown Kafka consumer setting/);
  t.match(byName.get('producer.partitioner.class'), /murmur2_random/);
  t.match(byName.get('consumer.partition.assignment.strategy'), /CooperativeStickyAssignor/);
  t.match(byName.get('producer.buffer.memory'), /positive number of bytes/);
  t.match(byName.get('producer.compression.type'), /none, gzip, snappy, lz4, zstd/);
  t.match(byName.get('consumer.auto.offset.reset'), /by_duration/);
  t.equal(err.problems.length, 7);
  t.match(
    problemsOf(() => worker({ 'producer.max.request.size': '1', 'producer.message.max.bytes': '2' })),
    [{ name: 'producer.message.max.bytes', message: /as producer\.max\.request\.size does: keep one/ }],
    'two spellings of one setting',
  );
  t.match(
    problemsOf(() => producerOverrides({ 'producer.override.batch.sise': '1' }, 'All')),
    [{ name: 'producer.override.batch.sise', message: /unknown Kafka producer setting/ }],
  );
  t.match(
    problemsOf(() => consumerOverrides({ 'consumer.override.max.poll.record': '1' }, 'All')),
    [{ name: 'consumer.override.max.poll.record', message: /unknown Kafka consumer setting/ }],
  );
});

t.test('keystores: PKCS12 is passed to librdkafka, JKS refused with the keytool conversion command', async (t) => {
  const config = worker({
    'producer.ssl.keystore.type': 'PKCS12',
    'producer.ssl.keystore.location': '/etc/kafka/client.p12',
    'producer.ssl.keystore.password': 'pw',
  });
  t.same(config.producer, { 'ssl.keystore.location': '/etc/kafka/client.p12', 'ssl.keystore.password': 'pw' });
  t.match(
    problemsOf(() => worker({ 'consumer.ssl.keystore.type': 'JKS', 'consumer.ssl.keystore.location': '/etc/kafka/client.jks' })),
    [
      {
        name: 'consumer.ssl.keystore.type',
        message: /keytool -importkeystore -srckeystore ks\.jks -destkeystore ks\.p12 -deststoretype PKCS12/,
      },
    ],
  );
});

t.test("the table's librdkafka names, and the pass-through list, are the bundled librdkafka's CONFIGURATION.md", async (t) => {
  const pkg = createRequire(import.meta.url).resolve('@confluentinc/kafka-javascript/package.json');
  const doc = readFileSync(path.join(path.dirname(pkg), 'deps', 'librdkafka', 'CONFIGURATION.md'), 'utf8');
  const documented = new Set<string>();
  for (const line of doc.split('\n')) {
    const match = /^([a-z_.0-9]+)\s+\|/.exec(line);
    if (match !== null && !/_cb$|^opaque$|^default_topic_conf$/.test(match[1]!)) documented.add(match[1]!);
  }
  t.same([...LIBRDKAFKA_KEYS].sort(), [...documented].sort(), 'regenerate LIBRDKAFKA_KEYS from CONFIGURATION.md');
  for (const kind of ['producer', 'consumer'] as const) {
    for (const [key, entry] of Object.entries(JAVA_CLIENT_KEYS[kind])) {
      if (entry.librdkafka !== undefined && key !== 'max.poll.records')
        t.ok(LIBRDKAFKA_KEYS.has(entry.librdkafka), `${kind} ${key} → ${entry.librdkafka} is a librdkafka property`);
    }
  }
  t.same(translateClientKeys({ 'compression.type': 'LZ4' }, 'producer', 'producer.').config, { 'compression.type': 'lz4' });
});

t.test("the README's Java client table is the one the module generates", async (t) => {
  const readme = readFileSync(path.join(import.meta.dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
  const begin = '<!-- generated from src/main-thread/config/java-client-keys.ts (javaClientKeysMarkdown): do not edit -->\n';
  const start = readme.indexOf(begin);
  t.ok(start >= 0, 'the README has the generated table');
  const end = readme.indexOf('<!-- end of generated Java client table -->', start);
  t.equal(
    readme.slice(start + begin.length, end),
    javaClientKeysMarkdown(),
    'regenerate with: node -e "import(\'./dist/src/main-thread/config/java-client-keys.js\').then((m) => process.stdout.write(m.javaClientKeysMarkdown()))"',
  );
});
