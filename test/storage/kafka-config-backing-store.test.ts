/**
 * KafkaConfigBackingStore against a real broker: configs shared between stores, Kafka Connect's exact
 * records in its write order, a topic Kafka Connect 4.1.1 wrote read back, task configs applied only
 * by their commit, compaction's inconsistent commits, listeners, and the one-partition rule.
 */
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { KafkaConfigBackingStore } from '../../src/main-thread/storage/kafka-config-backing-store.js';
import type { ConfigUpdateListener } from '../../src/main-thread/storage/kafka-config-backing-store.js';
import { captureLogger, describeTopic, describeTopicConfigs } from './store-fixture.js';
import type { LogLine } from './store-fixture.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

interface OpenedStore {
  store: KafkaConfigBackingStore;
  /** What the listener heard, one line per call. */
  events: string[];
  logLines: () => LogLine[];
}

async function openStore(t: Test, topic: string): Promise<OpenedStore> {
  const { logger, lines } = captureLogger();
  const store = new KafkaConfigBackingStore({
    topic,
    replicationFactor: 1,
    clientConfig: { 'bootstrap.servers': cluster.bootstrapServers },
    logger,
  });
  const events: string[] = [];
  const listener: ConfigUpdateListener = {
    onConnectorConfigUpdate: (c) => events.push(`config ${c}`),
    onConnectorConfigRemove: (c) => events.push(`removed ${c}`),
    onTaskConfigUpdate: (tasks) => events.push(`tasks [${tasks.map((id) => `${id.connector}-${id.task}`).join(',')}]`),
    onConnectorTargetStateChange: (c) => events.push(`state ${c}`),
    onSessionKeyUpdate: (key) => events.push(`session key ${key.algorithm}`),
    onRestartRequest: (r) => events.push(`restart ${r.connector} onlyFailed=${r.onlyFailed} includeTasks=${r.includeTasks}`),
  };
  store.addUpdateListener(listener);
  t.teardown(() => store.stop());
  await store.start();
  return { store, events, logLines: lines };
}

/**
 * The config topic as Kafka Connect 4.1.1's KafkaConfigBackingStore wrote it for: putConnectorConfig
 * (conn-a, STOPPED), putTaskConfigs (2 tasks), putTargetState PAUSED then STARTED, putRestartRequest
 * (onlyFailed), putSessionKey, putConnectorConfig (conn-b), putTaskConfigs (conn-b, none),
 * removeConnectorConfig (conn-b), putLoggerLevel, putTaskCountRecord.
 */
const FROM_KAFKA_CONNECT: { key: string; value: string | null }[] = [
  { key: 'target-state-conn-a', value: '{"state":"PAUSED","state.v2":"STOPPED"}' },
  {
    key: 'connector-conn-a',
    value: '{"properties":{"connector.class":"FileStreamSource","name":"conn-a","tasks.max":"2","file":"/tmp/a \\"b\\".txt"}}',
  },
  { key: 'task-conn-a-0', value: '{"properties":{"n":"0","task.class":"T"}}' },
  { key: 'task-conn-a-1', value: '{"properties":{"n":"1","task.class":"T"}}' },
  { key: 'commit-conn-a', value: '{"tasks":2}' },
  { key: 'target-state-conn-a', value: '{"state":"PAUSED","state.v2":"PAUSED"}' },
  { key: 'target-state-conn-a', value: '{"state":"STARTED","state.v2":"STARTED"}' },
  { key: 'restart-connector-conn-a', value: '{"include-tasks":false,"only-failed":true}' },
  { key: 'session-key', value: '{"key":"AQIDBP8=","algorithm":"HmacSHA256","creation-timestamp":1700000000123}' },
  { key: 'connector-conn-b', value: '{"properties":{"name":"conn-b"}}' },
  { key: 'commit-conn-b', value: '{"tasks":0}' },
  { key: 'connector-conn-b', value: null },
  { key: 'target-state-conn-b', value: null },
  { key: 'logger-cluster-org.example', value: '{"level":"DEBUG"}' },
  { key: 'tasks-fencing-conn-a', value: '{"task-count":2}' },
];

const CONN_A_PROPERTIES = { 'connector.class': 'FileStreamSource', name: 'conn-a', 'tasks.max': '2', file: '/tmp/a "b".txt' };

