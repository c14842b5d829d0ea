/**
 * KafkaOffsetBackingStore against a real broker: shared between stores, durable across restarts,
 * tombstones, and records that are Kafka Connect's to the byte and to the partition — checked both
 * ways: what connectd writes is what Kafka Connect 4.1.1 wrote for the same offsets, and what Kafka
 * Connect wrote is read by connectd.
 */
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { KafkaOffsetBackingStore } from '../../src/main-thread/storage/kafka-offset-backing-store.js';
import type { KafkaOffsetBackingStoreOptions } from '../../src/main-thread/storage/kafka-offset-backing-store.js';
import { offsetKey } from '../../src/shared/offset-json.js';
import { javaPartition } from '../unit/storage/java-murmur2.js';
import { captureLogger, describeTopic, describeTopicConfigs } from './store-fixture.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

async function openStore(t: Test, topic: string, options: Partial<KafkaOffsetBackingStoreOptions> = {}): Promise<KafkaOffsetBackingStore> {
  const store = new KafkaOffsetBackingStore({
    topic,
    replicationFactor: 1,
    clientConfig: { 'bootstrap.servers': cluster.bootstrapServers },
    logger: captureLogger().logger,
    ...options,
  });
  t.teardown(() => store.stop());
  await store.start();
  return store;
}

/**
 * Offsets as Kafka Connect 4.1.1 wrote them (OffsetStorageWriter over KafkaOffsetBackingStore, 25
 * partitions): key, value and the partition its producer chose. The multi-field partition keeps its
 * fields in the connector's order; Jackson escapes control characters and non-BMP characters.
 */
const FROM_KAFKA_CONNECT: { key: string; value: string | null; partition: number }[] = [
  {
    key: '["local-file-source",{"zeta":"z","alpha":1,"mid":true}]',
    value: '{"pos":9007199254740993,"f":1.5,"s":"té\\u0001/\\uD83D\\uDE00\\""}',
    partition: 9,
  },
  { key: '["local-file-source",{"filename":"test.txt"}]', value: '{"position":30}', partition: 10 },
  { key: '["local-file-source",{"file":"café \\uD83D\\uDE00 \\u0007"}]', value: '{"line":1}', partition: 17 },
  { key: '["local-file-source",{"filename":"gone.txt"}]', value: '{"position":1}', partition: 18 },
  { key: '["local-file-source",{"filename":"gone.txt"}]', value: null, partition: 18 },
];

t.test("two stores on one topic see each other's writes after readToEnd", async (t) => {
  const a = await openStore(t, 'offsets-shared');
  const b = await openStore(t, 'offsets-shared');
  const k1 = offsetKey('conn', '{"file":"a.txt"}');
  const k2 = offsetKey('conn', '{"file":"b.txt"}');
  await a.set(new Map([[k1, '{"position":1}']]));
  t.same(a.get([k1]), ['{"position":1}'], "the writer's own acknowledged write is in its view");
  await b.readToEnd();
  t.same(b.get([k1, k2]), ['{"position":1}', null]);
  await b.set(
    new Map([
      [k1, '{"position":2}'],
      [k2, '{"position":7}'],
    ]),
  );
  await a.readToEnd();
  t.same(a.get([k1, k2]), ['{"position":2}', '{"position":7}']);
  t.same(new Map(a.entries()), new Map(b.entries()), 'both views are the same');
});

t.test('offsets survive a restart of the store', async (t) => {
  const first = await openStore(t, 'offsets-restart');
  const written = new Map(
    Array.from({ length: 30 }, (_, i): [string, string] => [offsetKey(`conn-${i % 3}`, `{"shard":${i}}`), `{"offset":${i * 10}}`]),
  );
  await first.set(written);
  await first.set(new Map([[offsetKey('conn-0', '{"shard":0}'), '{"offset":999}']]));
  await first.stop();
  const second = await openStore(t, 'offsets-restart');
  const expected = new Map(written).set(offsetKey('conn-0', '{"shard":0}'), '{"offset":999}');
  t.same(new Map(second.entries()), expected, 'every offset, the later write of a key winning');
});

