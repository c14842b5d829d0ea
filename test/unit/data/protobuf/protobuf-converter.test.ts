/**
 * The ProtobufConverter against the Schema Registry stand-in (test/fixtures/avro/fake-schema-registry.ts):
 * the exact wire bytes of simple messages (worked out by hand from the protobuf encoding rules, not
 * by the library the converter uses), the .proto text it registers, round trips of every Connect
 * type, reading messages other than the first (message indexes), oneofs and enums written by
 * someone else, wrapper.for.nullables, and the errors. test/data/protobuf/real-schema-registry.test.ts
 * runs it against a real registry through a real broker.
 */
import t from 'tap';
import type { Test } from 'tap';
import { ConfigException } from '../../../../src/worker-thread/sdk/config-def.js';
import { BigDecimal } from '../../../../src/worker-thread/data/big-decimal.js';
import { createConverter } from '../../../../src/worker-thread/data/converters.js';
import { valuesEqual } from '../../../../src/worker-thread/data/equality.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/worker-thread/data/logical-types.js';
import { ProtobufConverter } from '../../../../src/worker-thread/data/protobuf/protobuf-converter.js';
import { SchemaAndValue } from '../../../../src/worker-thread/data/schema.js';
import type { Schema } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';
import { FakeSchemaRegistry } from '../../../fixtures/avro/fake-schema-registry.js';

async function setup(
  t: Test,
  configs: Record<string, string> = {},
  isKey = false,
): Promise<{ registry: FakeSchemaRegistry; converter: ProtobufConverter }> {
  const registry = await FakeSchemaRegistry.start();
  t.teardown(() => registry.close());
  const converter = new ProtobufConverter();
  converter.configure({ 'schema.registry.url': registry.url, ...configs }, isKey);
  return { registry, converter };
}

async function write(converter: ProtobufConverter, topic: string, schema: Schema | null, value: unknown): Promise<Uint8Array | null> {
  return await converter.fromConnectData(topic, schema, value);
}

async function read(converter: ProtobufConverter, topic: string, bytes: Uint8Array | null): Promise<SchemaAndValue> {
  return await converter.toConnectData(topic, bytes);
}

const hex = (bytes: Uint8Array | null): string => Buffer.from(bytes!).toString('hex');

const SIMPLE = SchemaBuilder.struct()
  .name('Simple')
  .field('id', SchemaBuilder.int32().build())
  .field('name', SchemaBuilder.string().build())
  .build();

t.test('wire format: magic byte, id, the index byte 0, then protobuf', async (t) => {
  const { registry, converter } = await setup(t);
  const bytes = await write(converter, 'orders', SIMPLE, new Struct(SIMPLE).put('id', 150).put('name', 'testing'));
  // 08 96 01: field 1 varint 150; 12 07 "testing": field 2, 7 bytes (the protobuf encoding guide's examples).
  t.equal(hex(bytes), '00' + '00000001' + '00' + '089601' + '120774657374696e67');
  t.equal(registry.schemaById(1), 'syntax = "proto3";\n\nmessage Simple {\n  int32 id = 1;\n  string name = 2;\n}\n');
  const register = registry.requests.find((r) => r.method === 'POST');
  t.equal(register?.path, '/subjects/orders-value/versions');
  t.same(register?.body, { schema: registry.schemaById(1), schemaType: 'PROTOBUF' });

  // proto3 leaves default scalars out, as protobuf-java does: 0 and "" make an empty payload.
  t.equal(hex(await write(converter, 'orders', SIMPLE, new Struct(SIMPLE).put('id', 0).put('name', ''))), '000000000100');
  // A negative int32 is a 10-byte varint, as in Java.
  t.equal(
    hex(await write(converter, 'orders', SIMPLE, new Struct(SIMPLE).put('id', -1).put('name', ''))),
    '000000000100' + '08ffffffffffffffffff01',
  );
});