t.test('connector config, task configs and target states written by one store are seen by another', async (t) => {
  const a = await openStore(t, 'configs-shared');
  const b = await openStore(t, 'configs-shared');
  await a.store.putConnectorConfig('orders', { 'connector.class': 'FileStreamSource', name: 'orders' }, 'STOPPED');
  await a.store.putTaskConfigs('orders', [{ file: 'a' }, { file: 'b' }]);
  t.same(a.store.snapshot().taskConfigs('orders'), [{ file: 'a' }, { file: 'b' }], 'the writer read its own writes back');
  await b.store.refresh();
  const snapshot = b.store.snapshot();
  t.same(snapshot.connectors(), ['orders']);
  t.same(snapshot.connectorConfig('orders'), { 'connector.class': 'FileStreamSource', name: 'orders' });
  t.equal(snapshot.targetState('orders'), 'STOPPED');
  t.equal(snapshot.taskCount('orders'), 2);
  t.same(snapshot.tasks('orders'), [
    { connector: 'orders', task: 0 },
    { connector: 'orders', task: 1 },
  ]);
  t.same(snapshot.taskConfigs('orders'), [{ file: 'a' }, { file: 'b' }]);
  t.same(snapshot.inconsistentConnectors(), []);
  await a.store.putTargetState('orders', 'PAUSED');
  await b.store.refresh();
  t.equal(b.store.snapshot().targetState('orders'), 'PAUSED');
  t.equal(snapshot.targetState('orders'), 'STOPPED', 'a snapshot does not change afterwards');
  t.same(
    b.events,
    ['config orders', 'tasks [orders-0,orders-1]', 'state orders'],
    "the other store's listener, in order (no state event before the config exists)",
  );
});

t.test("records are Kafka Connect's bytes, in its write order", async (t) => {
  const { store } = await openStore(t, 'configs-bytes');
  t.same(await describeTopic(cluster.bootstrapServers, 'configs-bytes'), { partitions: 1, replicas: [1] });
  t.match(await describeTopicConfigs(cluster.bootstrapServers, 'configs-bytes'), /cleanup\.policy=compact/);
  await store.putConnectorConfig('conn-a', CONN_A_PROPERTIES, 'STOPPED');
  await store.putTaskConfigs('conn-a', [
    { n: '0', 'task.class': 'T' },
    { n: '1', 'task.class': 'T' },
  ]);
  await store.putTargetState('conn-a', 'PAUSED');
  await store.putTargetState('conn-a', 'STARTED');
  await store.putRestartRequest({ connector: 'conn-a', onlyFailed: true, includeTasks: false });
  await store.putSessionKey({ key: new Uint8Array([1, 2, 3, 4, 0xff]), algorithm: 'HmacSHA256', creationTimestamp: 1700000000123 });
  await store.putConnectorConfig('conn-b', { name: 'conn-b' });
  await store.putTaskConfigs('conn-b', []);
  await store.removeConnectorConfig('conn-b');
  const raw = await readTopic(cluster.bootstrapServers, 'configs-bytes');
  t.same(
    raw.map((r) => ({ key: r.key, value: r.value })),
    FROM_KAFKA_CONNECT.slice(0, 13),
    'what Kafka Connect wrote for the same calls (logger levels and fencing records are not connectd writes)',
  );
});

