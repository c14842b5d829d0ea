/**
 * KafkaBasedLog against a real broker: topic creation, acknowledged sends, delivery to the callback
 * in order per partition, and readToEnd's promise (everything written before the call was consumed),
 * also when the topic ends in transaction markers that hold no record; and a producer client
 * replaced while sends wait on a frozen broker (the watchdog of issue 13), without a false takeover
 * through a plain outage.
 */
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { KafkaBasedLog } from '../../src/main-thread/kafka/kafka-based-log.js';
import type { LogRecord } from '../../src/main-thread/kafka/kafka-based-log.js';
import { javaPartition } from '../unit/storage/java-murmur2.js';
import { waitFor } from '../fixtures/wait.js';
import { captureLogger, describeTopic, describeTopicConfigs } from './store-fixture.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const clientConfig = { 'bootstrap.servers': cluster.bootstrapServers };

interface Seen {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
}

function openLog(t: Test, topic: string, clientId: string, partitions = 3, stallTimeoutMs = 0): { log: KafkaBasedLog; seen: Seen[] } {
  const seen: Seen[] = [];
  const log = new KafkaBasedLog({
    topic,
    clientConfig,
    clientId,
    partitions,
    replicationFactor: 1,
    stallTimeoutMs,
    onRecord: (r: LogRecord) =>
      seen.push({ partition: r.partition, offset: r.offset, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }),
    logger: captureLogger().logger,
  });
  t.teardown(() => log.stop());
  return { log, seen };
}

t.test('start creates the topic compacted, with the partitions and replication factor asked for', async (t) => {
  const { log } = openLog(t, 'log-created', 'created', 4);
  await log.start();
  t.equal(log.partitionCount, 4);
  t.same(await describeTopic(cluster.bootstrapServers, 'log-created'), { partitions: 4, replicas: [1, 1, 1, 1] });
  t.match(await describeTopicConfigs(cluster.bootstrapServers, 'log-created'), /cleanup\.policy=compact/);
});

t.test('an existing topic is used as it is, and read whole before start resolves', async (t) => {
  await cluster.createTopic('log-existing', { partitions: 2, replicationFactor: 1 });
  const writer = openLog(t, 'log-existing', 'existing-writer');
  await writer.log.start();
  await Promise.all(Array.from({ length: 40 }, (_, i) => writer.log.send(`k${i % 7}`, `v${i}`)));
  const reader = openLog(t, 'log-existing', 'existing-reader');
  await reader.log.start();
  t.equal(reader.log.partitionCount, 2, 'the partition count of the existing topic, not the one asked for');
  t.equal(reader.seen.length, 40, 'every record was handed over before start resolved');
});

t.test('records reach the callback in order per partition, where send said Kafka put them (Java partitioner)', async (t) => {
  const { log, seen } = openLog(t, 'log-order', 'order');
  await log.start();
  const keys = Array.from({ length: 10 }, (_, i) => `key-${i}`);
  const positions = await Promise.all(Array.from({ length: 200 }, (_, i) => log.send(keys[i % keys.length]!, `${i}`)));
  await log.readToEnd();
  t.equal(seen.length, 200);
  for (const [i, position] of positions.entries()) {
    const record = seen.find((s) => s.partition === position.partition && s.offset === position.offset);
    t.equal(record?.value, `${i}`, `record ${i} is where its acknowledgement said`);
    t.equal(position.partition, javaPartition(keys[i % keys.length]!, 3), `record ${i} is in the partition Java would pick`);
  }
  for (let p = 0; p < 3; p++) {
    const offsets = seen.filter((s) => s.partition === p).map((s) => s.offset);
    t.same(
      offsets,
      [...offsets].sort((a, b) => a - b),
      `partition ${p} delivered in offset order`,
    );
  }
  for (const key of keys) {
    const values = seen.filter((s) => s.key === key).map((s) => Number(s.value));
    t.same(
      values,
      [...values].sort((a, b) => a - b),
      `${key}: records in send order`,
    );
  }
});

