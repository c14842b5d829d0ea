/**
 * The pure parts of the Kafka-backed stores: the record bytes they write, the keys they parse, and
 * the partition a key lands in. The expected strings and partitions are what Kafka Connect 4.1.1's
 * own stores wrote to a broker (KafkaConfigBackingStore, KafkaStatusBackingStore, and
 * OffsetStorageWriter over KafkaOffsetBackingStore, with the internal JsonConverter), read back raw;
 * see docs/design/2026-11-25-kafka-stores.md for how they were produced.
 */
import t from 'tap';
import {
  connectorConfigValue,
  parseTaskKey,
  restartRequestValue,
  sessionKeyValue,
  targetStateValue,
  taskConfigValue,
  taskKey,
  tasksCommitValue,
} from '../../../src/main-thread/storage/kafka-config-backing-store.js';
import {
  canWriteSafely,
  connectorStatusKey,
  parseTaskStatusKey,
  parseTopicStatusKey,
  statusValue,
  taskStatusKey,
  topicStatusKey,
  topicStatusValue,
} from '../../../src/main-thread/storage/kafka-status-backing-store.js';
import { javaPartition, murmur2 } from './java-murmur2.js';

t.test('murmur2 is Kafka Utils.murmur2 (the vectors of Kafka UtilsTest, checked against kafka-clients 4.1.1)', async (t) => {
  const vectors: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [input, expected] of vectors) t.equal(murmur2(Buffer.from(input)), expected, input);
});

t.test('javaPartition gives the partitions Kafka Connect 4.1.1 put its records in', async (t) => {
  // Offsets topic, 25 partitions (the keys' bytes as Kafka Connect's JsonConverter wrote them).
  t.equal(javaPartition('["local-file-source",{"filename":"test.txt"}]', 25), 10);
  t.equal(javaPartition('["local-file-source",{"zeta":"z","alpha":1,"mid":true}]', 25), 9);
  t.equal(javaPartition('["local-file-source",{"file":"café \\uD83D\\uDE00 \\u0007"}]', 25), 17);
  t.equal(javaPartition('["local-file-source",{"filename":"gone.txt"}]', 25), 18);
  // Status topic, 5 partitions.
  t.equal(javaPartition('status-connector-conn-a', 5), 3);
  t.equal(javaPartition('status-task-conn-a-0', 5), 3);
  t.equal(javaPartition('status-task-my-conn-2-11', 5), 2);
  t.equal(javaPartition('status-topic-orders:connector-conn-a', 5), 4);
  t.equal(javaPartition('status-task-conn-a-7', 5), 4);
});

t.test('config records are byte for byte what KafkaConfigBackingStore writes', async (t) => {
  t.equal(
    connectorConfigValue({ 'connector.class': 'FileStreamSource', name: 'conn-a', 'tasks.max': '2', file: '/tmp/a "b".txt' }),
    '{"properties":{"connector.class":"FileStreamSource","name":"conn-a","tasks.max":"2","file":"/tmp/a \\"b\\".txt"}}',
  );
  t.equal(taskConfigValue({ n: '0', 'task.class': 'T' }), '{"properties":{"n":"0","task.class":"T"}}');
  t.equal(connectorConfigValue({}), '{"properties":{}}');
  t.equal(tasksCommitValue(2), '{"tasks":2}');
  t.equal(tasksCommitValue(0), '{"tasks":0}');
  t.equal(targetStateValue('STOPPED'), '{"state":"PAUSED","state.v2":"STOPPED"}', 'older workers read STOPPED as PAUSED');
  t.equal(targetStateValue('PAUSED'), '{"state":"PAUSED","state.v2":"PAUSED"}');
  t.equal(targetStateValue('STARTED'), '{"state":"STARTED","state.v2":"STARTED"}');
  t.equal(
    restartRequestValue({ connector: 'conn-a', onlyFailed: true, includeTasks: false }),
    '{"include-tasks":false,"only-failed":true}',
  );
  t.equal(
    sessionKeyValue({ key: new Uint8Array([1, 2, 3, 4, 0xff]), algorithm: 'HmacSHA256', creationTimestamp: 1700000000123 }),
    '{"key":"AQIDBP8=","algorithm":"HmacSHA256","creation-timestamp":1700000000123}',
  );
  // Jackson's escapes: upper-case hex for control characters and characters outside the BMP.
  t.equal(connectorConfigValue({ f: 'café 😀 \u0007\n' }), '{"properties":{"f":"café \\uD83D\\uDE00 \\u0007\\n"}}');
});

