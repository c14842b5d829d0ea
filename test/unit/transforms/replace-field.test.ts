/** ReplaceField$Key / $Value: include, exclude (which wins), renames, schemaless and with schemas, config errors. */
import t from 'tap';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { ReplaceField } from '../../../src/worker-thread/transforms/replace-field.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const schema = SchemaBuilder.struct()
  .name('row')
  .field('a', Schema.INT32_SCHEMA)
  .field('b', Schema.STRING_SCHEMA)
  .field('c', SchemaBuilder.int64().optional().defaultValue(5n).build())
  .build();
const struct = new Struct(schema).put('a', 1).put('b', 'x');

t.test('with a schema', async (t) => {
  const out = configured(ReplaceField.Value, { include: 'a,c', exclude: 'c', renames: 'a:alpha' }).apply(
    sourceRecord({ valueSchema: schema, value: struct }),
  );
  t.ok(schemasEqual(out.valueSchema, SchemaBuilder.struct().name('row').field('alpha', Schema.INT32_SCHEMA).build()));
  t.equal((out.value as Struct).get('alpha'), 1);
  const renamed = configured(ReplaceField.Value, { renames: 'c:gamma' }).apply(sourceRecord({ valueSchema: schema, value: struct }));
  t.equal((renamed.value as Struct).getWithoutDefault('gamma'), 5n, 'the default stands for a null');
  const raw = configured(ReplaceField.Value, { renames: 'c:gamma', 'replace.null.with.default': 'false' }).apply(
    sourceRecord({ valueSchema: schema, value: struct }),
  );
  t.equal((raw.value as Struct).getWithoutDefault('gamma'), null);
});

t.test('schemaless', async (t) => {
  const out = configured(ReplaceField.Value, { exclude: 'b', renames: 'a:alpha' }).apply(sourceRecord({ value: { a: 1, b: 2, c: 3 } }));
  t.same(out.value, { alpha: 1, c: 3 });
  const map = configured(ReplaceField.Value, { include: 'b' }).apply(
    sourceRecord({
      value: new Map([
        ['a', 1],
        ['b', 2],
      ]),
    }),
  );
  t.same(map.value, new Map([['b', 2]]));
  const record = sourceRecord({ value: null });
  t.equal(configured(ReplaceField.Value, { exclude: 'b' }).apply(record), record, 'null passes through');
  t.same(configured(ReplaceField.Key, { include: 'k' }).apply(sourceRecord({ key: { k: 1, j: 2 } })).key, { k: 1 });
  t.throws(() => configured(ReplaceField.Value, {}).apply(sourceRecord({ value: 'x' })), {
    message: 'Only Map objects supported in absence of schema for [field replacement], found: string',
  });
});

t.test('renames are old:new pairs (Java split: a trailing colon is dropped)', async (t) => {
  t.same(
    configProblems(() => configured(ReplaceField.Value, { renames: 'a:b,c' })),
    [['renames', 'Invalid rename mapping: c']],
  );
  t.same(
    configProblems(() => configured(ReplaceField.Value, { renames: 'a:b:c' })),
    [['renames', 'Invalid rename mapping: a:b:c']],
  );
  t.same(configured(ReplaceField.Value, { renames: 'a:b:' }).apply(sourceRecord({ value: { a: 1 } })).value, { b: 1 });
  t.equal(
    ReplaceField.CONFIG_DEF.configKeys().get('renames')?.validator?.toString(),
    'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
  );
});