t.test("readToEnd returns only after another writer's acknowledged records were consumed", async (t) => {
  const reader = openLog(t, 'log-two', 'two-reader');
  const writer = openLog(t, 'log-two', 'two-writer');
  await Promise.all([reader.log.start(), writer.log.start()]);
  for (let i = 0; i < 25; i++) {
    await writer.log.send(`k${i % 4}`, `round ${i}`);
    await reader.log.readToEnd();
    t.ok(
      reader.seen.some((s) => s.value === `round ${i}`),
      `round ${i} seen right after readToEnd`,
    );
  }
  await writer.log.send('gone', null);
  await reader.log.readToEnd();
  t.same(reader.seen.at(-1), { ...reader.seen.at(-1), key: 'gone', value: null }, 'a tombstone is handed over as a null value');
});

t.test('readToEnd finishes when the topic ends in transaction markers, and skips aborted records', async (t) => {
  const { log, seen } = openLog(t, 'log-transactions', 'transactions', 1);
  await log.start();
  const producer = new kafka.Producer({
    'bootstrap.servers': cluster.bootstrapServers,
    'transactional.id': 'log-transactions-writer',
    dr_cb: true,
  });
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  t.teardown(() => new Promise<void>((resolve) => producer.disconnect(5000, () => resolve())));
  const call = (fn: (cb: (err: unknown) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => fn((err) => (err ? reject(new Error(String((err as Error).message))) : resolve())));
  await call((cb) => producer.initTransactions(30000, cb));
  await call((cb) => producer.beginTransaction(cb));
  producer.produce('log-transactions', 0, Buffer.from('committed'), Buffer.from('k'));
  await call((cb) => producer.commitTransaction(30000, cb));
  await call((cb) => producer.beginTransaction(cb));
  producer.produce('log-transactions', 0, Buffer.from('aborted'), Buffer.from('k'));
  await call((cb) => producer.flush(30000, cb));
  await call((cb) => producer.abortTransaction(30000, cb));
  // The coordinator writes the markers after the calls return. Once both are there the partition is:
  // 0 committed record, 1 commit marker, 2 aborted record, 3 abort marker.
  const end = (): Promise<number> =>
    new Promise((resolve, reject) =>
      producer.queryWatermarkOffsets('log-transactions', 0, 10000, (err, w) =>
        err ? reject(new Error(err.message)) : resolve(w.highOffset),
      ),
    );
  await waitFor('both transaction markers written', async () => (await end()) === 4);
  await log.readToEnd(10000);
  t.same(
    seen.map((s) => s.value),
    ['committed'],
    'read to offset 4 although the last record is at 0; the aborted one skipped',
  );
  await log.send('k', 'after');
  await log.readToEnd();
  t.same(
    seen.map((s) => s.value),
    ['committed', 'after'],
  );
});

t.test('after stop, sends and reads are refused with a clear error', async (t) => {
  const { log } = openLog(t, 'log-stopped', 'stopped');
  await log.start();
  await log.stop();
  await t.rejects(log.send('k', 'v'), /KafkaBasedLog for log-stopped is not running \(stopped\): cannot send/);
  await t.rejects(log.readToEnd(), /not running \(stopped\): cannot readToEnd/);
});

t.test('options are checked eagerly, naming the field', async (t) => {
  const base = {
    topic: 't',
    clientConfig,
    clientId: 'x',
    partitions: 1,
    replicationFactor: 1,
    onRecord: () => undefined,
    logger: captureLogger().logger,
  };
  t.throws(() => new KafkaBasedLog({ ...base, topic: ' ' }), /topic must be a non-empty topic name/);
  t.throws(() => new KafkaBasedLog({ ...base, partitions: 0 }), /partitions must be a positive integer or -1/);
  t.throws(() => new KafkaBasedLog({ ...base, replicationFactor: 1.5 }), /replicationFactor must be a positive integer or -1/);
  t.throws(() => new KafkaBasedLog({ ...base, clientConfig: {} }), /clientConfig\['bootstrap.servers'\] must name the brokers/);
});

/** The values of a topic as a fresh reader sees them, per key in order. */
async function valuesByKey(t: Test, topic: string, clientId: string): Promise<Map<string, string[]>> {
  const reader = openLog(t, topic, clientId);
  await reader.log.start();
  const byKey = new Map<string, string[]>();
  for (const r of [...reader.seen].sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
    const list = byKey.get(r.key ?? '') ?? [];
    list.push(r.value ?? '');
    byKey.set(r.key ?? '', list);
  }
  await reader.log.stop();
  return byKey;
}

t.test('a fresh producer client takes over sends waiting on a frozen broker: each resolves once, in order per key', async (t) => {
  const node = cluster.nodes[0]!.nodeId;
  const { log } = openLog(t, 'log-replaced', 'replaced');
  await log.start();
  const KEYS = 5;
  const sends: Promise<unknown>[] = [];
  let n = 0;
  const sendRound = (): void => {
    for (let k = 0; k < KEYS; k++, n++) sends.push(log.send(`key-${k}`, `v${n}`));
  };
  for (let i = 0; i < 4; i++) sendRound();
  await Promise.all(sends);
  cluster.pauseNode(node);
  let replaced: Promise<void>;
  try {
    for (let i = 0; i < 4; i++) sendRound();
    await new Promise((r) => setTimeout(r, 500));
    // The fresh client cannot connect to the frozen broker: it connects once the broker runs again,
    // while the old client still holds its sends (its first requests may be written as well).
    replaced = log.replaceProducer(60000);
  } finally {
    cluster.resumeNode(node);
  }
  await replaced;
  t.equal(log.replacements, 1, 'one replacement counted');
  t.ok(log.resentRecords <= 4 * KEYS, `at most the sends made during the freeze went again (${log.resentRecords})`);
  for (let i = 0; i < 4; i++) sendRound();
  const settled = await Promise.allSettled(sends);
  t.same(
    settled.filter((s) => s.status === 'rejected').map((s) => String(s.reason)),
    [],
    'every send resolved',
  );
  const byKey = await valuesByKey(t, 'log-replaced', 'replaced-reader');
  for (let k = 0; k < KEYS; k++) {
    const values = byKey.get(`key-${k}`) ?? [];
    const expected = Array.from({ length: 12 }, (_, i) => `v${i * KEYS + k}`);
    // Duplicates only as a repeat of what was just written (sent again), never out of order.
    const deduped = values.filter((v, i) => i === 0 || values[i - 1] !== v);
    const firsts = deduped.filter((v, i) => deduped.indexOf(v) === i);
    t.same(firsts, expected, `key-${k}: every value, in the order sent (${values.length} records)`);
    t.equal(values.at(-1), expected.at(-1), `key-${k}: the last value is the last sent`);
  }
});

t.test('the watchdog through a plain outage: no takeover while the broker is frozen, every send delivered after', async (t) => {
  const node = cluster.nodes[0]!.nodeId;
  const STALL_MS = 1000;
  const { log } = openLog(t, 'log-watched', 'watched', 3, STALL_MS);
  await log.start();
  cluster.pauseNode(node);
  let sends: Promise<unknown>[];
  try {
    sends = Array.from({ length: 20 }, (_, i) => log.send(`key-${i % 4}`, `v${i}`));
    // Several stall timeouts: the watchdog tries fresh clients, none can reach a frozen broker.
    await new Promise((r) => setTimeout(r, 6 * STALL_MS));
    t.equal(log.replacements, 0, 'no takeover during the outage');
  } finally {
    cluster.resumeNode(node);
  }
  await Promise.all(sends);
  t.equal(log.replacements, 0, 'none after it either: the old client delivered');
  const byKey = await valuesByKey(t, 'log-watched', 'watched-reader');
  t.same(byKey.get('key-3'), ['v3', 'v7', 'v11', 'v15', 'v19'], 'one key read back, each value once, in order');
});
