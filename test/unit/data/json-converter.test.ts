/**
 * JsonConverter behaviour beyond the Kafka vectors: configuration, the schema caches, JavaScript
 * forms of Connect values (plain objects, bigints), INT64 precision, Decimal round trips, error
 * messages that say where in the value the problem is, and the parser's limits.
 */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { JsonConverter } from '../../../src/worker-thread/data/json/json-converter.js';
import { Decimal, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';

const TOPIC = 't';
const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : Buffer.from(bytes).toString('utf8'));
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

function json(configs: Record<string, string> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

t.test('configuration: Kafka defaults, case-insensitive decimal.format, every problem at once', async (t) => {
  t.equal(
    text(new JsonConverter().fromConnectData(TOPIC, Schema.INT32_SCHEMA, 1)),
    '{"schema":{"type":"int32","optional":false},"payload":1}',
    'usable unconfigured, schemas enabled',
  );
  t.equal(text(json({ 'schemas.enable': 'false' }).fromConnectData(TOPIC, Schema.INT32_SCHEMA, 1)), '1');
  t.equal(
    text(json({ 'decimal.format': 'numeric' }).fromConnectData(TOPIC, Decimal.schema(1), BigDecimal.parse('1.5'))),
    '{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"1"}},"payload":1.5}',
  );
  const err = t.throws(() => json({ 'schemas.enable': 'maybe', 'decimal.format': 'HEX', 'schemas.cache.size': 'lots' })) as ConfigException;
  t.ok(err instanceof ConfigException);
  t.same(err.problems.map((p) => p.name).sort(), ['decimal.format', 'schemas.cache.size', 'schemas.enable']);
  t.same([...new JsonConverter().config().names()].sort(), [
    'converter.type',
    'decimal.format',
    'replace.null.with.default',
    'schemas.cache.size',
    'schemas.enable',
  ]);
});

t.test('the schema caches remember schemas.cache.size schemas each way, least recently used out', async (t) => {
  const c = json({ 'schemas.cache.size': '2' });
  const schemas = [Schema.INT8_SCHEMA, Schema.INT16_SCHEMA, Schema.INT32_SCHEMA];
  for (const s of schemas) c.toConnectData(TOPIC, c.fromConnectData(TOPIC, s, 1));
  t.same(c.cachedSchemaCounts, { fromConnect: 2, toConnect: 2 });
  const none = json({ 'schemas.cache.size': '0' });
  none.toConnectData(TOPIC, none.fromConnectData(TOPIC, Schema.INT8_SCHEMA, 1));
  t.same(none.cachedSchemaCounts, { fromConnect: 0, toConnect: 0 }, 'size 0 caches nothing and still works');
  const read1 = c.toConnectData(TOPIC, bytes('{"schema":{"type":"string"},"payload":"a"}'));
  const read2 = c.toConnectData(TOPIC, bytes('{"schema":{"type":"string"},"payload":"b"}'));
  t.equal(read1.schema, read2.schema, 'the same schema text yields the same Schema object');
});

t.test('tombstones: only a null schema with a null value writes no bytes', async (t) => {
  const c = json();
  t.equal(c.fromConnectData(TOPIC, null, null), null);
  t.equal(c.fromConnectData(TOPIC, null, undefined), null);
  t.equal(
    text(c.fromConnectData(TOPIC, Schema.OPTIONAL_STRING_SCHEMA, null)),
    '{"schema":{"type":"string","optional":true},"payload":null}',
  );
  t.equal(text(json({ 'schemas.enable': 'false' }).fromConnectData(TOPIC, Schema.OPTIONAL_STRING_SCHEMA, null)), 'null');
  t.throws(() => c.fromConnectData(TOPIC, Schema.STRING_SCHEMA, null), {
    code: 'CONNECTD_ERR_DATA',
    message: /null value for field that is required/,
  });
  t.same(c.toConnectData(TOPIC, null), { schema: null, value: null });
});

t.test('INT64 keeps every digit, both ways; INT32 stays a number', async (t) => {
  const c = json();
  const big = 2n ** 53n + 1n;
  t.equal(
    text(c.fromConnectData(TOPIC, Schema.INT64_SCHEMA, big)),
    '{"schema":{"type":"int64","optional":false},"payload":9007199254740993}',
  );
  t.equal(c.toConnectData(TOPIC, c.fromConnectData(TOPIC, Schema.INT64_SCHEMA, big)).value, big);
  t.equal(c.toConnectData(TOPIC, c.fromConnectData(TOPIC, Schema.INT64_SCHEMA, 5)).value, 5n, 'a safe number in, a bigint out');
  t.throws(() => c.fromConnectData(TOPIC, Schema.INT64_SCHEMA, 2 ** 53 + 2), { message: /pass INT64 values as bigint/ });
  t.equal(c.toConnectData(TOPIC, c.fromConnectData(TOPIC, Schema.INT32_SCHEMA, 5)).value, 5);
  const plain = json({ 'schemas.enable': 'false' });
  t.same(
    plain.toConnectData(TOPIC, bytes('{"a":9007199254740993,"b":[1,2.5]}')).value,
    new Map<string, unknown>([
      ['a', big],
      ['b', [1n, 2.5]],
    ]),
    'schemaless integers are INT64 bigints',
  );
  t.equal(
    text(plain.fromConnectData(TOPIC, null, { a: big, b: -(2n ** 63n) })),
    '{"a":9007199254740993,"b":-9223372036854775808}',
    'a schemaless bigint is an exact JSON number',
  );
  t.throws(() => plain.fromConnectData(TOPIC, null, 2n ** 64n), { message: /outside the INT64 range/ });
});

t.test('Decimal round trips without losing a digit, in both formats', async (t) => {
  const schema = Decimal.builder(10).optional().build();
  const value = BigDecimal.parse('-123456789012345678901234567890.0123456789');
  for (const format of ['BASE64', 'NUMERIC']) {
    const c = json({ 'decimal.format': format });
    const read = c.toConnectData(TOPIC, c.fromConnectData(TOPIC, schema, value));
    t.ok((read.value as BigDecimal).equals(value), `${format}: ${String(read.value)}`);
    t.ok(read.schema!.equals(schema));
  }
  t.throws(() => json().fromConnectData(TOPIC, Decimal.schema(2), BigDecimal.parse('1.5')), { message: /mismatching scale/ });
  t.equal(
    text(json({ 'schemas.enable': 'false' }).fromConnectData(TOPIC, Decimal.schema(2), BigDecimal.parse('1.5').setScale(2))),
    '"AJY="',
    'setScale makes it fit',
  );
  t.throws(() => json().fromConnectData(TOPIC, Decimal.schema(2), 1.5), { name: 'DataTypeError', message: /expected a BigDecimal/ });
});

t.test('maps: plain objects and Maps, string keys as an object, other keys as pairs', async (t) => {
  const c = json({ 'schemas.enable': 'false' });
  const stringMap = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build();
  t.equal(text(c.fromConnectData(TOPIC, stringMap, { b: 2, a: 1 })), '{"b":2,"a":1}');
  t.equal(
    text(
      c.fromConnectData(
        TOPIC,
        stringMap,
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    ),
    '{"b":2,"a":1}',
  );
  const longMap = SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.STRING_SCHEMA).build();
  t.equal(
    text(
      c.fromConnectData(
        TOPIC,
        longMap,
        new Map<unknown, string>([
          [1n, 'x'],
          [2, 'y'],
        ]),
      ),
    ),
    '[[1,"x"],[2,"y"]]',
  );
  t.equal(
    text(
      c.fromConnectData(
        TOPIC,
        null,
        new Map<unknown, unknown>([
          [1n, 'x'],
          ['k', true],
        ]),
      ),
    ),
    '[[1,"x"],["k",true]]',
    'schemaless with a non-string key: pairs',
  );
  const bare = Object.create(null) as Record<string, unknown>;
  bare['__proto__'] = 1;
  t.equal(text(c.fromConnectData(TOPIC, null, bare)), '{"__proto__":1}', 'a null-prototype object');
  const read = c.toConnectData(TOPIC, bytes('{"__proto__":{"polluted":true}}')).value as Map<string, unknown>;
  t.ok(read instanceof Map && read.has('__proto__'), 'JSON objects read as Maps: no prototype games');
});

t.test('errors say where in the value the problem is', async (t) => {
  const item = SchemaBuilder.struct().name('item').field('sku', Schema.STRING_SCHEMA).field('price', Decimal.schema(2)).build();
  const order = SchemaBuilder.struct().name('order').field('items', SchemaBuilder.array(item)).build();
  const good = new Struct(item).put('sku', 'a').put('price', BigDecimal.parse('1.00'));
  const bad = new Struct(item).put('sku', 'b').put('price', BigDecimal.parse('1.5'));
  const value = new Struct(order).put('items', [good, bad]);
  t.throws(() => json().fromConnectData(TOPIC, order, value), { message: /mismatching scale.*\(at items\[1\]\.price\)/ });
  t.throws(
    () =>
      json().toConnectData(
        TOPIC,
        bytes('{"schema":{"type":"struct","fields":[{"type":"array","items":{"type":"int32"},"field":"xs"}]},"payload":{"xs":[1,"2"]}}'),
      ),
    {
      name: 'DataTypeError',
      message: 'Invalid JSON for a INT32 schema: expected a number, found STRING (at xs[1])',
    },
  );
  t.throws(() => json().fromConnectData(TOPIC, null, new Struct(item)), {
    message: /Mismatching schema: a Struct cannot be written without its schema/,
  });
  t.throws(() => json().fromConnectData(TOPIC, null, new Date(0)), { message: /no schemaless JSON form/ });
  t.throws(() => json().fromConnectData(TOPIC, null, () => 1), { name: 'DataTypeError' });
  const other = SchemaBuilder.struct().name('other').field('sku', Schema.STRING_SCHEMA).build();
  t.throws(() => json().fromConnectData(TOPIC, other, good), { message: /Mismatching schema/ });
});

t.test('floats, NaN and negative zero as Kafka writes them; NaN and Infinity read back', async (t) => {
  const c = json({ 'schemas.enable': 'false' });
  t.equal(text(c.fromConnectData(TOPIC, Schema.FLOAT64_SCHEMA, 1)), '1.0');
  t.equal(text(c.fromConnectData(TOPIC, Schema.FLOAT32_SCHEMA, 0.1)), '0.1');
  t.equal(text(c.fromConnectData(TOPIC, Schema.FLOAT64_SCHEMA, NaN)), '"NaN"');
  t.equal(text(c.fromConnectData(TOPIC, null, -0)), '-0.0');
  t.equal(text(c.fromConnectData(TOPIC, null, 1.5)), '1.5');
  t.equal(text(c.fromConnectData(TOPIC, null, 1e21)), '1.0E21');
  const withSchema = json();
  for (const v of [NaN, Infinity, -Infinity]) {
    t.ok(
      Object.is(withSchema.toConnectData(TOPIC, withSchema.fromConnectData(TOPIC, Schema.FLOAT64_SCHEMA, v)).value, v),
      `${v} round trips (Kafka reads 0.0)`,
    );
  }
  t.equal(withSchema.toConnectData(TOPIC, bytes('{"schema":{"type":"double"},"payload":-0.0}')).value, 0, 'as Kafka: -0.0 reads as 0.0');
});

t.test('logical types in JSON', async (t) => {
  const c = json({ 'schemas.enable': 'false' });
  t.equal(text(c.fromConnectData(TOPIC, Timestamp.SCHEMA, new Date(1700000000123))), '1700000000123');
  t.throws(() => c.fromConnectData(TOPIC, Timestamp.SCHEMA, 1700000000123), { name: 'DataTypeError', message: /expected a Date/ });
  t.same(
    json().toConnectData(TOPIC, bytes('{"schema":{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"},"payload":0}')).value,
    new Date(0),
  );
});

t.test('JSON text: Jackson escapes, invalid input refused with a DataException', async (t) => {
  const c = json({ 'schemas.enable': 'false' });
  t.equal(
    text(c.fromConnectData(TOPIC, null, 'a\u0000\u001f\u007f\u2028/\ud834\udd1e"\\')),
    '"a\\u0000\\u001F\u007f\u2028/\\uD834\\uDD1E\\"\\\\"',
  );
  t.equal(text(c.fromConnectData(TOPIC, null, 'lone \ud800')), '"lone \\uD800"', 'a lone surrogate is escaped, not mangled');
  t.equal(c.toConnectData(TOPIC, c.fromConnectData(TOPIC, null, 'lone \ud800')).value, 'lone \ud800');
  t.throws(
    () => c.toConnectData(TOPIC, Uint8Array.of(0x22, 0xff, 0x22)),
    { code: 'CONNECTD_ERR_DATA', message: /serialization error/ },
    'invalid UTF-8',
  );
  t.throws(() => c.toConnectData(TOPIC, bytes('{"a":}')), { message: /serialization error: Unexpected character/ });
  t.throws(() => c.toConnectData(TOPIC, bytes('"tab\there"')), { message: /control character/ });
  t.throws(() => c.toConnectData(TOPIC, bytes('truex')), { message: /Unrecognized token/ });
  t.throws(() => c.toConnectData(TOPIC, bytes('['.repeat(1001) + ']'.repeat(1001))), { message: /nesting depth/ });
  t.doesNotThrow(() => c.toConnectData(TOPIC, bytes('['.repeat(1000) + ']'.repeat(1000))));
  t.throws(() => c.toConnectData(TOPIC, bytes('1'.repeat(1001))), { message: /Number value length/ });
  t.equal(c.toConnectData(TOPIC, bytes('1 2')).value, 1n, 'what follows the first value is ignored, as by readTree');
  t.equal(c.toConnectData(TOPIC, bytes('\ufeff"bom"')).value, 'bom', 'a UTF-8 byte order mark is skipped');
  t.equal(c.toConnectData(TOPIC, bytes('')).value, null, 'empty input is no value without envelopes');
  t.throws(() => json().toConnectData(TOPIC, bytes('')), { message: /requires "schema" and "payload"/ });
});

t.test('asJsonSchema and asConnectSchema, and JsonConverter as a header converter', async (t) => {
  const c = json();
  const schema = SchemaBuilder.struct().name('n').field('a', SchemaBuilder.int32().optional().defaultValue(3)).build();
  const text1 = c.asJsonSchema(schema);
  t.equal(text1, '{"type":"struct","fields":[{"type":"int32","optional":true,"default":3,"field":"a"}],"optional":false,"name":"n"}');
  t.ok(c.asConnectSchema(text1)!.equals(schema));
  t.equal(c.asJsonSchema(null), 'null');
  t.equal(c.asConnectSchema('null'), null);
  const header = new JsonConverter();
  header.configure({ 'schemas.enable': 'false' });
  t.equal(text(header.fromConnectHeader(TOPIC, 'h', Schema.STRING_SCHEMA, 'v')), '"v"');
  t.equal(header.toConnectHeader(TOPIC, 'h', bytes('"v"')).value, 'v');
});
