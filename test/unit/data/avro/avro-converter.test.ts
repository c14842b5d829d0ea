/**
 * The AvroConverter against a registry on node:http that answers as Confluent's API reference
 * documents (test/fixtures/avro: no real Confluent-compatible registry can run on this machine):
 * round trips of every Connect type, the wire format, subject name strategies, registration and
 * lookup, caching, errors, and compatibility of the payload with a plain avsc decoder.
 */
import t from 'tap';
import type { Test } from 'tap';
import avro from 'avsc';
import { AvroConverter } from '../../../../src/worker-thread/data/avro/avro-converter.js';
import { decodeLong, encodeLong } from '../../../../src/worker-thread/data/avro/avro-long.js';
import { BigDecimal } from '../../../../src/worker-thread/data/big-decimal.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/worker-thread/data/logical-types.js';
import { Schema, SchemaAndValue, schemasEqual } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';
import { valuesEqual } from '../../../../src/worker-thread/data/equality.js';
import { FakeSchemaRegistry } from '../../../fixtures/avro/fake-schema-registry.js';

async function setup(
  t: Test,
  configs: Record<string, string> = {},
  isKey = false,
): Promise<{ registry: FakeSchemaRegistry; converter: AvroConverter }> {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const converter = new AvroConverter();
  converter.configure({ 'schema.registry.url': registry.url, ...configs }, isKey);
  return { registry, converter };
}

/** What a caller does: await only when the converter had to wait. */
async function write(converter: AvroConverter, topic: string, schema: Schema | null, value: unknown): Promise<Uint8Array | null> {
  const result = converter.fromConnectData(topic, schema, value);
  return result instanceof Promise ? await result : result;
}

async function read(converter: AvroConverter, topic: string, bytes: Uint8Array | null): Promise<SchemaAndValue> {
  const result = converter.toConnectData(topic, bytes);
  return result instanceof Promise ? await result : result;
}

const hex = (bytes: Uint8Array | null): string => Buffer.from(bytes!).toString('hex');

const address = SchemaBuilder.struct()
  .name('com.example.Address')
  .field('street', Schema.STRING_SCHEMA)
  .field('zip', Schema.OPTIONAL_INT32_SCHEMA)
  .build();
const union = SchemaBuilder.struct()
  .name('io.confluent.connect.avro.Union')
  .optional()
  .field('string', Schema.OPTIONAL_STRING_SCHEMA)
  .field('int', Schema.OPTIONAL_INT32_SCHEMA)
  .build();
const everything = SchemaBuilder.struct()
  .name('com.example.Everything')
  .version(2)
  .doc('every Connect type')
  .field('i8', Schema.INT8_SCHEMA)
  .field('i16', Schema.INT16_SCHEMA)
  .field('i32', Schema.INT32_SCHEMA)
  .field('i64', Schema.INT64_SCHEMA)
  .field('f32', Schema.FLOAT32_SCHEMA)
  .field('f64', Schema.FLOAT64_SCHEMA)
  .field('bool', Schema.BOOLEAN_SCHEMA)
  .field('str', Schema.STRING_SCHEMA)
  .field('bytes', Schema.BYTES_SCHEMA)
  .field('optStr', Schema.OPTIONAL_STRING_SCHEMA)
  .field('optNull', Schema.OPTIONAL_INT64_SCHEMA)
  .field('withDefault', SchemaBuilder.string().defaultValue('the default'))
  .field('amount', Decimal.schema(2))
  .field('optAmount', Decimal.builder(4).optional())
  .field('day', ConnectDate.SCHEMA)
  .field('time', Time.SCHEMA)
  .field('ts', Timestamp.SCHEMA)
  .field('home', address)
  .field(
    'work',
    SchemaBuilder.struct()
      .name('com.example.Address')
      .field('street', Schema.STRING_SCHEMA)
      .field('zip', Schema.OPTIONAL_INT32_SCHEMA)
      .optional(),
  )
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA))
  .field('history', SchemaBuilder.array(address))
  .field('counts', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT64_SCHEMA))
  .field('byId', SchemaBuilder.map(Schema.INT32_SCHEMA, address))
  .field('nested', SchemaBuilder.array(SchemaBuilder.map(Schema.STRING_SCHEMA, SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA))))
  .field('either', union)
  .build();

