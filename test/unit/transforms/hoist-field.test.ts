/** HoistField$Key / $Value. */
import t from 'tap';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import type { Struct } from '../../../src/worker-thread/data/struct.js';
import { HoistField } from '../../../src/worker-thread/transforms/hoist-field.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

t.test('with a schema: a Struct of one field, its schema cached', async (t) => {
  const transform = configured(HoistField.Value, { field: 'line' });
  const out = transform.apply(sourceRecord({ valueSchema: Schema.OPTIONAL_STRING_SCHEMA, value: 'hello' }));
  t.ok(schemasEqual(out.valueSchema, SchemaBuilder.struct().field('line', Schema.OPTIONAL_STRING_SCHEMA).build()));
  t.equal((out.value as Struct).get('line'), 'hello');
  t.equal(transform.apply(sourceRecord({ valueSchema: Schema.OPTIONAL_STRING_SCHEMA, value: null })).valueSchema, out.valueSchema);
  t.throws(() => transform.apply(sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: null })), /null used for required field: "line"/);
});

t.test('schemaless: a Map of one entry, null included', async (t) => {
  t.same(configured(HoistField.Value, { field: 'line' }).apply(sourceRecord({ value: 'x' })).value, new Map([['line', 'x']]));
  t.same(configured(HoistField.Value, { field: 'line' }).apply(sourceRecord({ value: null })).value, new Map([['line', null]]));
  t.same(configured(HoistField.Key, { field: 'id' }).apply(sourceRecord({ key: 7n })).key, new Map([['id', 7n]]));
  t.same(
    configProblems(() => configured(HoistField.Value, {})),
    [['field', 'Missing required configuration "field" which has no default value.']],
  );
});