t.test('the registered .proto follows ProtobufData: packages, int8/int16 meta, logical types, maps, nested messages', async (t) => {
  const { registry, converter } = await setup(t);
  const address = SchemaBuilder.struct()
    .name('com.example.Address')
    .field('city', SchemaBuilder.string().optional().build())
    .optional()
    .build();
  const schema = SchemaBuilder.struct()
    .name('com.example.Person')
    .field('small', SchemaBuilder.int16().build())
    .field('price', Decimal.builder(2).parameter('connect.decimal.precision', '9').optional().build())
    .field('at', Timestamp.builder().optional().build())
    .field('attrs', SchemaBuilder.map(SchemaBuilder.string().build(), SchemaBuilder.int32().build()).optional().build())
    .field('address', address)
    .build();
  await write(converter, 'p', schema, new Struct(schema).put('small', 1));
  t.equal(
    registry.schemaById(1),
    `syntax = "proto3";

package com.example;

import "confluent/meta.proto";
import "confluent/type/decimal.proto";
import "google/protobuf/timestamp.proto";

message Person {
  int32 small = 1 [(confluent.field_meta) = {
    params: [{
      key: "connect.type",
      value: "int16"
    }]
  }];
  confluent.type.Decimal price = 2 [(confluent.field_meta) = {
    params: [{
      key: "precision",
      value: "9"
    }, {
      key: "scale",
      value: "2"
    }]
  }];
  google.protobuf.Timestamp at = 3;
  repeated AttrsEntry attrs = 4;
  Address address = 5;
  message AttrsEntry {
    string key = 1;
    int32 value = 2;
  }
  message Address {
    string city = 1;
  }
}
`,
  );
});

t.test('every Connect type round-trips, and reads back as ProtobufData reads it', async (t) => {
  const { registry, converter } = await setup(t);
  const address = SchemaBuilder.struct().name('Address').field('city', SchemaBuilder.string().optional().build()).optional().build();
  const schema = SchemaBuilder.struct()
    .name('com.example.All')
    .field('i8', SchemaBuilder.int8().build())
    .field('i16', SchemaBuilder.int16().build())
    .field('i32', SchemaBuilder.int32().build())
    .field('i64', SchemaBuilder.int64().build())
    .field('f32', SchemaBuilder.float32().build())
    .field('f64', SchemaBuilder.float64().build())
    .field('flag', SchemaBuilder.bool().build())
    .field('text', SchemaBuilder.string().build())
    .field('raw', SchemaBuilder.bytes().build())
    .field('price', Decimal.builder(2).optional().build())
    .field('day', ConnectDate.builder().optional().build())
    .field('tod', Time.builder().optional().build())
    .field('at', Timestamp.builder().optional().build())
    .field('tags', SchemaBuilder.array(SchemaBuilder.string().build()).optional().build())
    .field('counts', SchemaBuilder.map(SchemaBuilder.string().build(), SchemaBuilder.int64().build()).optional().build())
    .field('address', address)
    .field(
      'color',
      SchemaBuilder.string()
        .parameter('io.confluent.connect.protobuf.Enum', 'Color')
        .parameter('io.confluent.connect.protobuf.Enum.RED', '0')
        .parameter('io.confluent.connect.protobuf.Enum.GREEN', '1')
        .build(),
    )
    .build();
  const value = new Struct(schema)
    .put('i8', -128)
    .put('i16', 32767)
    .put('i32', -2147483648)
    .put('i64', -9223372036854775808n)
    .put('f32', 1.5)
    .put('f64', -0.1)
    .put('flag', true)
    .put('text', 'héllo ☃')
    .put('raw', Uint8Array.of(0, 255, 7))
    .put('price', new BigDecimal(-12345n, 2))
    .put('day', new Date(Date.UTC(2024, 1, 29)))
    .put('tod', new Date(86_399_999))
    .put('at', new Date(-1))
    .put('tags', ['a', '', 'c'])
    .put(
      'counts',
      new Map([
        ['x', 1n],
        ['y', 9007199254740993n],
      ]),
    )
    .put('address', new Struct(address).put('city', 'Paris'))
    .put('color', 'GREEN');
  const bytes = await write(converter, 't', schema, value);
  // A converter of its own, so that the schema comes from the registry, not from the writer's cache.
  const reader = new ProtobufConverter();
  reader.configure({ 'schema.registry.url': registry.url }, false);
  const back = await read(reader, 't', bytes);
  const s = back.schema!;
  t.equal(s.name, 'All', 'the message name, without the package (enhanced.protobuf.schema.support=false)');
  t.equal(
    s
      .fields()
      .map(
        (f) =>
          `${f.name}:${f.schema.type}${f.schema.isOptional ? '?' : ''}#${f.schema.parameters?.get('io.confluent.connect.protobuf.Tag')}`,
      )
      .join(' '),
    'i8:INT8?#1 i16:INT16?#2 i32:INT32?#3 i64:INT64?#4 f32:FLOAT32?#5 f64:FLOAT64?#6 flag:BOOLEAN?#7 text:STRING?#8 raw:BYTES?#9 price:BYTES?#10 day:INT32?#11 tod:INT32?#12 at:INT64?#13 tags:ARRAY?#14 counts:MAP?#15 address:STRUCT?#16 color:STRING?#17',
  );
  t.equal(s.fields()[9]!.schema.name, Decimal.LOGICAL_NAME);
  t.equal(s.fields()[9]!.schema.parameters?.get('scale'), '2');
  t.equal(s.fields()[16]!.schema.parameters?.get('io.confluent.connect.protobuf.Enum.GREEN'), '1');
  const got = back.value as Struct;
  for (const f of schema.fields()) {
    if (f.name === 'address') continue;
    t.ok(valuesEqual(got.get(f.name), value.get(f.name)), `${f.name}: ${String(got.get(f.name))}`);
  }
  // The read struct's schema carries the field numbers, so it is compared field by field.
  t.equal((got.get('address') as Struct).get('city'), 'Paris');
});

