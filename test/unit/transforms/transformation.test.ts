/** newRecord: Kafka's ConnectRecord.newRecord for source, sink and other records. */
import t from 'tap';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import { SinkRecord } from '../../../src/worker-thread/sdk/sink.js';
import { describeRecord, newRecord } from '../../../src/worker-thread/transforms/transformation.js';
import type { ConnectRecord } from '../../../src/worker-thread/transforms/transformation.js';
import { sinkRecord, sourceRecord, TIMESTAMP } from './helpers.js';

t.test('a source record keeps its source partition and offset, partition and timestamp', async (t) => {
  const record = sourceRecord({ key: 'k', value: 'v', headers: [{ key: 'h', value: 'x' }] });
  const out = newRecord(record, { topic: 'other', valueSchema: Schema.STRING_SCHEMA, value: null });
  t.ok(out instanceof SourceRecord);
  t.not(out, record);
  t.same(
    [out.topic, out.kafkaPartition, out.timestamp, out.key, out.value, out.valueSchema],
    ['other', 3, TIMESTAMP, 'k', null, Schema.STRING_SCHEMA],
  );
  t.equal(out.sourcePartition, record.sourcePartition);
  t.equal(out.sourceOffset, record.sourceOffset);
  t.equal(out.headers, record.headers, 'unchanged headers are shared, not copied');
  t.equal(newRecord(record, { keySchema: null, key: null }).key, null);
});

t.test('a sink record keeps its offset, timestamp type and original coordinates', async (t) => {
  const out = newRecord(newRecord(sinkRecord({ value: 'v' }, 5), { topic: 'renamed' }), { headers: [] });
  t.ok(out instanceof SinkRecord);
  t.same(
    [out.topic, out.kafkaOffset, out.originalTopic, out.originalKafkaPartition, out.originalKafkaOffset, out.timestampType],
    ['renamed', 5, 'orders', 3, 5, 'CreateTime'],
  );
});

t.test('another record keeps its prototype and its own properties', async (t) => {
  class Custom implements ConnectRecord {
    readonly topic = 't';
    readonly kafkaPartition = null;
    readonly keySchema = null;
    readonly key = null;
    readonly valueSchema = null;
    readonly value = 1;
    readonly timestamp = null;
    readonly headers = [];
    readonly extra = 'kept';
  }
  const out = newRecord(new Custom(), { value: 2 });
  t.ok(out instanceof Custom);
  t.same([out.value, out.extra], [2, 'kept']);
  t.equal(describeRecord(out), "Custom{topic='t', kafkaPartition=null, timestamp=null}");
});