function everythingValue(): Struct {
  return new Struct(everything)
    .put('i8', -128)
    .put('i16', 32767)
    .put('i32', -2147483648)
    .put('i64', 9223372036854775807n)
    .put('f32', 1.5)
    .put('f64', Math.PI)
    .put('bool', true)
    .put('str', 'naïve ☃ text')
    .put('bytes', new Uint8Array([0, 1, 254, 255]))
    .put('optStr', 'set')
    .put('optNull', null)
    .put('amount', new BigDecimal(-123456789012345678901234567890n, 2))
    .put('optAmount', null)
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('time', new Date(45296789))
    .put('ts', new Date(-1))
    .put('home', new Struct(address).put('street', 'Main St').put('zip', 12345))
    .put('work', null)
    .put('tags', ['a', 'b'])
    .put('history', [new Struct(address).put('street', 'Old St'), new Struct(address).put('street', 'Older St').put('zip', 1)])
    .put(
      'counts',
      new Map([
        ['x', -1n],
        ['y', 2n ** 40n],
      ]),
    )
    .put('byId', new Map([[7, new Struct(address).put('street', 'Seventh')]]))
    .put('nested', [{ k: [1.25, null] }, {}])
    .put('either', new Struct(union).put('int', 42));
}

t.test('every Connect type round-trips: the same schema and value come back', async (t) => {
  const { registry, converter } = await setup(t);
  const value = everythingValue();
  const bytes = await write(converter, 'everything', everything, value);
  t.equal(registry.subjects().join(), 'everything-value');

  const back = await read(converter, 'everything', bytes);
  t.ok(schemasEqual(back.schema, everything), 'the same Connect schema (name, version, doc, defaults, logical types)');
  const struct = back.value as Struct;
  t.equal(struct.get('withDefault'), 'the default', 'a null field with a default is written as the default');
  t.equal(struct.getInt64('i64'), 9223372036854775807n, 'INT64 keeps all 64 bits');
  t.ok(
    struct.get('amount') instanceof BigDecimal &&
      (struct.get('amount') as BigDecimal).equals(new BigDecimal(-123456789012345678901234567890n, 2)),
  );
  const expected = everythingValue().put('withDefault', 'the default');
  t.ok(struct.equals(expected), `the same value: ${String(struct)}`);

  // A converter that has never seen the id reads it from the registry, to the same result.
  const other = new AvroConverter();
  other.configure({ 'schema.registry.url': registry.url }, false);
  const fresh = await read(other, 'everything', bytes);
  t.ok(schemasEqual(fresh.schema, everything) && (fresh.value as Struct).equals(expected), 'read by another converter');
});

t.test('top-level primitives, logical types, optional values and tombstones', async (t) => {
  const { registry, converter } = await setup(t);
  const cases: [Schema, unknown][] = [
    [Schema.INT8_SCHEMA, 12],
    [Schema.INT16_SCHEMA, -300],
    [Schema.INT32_SCHEMA, 7],
    [Schema.INT64_SCHEMA, -9223372036854775808n],
    [Schema.FLOAT32_SCHEMA, -0.25],
    [Schema.FLOAT64_SCHEMA, 1e308],
    [Schema.BOOLEAN_SCHEMA, false],
    [Schema.STRING_SCHEMA, ''],
    [Schema.BYTES_SCHEMA, new Uint8Array(0)],
    [Schema.OPTIONAL_STRING_SCHEMA, 'present'],
    [Decimal.schema(0), new BigDecimal(0n, 0)],
    [Timestamp.SCHEMA, new Date(8.64e15)],
    [SchemaBuilder.array(Schema.INT64_SCHEMA).build(), [1n, -1n]],
    [
      SchemaBuilder.map(Schema.BOOLEAN_SCHEMA, Schema.STRING_SCHEMA).build(),
      new Map([
        [true, 'yes'],
        [false, 'no'],
      ]),
    ],
  ];
  for (const [schema, value] of cases) {
    const bytes = await write(converter, 'prims', schema, value);
    const back = await read(converter, 'prims', bytes);
    t.ok(schemasEqual(back.schema, schema), `schema ${String(schema)}`);
    t.ok(valuesEqual(back.value, value), `value ${String(value)}`);
  }
  t.equal(await write(converter, 'prims', Schema.OPTIONAL_STRING_SCHEMA, null), null, 'a null under an optional schema is a tombstone');
  t.equal(await write(converter, 'prims', null, null), null, 'no schema, no value: a tombstone');
  t.equal(await read(converter, 'prims', null), SchemaAndValue.NULL);
  t.throws(() => converter.fromConnectData('prims', Schema.STRING_SCHEMA, null), {
    name: 'DataException',
    message: /topic prims: Found null value for non-optional schema/,
  });
  t.throws(() => converter.fromConnectData('prims', null, { a: 1 }), {
    name: 'DataException',
    message: /Failed to serialize Avro data from topic prims: the value has no schema, and Avro needs one/,
  });
  t.equal(registry.subjects().join(), 'prims-value');
});