t.test('reading: the message the indexes name, oneofs, enums, map<> and proto3 defaults', async (t) => {
  const { registry, converter } = await setup(t);
  const id = registry.add(
    'other-value',
    `syntax = "proto3";
package shop;
message First { string unused = 1; }
message Order {
  enum Kind { KIND_UNKNOWN = 0; RETAIL = 3; }
  message Line { string sku = 1; uint32 qty = 2; }
  oneof payment { string card = 4; int64 voucher = 5; }
  Kind kind = 1;
  repeated Line lines = 2;
  map<string, sint32> scores = 3;
  Line main = 6;
  int32 missing = 7;
}
`,
    'PROTOBUF',
  );
  // [1]: the second top-level message. kind=RETAIL (08 03), a line {sku "a", qty 2} (12 05 0a0161 1002),
  // scores {"z": -1} (1a 05 0a017a 1001: sint32 -1 is 1), voucher 7 (28 07).
  const payload = '0803' + '1205' + '0a0161' + '1002' + '1a05' + '0a017a' + '1001' + '2807';
  const bytes = Buffer.from('00' + id.toString(16).padStart(8, '0') + '0202' + payload, 'hex');
  const { schema, value } = await read(converter, 'other', bytes);
  t.equal(schema!.name, 'Order');
  t.equal(
    schema!
      .fields()
      .map((f) => f.name)
      .join(','),
    'payment_0,kind,lines,scores,main,missing',
    'the oneof first, as ProtobufData puts it',
  );
  const order = value as Struct;
  const payment = order.get('payment_0') as Struct;
  t.equal(payment.schema.name, 'io.confluent.connect.protobuf.Union.payment');
  t.equal(payment.get('voucher'), 7n);
  t.equal(payment.get('card'), null);
  t.equal(order.get('kind'), 'RETAIL');
  const lines = order.get('lines') as Struct[];
  t.equal(lines.length, 1);
  t.equal(lines[0]!.get('sku'), 'a');
  t.equal(lines[0]!.get('qty'), 2n, 'uint32 reads as INT64');
  t.same([...(order.get('scores') as Map<unknown, unknown>)], [['z', -1]]);
  t.equal(order.get('main'), null, 'an absent message field is null');
  t.equal(order.get('missing'), 0, 'an absent scalar reads as its proto3 default');

  // [1, 0]: Order.Line, the first message nested in the second.
  const line = await read(converter, 'other', Buffer.from('00' + id.toString(16).padStart(8, '0') + '040200' + '0a0162', 'hex'));
  t.equal(line.schema!.name, 'Line');
  t.equal((line.value as Struct).get('sku'), 'b');
  await t.rejects(read(converter, 'other', Buffer.from('00' + id.toString(16).padStart(8, '0') + '0206', 'hex')), {
    message: /message indexes \[3\] name no message of the schema/,
  });
});

t.test('a oneof written from Connect (the Union struct, members tagged) reads back the same', async (t) => {
  const { converter } = await setup(t);
  const union = SchemaBuilder.struct()
    .name('io.confluent.connect.protobuf.Union.pick')
    .field('word', SchemaBuilder.string().optional().parameter('io.confluent.connect.protobuf.Tag', '2').build())
    .field('number', SchemaBuilder.int32().optional().parameter('io.confluent.connect.protobuf.Tag', '3').build())
    .optional()
    .build();
  const schema = SchemaBuilder.struct().name('Choice').field('id', SchemaBuilder.int32().build()).field('pick_0', union).build();
  const bytes = await write(converter, 'c', schema, new Struct(schema).put('id', 1).put('pick_0', new Struct(union).put('number', 0)));
  t.equal(hex(bytes).slice(12), '0801' + '1800', 'a oneof member is written even when it holds its default');
  const back = (await read(converter, 'c', bytes)).value as Struct;
  t.equal((back.get('pick_0') as Struct).get('number'), 0);
  t.equal((back.get('pick_0') as Struct).get('word'), null);
});

