/** ValueToKey: a key of some value fields, with a schema (cached) or without; a missing field; a null value. */
import t from 'tap';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { ValueToKey } from '../../../src/worker-thread/transforms/value-to-key.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const schema = SchemaBuilder.struct()
  .field('id', Schema.INT32_SCHEMA)
  .field('region', SchemaBuilder.string().optional().defaultValue('eu').build())
  .build();

t.test('with a schema', async (t) => {
  const transform = configured(ValueToKey, { fields: 'region,id' });
  const value = new Struct(schema).put('id', 1);
  const out = transform.apply(sourceRecord({ key: 'old', keySchema: Schema.STRING_SCHEMA, valueSchema: schema, value }));
  t.ok(
    schemasEqual(
      out.keySchema,
      SchemaBuilder.struct().field('region', schema.field('region')!.schema).field('id', Schema.INT32_SCHEMA).build(),
    ),
  );
  t.equal((out.key as Struct).getWithoutDefault('region'), 'eu');
  t.equal(out.value, value);
  t.equal(transform.apply(sourceRecord({ valueSchema: schema, value })).keySchema, out.keySchema, 'cached');
  const raw = configured(ValueToKey, { fields: 'region', 'replace.null.with.default': 'false' }).apply(
    sourceRecord({ valueSchema: schema, value }),
  );
  t.equal((raw.key as Struct).getWithoutDefault('region'), null);
  t.throws(() => configured(ValueToKey, { fields: 'nope' }).apply(sourceRecord({ valueSchema: schema, value })), {
    message: 'Field does not exist: nope',
  });
});

t.test('schemaless', async (t) => {
  const out = configured(ValueToKey, { fields: 'id,missing' }).apply(
    sourceRecord({ keySchema: Schema.STRING_SCHEMA, key: 'k', value: { id: 1n, x: 2 } }),
  );
  t.same(out.key, { id: 1n, missing: null });
  t.equal(out.keySchema, null);
  t.same(configured(ValueToKey, { fields: 'id' }).apply(sourceRecord({ value: new Map([['id', 1]]) })).key, new Map([['id', 1]]));
  t.throws(() => configured(ValueToKey, { fields: 'id' }).apply(sourceRecord({ value: null })), {
    message: 'Only Map objects supported in absence of schema for [copying fields from value to key], found: null',
  });
  t.same(
    configProblems(() => configured(ValueToKey, { fields: '' })),
    [['fields', 'Empty list']],
  );
});
