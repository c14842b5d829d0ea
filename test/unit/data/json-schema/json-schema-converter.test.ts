/**
 * The JsonSchemaConverter against the stand-in registry (test/fixtures/avro/fake-schema-registry.ts):
 * Confluent's wire format (magic byte 0, the schema id big-endian, the JSON document in UTF-8, as
 * AbstractKafkaJsonSchemaSerializer.serializeImpl writes it with objectMapper.writeValueAsBytes),
 * registration with schemaType JSON, lookup, use.latest.version, subject name strategies, basic
 * auth, json.fail.invalid.schema, and errors. test/data/json-schema/real-schema-registry.test.ts runs
 * it against a real registry through a real broker.
 */
import t from 'tap';
import type { Test } from 'tap';
import { createConverter } from '../../../../src/worker-thread/data/converters.js';
import { JsonSchemaConverter } from '../../../../src/worker-thread/data/json-schema/json-schema-converter.js';
import { valuesEqual } from '../../../../src/worker-thread/data/equality.js';
import { Schema, SchemaAndValue, schemasEqual } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';
import { FakeSchemaRegistry } from '../../../fixtures/avro/fake-schema-registry.js';

async function setup(
  t: Test,
  configs: Record<string, string> = {},
  isKey = false,
): Promise<{ registry: FakeSchemaRegistry; converter: JsonSchemaConverter }> {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const converter = new JsonSchemaConverter();
  converter.configure({ 'schema.registry.url': registry.url, ...configs }, isKey);
  return { registry, converter };
}

async function write(converter: JsonSchemaConverter, topic: string, schema: Schema | null, value: unknown): Promise<Uint8Array | null> {
  const result = converter.fromConnectData(topic, schema, value);
  return result instanceof Promise ? await result : result;
}

async function read(converter: JsonSchemaConverter, topic: string, bytes: Uint8Array | null): Promise<SchemaAndValue> {
  const result = converter.toConnectData(topic, bytes);
  return result instanceof Promise ? await result : result;
}