t.test('wrapper.for.nullables: null and 0 stay apart', async (t) => {
  const { registry, converter } = await setup(t, { 'wrapper.for.nullables': 'true' });
  const schema = SchemaBuilder.struct().name('W').field('n', SchemaBuilder.int32().optional().build()).build();
  const zero = await write(converter, 'w', schema, new Struct(schema).put('n', 0));
  const none = await write(converter, 'w', schema, new Struct(schema));
  t.match(registry.schemaById(1), /import "google\/protobuf\/wrappers.proto";[\s\S]*google.protobuf.Int32Value n = 1;/);
  t.equal(hex(zero).slice(12), '0a00', 'an empty Int32Value: present, its value the default');
  t.equal(hex(none).slice(12), '', 'null: no field');
  const reader = new ProtobufConverter();
  reader.configure({ 'schema.registry.url': registry.url, 'wrapper.for.nullables': 'true' }, false);
  t.equal(((await read(reader, 'w', zero)).value as Struct).get('n'), 0);
  t.equal(((await read(reader, 'w', none)).value as Struct).get('n'), null);
});

t.test('subjects, lookups and the converter registry', async (t) => {
  const { registry, converter } = await setup(t, {
    'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
  });
  const schema = SchemaBuilder.struct().name('com.example.Rec').field('a', SchemaBuilder.string().build()).build();
  await write(converter, 't', schema, new Struct(schema).put('a', 'x'));
  t.same(registry.subjects(), ['com.example.Rec']);

  const lookUp = new ProtobufConverter();
  lookUp.configure({ 'schema.registry.url': registry.url, 'auto.register.schemas': 'false' }, false);
  await t.rejects(write(lookUp, 'unknown', schema, new Struct(schema).put('a', 'x')), {
    message: /Failed to look up the Protobuf schema under subject "unknown-value".*auto.register.schemas=false/,
  });
  registry.add('known-value', registry.schemaById(1)!, 'PROTOBUF');
  t.equal(hex(await write(lookUp, 'known', schema, new Struct(schema).put('a', 'x'))), '0000000001000a0178');

  for (const name of ['io.confluent.connect.protobuf.ProtobufConverter', 'ProtobufConverter', 'Protobuf']) {
    const c = createConverter({ 'value.converter': name, 'value.converter.schema.registry.url': registry.url }, 'value.converter');
    t.ok(c instanceof ProtobufConverter, name);
  }
  t.throws(() => createConverter({ 'value.converter': 'ProtobufConverter' }, 'value.converter'), ConfigException);
  t.throws(() => new ProtobufConverter().configure({ 'schema.registry.url': 'ftp://x' }, false), { message: /schema.registry.url/ });
});

t.test('errors name the field and the reason', async (t) => {
  const { registry, converter } = await setup(t);
  await t.rejects(async () => write(converter, 't', SchemaBuilder.int32().build(), 1), {
    message: /Unsupported root schema of type INT32: a Protobuf value must be a STRUCT/,
  });
  const badName = SchemaBuilder.struct().name('X').field('first-name', SchemaBuilder.string().build()).build();
  await t.rejects(async () => write(converter, 't', badName, new Struct(badName).put('first-name', 'a')), {
    message: /field name "first-name": not a protobuf identifier/,
  });
  const nested = SchemaBuilder.struct()
    .name('N')
    .field('grid', SchemaBuilder.array(SchemaBuilder.array(SchemaBuilder.int32().build()).build()).build())
    .build();
  await t.rejects(async () => write(converter, 't', nested, new Struct(nested).put('grid', [[1]])), {
    message: /field "grid": an array of arrays/,
  });
  const e = SchemaBuilder.struct()
    .name('E')
    .field(
      'color',
      SchemaBuilder.string()
        .parameter('io.confluent.connect.protobuf.Enum', 'Color')
        .parameter('io.confluent.connect.protobuf.Enum.RED', '0')
        .build(),
    )
    .build();
  await t.rejects(async () => write(converter, 't', e, new Struct(e).put('color', 'BLUE')), {
    message: /field "color": "BLUE" is not a symbol of enum Color/,
  });
  await t.rejects(async () => write(converter, 't', SIMPLE, { id: 1 }), { name: 'DataTypeError', message: /Simple.*expected a Struct/ });
  await t.rejects(async () => write(converter, 't', null, 'x'), { message: /has no schema, and Protobuf needs one/ });
  t.throws(() => converter.toConnectData('t', Uint8Array.of(1, 0, 0, 0, 1)), { message: /Unknown magic byte/ });
  t.equal(registry.requests.length, 0, 'nothing reached the registry');
  const avroId = registry.add('a-value', '"string"');
  await t.rejects(read(converter, 't', Buffer.from('00' + avroId.toString(16).padStart(8, '0') + '00', 'hex')), {
    message: /is a "AVRO" schema, not Protobuf/,
  });
});
