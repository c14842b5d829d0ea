/** Flatten$Key / $Value: nested structs and maps, optional parents and defaults, arrays kept, what it refuses. */
import t from 'tap';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { Flatten } from '../../../src/worker-thread/transforms/flatten.js';
import { configured, sourceRecord } from './helpers.js';

const leaf = SchemaBuilder.struct()
  .optional()
  .field('x', Schema.INT32_SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA))
  .build();
const mid = SchemaBuilder.struct().field('leaf', leaf).field('y', SchemaBuilder.string().defaultValue('dy').build()).build();
const top = SchemaBuilder.struct().name('top').field('id', Schema.INT64_SCHEMA).field('mid', mid).build();

t.test('with a schema', async (t) => {
  const transform = configured(Flatten.Value, { delimiter: '_' });
  const value = new Struct(top)
    .put('id', 1n)
    .put('mid', new Struct(mid).put('leaf', new Struct(leaf).put('x', 5).put('tags', ['a'])).put('y', 'why'));
  const out = transform.apply(sourceRecord({ valueSchema: top, value }));
  const expected = SchemaBuilder.struct()
    .name('top')
    .field('id', Schema.INT64_SCHEMA)
    .field('mid_leaf_x', Schema.OPTIONAL_INT32_SCHEMA)
    .field('mid_leaf_tags', SchemaBuilder.array(Schema.STRING_SCHEMA).optional())
    .field('mid_y', SchemaBuilder.string().defaultValue('dy').build())
    .build();
  t.ok(schemasEqual(out.valueSchema, expected), 'fields under an optional struct are optional');
  const v = out.value as Struct;
  t.same([v.get('id'), v.get('mid_leaf_x'), v.get('mid_leaf_tags'), v.get('mid_y')], [1n, 5, ['a'], 'why']);
  const noLeaf = transform.apply(
    sourceRecord({ valueSchema: top, value: new Struct(top).put('id', 2n).put('mid', new Struct(mid).put('y', 'y')) }),
  );
  t.equal(noLeaf.valueSchema, out.valueSchema, 'cached');
  t.equal((noLeaf.value as Struct).get('mid_leaf_x'), null);
  const record = sourceRecord({ valueSchema: top, value: null });
  t.equal(transform.apply(record), record);

  const withMap = SchemaBuilder.struct().field('m', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)).build();
  t.throws(() => transform.apply(sourceRecord({ valueSchema: withMap, value: new Struct(withMap).put('m', {}) })), {
    message: 'Flatten transformation does not support MAP for record with schemas (for field m).',
  });
});

t.test('a default on a parent struct gives its fields their defaults', async (t) => {
  const inner = SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).optional().build();
  const parentDefault = new Struct(inner).put('a', 9);
  const outer = SchemaBuilder.struct()
    .field('p', SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).optional().defaultValue(parentDefault).build())
    .build();
  const out = configured(Flatten.Value).apply(sourceRecord({ valueSchema: outer, value: new Struct(outer) }));
  t.equal(out.valueSchema?.field('p.a')?.schema.defaultValue, 9);
  t.equal((out.value as Struct).get('p.a'), 9);
});

t.test('schemaless', async (t) => {
  const out = configured(Flatten.Value).apply(
    sourceRecord({ value: { a: 1, b: { c: 'x', d: new Map([['e', 2n]]) }, list: [{ z: 1 }], n: null } }),
  );
  t.same(
    out.value,
    { a: 1, 'b.c': 'x', 'b.d.e': 2n, list: [{ z: 1 }], n: null },
    'a plain object in, a plain object out; arrays untouched',
  );
  t.same(configured(Flatten.Key).apply(sourceRecord({ key: new Map([['k', { j: 1 }]]) })).key, new Map([['k.j', 1]]));
  t.throws(() => configured(Flatten.Value).apply(sourceRecord({ value: { s: new Struct(leaf).put('x', 1).put('tags', []) } })), {
    message: 'Flatten transformation does not support Struct for record without schemas (for field s).',
  });
  t.throws(() => configured(Flatten.Value).apply(sourceRecord({ value: { d: new Date(0) } })), {
    message: "Flatten transformation was passed a value of type Date which is not supported by Connect's data API",
  });
  t.throws(() => configured(Flatten.Value).apply(sourceRecord({ value: 'x' })), {
    message: 'Only Map objects supported in absence of schema for [flattening], found: string',
  });
});
