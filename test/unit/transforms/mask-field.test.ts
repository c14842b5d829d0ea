/** MaskField$Key / $Value: the empty value of each type, replacements converted to the field's type, errors. */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { ConnectDate, Decimal } from '../../../src/worker-thread/data/logical-types.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { MaskField } from '../../../src/worker-thread/transforms/mask-field.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const schema = SchemaBuilder.struct()
  .field('i8', Schema.INT8_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f32', Schema.FLOAT32_SCHEMA)
  .field('s', Schema.STRING_SCHEMA)
  .field('b', Schema.BOOLEAN_SCHEMA)
  .field('dec', Decimal.schema(2))
  .field('date', ConnectDate.SCHEMA)
  .field('arr', SchemaBuilder.array(Schema.INT32_SCHEMA))
  .field('map', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA))
  .field('bytes', Schema.OPTIONAL_BYTES_SCHEMA)
  .build();
const struct = new Struct(schema)
  .put('i8', 8)
  .put('i64', 64n)
  .put('f32', 1.5)
  .put('s', 'secret')
  .put('b', true)
  .put('dec', BigDecimal.parse('1.25'))
  .put('date', new Date(86_400_000))
  .put('arr', [1])
  .put('map', { a: 1 });

t.test('with a schema: the empty value of each type', async (t) => {
  const out = configured(MaskField.Value, { fields: 'i8,i64,f32,s,b,dec,date,arr,map,bytes' }).apply(
    sourceRecord({ valueSchema: schema, value: struct }),
  );
  const v = out.value as Struct;
  t.equal(out.valueSchema, schema, 'the schema is unchanged');
  t.same([v.get('i8'), v.get('i64'), v.get('f32'), v.get('s'), v.get('b')], [0, 0n, 0, '', false]);
  t.ok((v.get('dec') as BigDecimal).equals(new BigDecimal(0n, 0)));
  t.same(v.get('date'), new Date(0));
  t.same(v.get('arr'), []);
  t.same(v.get('map'), {}, 'a plain-object map masks to a plain object');
  t.equal(v.get('bytes'), null, 'a null stays null');
});

t.test('replacements', async (t) => {
  const out = configured(MaskField.Value, { fields: 'i8,i64,f32,s,dec', replacement: '300.75' }).apply(
    sourceRecord({ valueSchema: schema, value: struct }),
  );
  const v = out.value as Struct;
  t.same(
    [v.get('i8'), v.get('i64'), v.get('f32'), v.get('s')],
    [44, 300n, 300.75, '300.75'],
    'an int8 keeps the low bits of 300, as Java (byte) does',
  );
  t.ok((v.get('dec') as BigDecimal).equals(BigDecimal.parse('300.75')));
  t.throws(
    () => configured(MaskField.Value, { fields: 'b', replacement: 'x' }).apply(sourceRecord({ valueSchema: schema, value: struct })),
    {
      message: 'Cannot mask value of type boolean with custom replacement.',
    },
  );
  t.throws(
    () => configured(MaskField.Value, { fields: 'i64', replacement: 'abc' }).apply(sourceRecord({ valueSchema: schema, value: struct })),
    {
      message: 'Unable to convert abc (string) to a number',
    },
  );
  const bytes = new Struct(schema)
    .put('i8', 1)
    .put('i64', 1n)
    .put('f32', 1)
    .put('s', '')
    .put('b', false)
    .put('dec', BigDecimal.parse('0.00'))
    .put('date', new Date(0));
  bytes
    .put('arr', [])
    .put('map', {})
    .put('bytes', new Uint8Array([1]));
  t.throws(() => configured(MaskField.Value, { fields: 'bytes' }).apply(sourceRecord({ valueSchema: schema, value: bytes })), {
    message: 'Cannot mask value of type: Uint8Array',
  });
});

t.test('schemaless: the JavaScript type decides; a missing field is added as null', async (t) => {
  const out = configured(MaskField.Value, { fields: 'n,f,l,s,missing' }).apply(
    sourceRecord({ value: { n: 5, f: 2.5, l: 6n, s: 'x', other: 1 } }),
  );
  t.same(out.value, { n: 0, f: 0, l: 0n, s: '', other: 1, missing: null });
  const replaced = configured(MaskField.Value, { fields: 'n,f,l', replacement: '7.9' }).apply(
    sourceRecord({ value: { n: 5, f: 2.5, l: 6n } }),
  );
  t.same(replaced.value, { n: 7, f: 7.9, l: 7n }, 'an integer number is an INT32, a fraction a FLOAT64, a bigint an INT64');
  t.same(configured(MaskField.Key, { fields: 'k' }).apply(sourceRecord({ key: new Map([['k', 'v']]) })).key, new Map([['k', '']]));
});

t.test('null is not skipped, as in Kafka', async (t) => {
  t.throws(() => configured(MaskField.Value, { fields: 'a' }).apply(sourceRecord({ value: null })), {
    message: 'Only Map objects supported in absence of schema for [mask fields], found: null',
  });
  t.throws(() => configured(MaskField.Value, { fields: 'a' }).apply(sourceRecord({ valueSchema: schema, value: null })), {
    message: 'Only Struct objects supported for [mask fields], found: null',
  });
});

t.test('config errors', async (t) => {
  t.same(
    configProblems(() => configured(MaskField.Value, {})),
    [['fields', 'Missing required configuration "fields" which has no default value.']],
  );
  t.same(
    configProblems(() => configured(MaskField.Value, { fields: '' })),
    [['fields', 'Empty list']],
  );
  t.same(
    configProblems(() => configured(MaskField.Value, { fields: 'a', replacement: '' })),
    [['replacement', 'String must be non-empty']],
  );
});