t.test('a tombstone deletes the key, in the view and for a store started later', async (t) => {
  const store = await openStore(t, 'offsets-tombstones');
  const kept = offsetKey('conn', '{"file":"kept"}');
  const gone = offsetKey('conn', '{"file":"gone"}');
  await store.set(
    new Map([
      [kept, '{"position":1}'],
      [gone, '{"position":2}'],
    ]),
  );
  await store.set(new Map([[gone, null]]));
  t.same(store.get([kept, gone]), ['{"position":1}', null]);
  const raw = await readTopic(cluster.bootstrapServers, 'offsets-tombstones');
  t.same(
    raw.filter((r) => r.key === gone).map((r) => r.value),
    ['{"position":2}', null],
    'a null value on the topic',
  );
  const later = await openStore(t, 'offsets-tombstones');
  t.same([...later.entries()], [[kept, '{"position":1}']]);
});

t.test("records are Kafka Connect's bytes, in the partitions Java's partitioner picks, once set resolves", async (t) => {
  const store = await openStore(t, 'offsets-bytes');
  t.same(
    await describeTopic(cluster.bootstrapServers, 'offsets-bytes'),
    { partitions: 25, replicas: Array(25).fill(1) },
    "Kafka Connect's 25 partitions by default",
  );
  t.match(await describeTopicConfigs(cluster.bootstrapServers, 'offsets-bytes'), /cleanup\.policy=compact/);
  for (const { key, value } of FROM_KAFKA_CONNECT) await store.set(new Map([[key, value]]));
  const many = new Map(
    Array.from({ length: 200 }, (_, i): [string, string] => [
      offsetKey(`connector-${i % 7}`, `{"table":"t${i}","shard":${i}}`),
      `{"id":${i}}`,
    ]),
  );
  await store.set(many);
  // Read right after set resolved: acknowledged means on the topic.
  const raw = await readTopic(cluster.bootstrapServers, 'offsets-bytes');
  const written = [...raw].sort((x, y) => x.partition - y.partition || x.offset - y.offset);
  const fromConnect = written.filter((r) => r.key?.startsWith('["local-file-source"'));
  t.same(
    fromConnect.map((r) => ({ key: r.key, value: r.value, partition: r.partition })),
    [...FROM_KAFKA_CONNECT].sort((x, y) => x.partition - y.partition),
    'the same keys, values and partitions as Kafka Connect',
  );
  t.equal(written.length, FROM_KAFKA_CONNECT.length + many.size, 'every record was on the topic when set resolved');
  for (const r of written.filter((r) => !r.key?.startsWith('["local-file-source"'))) {
    t.equal(r.value, many.get(r.key!), `${r.key}: the value as given`);
    t.equal(r.partition, javaPartition(r.key!, 25), `${r.key}: murmur2 partition`);
  }
});

t.test('offsets Kafka Connect wrote are read, tombstones included', async (t) => {
  await cluster.createTopic('offsets-from-connect', { partitions: 25, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
  await writeTopic(cluster.bootstrapServers, 'offsets-from-connect', FROM_KAFKA_CONNECT);
  const store = await openStore(t, 'offsets-from-connect');
  t.same(
    new Map(store.entries()),
    new Map([
      ['["local-file-source",{"zeta":"z","alpha":1,"mid":true}]', '{"pos":9007199254740993,"f":1.5,"s":"té\\u0001/\\uD83D\\uDE00\\""}'],
      ['["local-file-source",{"filename":"test.txt"}]', '{"position":30}'],
      ['["local-file-source",{"file":"café \\uD83D\\uDE00 \\u0007"}]', '{"line":1}'],
    ]),
  );
  t.same(store.get([offsetKey('local-file-source', '{"filename":"test.txt"}')]), ['{"position":30}'], 'found by the key connectd builds');
});

t.test('a set with a record Kafka refuses rejects, naming the topic; the other records are written', async (t) => {
  const store = await openStore(t, 'offsets-refused', {
    clientConfig: { 'bootstrap.servers': cluster.bootstrapServers, 'message.max.bytes': 10000 },
  });
  const small = offsetKey('conn', '{"file":"small"}');
  const huge = offsetKey('conn', '{"file":"huge"}');
  await t.rejects(
    store.set(
      new Map([
        [small, '{"position":1}'],
        [huge, `{"blob":"${'x'.repeat(20000)}"}`],
      ]),
    ),
    /writing 1 of 2 offsets to topic offsets-refused failed: writing to topic offsets-refused failed: .*(too large|size)/i,
  );
  t.same(store.get([small, huge]), ['{"position":1}', null]);
});
