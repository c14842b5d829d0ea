/**
 * StringConverter and ByteArrayConverter. StringConverter writes Java's toString() of a value:
 * checked against Kafka's own output (test/fixtures/vectors/string-converter.json).
 */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { ByteArrayConverter } from '../../../src/worker-thread/data/byte-array-converter.js';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { StringConverter } from '../../../src/worker-thread/data/string-converter.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { decodeSchema, decodeValue, loadVectors } from './vectors.js';
import type { SchemaAndValueDescription, SchemaDescription, TaggedValue } from './vectors.js';

interface Vectors {
  write: { schema: SchemaDescription | null; value: TaggedValue; text: string | null }[];
  read: { text: string | null; read: SchemaAndValueDescription }[];
}
const vectors = loadVectors<Vectors>('string-converter.json');
const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));

t.test("StringConverter writes what Kafka's writes", async (t) => {
  const c = new StringConverter();
  c.configure({}, false);
  for (const v of vectors.write) {
    const schema = decodeSchema(v.schema);
    const value = decodeValue(v.value, schema);
    t.equal(text(c.fromConnectData('t', schema, value)), v.text, `${String(schema)}: ${v.text}`);
  }
  for (const r of vectors.read) {
    const read = c.toConnectData('t', r.text === null ? null : new Uint8Array(Buffer.from(r.text, 'utf8')));
    t.ok(schemasEqual(read.schema, Schema.OPTIONAL_STRING_SCHEMA));
    t.equal(read.value, r.text);
  }
});

t.test('StringConverter: JavaScript-only values and configuration', async (t) => {
  const c = new StringConverter();
  t.equal(text(c.fromConnectData('t', null, Buffer.from('raw'))), 'raw', 'bytes pass through (Java would print an object identity)');
  t.equal(text(c.fromConnectData('t', null, { a: 1n, b: [true] })), '{"a":"1","b":[true]}', 'plain objects as JSON, bigints as strings');
  t.equal(text(c.fromConnectData('t', null, new Map([['k', 1]]))), '{k=1}', "a Map as Java's Map.toString");
  t.equal(text(c.fromConnectData('t', Schema.FLOAT64_SCHEMA, 1)), '1.0', 'the schema says it is a double');
  t.equal(text(c.fromConnectData('t', null, 1)), '1');
  t.equal(text(c.fromConnectData('t', null, BigDecimal.parse('1E-7'))), '1E-7');
  t.equal(text(c.fromConnectData('t', null, new Date(0))), 'Thu Jan 01 00:00:00 UTC 1970', "java.util.Date's format, in UTC");
  t.throws(() => c.fromConnectData('t', null, Symbol('x')), {
    name: 'DataTypeError',
    message: /StringConverter: cannot convert a symbol for topic t/,
  });
  t.doesNotThrow(() => c.configure({ 'converter.encoding': 'utf-8' }, true));
  t.throws(() => c.configure({ 'converter.encoding': 'ISO-8859-1' }, false), {
    message: /not supported; connectd reads and writes UTF-8 only/,
  });
  const s = SchemaBuilder.struct().field('a', Schema.FLOAT32_SCHEMA).field('l', SchemaBuilder.array(Schema.FLOAT64_SCHEMA)).build();
  t.equal(text(c.fromConnectData('t', s, new Struct(s).put('a', 0.1).put('l', [1, 2.5]))), 'Struct{a=0.1,l=[1.0, 2.5]}');
});

t.test('ByteArrayConverter: bytes only, BYTES schema only', async (t) => {
  const c = new ByteArrayConverter();
  const b = Buffer.from([1, 2]);
  t.equal(c.fromConnectData('t', null, b), b, 'no copy');
  t.equal(c.fromConnectData('t', Schema.OPTIONAL_BYTES_SCHEMA, null), null);
  t.throws(() => c.fromConnectData('topic-x', null, 'text'), {
    name: 'DataTypeError',
    code: 'CONNECTD_ERR_DATA_TYPE',
    message: /ByteArrayConverter: the value for topic topic-x is a string/,
  });
  t.throws(() => c.fromConnectData('t', Schema.STRING_SCHEMA, b), { message: /Invalid schema type for ByteArrayConverter: STRING/ });
  const read = c.toConnectData('t', b);
  t.equal(read.schema, Schema.OPTIONAL_BYTES_SCHEMA);
  t.equal(read.value, b);
});