t.test('a config topic written by Kafka Connect is read', async (t) => {
  await cluster.createTopic('configs-from-connect', { partitions: 1, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
  await writeTopic(cluster.bootstrapServers, 'configs-from-connect', [
    ...FROM_KAFKA_CONNECT,
    // A target state written by a worker older than 3.5 (no state.v2), and a key no version writes.
    { key: 'connector-old', value: '{"properties":{"name":"old"}}' },
    { key: 'target-state-old', value: '{"state":"PAUSED"}' },
    { key: 'bogus-key', value: '{}' },
  ]);
  const { store, events, logLines } = await openStore(t, 'configs-from-connect');
  const snapshot = store.snapshot();
  t.same(snapshot.connectors().sort(), ['conn-a', 'old'], 'conn-b was removed');
  t.same(snapshot.connectorConfig('conn-a'), CONN_A_PROPERTIES);
  t.equal(snapshot.targetState('conn-a'), 'STARTED', 'the last target state');
  t.equal(snapshot.targetState('old'), 'PAUSED', 'state read from the v0 field');
  t.equal(snapshot.targetState('conn-b'), undefined);
  t.same(snapshot.taskConfigs('conn-a'), [
    { n: '0', 'task.class': 'T' },
    { n: '1', 'task.class': 'T' },
  ]);
  t.same(snapshot.tasks('conn-b'), []);
  t.same(snapshot.sessionKey, { key: new Uint8Array([1, 2, 3, 4, 0xff]), algorithm: 'HmacSHA256', creationTimestamp: 1700000000123 });
  t.equal(snapshot.offset, FROM_KAFKA_CONNECT.length + 3, 'the offset after the last record');
  t.same(events, [], 'nothing read during start reaches the listener (restart requests included)');
  const skipped = logLines().filter((l) => l.msg === 'config record with an unknown key skipped');
  t.same(
    skipped.map((l) => l.key),
    ['bogus-key'],
    'only the unknown key is reported; fencing and logger records are known',
  );
});

t.test('task configs are invisible until their commit arrives', async (t) => {
  const { store, events } = await openStore(t, 'configs-commit');
  await store.putConnectorConfig('c2', { name: 'c2' });
  await store.putTaskConfigs('c2', [{ v: 'old-0' }]);
  events.length = 0;
  // Another writer's task configs, its commit not yet written.
  await writeTopic(cluster.bootstrapServers, 'configs-commit', [
    { key: 'task-c2-0', value: '{"properties":{"v":"new-0"}}' },
    { key: 'task-c2-1', value: '{"properties":{"v":"new-1"}}' },
  ]);
  await store.refresh();
  t.same(store.snapshot().taskConfigs('c2'), [{ v: 'old-0' }], 'still the committed configs');
  t.equal(store.snapshot().taskCount('c2'), 1);
  t.same(events, [], 'no task update yet');
  await writeTopic(cluster.bootstrapServers, 'configs-commit', [{ key: 'commit-c2', value: '{"tasks":2}' }]);
  await store.refresh();
  t.same(store.snapshot().taskConfigs('c2'), [{ v: 'new-0' }, { v: 'new-1' }], 'applied together by the commit');
  t.same(events, ['tasks [c2-0,c2-1]']);
});

t.test(
  'a commit that finds task configs missing (compaction) marks the connector inconsistent until tasks are written again',
  async (t) => {
    const { store, events } = await openStore(t, 'configs-inconsistent');
    await store.putConnectorConfig('c3', { name: 'c3' });
    await writeTopic(cluster.bootstrapServers, 'configs-inconsistent', [
      { key: 'task-c3-1', value: '{"properties":{"v":"1"}}' },
      { key: 'commit-c3', value: '{"tasks":2}' },
    ]);
    await store.refresh();
    t.same(store.snapshot().inconsistentConnectors(), ['c3']);
    t.same(store.snapshot().tasks('c3'), [], 'no tasks while inconsistent');
    t.equal(store.snapshot().taskCount('c3'), 2);
    await store.putTaskConfigs('c3', [{ v: '0' }, { v: '1' }]);
    t.same(store.snapshot().inconsistentConnectors(), []);
    t.same(store.snapshot().taskConfigs('c3'), [{ v: '0' }, { v: '1' }]);
    t.same(events.slice(-2), ['tasks []', 'tasks [c3-0,c3-1]'], 'the incomplete commit applied no task');
  },
);

t.test('a removed connector is gone with its task configs, also for a store started later', async (t) => {
  const { store, events } = await openStore(t, 'configs-remove');
  await store.putConnectorConfig('c4', { name: 'c4' }, 'PAUSED');
  await store.putTaskConfigs('c4', [{ v: '0' }]);
  await store.removeConnectorConfig('c4');
  for (const snapshot of [store.snapshot(), (await openStore(t, 'configs-remove')).store.snapshot()]) {
    t.same(snapshot.connectors(), []);
    t.equal(snapshot.connectorConfig('c4'), undefined);
    t.equal(snapshot.targetState('c4'), undefined);
    t.same(snapshot.tasks('c4'), []);
    t.equal(snapshot.taskConfig({ connector: 'c4', task: 0 }), undefined);
  }
  t.same(events, ['config c4', 'tasks [c4-0]', 'removed c4']);
});

t.test("restart requests and session keys reach the other stores' listeners", async (t) => {
  const a = await openStore(t, 'configs-requests');
  const b = await openStore(t, 'configs-requests');
  await a.store.putRestartRequest({ connector: 'c5', onlyFailed: false, includeTasks: true });
  await a.store.putSessionKey({ key: new Uint8Array([9, 8, 7]), algorithm: 'HmacSHA512', creationTimestamp: 1 });
  await b.store.refresh();
  t.same(b.events, ['restart c5 onlyFailed=false includeTasks=true', 'session key HmacSHA512']);
  t.same(b.store.snapshot().sessionKey, { key: new Uint8Array([9, 8, 7]), algorithm: 'HmacSHA512', creationTimestamp: 1 });
});

t.test('a config topic with more than one partition is refused', async (t) => {
  await cluster.createTopic('configs-two-partitions', { partitions: 2, replicationFactor: 1 });
  const store = new KafkaConfigBackingStore({
    topic: 'configs-two-partitions',
    replicationFactor: 1,
    clientConfig: { 'bootstrap.servers': cluster.bootstrapServers },
    logger: captureLogger().logger,
  });
  t.teardown(() => store.stop());
  await t.rejects(store.start(), /config\.storage\.topic=configs-two-partitions: the topic must have a single partition .* but it has 2/);
});

t.test('writes are checked, naming the field', async (t) => {
  const { store } = await openStore(t, 'configs-checked');
  await t.rejects(
    store.putConnectorConfig('c6', { 'tasks.max': 2 } as unknown as Record<string, string>),
    /connector c6: properties: tasks.max must be a string, got number/,
  );
  await t.rejects(
    store.putTaskConfigs('c6', [{ a: 'b' }, { a: null } as unknown as Record<string, string>]),
    /connector c6: task 1 config: a must be a string, got null/,
  );
  await t.rejects(
    store.putTargetState('c6', 'RUNNING' as 'STARTED'),
    /target state must be one of STARTED, PAUSED, STOPPED, got "RUNNING"/,
  );
  await t.rejects(store.putConnectorConfig('', {}), /connector name must be a non-empty string/);
  t.same((await readTopic(cluster.bootstrapServers, 'configs-checked')).length, 0, 'nothing was written');
});