t.test('status records are byte for byte what KafkaStatusBackingStore (4.1) writes', async (t) => {
  t.equal(
    statusValue({ state: 'RUNNING', trace: null, workerId: '10.0.0.1:8083', generation: 3, version: null }),
    '{"state":"RUNNING","trace":null,"worker_id":"10.0.0.1:8083","generation":3,"version":null}',
  );
  t.equal(
    statusValue({
      state: 'FAILED',
      trace: 'java.lang.Exception: boom\n\tat X',
      workerId: '10.0.0.1:8083',
      generation: 4,
      version: '4.1.1',
    }),
    '{"state":"FAILED","trace":"java.lang.Exception: boom\\n\\tat X","worker_id":"10.0.0.1:8083","generation":4,"version":"4.1.1"}',
  );
  t.equal(
    statusValue({ state: 'DESTROYED', trace: null, workerId: 'w:1', generation: 6, version: null }),
    null,
    'DESTROYED is a tombstone',
  );
  t.equal(
    topicStatusValue({ topic: 'orders', connector: 'conn-a', task: 1, discoverTimestamp: 1700000000456 }),
    '{"topic":{"name":"orders","connector":"conn-a","task":1,"discoverTimestamp":1700000000456}}',
  );
  t.equal(connectorStatusKey('conn-a'), 'status-connector-conn-a');
  t.equal(taskStatusKey({ connector: 'my-conn-2', task: 11 }), 'status-task-my-conn-2-11');
  t.equal(topicStatusKey('conn-a', 'orders'), 'status-topic-orders:connector-conn-a');
});

t.test('keys are parsed as Kafka Connect parses them', async (t) => {
  t.same(parseTaskKey(taskKey({ connector: 'conn-a', task: 0 })), { connector: 'conn-a', task: 0 });
  t.same(parseTaskKey('task-my-conn-2-11'), { connector: 'my-conn-2', task: 11 }, 'dashes in the connector name');
  t.equal(parseTaskKey('task-conn'), null, 'no task number');
  t.equal(parseTaskKey('task-conn-x'), null, 'task number not a number');
  t.equal(parseTaskKey('task-conn-99999999999'), null, 'task number beyond an int');
  t.same(parseTaskStatusKey('status-task-my-conn-2-11'), { connector: 'my-conn-2', task: 11 });
  t.equal(parseTaskStatusKey('status-task-conn'), null);
  t.same(parseTopicStatusKey('status-topic-orders:connector-conn-a'), { topic: 'orders', connector: 'conn-a' });
  t.same(parseTopicStatusKey('status-topic-a.b_c-d:connector-x:y'), { topic: 'a.b_c-d', connector: 'x:y' });
  t.equal(parseTopicStatusKey('status-topic-orders'), null, 'no connector part');
  t.equal(parseTopicStatusKey('status-topic-:connector-c'), null, 'empty topic');
  t.equal(parseTopicStatusKey('status-topic-t:connector-'), null, 'empty connector');
});

t.test('putSafe rules: no status yet, same worker, or a generation at least as new', async (t) => {
  const current = { state: 'RUNNING' as const, trace: null, workerId: 'a:1', generation: 5, version: null };
  t.ok(canWriteSafely(undefined, { ...current, workerId: 'b:1', generation: 1 }), 'nothing written yet');
  t.ok(canWriteSafely(current, { ...current, generation: 1 }), 'the same worker, older generation');
  t.ok(canWriteSafely(current, { ...current, workerId: 'b:1', generation: 5 }), 'another worker, same generation');
  t.notOk(canWriteSafely(current, { ...current, workerId: 'b:1', generation: 4 }), 'another worker, older generation');
});

t.test("offset keys and values as Kafka Connect's Jackson writes them (connectJson)", async (t) => {
  const { connectJson, offsetKey } = await import('../../../src/shared/offset-json.js');
  t.equal(
    offsetKey('local-file-source', connectJson({ file: 'café 😀 \u0007' })),
    '["local-file-source",{"file":"café \\uD83D\\uDE00 \\u0007"}]',
    'the key Kafka Connect 4.1.1 wrote for this partition',
  );
  t.equal(connectJson({ zeta: 'z', alpha: 1, mid: true }), '{"zeta":"z","alpha":1,"mid":true}', 'fields in their original order');
  t.equal(
    connectJson({ s: 'té\u0001/😀"' }),
    '{"s":"té\\u0001/\\uD83D\\uDE00\\""}',
    'control characters in upper-case hex, quotes escaped',
  );
  t.equal(connectJson({ s: '\\u001f text' }), '{"s":"\\\\u001f text"}', 'a literal backslash-u in the text stays as it is');
  t.equal(connectJson({ s: '\u001f' }), '{"s":"\\u001F"}', 'upper-case hex digits');
});