const order = SchemaBuilder.struct()
  .name('com.example.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('price', Schema.FLOAT64_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('tags', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
  .build();
const anOrder = new Struct(order)
  .put('id', 9007199254740993n)
  .put('price', 2)
  .put('note', 'é')
  .put('tags', new Map([['a', 1]]));

t.test('the wire format: magic byte 0, the schema id big-endian, then the JSON document in UTF-8', async (t) => {
  const { registry, converter } = await setup(t);
  registry.add('other', '{"type":"string"}', 'JSON'); // so that the order's id is 2, not 1
  const bytes = (await write(converter, 'orders', order, anOrder))!;
  t.same([...bytes.subarray(0, 5)], [0, 0, 0, 0, 2]);
  t.equal(Buffer.from(bytes.subarray(5)).toString('utf8'), '{"id":9007199254740993,"price":2.0,"note":"é","tags":{"a":1}}');
  const registration = registry.requests.find((r) => r.method === 'POST')!;
  t.equal(registration.path, '/subjects/orders-value/versions');
  t.equal((registration.body as { schemaType: string }).schemaType, 'JSON');
  t.same(JSON.parse((registration.body as { schema: string }).schema), {
    type: 'object',
    title: 'com.example.Order',
    properties: {
      id: { type: 'integer', 'connect.type': 'int64', 'connect.index': 0 },
      price: { type: 'number', 'connect.type': 'float64', 'connect.index': 1 },
      note: { oneOf: [{ type: 'null' }, { type: 'string' }], 'connect.index': 2 },
      tags: {
        type: 'object',
        additionalProperties: { type: 'integer', 'connect.type': 'int32' },
        'connect.type': 'map',
        'connect.index': 3,
      },
    },
  });

  const back = await read(converter, 'orders', bytes);
  t.ok(schemasEqual(back.schema, order));
  t.ok(valuesEqual(back.value, anOrder));

  // A second converter (another worker) knows nothing: it fetches the schema by id, and reads the same.
  const reader = new JsonSchemaConverter();
  reader.configure({ 'schema.registry.url': registry.url }, false);
  const fresh = await read(reader, 'orders', bytes);
  t.ok(valuesEqual(fresh.value, anOrder));
  t.ok(registry.requests.some((r) => r.method === 'GET' && r.path === '/schemas/ids/2'));

  // Bytes a Confluent producer wrote by hand (id 1: {"type":"string"}).
  const confluent = Buffer.concat([Buffer.from([0, 0, 0, 0, 1]), Buffer.from('"hello"')]);
  const hello = await read(reader, 'other', confluent);
  t.equal(hello.value, 'hello');
  t.ok(schemasEqual(hello.schema, Schema.STRING_SCHEMA));

  t.throws(() => converter.toConnectData('orders', Buffer.from([1, 0, 0, 0, 2, 0x7b, 0x7d])), { message: /Unknown magic byte!/ });
  t.throws(() => converter.toConnectData('orders', Buffer.from([0, 0, 0])), { message: /Unknown magic byte!/ });
});

t.test('nulls: tombstones, optional schemas and defaults as Confluent writes them', async (t) => {
  const { converter } = await setup(t);
  t.equal(await write(converter, 't', null, null), null, 'no schema, no value: a tombstone');
  const optional = (await write(converter, 't', Schema.OPTIONAL_BOOLEAN_SCHEMA, null))!;
  // JsonSchemaConverterTest.testNull: the optional null is a `null` document under its schema.
  t.equal(Buffer.from(optional.subarray(5)).toString(), 'null');
  const back = await read(converter, 't', optional);
  t.equal(back.value, null);
  t.ok(schemasEqual(back.schema, Schema.OPTIONAL_BOOLEAN_SCHEMA));
  const withDefault = SchemaBuilder.int32().defaultValue(5).build();
  t.equal(Buffer.from((await write(converter, 't2', withDefault, null))!.subarray(5)).toString(), '5');
  t.equal(await write(converter, 't3', Schema.INT32_SCHEMA, null), null, 'required, no default: nothing to write');
  t.same(await read(converter, 't', null), SchemaAndValue.NULL);
  t.throws(() => converter.fromConnectData('t', null, 'x'), { message: /has no schema, and JSON Schema needs one/ });
});

t.test('subject name strategies use the title as the record name', async (t) => {
  const { registry, converter } = await setup(t, {
    'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
  });
  await write(converter, 'orders', order, anOrder);
  t.equal(registry.requests.at(-1)!.path, '/subjects/com.example.Order/versions');
  const { registry: r2, converter: keys } = await setup(t, { 'key.subject.name.strategy': 'TopicRecordNameStrategy' }, true);
  await write(keys, 'orders', order, anOrder);
  t.equal(r2.requests.at(-1)!.path, '/subjects/orders-com.example.Order/versions');
  t.throws(() => keys.fromConnectData('orders', Schema.STRING_SCHEMA, 'x'), {
    message: /key.subject.name.strategy = TopicRecordNameStrategy/,
  });
});

t.test('auto.register.schemas=false looks the schema up; use.latest.version writes under the latest id', async (t) => {
  const { registry, converter } = await setup(t, { 'auto.register.schemas': 'false' });
  await t.rejects(write(converter, 'orders', Schema.STRING_SCHEMA, 'x'), {
    message: /Failed to look up the JSON Schema under subject "orders-value" \(auto.register.schemas=false: register the schema/,
  });
  const id = registry.add('orders-value', '{"type":"string"}', 'JSON');
  const bytes = (await write(converter, 'orders', Schema.STRING_SCHEMA, 'x'))!;
  t.equal(Buffer.from(bytes).readInt32BE(1), id);
  t.same(registry.requests.at(-1)!.body, { schema: '{"type":"string"}', schemaType: 'JSON' });

  const { registry: r2, converter: latest } = await setup(t, {
    'auto.register.schemas': 'false',
    'use.latest.version': 'true',
    'json.fail.invalid.schema': 'true',
  });
  r2.add('orders-value', '{"type":"string","maxLength":3}', 'JSON');
  const latestId = r2.add('orders-value', '{"type":"string","maxLength":5}', 'JSON');
  const written = (await write(latest, 'orders', Schema.STRING_SCHEMA, 'abcd'))!;
  t.equal(Buffer.from(written).readInt32BE(1), latestId);
  t.throws(() => latest.fromConnectData('orders', Schema.STRING_SCHEMA, 'abcdef'), {
    message: /the value is not valid under schema id 2: \(the document\) must NOT have more than 5 characters/,
  });
});

t.test('json.fail.invalid.schema validates writing and reading, naming the property', async (t) => {
  const { registry, converter } = await setup(t, { 'json.fail.invalid.schema': 'true' });
  const strict = registry.add(
    'other-value',
    '{"type":"object","properties":{"qty":{"type":"integer","minimum":1}},"required":["qty"],"additionalProperties":false}',
    'JSON',
  );
  const frame = (id: number, json: string): Buffer => Buffer.concat([Buffer.from([0, 0, 0, 0, id]), Buffer.from(json)]);
  const ok = await read(converter, 'other', frame(strict, '{"qty":2}'));
  t.equal((ok.value as Struct).get('qty'), 2n);
  await t.rejects(read(converter, 'other', frame(strict, '{"qty":0,"extra":1}')), {
    message: /the document is not valid under schema id 1: \(the document\) must NOT have additional properties; \/qty must be >= 1$/,
  });
  // Without validation, the same document reads (Confluent's default, json.fail.invalid.schema=false).
  const { registry: r2, converter: lenient } = await setup(t);
  const id2 = r2.add('other-value', '{"type":"object","properties":{"qty":{"type":"integer","minimum":1}}}', 'JSON');
  const read2 = await read(lenient, 'other', frame(id2, '{"qty":0}'));
  t.equal((read2.value as Struct).get('qty'), 0n);
});

t.test('a schema id of another type is refused, naming it', async (t) => {
  const { registry, converter } = await setup(t);
  const avroId = registry.add('x', '"string"');
  await t.rejects(read(converter, 'x', Buffer.from([0, 0, 0, 0, avroId, 0x22, 0x22])), {
    message: /Schema 1 is a "AVRO" schema, not JSON Schema/,
  });
});

t.test('basic auth from basic.auth.user.info; a refusal says where the credentials come from', async (t) => {
  const { registry, converter } = await setup(t, { 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:s3cr3t' });
  registry.requiredUserInfo = 'alice:s3cr3t';
  t.ok(await write(converter, 'orders', Schema.STRING_SCHEMA, 'x'));
  const wrong = new JsonSchemaConverter();
  wrong.configure(
    { 'schema.registry.url': registry.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'alice:nope' },
    false,
  );
  const err = (await write(wrong, 'orders', Schema.INT32_SCHEMA, 1).catch((e: unknown) => e)) as Error;
  t.match(err.message, /answered 401.*basic.auth.user.info/);
  t.notMatch(err.message, /nope/);
});

t.test('configuration: registered under Confluent class name, the registry URL is required, bad keys are named', async (t) => {
  const converter = createConverter(
    { 'value.converter': 'io.confluent.connect.json.JsonSchemaConverter', 'value.converter.schema.registry.url': 'http://127.0.0.1:1' },
    'value.converter',
  );
  t.ok(converter instanceof JsonSchemaConverter);
  t.throws(() => new JsonSchemaConverter().configure({}, false), { message: /schema.registry.url/ });
  t.throws(() => new JsonSchemaConverter().configure({ 'schema.registry.url': 'ftp://x' }, false), { message: /not an http/ });
  t.throws(() => new JsonSchemaConverter().configure({ 'schema.registry.url': 'http://x', 'decimal.format': 'HEX' }, false), {
    message: /decimal.format/,
  });
  t.throws(() => new JsonSchemaConverter().configure({ 'schema.registry.url': 'http://x', 'value.subject.name.strategy': 'Nope' }, false), {
    message: /value.subject.name.strategy/,
  });
});