t.test('the wire format: magic byte 0, the schema id big-endian, then Avro binary', async (t) => {
  const { registry, converter } = await setup(t);
  // Move the next id past one byte so that the id's byte order shows.
  for (let i = 0; i < 257; i++) registry.add('filler', `{"type":"fixed","name":"F${i}","size":1}`);
  const schema = SchemaBuilder.struct()
    .name('w.Pair')
    .field('n', Schema.INT32_SCHEMA)
    .field('s', Schema.STRING_SCHEMA)
    .field('l', Schema.INT64_SCHEMA)
    .build();
  const bytes = await write(converter, 'wire', schema, new Struct(schema).put('n', 1).put('s', 'a').put('l', -2n));
  t.equal(hex(bytes), '00' + '00000102' + '02' + '0261' + '03', 'id 258; int 1 = 02, string "a" = 02 61, long -2 = 03 (zig-zag varints)');
  t.throws(() => converter.toConnectData('wire', new Uint8Array([1, 0, 0, 1, 2, 2])), {
    name: 'DataException',
    message: 'Failed to deserialize data for topic wire to Avro: Unknown magic byte!',
  });
  t.throws(() => converter.toConnectData('wire', new Uint8Array([0, 0, 0])), { message: /Unknown magic byte!/ });
  await t.rejects(read(converter, 'wire', new Uint8Array([0, 0, 0, 9, 9, 2])), {
    name: 'SchemaRegistryException',
    message: /Error retrieving Avro value schema for id 2313.*40403/,
  });
  await t.rejects(read(converter, 'wire', bytes!.subarray(0, 7)), { message: /truncated/ });
});

t.test('the payload is plain Avro: avsc decodes it with the registered schema and its own long type', async (t) => {
  const { registry, converter } = await setup(t);
  const schema = SchemaBuilder.struct()
    .name('compat.Row')
    .field('id', Schema.INT64_SCHEMA)
    .field('name', Schema.OPTIONAL_STRING_SCHEMA)
    .field('tags', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA))
    .field('at', Timestamp.SCHEMA)
    .field('price', Decimal.schema(2))
    .build();
  const value = new Struct(schema)
    .put('id', 4503599627370496n)
    .put('name', null)
    .put('tags', { a: 1 })
    .put('at', new Date(1700000000000))
    .put('price', new BigDecimal(-1n, 2));
  const bytes = Buffer.from((await write(converter, 'compat', schema, value))!);
  const plain = avro.Type.forSchema(JSON.parse(registry.schemaById(bytes.readInt32BE(1))!) as avro.Schema);
  const decoded = plain.fromBuffer(bytes.subarray(5)) as Record<string, unknown>;
  t.equal(decoded.id, 4503599627370496, "up to 2^52, which is as far as avsc's own long goes");
  t.equal(decoded.name, null);
  t.same(decoded.tags, { a: 1 });
  t.equal(decoded.at, 1700000000000);
  t.equal((decoded.price as Buffer).toString('hex'), 'ff', "the unscaled -1 as two's complement");

  // And the other way: what avsc writes with that schema reads as Connect data.
  const written = Buffer.concat([bytes.subarray(0, 5), plain.toBuffer({ id: 5, name: 'n', tags: {}, at: 0, price: Buffer.from([1, 0]) })]);
  const back = (await read(converter, 'compat', written)).value as Struct;
  t.equal(back.getInt64('id'), 5n);
  t.equal(back.getString('name'), 'n');
  t.ok((back.get('price') as BigDecimal).equals(new BigDecimal(256n, 2)));
});

