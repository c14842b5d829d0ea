/** InsertHeader, DropHeaders and HeaderFrom$Key / $Value, and the text a transform writes for a header. */
import t from 'tap';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { DropHeaders } from '../../../src/worker-thread/transforms/drop-headers.js';
import { HeaderFrom } from '../../../src/worker-thread/transforms/header-from.js';
import { InsertHeader } from '../../../src/worker-thread/transforms/insert-header.js';
import { connectHeader } from '../../../src/worker-thread/transforms/util/headers.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

const headers = [
  { key: 'h1', value: 'one' },
  { key: 'h2', value: new Uint8Array([1]) },
  { key: 'h1', value: null },
];

t.test('InsertHeader appends a header; the literal is read as Values.parseString reads it', async (t) => {
  const out = configured(InsertHeader, { header: 'added', 'value.literal': '[1, 2]' }).apply(sourceRecord({ value: 'x', headers }));
  t.same(out.headers, [...headers, { key: 'added', value: '[1,2]' }]);
  t.same(configured(InsertHeader, { header: 'a', 'value.literal': 'null' }).apply(sourceRecord()).headers, [{ key: 'a', value: null }]);
  t.same(
    configProblems(() => configured(InsertHeader, { header: 'a' })),
    [['value.literal', 'Missing required configuration "value.literal" which has no default value.']],
  );
});

t.test('DropHeaders removes every header of the names given', async (t) => {
  t.same(configured(DropHeaders, { headers: 'h1,absent' }).apply(sourceRecord({ headers })).headers, [
    { key: 'h2', value: new Uint8Array([1]) },
  ]);
  t.same(
    configProblems(() => configured(DropHeaders, { headers: '' })),
    [['headers', 'Empty list']],
  );
});

const inner = SchemaBuilder.struct().field('z', Schema.INT32_SCHEMA).build();
const schema = SchemaBuilder.struct()
  .name('row')
  .field('id', Schema.INT32_SCHEMA)
  .field('f', Schema.FLOAT64_SCHEMA)
  .field('bytes', Schema.BYTES_SCHEMA)
  .field('inner', inner)
  .field('def', SchemaBuilder.string().optional().defaultValue('dflt').build())
  .build();
const struct = new Struct(schema)
  .put('id', 1)
  .put('f', 1)
  .put('bytes', new Uint8Array([104, 105]))
  .put('inner', new Struct(inner).put('z', 3));

t.test('HeaderFrom copies fields with their schemas', async (t) => {
  const out = configured(HeaderFrom.Value, { fields: 'id,f,bytes,inner,def', headers: 'a,b,c,d,e', operation: 'copy' }).apply(
    sourceRecord({ valueSchema: schema, value: struct, headers: headers.slice(0, 1) }),
  );
  t.same(out.headers, [
    { key: 'h1', value: 'one' },
    { key: 'a', value: '1' },
    { key: 'b', value: '1.0' },
    { key: 'c', value: 'aGk=' },
    { key: 'd', value: '{"z":3}' },
    { key: 'e', value: 'dflt' },
  ]);
  t.equal(out.value, struct, 'copy keeps the value');
  t.equal(out.valueSchema, schema);
});

t.test('HeaderFrom moves fields out of the value', async (t) => {
  const move = configured(HeaderFrom.Value, { fields: 'id,def', headers: 'a,b', operation: 'move', 'replace.null.with.default': 'false' });
  const out = move.apply(sourceRecord({ valueSchema: schema, value: struct }));
  t.same(
    out.valueSchema?.fields().map((f) => f.name),
    ['f', 'bytes', 'inner'],
  );
  t.equal(out.valueSchema?.name, 'row');
  t.same(out.headers, [
    { key: 'a', value: '1' },
    { key: 'b', value: null },
  ]);
  t.equal(move.apply(sourceRecord({ valueSchema: schema, value: struct })).valueSchema, out.valueSchema, 'cached');
  const schemaless = configured(HeaderFrom.Value, { fields: 'a,missing', headers: 'ha,hm', operation: 'move' }).apply(
    sourceRecord({ value: { a: 1n, b: 2.5 } }),
  );
  t.same(schemaless.value, { b: 2.5 });
  t.same(schemaless.headers, [
    { key: 'ha', value: '1' },
    { key: 'hm', value: null },
  ]);
  t.same(
    configured(HeaderFrom.Key, { fields: 'k', headers: 'hk', operation: 'copy' }).apply(sourceRecord({ key: { k: [1, 2] } })).headers,
    [{ key: 'hk', value: '[1,2]' }],
  );
});

t.test('HeaderFrom errors', async (t) => {
  const required = SchemaBuilder.struct().field('r', Schema.STRING_SCHEMA).build();
  t.throws(
    () =>
      configured(HeaderFrom.Value, { fields: 'r', headers: 'h', operation: 'copy' }).apply(
        sourceRecord({ valueSchema: required, value: new Struct(required) }),
      ),
    {
      message: 'A null value requires an optional schema but was Schema{STRING}',
    },
  );
  t.throws(
    () =>
      configured(HeaderFrom.Value, { fields: 'nope', headers: 'h', operation: 'copy' }).apply(
        sourceRecord({ valueSchema: schema, value: struct }),
      ),
    {
      message: 'Field does not exist: nope',
    },
  );
  t.throws(() => configured(HeaderFrom.Value, { fields: 'a', headers: 'h', operation: 'move' }).apply(sourceRecord({ value: null })), {
    message: 'Only Map objects supported in absence of schema for [header move], found: null',
  });
  t.same(
    configProblems(() => configured(HeaderFrom.Value, { fields: 'a,b', headers: 'h', operation: 'copy' })),
    [['headers', "'fields' config must have the same number of elements as 'headers' config."]],
  );
  t.same(
    configProblems(() => configured(HeaderFrom.Value, { fields: 'a', headers: 'h', operation: 'swap' })),
    [['operation', 'String must be one of: move, copy']],
  );
});

t.test('connectHeader: the text SimpleHeaderConverter would write', async (t) => {
  t.same(connectHeader('k', Schema.FLOAT32_SCHEMA, 1), { key: 'k', value: '1.0' });
  t.same(connectHeader('k', null, 1), { key: 'k', value: '1' });
  t.same(connectHeader('k', Schema.OPTIONAL_STRING_SCHEMA, null), { key: 'k', value: null });
  t.same(connectHeader('k', null, new Map([['a', true]])), { key: 'k', value: '{"a":true}' });
});
