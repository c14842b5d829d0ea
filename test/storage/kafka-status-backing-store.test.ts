/**
 * KafkaStatusBackingStore against a real broker: Kafka Connect's exact records and partitions, a topic
 * Kafka Connect 4.1.1 wrote read back, statuses shared between stores after readToEnd, tombstones,
 * topic statuses (KIP-558) and the putSafe rules.
 */
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { KafkaStatusBackingStore } from '../../src/main-thread/storage/kafka-status-backing-store.js';
import type { ConnectorStatus, TaskStatus } from '../../src/main-thread/storage/kafka-status-backing-store.js';
import { captureLogger, describeTopic, describeTopicConfigs } from './store-fixture.js';
import type { LogLine } from './store-fixture.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

async function openStore(t: Test, topic: string): Promise<{ store: KafkaStatusBackingStore; logLines: () => LogLine[] }> {
  const { logger, lines } = captureLogger();
  const store = new KafkaStatusBackingStore({
    topic,
    replicationFactor: 1,
    clientConfig: { 'bootstrap.servers': cluster.bootstrapServers },
    logger,
  });
  t.teardown(() => store.stop());
  await store.start();
  return { store, logLines: lines };
}

/** The status topic as Kafka Connect 4.1.1's KafkaStatusBackingStore wrote it (5 partitions), in write order. */
const FROM_KAFKA_CONNECT: { key: string; value: string | null; partition: number }[] = [
  {
    key: 'status-connector-conn-a',
    value: '{"state":"RUNNING","trace":null,"worker_id":"10.0.0.1:8083","generation":3,"version":null}',
    partition: 3,
  },
  {
    key: 'status-connector-conn-a',
    value: '{"state":"FAILED","trace":"java.lang.Exception: boom\\n\\tat X","worker_id":"10.0.0.1:8083","generation":4,"version":"4.1.1"}',
    partition: 3,
  },
  {
    key: 'status-task-conn-a-0',
    value: '{"state":"RUNNING","trace":null,"worker_id":"10.0.0.2:8083","generation":5,"version":"1.0"}',
    partition: 3,
  },
  {
    key: 'status-task-my-conn-2-11',
    value: '{"state":"UNASSIGNED","trace":null,"worker_id":"10.0.0.2:8083","generation":5,"version":null}',
    partition: 2,
  },
  {
    key: 'status-topic-orders:connector-conn-a',
    value: '{"topic":{"name":"orders","connector":"conn-a","task":1,"discoverTimestamp":1700000000456}}',
    partition: 4,
  },
  { key: 'status-topic-gone:connector-conn-a', value: null, partition: 4 },
  { key: 'status-task-conn-a-7', value: null, partition: 4 },
];

const running = (connector: string, generation: number, workerId = '10.0.0.1:8083'): ConnectorStatus => ({
  connector,
  state: 'RUNNING',
  trace: null,
  workerId,
  generation,
  version: null,
});
const task = (connector: string, n: number, state: TaskStatus['state'], generation: number): TaskStatus => ({
  id: { connector, task: n },
  state,
  trace: null,
  workerId: '10.0.0.2:8083',
  generation,
  version: null,
});

t.test("records are Kafka Connect's bytes, in the partitions its producer picks", async (t) => {
  const { store } = await openStore(t, 'statuses-bytes');
  t.same(
    await describeTopic(cluster.bootstrapServers, 'statuses-bytes'),
    { partitions: 5, replicas: [1, 1, 1, 1, 1] },
    "Kafka Connect's 5 partitions by default",
  );
  t.match(await describeTopicConfigs(cluster.bootstrapServers, 'statuses-bytes'), /cleanup\.policy=compact/);
  await store.putConnector(running('conn-a', 3));
  await store.putConnector({
    connector: 'conn-a',
    state: 'FAILED',
    trace: 'java.lang.Exception: boom\n\tat X',
    workerId: '10.0.0.1:8083',
    generation: 4,
    version: '4.1.1',
  });
  await store.putTask({ ...task('conn-a', 0, 'RUNNING', 5), version: '1.0' });
  await store.putTask(task('my-conn-2', 11, 'UNASSIGNED', 5));
  await store.putTopic({ topic: 'orders', connector: 'conn-a', task: 1, discoverTimestamp: 1700000000456 });
  await store.deleteTopic('conn-a', 'gone');
  await store.putTask(task('conn-a', 7, 'DESTROYED', 6));
  const raw = await readTopic(cluster.bootstrapServers, 'statuses-bytes');
  const sorted = [...raw]
    .sort((a, b) => a.partition - b.partition || a.offset - b.offset)
    .map((r) => ({ key: r.key, value: r.value, partition: r.partition }));
  t.same(
    sorted,
    [...FROM_KAFKA_CONNECT].sort((a, b) => a.partition - b.partition),
    'the same keys, values and partitions as Kafka Connect',
  );
});

