/**
 * A SourceRecord's keySchema/valueSchema reach the converters through encodeBatch: what a task
 * polls is what Kafka receives, in Kafka Connect's JSON, and records built without schemas (the
 * init object as before) still convert.
 */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { createConverter } from '../../../src/worker-thread/data/converters.js';
import { Decimal, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { RecordBatchReader, encodeBatch } from '../../../src/shared/record-batch.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';

const config = {
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'key.converter.schemas.enable': 'false',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
};
const keyConverter = createConverter(config, 'key.converter');
const valueConverter = createConverter(config, 'value.converter');

function decoded(records: SourceRecord[]): { key: string | null; value: string | null }[] {
  const batch = encodeBatch(records, keyConverter, valueConverter);
  if (batch instanceof Promise) throw new Error('JsonConverter never waits: encodeBatch must not return a Promise');
  const reader = new RecordBatchReader(batch.buffer);
  const out: { key: string | null; value: string | null }[] = [];
  while (reader.next()) out.push({ key: reader.key?.toString('utf8') ?? null, value: reader.value?.toString('utf8') ?? null });
  return out;
}

t.test('a Struct with its schema becomes a Kafka Connect JSON envelope', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('row')
    .field('id', Schema.INT32_SCHEMA)
    .field('ts', Timestamp.builder().optional())
    .field('amt', Decimal.builder(2).optional())
    .build();
  const value = new Struct(schema).put('id', 1).put('ts', new Date(1700000000000)).put('amt', BigDecimal.parse('2.22'));
  const record = new SourceRecord({
    sourcePartition: { table: 'row' },
    sourceOffset: { id: 1 },
    topic: 'rows',
    keySchema: Schema.INT64_SCHEMA,
    key: 9007199254740993n,
    valueSchema: schema,
    value,
  });
  t.equal(record.keySchema, Schema.INT64_SCHEMA);
  t.same(decoded([record]), [
    {
      key: '9007199254740993',
      // The example of the reference inventory (section 5), byte for byte.
      value:
        '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"},' +
        '{"type":"int64","optional":true,"name":"org.apache.kafka.connect.data.Timestamp","version":1,"field":"ts"},' +
        '{"type":"bytes","optional":true,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"},"field":"amt"}],' +
        '"optional":false,"name":"row"},"payload":{"id":1,"ts":1700000000000,"amt":"AN4="}}',
    },
  ]);
});

t.test('records without schemas convert as schemaless data; a null value with no schema is a tombstone', async (t) => {
  const plain = new SourceRecord({
    sourcePartition: { f: 'a' },
    sourceOffset: { pos: 1 },
    topic: 't',
    key: 'k',
    value: { line: 'hello', n: 1 },
  });
  t.equal(plain.keySchema, null);
  t.equal(plain.valueSchema, null);
  const tombstone = new SourceRecord({ sourcePartition: { f: 'a' }, sourceOffset: { pos: 2 }, topic: 't', key: 'k', value: null });
  t.same(decoded([plain, tombstone]), [
    { key: '"k"', value: '{"schema":null,"payload":{"line":"hello","n":1}}' },
    { key: '"k"', value: null },
  ]);
});

t.test('a value that does not fit its schema fails the batch, naming the field', async (t) => {
  const schema = SchemaBuilder.struct().field('n', Schema.INT8_SCHEMA).build();
  const bad = new SourceRecord({ sourcePartition: {}, sourceOffset: {}, topic: 't', valueSchema: Schema.INT8_SCHEMA, value: 300 });
  t.throws(() => decoded([bad]), { code: 'CONNECTD_ERR_DATA', message: /INT8.*out of range/ });
  const wrongStruct = new SourceRecord({
    sourcePartition: {},
    sourceOffset: {},
    topic: 't',
    valueSchema: Schema.STRING_SCHEMA,
    value: new Struct(schema).put('n', 1),
  });
  t.throws(() => decoded([wrongStruct]), { name: 'DataTypeError' });
});
