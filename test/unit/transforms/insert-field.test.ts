/** InsertField$Key / $Value: schemaless and with schemas, the `!`/`?` suffixes, sink-only offsets, config errors. */
import t from 'tap';
import { Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { InsertField } from '../../../src/worker-thread/transforms/insert-field.js';
import { configProblems, configured, sinkRecord, sourceRecord, TIMESTAMP } from './helpers.js';

const all = {
  'topic.field': 'topic',
  'partition.field': 'partition!',
  'timestamp.field': 'ts?',
  'static.field': 'origin',
  'static.value': 'connectd',
};

t.test('schemaless: a plain object stays a plain object, a Map a Map', async (t) => {
  const out = configured(InsertField.Value, all).apply(sourceRecord({ value: { id: 1 } }));
  t.same(out.value, { id: 1, topic: 'orders', partition: 3, ts: BigInt(TIMESTAMP), origin: 'connectd' });
  t.equal(out.valueSchema, null);
  const fromMap = configured(InsertField.Value, all).apply(sourceRecord({ value: new Map([['id', 1]]) }));
  t.ok(fromMap.value instanceof Map);
  t.equal((fromMap.value as Map<string, unknown>).get('ts'), BigInt(TIMESTAMP), 'a schemaless timestamp is an INT64: a bigint');
});

t.test('schemaless: no partition or timestamp, no field', async (t) => {
  const out = configured(InsertField.Value, all).apply(sourceRecord({ value: {}, kafkaPartition: null, timestamp: null }));
  t.same(out.value, { topic: 'orders', origin: 'connectd' });
});

t.test('with a schema: the new fields, optional unless suffixed with !, the schema cached', async (t) => {
  const schema = SchemaBuilder.struct().name('row').version(2).doc('a row').field('id', Schema.INT32_SCHEMA).build();
  const transform = configured(InsertField.Value, all);
  const out = transform.apply(sourceRecord({ valueSchema: schema, value: new Struct(schema).put('id', 1) }));
  const expected = SchemaBuilder.struct()
    .name('row')
    .version(2)
    .doc('a row')
    .field('id', Schema.INT32_SCHEMA)
    .field('topic', Schema.OPTIONAL_STRING_SCHEMA)
    .field('partition', Schema.INT32_SCHEMA)
    .field('ts', Timestamp.builder().optional().build())
    .field('origin', Schema.OPTIONAL_STRING_SCHEMA)
    .build();
  t.ok(schemasEqual(out.valueSchema, expected));
  const value = out.value as Struct;
  t.equal(value.get('partition'), 3);
  t.same(value.get('ts'), new Date(TIMESTAMP));
  t.equal(value.get('origin'), 'connectd');
  const again = transform.apply(sourceRecord({ valueSchema: schema, value: new Struct(schema).put('id', 2) }));
  t.equal(again.valueSchema, out.valueSchema, 'the same schema object for the same input schema');
  const equalSchema = SchemaBuilder.struct().name('row').version(2).doc('a row').field('id', Schema.INT32_SCHEMA).build();
  t.equal(
    transform.apply(sourceRecord({ valueSchema: equalSchema, value: new Struct(equalSchema).put('id', 3) })).valueSchema,
    out.valueSchema,
    'also for an equal schema',
  );
});

t.test('null passes through; the offset needs a sink record', async (t) => {
  const record = sourceRecord({ value: null });
  t.equal(configured(InsertField.Value, all).apply(record), record);
  t.throws(() => configured(InsertField.Value, { 'offset.field': 'o' }).apply(sourceRecord({ value: {} })), {
    message: 'Only SinkRecord supported for [field insertion], found: SourceRecord',
  });
  const sink = configured(InsertField.Value, { 'offset.field': 'o' }).apply(sinkRecord({ value: {} }, 12));
  t.same(sink.value, { o: 12n });
});

t.test('the key variant, and values it cannot insert into', async (t) => {
  const out = configured(InsertField.Key, { 'topic.field': 't' }).apply(sourceRecord({ key: { k: 1 }, value: 'v' }));
  t.same(out.key, { k: 1, t: 'orders' });
  t.equal(out.value, 'v');
  t.throws(() => configured(InsertField.Value, all).apply(sourceRecord({ value: [1] })), {
    message: 'Only Map objects supported in absence of schema for [field insertion], found: Array',
  });
  t.throws(() => configured(InsertField.Value, all).apply(sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x' })), {
    message: 'Only Struct objects supported for [field insertion], found: string',
  });
});

t.test('config errors', async (t) => {
  t.same(
    configProblems(() => configured(InsertField.Value, {})),
    [['type', 'No field insertion configured']],
  );
  t.same(
    configProblems(() => configured(InsertField.Value, { 'static.field': 's' })),
    [['static.value', 'No value specified for static field: s']],
  );
  t.same(
    configProblems(() => configured(InsertField.Value, { 'topic.field': 't', 'replace.null.with.default': 'x' })),
    [['replace.null.with.default', 'Expected value to be either true or false']],
  );
  t.same(
    InsertField.CONFIG_DEF.keys().map((k) => [k.name, k.default]),
    [
      ['topic.field', null],
      ['partition.field', null],
      ['offset.field', null],
      ['timestamp.field', null],
      ['static.field', null],
      ['static.value', null],
      ['replace.null.with.default', true],
    ],
  );
});