t.test('a status topic written by Kafka Connect is read', async (t) => {
  await cluster.createTopic('statuses-from-connect', { partitions: 5, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
  await writeTopic(cluster.bootstrapServers, 'statuses-from-connect', [
    ...FROM_KAFKA_CONNECT,
    // Written before Kafka 4.1: no version field.
    { key: 'status-connector-old', value: '{"state":"PAUSED","trace":null,"worker_id":"w:1","generation":2}', partition: 0 },
    { key: 'status-bogus', value: '{}', partition: 0 },
  ]);
  const { store, logLines } = await openStore(t, 'statuses-from-connect');
  t.same(store.getConnector('conn-a'), {
    connector: 'conn-a',
    state: 'FAILED',
    trace: 'java.lang.Exception: boom\n\tat X',
    workerId: '10.0.0.1:8083',
    generation: 4,
    version: '4.1.1',
  });
  t.same(store.getConnector('old'), { connector: 'old', state: 'PAUSED', trace: null, workerId: 'w:1', generation: 2, version: null });
  t.same(store.getTask({ connector: 'conn-a', task: 0 }), {
    id: { connector: 'conn-a', task: 0 },
    state: 'RUNNING',
    trace: null,
    workerId: '10.0.0.2:8083',
    generation: 5,
    version: '1.0',
  });
  t.same(
    store.getAllTasks('my-conn-2').map((s) => s.id),
    [{ connector: 'my-conn-2', task: 11 }],
    'a connector name with dashes',
  );
  t.equal(store.getTask({ connector: 'conn-a', task: 7 }), undefined);
  t.same(store.getAllTopics('conn-a'), [{ topic: 'orders', connector: 'conn-a', task: 1, discoverTimestamp: 1700000000456 }]);
  t.same(store.connectors().sort(), ['conn-a', 'old']);
  t.same(
    logLines()
      .filter((l) => l.msg === 'status record with an unknown key skipped')
      .map((l) => l.key),
    ['status-bogus'],
  );
});

t.test('a status becomes visible once read back; another store sees it after readToEnd', async (t) => {
  const a = await openStore(t, 'statuses-shared');
  const b = await openStore(t, 'statuses-shared');
  await a.store.putConnector(running('orders', 1));
  await a.store.putTask(task('orders', 0, 'RUNNING', 1));
  await a.store.putTask(task('orders', 1, 'FAILED', 1));
  await Promise.all([a.store.readToEnd(), b.store.readToEnd()]);
  for (const { store } of [a, b]) {
    t.equal(store.getConnector('orders')?.state, 'RUNNING');
    t.same(
      store.getAllTasks('orders').map((s) => s.state),
      ['RUNNING', 'FAILED'],
    );
  }
  await b.store.putTask(task('orders', 1, 'DESTROYED', 2));
  await a.store.readToEnd();
  t.same(
    a.store.getAllTasks('orders').map((s) => s.id.task),
    [0],
    'DESTROYED is a tombstone',
  );
  await b.store.putConnector({ ...running('orders', 2), state: 'DESTROYED' });
  await a.store.readToEnd();
  t.equal(a.store.getConnector('orders'), undefined);
  t.same(a.store.getAllTasks('orders'), [], "a connector's tombstone removes its tasks' statuses too");
});

t.test('putSafe does not overwrite a newer generation written by another worker', async (t) => {
  const { store } = await openStore(t, 'statuses-safe');
  await store.putConnector(running('c', 5, 'a:1'));
  await store.putTask(task('c', 0, 'RUNNING', 5));
  await store.readToEnd();
  t.equal(await store.putConnectorSafe(running('c', 4, 'b:1')), false, 'older generation, other worker: skipped');
  t.equal(await store.putConnectorSafe(running('c', 4, 'a:1')), true, 'same worker: written');
  t.equal(await store.putTaskSafe({ ...task('c', 0, 'FAILED', 4), workerId: 'b:1' }), false);
  t.equal(await store.putTaskSafe({ ...task('c', 0, 'FAILED', 6), workerId: 'b:1' }), true, 'newer generation: written');
  await store.readToEnd();
  t.same(store.getConnector('c'), running('c', 4, 'a:1'));
  t.equal(store.getTask({ connector: 'c', task: 0 })?.state, 'FAILED');
  const raw = await readTopic(cluster.bootstrapServers, 'statuses-safe');
  t.equal(raw.length, 4, 'the skipped writes never reached the topic');
});

t.test('statuses survive a restart; writes are checked, naming the field', async (t) => {
  const first = await openStore(t, 'statuses-restart');
  await first.store.putConnector(running('kept', 9));
  await first.store.putTopic({ topic: 't1', connector: 'kept', task: 0, discoverTimestamp: 5 });
  await first.store.stop();
  const { store } = await openStore(t, 'statuses-restart');
  t.same(store.getConnector('kept'), running('kept', 9));
  t.same(store.getTopic('kept', 't1'), { topic: 't1', connector: 'kept', task: 0, discoverTimestamp: 5 });
  await t.rejects(
    store.putConnector({ ...running('x', 1), state: 'BUSY' as 'RUNNING' }),
    /connector x: state must be one of UNASSIGNED, RUNNING, PAUSED, FAILED, DESTROYED, RESTARTING, STOPPED, got "BUSY"/,
  );
  await t.rejects(store.putTask({ ...task('x', 0, 'RUNNING', 1), workerId: '' }), /task x-0: workerId must be the worker's host:port/);
  await t.rejects(store.putConnector(running('x', 2 ** 31)), /connector x: generation must be a 32-bit integer, got 2147483648/);
});
