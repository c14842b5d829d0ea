/** TimestampRouter: the topic from `topic.format` and the record's timestamp in UTC. */
import t from 'tap';
import { TimestampRouter } from '../../../src/worker-thread/transforms/timestamp-router.js';
import { configProblems, configured, sinkRecord, sourceRecord } from './helpers.js';

t.test('routes by topic and timestamp', async (t) => {
  t.equal(configured(TimestampRouter).apply(sourceRecord({ value: 'x' })).topic, 'orders-20231114');
  const custom = configured(TimestampRouter, { 'topic.format': 'x_${timestamp}_${topic}_${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH" });
  t.equal(custom.apply(sourceRecord({ topic: 'a$1', value: 'x' })).topic, 'x_2023-11-14T22_a$1_a$1', 'a $ in the topic is literal');
  const sink = custom.apply(sinkRecord({ value: 'x' }));
  t.equal(sink.topic, 'x_2023-11-14T22_orders_orders');
  t.equal(sink.originalTopic, 'orders');
});

t.test('a record without a timestamp, a bad pattern', async (t) => {
  t.throws(() => configured(TimestampRouter).apply(sourceRecord({ value: 'x', timestamp: null })), {
    message: "Timestamp missing on record: SourceRecord{topic='orders', kafkaPartition=3, timestamp=null}",
  });
  t.same(
    configProblems(() => configured(TimestampRouter, { 'timestamp.format': 'yyyy-bb' })),
    [['timestamp.format', "Illegal pattern character 'b'"]],
  );
});
