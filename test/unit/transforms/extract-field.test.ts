/** ExtractField$Key / $Value, with V1 and V2 (dotted, backticked) field paths. */
import t from 'tap';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { ExtractField } from '../../../src/worker-thread/transforms/extract-field.js';
import { SingleFieldPath } from '../../../src/worker-thread/transforms/util/field-path.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const address = SchemaBuilder.struct().optional().field('city', SchemaBuilder.string().optional().defaultValue('?').build()).build();
const schema = SchemaBuilder.struct().field('id', Schema.INT32_SCHEMA).field('address', address).build();

t.test('with a schema', async (t) => {
  const value = new Struct(schema).put('id', 1).put('address', new Struct(address).put('city', 'Oslo'));
  const id = configured(ExtractField.Value, { field: 'id' }).apply(sourceRecord({ valueSchema: schema, value }));
  t.equal(id.valueSchema, Schema.INT32_SCHEMA);
  t.equal(id.value, 1);
  const city = configured(ExtractField.Value, { field: 'address.city', 'field.syntax.version': 'v2' }).apply(
    sourceRecord({ valueSchema: schema, value }),
  );
  t.equal(city.value, 'Oslo');
  t.equal(city.valueSchema, address.field('city')!.schema);
  const noCity = new Struct(schema).put('id', 1).put('address', new Struct(address));
  t.equal(
    configured(ExtractField.Value, { field: 'address.city', 'field.syntax.version': 'V2' }).apply(
      sourceRecord({ valueSchema: schema, value: noCity }),
    ).value,
    '?',
  );
  t.equal(
    configured(ExtractField.Value, { field: 'address.city', 'field.syntax.version': 'V2', 'replace.null.with.default': 'false' }).apply(
      sourceRecord({ valueSchema: schema, value: noCity }),
    ).value,
    null,
  );
  t.equal(
    configured(ExtractField.Value, { field: 'id' }).apply(sourceRecord({ valueSchema: schema, value: null })).value,
    null,
    'null passes through',
  );
  t.throws(() => configured(ExtractField.Value, { field: 'address.city' }).apply(sourceRecord({ valueSchema: schema, value })), {
    message: 'Unknown field: address.city',
  });
});

t.test('schemaless', async (t) => {
  t.equal(configured(ExtractField.Value, { field: 'id' }).apply(sourceRecord({ value: { id: 5n } })).value, 5n);
  t.equal(
    configured(ExtractField.Value, { field: 'a.b', 'field.syntax.version': 'V2' }).apply(
      sourceRecord({ value: { a: new Map([['b', 'deep']]) } }),
    ).value,
    'deep',
  );
  t.equal(
    configured(ExtractField.Value, { field: 'a.b', 'field.syntax.version': 'V2' }).apply(sourceRecord({ value: { a: null } })).value,
    null,
  );
  t.equal(configured(ExtractField.Value, { field: 'x' }).apply(sourceRecord({ value: {} })).value, null);
  t.throws(
    () => configured(ExtractField.Value, { field: 'a.b', 'field.syntax.version': 'V2' }).apply(sourceRecord({ value: { a: 'flat' } })),
    {
      message: 'Only Map objects supported in absence of schema for [nested field access], found: string',
    },
  );
  t.equal(configured(ExtractField.Key, { field: 'k' }).apply(sourceRecord({ key: { k: 'v' } })).key, 'v');
});

t.test("Kafka's V2 path syntax", async (t) => {
  const steps = (path: string): readonly string[] => new SingleFieldPath(path, 'V2').steps;
  t.same(steps('a.b.c'), ['a', 'b', 'c']);
  t.same(steps('`a.b`.c'), ['a.b', 'c']);
  t.same(steps('a.`b.c`'), ['a', 'b.c']);
  t.same(steps('`a\\`.b`.c'), ['a`.b', 'c'], 'a backslash escapes a backtick that would close the pair');
  t.same(steps('a.'), ['a', '']);
  t.same(steps('`a`b`.c'), ['a`b', 'c'], 'a backtick not followed by a dot is part of the name');
  t.same(new SingleFieldPath('a.b', 'V1').steps, ['a.b']);
  t.same(
    configProblems(() => configured(ExtractField.Value, { field: '`a.b', 'field.syntax.version': 'V2' })),
    [['field', 'Incomplete backtick pair in path: [`a.b], consider adding a backslash before backtick at position 0 to escape it']],
  );
  t.same(
    configProblems(() => configured(ExtractField.Value, { field: 'a', 'field.syntax.version': 'V3' })),
    [['field.syntax.version', 'String must be one of (case insensitive): V1, V2']],
  );
});