t.test('longs: zig-zag varints across the whole INT64 range', async (t) => {
  const plain = avro.Type.forSchema('long');
  for (const n of [
    0,
    1,
    -1,
    63,
    -64,
    64,
    2 ** 31,
    -(2 ** 31),
    2 ** 50,
    -(2 ** 50),
    2 ** 51 - 1,
    -(2 ** 51),
    2 ** 51 + 3,
    2 ** 52,
    -(2 ** 52),
  ]) {
    t.equal(encodeLong(BigInt(n)).toString('hex'), plain.toBuffer(n).toString('hex'), `${n} as avsc writes it`);
    t.equal(decodeLong(plain.toBuffer(n)), BigInt(n));
  }
  for (const n of [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, -(2n ** 60n) - 7n]) t.equal(decodeLong(encodeLong(n)), n, String(n));
  t.equal(encodeLong(2n ** 63n - 1n).toString('hex'), 'feffffffffffffffff01');
  t.equal(encodeLong(-(2n ** 63n)).toString('hex'), 'ffffffffffffffffff01');
});

t.test('subject name strategies', async (t) => {
  const record = SchemaBuilder.struct().name('com.example.Order').field('id', Schema.INT32_SCHEMA).build();
  const value = new Struct(record).put('id', 1);
  const cases: [Record<string, string>, boolean, string][] = [
    [{}, false, 'orders-value'],
    [{}, true, 'orders-key'],
    [{ 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicNameStrategy' }, false, 'orders-value'],
    [{ 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy' }, false, 'com.example.Order'],
    [{ 'value.subject.name.strategy': 'RecordNameStrategy' }, false, 'com.example.Order'],
    [{ 'key.subject.name.strategy': 'TopicRecordNameStrategy' }, true, 'orders-com.example.Order'],
    [
      { 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy' },
      false,
      'orders-com.example.Order',
    ],
    [{ 'key.subject.name.strategy': 'RecordNameStrategy' }, false, 'orders-value'],
  ];
  for (const [configs, isKey, subject] of cases) {
    const { registry, converter } = await setup(t, configs, isKey);
    await write(converter, 'orders', record, value);
    t.same(registry.subjects(), [subject], `${JSON.stringify(configs)} ${isKey ? 'key' : 'value'} → ${subject}`);
  }
  const { converter } = await setup(t, { 'value.subject.name.strategy': 'RecordNameStrategy' });
  t.throws(() => converter.fromConnectData('orders', Schema.STRING_SCHEMA, 'x'), {
    name: 'DataException',
    message: 'In configuration value.subject.name.strategy = RecordNameStrategy, the message value must only be a record schema',
  });
  t.throws(
    () =>
      new AvroConverter().configure(
        { 'schema.registry.url': 'http://localhost:8081', 'value.subject.name.strategy': 'NoSuchStrategy' },
        false,
      ),
    {
      name: 'ConfigException',
      message: /value.subject.name.strategy="NoSuchStrategy"/,
    },
  );
});

t.test('auto.register.schemas=false looks the schema up, and says clearly when it is not there', async (t) => {
  const { registry, converter } = await setup(t, { 'auto.register.schemas': 'false' });
  const schema = SchemaBuilder.struct().name('lk.Thing').field('a', Schema.STRING_SCHEMA).build();
  const value = new Struct(schema).put('a', 'x');

  const missingSubject = converter.fromConnectData('things', schema, value);
  t.ok(missingSubject instanceof Promise);
  await t.rejects(missingSubject as Promise<unknown>, {
    name: 'SchemaRegistryException',
    errorCode: 40401,
    status: 404,
    message:
      /Failed to look up the Avro schema under subject "things-value" \(auto.register.schemas=false: register the schema.*Subject 'things-value' not found.; error code: 40401/,
  });
  registry.add('things-value', '{"type":"string"}');
  await t.rejects(write(converter, 'things', schema, value), {
    errorCode: 40403,
    message: /subject "things-value".*Schema not found; error code: 40403/,
  });

  // Registered by someone else (as Kafka Connect would register it): found, and written with its id.
  const { converter: registrar } = await setup(t);
  const text = JSON.stringify(
    JSON.parse('{"type":"record","name":"Thing","namespace":"lk","fields":[{"name":"a","type":"string"}],"connect.name":"lk.Thing"}'),
  );
  const id = registry.add('things-value', text);
  const bytes = await write(converter, 'things', schema, value);
  t.equal(Buffer.from(bytes!).readInt32BE(1), id);
  t.same(
    registry.requests.filter((r) => r.method === 'POST').map((r) => r.path),
    ['/subjects/things-value', '/subjects/things-value', '/subjects/things-value'],
    'lookups only, never a registration',
  );
  t.equal(registry.requests.at(-1)!.headers['content-type'], 'application/vnd.schemaregistry.v1+json');
  t.same(registry.requests.at(-1)!.body, { schema: text, schemaType: 'AVRO' });
  registrar.close();
});

t.test('registry errors become DataExceptions naming the subject, with the registry code', async (t) => {
  const { registry, converter } = await setup(t);
  const schema = SchemaBuilder.struct().name('err.Row').field('a', Schema.INT32_SCHEMA).build();
  const value = new Struct(schema).put('a', 1);
  registry.incompatible.add('bad-value');
  await t.rejects(write(converter, 'bad', schema, value), {
    name: 'SchemaRegistryException',
    code: 'CONNECTD_ERR_SCHEMA_REGISTRY',
    status: 409,
    errorCode: 409,
    message:
      /Failed to register the Avro schema under subject "bad-value": POST http:\/\/127\.0\.0\.1:\d+\/subjects\/bad-value\/versions answered 409: Schema being registered is incompatible with an earlier schema for subject "bad-value"; error code: 409/,
  });
  registry.injected.push({ status: 500, body: { error_code: 50001, message: 'Error in the backend data store' } });
  await t.rejects(write(converter, 'flaky', schema, value), {
    errorCode: 50001,
    message: /subject "flaky-value".*500: Error in the backend data store/,
  });
  const bytes = await write(converter, 'flaky', schema, value);
  t.ok(bytes !== null, 'a failed call is not cached: the next record tries again');
  t.throws(
    () => converter.fromConnectData('bad', schema, new Struct(schema)),
    { name: 'DataException', message: /Found null value for non-optional schema \(at a\)/ },
    'a bad value fails before any registry call',
  );
  t.throws(
    () => converter.fromConnectData('bad', SchemaBuilder.struct().name('my-topic.Value').field('a', Schema.INT32_SCHEMA).build(), null),
    { message: /non-optional/ },
  );
  t.throws(
    () =>
      converter.fromConnectData(
        'bad',
        SchemaBuilder.struct().name('my-topic.Value').field('a', Schema.INT32_SCHEMA).build(),
        new Struct(SchemaBuilder.struct().name('my-topic.Value').field('a', Schema.INT32_SCHEMA).build()).put('a', 1),
      ),
    { name: 'DataException', message: /Avro cannot hold this schema: invalid name: "my-topic.Value"/ },
    'a name Avro refuses is a DataException',
  );
});

t.test('caches: a known schema converts synchronously, with no second registry call', async (t) => {
  const { registry, converter } = await setup(t);
  const build = (): Schema => SchemaBuilder.struct().name('c.Row').field('n', Schema.INT32_SCHEMA).build();
  const schema = build();
  const first = converter.fromConnectData('cached', schema, new Struct(schema).put('n', 1));
  t.ok(first instanceof Promise, 'the first record of a schema waits for the registry');
  await first;
  const calls = registry.requests.length;
  const second = converter.fromConnectData('cached', schema, new Struct(schema).put('n', 2));
  t.ok(second instanceof Uint8Array, 'the next one is synchronous');
  const rebuilt = build();
  t.ok(
    converter.fromConnectData('cached', rebuilt, new Struct(rebuilt).put('n', 3)) instanceof Uint8Array,
    'so is an equal schema built anew',
  );
  const readBack = converter.toConnectData('cached', second as Uint8Array);
  t.ok(readBack instanceof SchemaAndValue, 'reading a schema this converter registered needs no registry call');
  t.equal(registry.requests.length, calls, 'no request after the first');

  const another = converter.fromConnectData('other-topic', schema, new Struct(schema).put('n', 4));
  t.ok(another instanceof Promise, 'another topic is another subject: one more call');
  await another;

  const reader = new AvroConverter();
  reader.configure({ 'schema.registry.url': registry.url }, false);
  const pending = [reader.toConnectData('cached', second as Uint8Array), reader.toConnectData('cached', second as Uint8Array)];
  t.ok(pending.every((p) => p instanceof Promise));
  await Promise.all(pending.map(async (p) => p));
  t.ok(reader.toConnectData('cached', second as Uint8Array) instanceof SchemaAndValue, 'then synchronous');
  t.equal(registry.requests.filter((r) => r.path.startsWith('/schemas/ids/')).length, 1, 'two reads in flight share one GET');

  const concurrent = new AvroConverter();
  concurrent.configure({ 'schema.registry.url': registry.url }, false);
  const before = registry.requests.length;
  await Promise.all([
    write(concurrent, 'cached', schema, new Struct(schema).put('n', 1)),
    write(concurrent, 'cached', schema, new Struct(schema).put('n', 2)),
  ]);
  t.equal(registry.requests.length - before, 1, 'two misses of one schema in flight share one registration');

  const small = new AvroConverter();
  small.configure({ 'schema.registry.url': registry.url, 'schemas.cache.config': '1' }, false);
  const other = SchemaBuilder.struct().name('c.Other').field('m', Schema.INT32_SCHEMA).build();
  await write(small, 'cached', schema, new Struct(schema).put('n', 1));
  await write(small, 'cached', other, new Struct(other).put('m', 1));
  t.same(small.cacheSizes.writers, 1, 'schemas.cache.config bounds the caches');
});

t.test('an unreachable registry: the error names the URL; with several URLs, the next one is tried', async (t) => {
  const down = await FakeSchemaRegistry.start();
  const downUrl = down.url;
  await down.close();
  const schema = SchemaBuilder.struct().name('d.Row').field('n', Schema.INT32_SCHEMA).build();
  const value = new Struct(schema).put('n', 1);

  const converter = new AvroConverter();
  converter.configure({ 'schema.registry.url': downUrl }, false);
  await t.rejects(write(converter, 'down', schema, value), {
    name: 'SchemaRegistryException',
    status: 0,
    message: new RegExp(
      `subject "down-value": Schema Registry unreachable: POST /subjects/down-value/versions failed at ${downUrl.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)`,
    ),
  });
  await t.rejects(read(converter, 'down', new Uint8Array([0, 0, 0, 0, 1, 2])), {
    message: /Error retrieving Avro value schema for id 1.*unreachable/,
  });

  const { registry } = await setup(t);
  const failover = new AvroConverter();
  failover.configure({ 'schema.registry.url': `${downUrl},${registry.url}` }, false);
  const bytes = await write(failover, 'down', schema, value);
  t.ok(bytes !== null && registry.subjects().includes('down-value'), 'the second URL answered');
});

t.test('basic auth: from basic.auth.user.info or the URL, never shown', async (t) => {
  const { registry } = await setup(t);
  registry.requiredUserInfo = 'alice:s3cr3t';
  const schema = SchemaBuilder.struct().name('a.Row').field('n', Schema.INT32_SCHEMA).build();
  const value = new Struct(schema).put('n', 1);

  const userInfo = new AvroConverter();
  userInfo.configure(
    { 'schema.registry.url': registry.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:s3cr3t' },
    false,
  );
  await write(userInfo, 'auth', schema, value);
  t.equal(registry.requests.at(-1)!.headers.authorization, `Basic ${Buffer.from('alice:s3cr3t').toString('base64')}`);

  const inUrl = new AvroConverter();
  inUrl.configure({ 'schema.registry.url': registry.url.replace('http://', 'http://alice:s3cr3t@') }, false);
  await write(inUrl, 'auth-url', schema, value);
  t.equal(registry.requests.at(-1)!.headers.authorization, `Basic ${Buffer.from('alice:s3cr3t').toString('base64')}`);

  const wrong = new AvroConverter();
  wrong.configure({ 'schema.registry.url': registry.url.replace('http://', 'http://alice:wrong-password@') }, false);
  const err = (await write(wrong, 'auth-wrong', schema, value).catch((e: unknown) => e)) as Error;
  t.match(err.message, /answered 401: Unauthorized/);
  t.notMatch(err.message, /wrong-password/, 'the password is not in the message');
  t.notMatch(err.message, /alice/, 'nor the user');

  t.throws(
    () => new AvroConverter().configure({ 'schema.registry.url': registry.url, 'basic.auth.credentials.source': 'USER_INFO' }, false),
    {
      name: 'ConfigException',
      message: /basic.auth.user.info/,
    },
  );
  const bad = t.throws(() =>
    new AvroConverter().configure(
      { 'schema.registry.url': registry.url, 'basic.auth.credentials.source': 'SASL_INHERIT', 'basic.auth.user.info': 'bob:hunter2' },
      false,
    ),
  ) as Error;
  t.notMatch(bad.message, /hunter2/);
  t.match(new AvroConverter().config().configKeys().get('basic.auth.user.info')?.type, 'PASSWORD');
});

t.test("use.latest.version writes with the subject's latest schema, filling its defaults", async (t) => {
  const { registry, converter } = await setup(t, { 'auto.register.schemas': 'false', 'use.latest.version': 'true' });
  const latest =
    '{"type":"record","name":"Row","namespace":"l","fields":[{"name":"n","type":"int"},{"name":"extra","type":"string","default":"filled"}],"connect.name":"l.Row"}';
  const id = registry.add('latest-value', latest);
  const schema = SchemaBuilder.struct().name('l.Row').field('n', Schema.INT32_SCHEMA).build();
  const bytes = await write(converter, 'latest', schema, new Struct(schema).put('n', 3));
  t.equal(Buffer.from(bytes!).readInt32BE(1), id, 'the latest id');
  const back = await read(converter, 'latest', bytes);
  t.equal((back.value as Struct).get('extra'), 'filled');
  t.equal((back.value as Struct).get('n'), 3);
  t.ok(converter.fromConnectData('latest', schema, new Struct(schema).put('n', 4)) instanceof Uint8Array, 'then synchronous');

  registry.add('strict-value', '{"type":"record","name":"Row","namespace":"l","fields":[{"name":"n","type":"string"}]}');
  await t.rejects(write(converter, 'strict', schema, new Struct(schema).put('n', 1)), {
    name: 'DataException',
    message: /latest version 1 of subject "strict-value".*cannot read/,
  });
});

t.test("configuration: Confluent's keys and defaults; schema.registry.url is required", async (t) => {
  const keys = new AvroConverter().config().configKeys();
  const defaults: Record<string, unknown> = {
    'auto.register.schemas': true,
    'use.latest.version': false,
    'key.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicNameStrategy',
    'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicNameStrategy',
    'schemas.cache.config': 1000,
    'max.schemas.per.subject': 1000,
    'basic.auth.credentials.source': 'URL',
    'enhanced.avro.schema.support': false,
    'connect.meta.data': true,
    'allow.optional.map.keys': false,
  };
  for (const [name, value] of Object.entries(defaults)) t.same(keys.get(name)?.default, value, name);
  t.throws(() => new AvroConverter().configure({}, false), {
    name: 'ConfigException',
    message: /schema.registry.url: Missing required configuration/,
  });
  t.throws(() => new AvroConverter().configure({ 'schema.registry.url': 'ftp://x' }, false), {
    name: 'ConfigException',
    message: /not an http/,
  });
  t.throws(() => new AvroConverter().fromConnectData('t', Schema.STRING_SCHEMA, 'x'), /configure\(\) must be called/);
});
