/**
 * Connect ↔ JSON Schema and Connect values ↔ JSON, both ways, against what Confluent's
 * JsonSchemaData writes. Confluent's kafka-json-schema-serializer and json-schema converter are
 * served only from packages.confluent.io, which this machine cannot reach (Maven Central answers
 * "Missing" for io.confluent:kafka-json-schema-serializer), so the expectations are transcribed from
 * Confluent's own tests of JsonSchemaData, named in each case:
 * confluentinc/schema-registry, json-schema-converter/src/test/java/io/confluent/connect/json/JsonSchemaDataTest.java
 * (and JsonSchemaData.java beside it for what the tests do not pin down). Schemas are compared as
 * parsed JSON: member order is not part of Confluent's output contract (everit prints Java HashMaps).
 */
import t from 'tap';
import type { Test } from 'tap';
import { BigDecimal } from '../../../../src/worker-thread/data/big-decimal.js';
import { valuesEqual } from '../../../../src/worker-thread/data/equality.js';
import { parseJson } from '../../../../src/worker-thread/data/json/json-text.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';
import { fromConnectSchema, jsonSchemaText } from '../../../../src/worker-thread/data/json-schema/from-connect-schema.js';
import { DEFAULT_JSON_SCHEMA_DATA_OPTIONS } from '../../../../src/worker-thread/data/json-schema/json-schema-data-options.js';
import type { JsonSchemaDataOptions } from '../../../../src/worker-thread/data/json-schema/json-schema-data-options.js';
import { readJsonSchemaValue, writeJsonSchemaValue } from '../../../../src/worker-thread/data/json-schema/json-schema-values.js';
import { toConnectSchemaFromText } from '../../../../src/worker-thread/data/json-schema/to-connect-schema.js';

const ONE_OF = 'io.confluent.connect.json.OneOf';
const ENUM = 'io.confluent.connect.json.Enum';
const options = DEFAULT_JSON_SCHEMA_DATA_OPTIONS;

function schemaJson(schema: Schema, opts: JsonSchemaDataOptions = options): unknown {
  return JSON.parse(jsonSchemaText(fromConnectSchema(schema, opts)));
}

/** Connect → JSON Schema and JSON, then back: the schema and value read back must be the originals. */
function roundTrip(
  tt: Test,
  schema: Schema,
  value: unknown,
  expectedSchema: unknown,
  expectedJson: string,
  opts: JsonSchemaDataOptions = options,
): void {
  const text = jsonSchemaText(fromConnectSchema(schema, opts));
  tt.same(JSON.parse(text), expectedSchema, 'JSON Schema');
  const json = writeJsonSchemaValue(schema, value, opts);
  tt.equal(json, expectedJson, 'JSON document');
  const back = toConnectSchemaFromText(text, opts);
  tt.ok(schemasEqual(back, schema), `schema reads back: ${String(back)} vs ${String(schema)}`);
  tt.ok(valuesEqual(readJsonSchemaValue(back, parseJson(json!), opts), value), 'value reads back');
}

t.test('primitives carry connect.type (testFromConnectByte … testFromConnectDouble, testFromConnectBytes)', async (t) => {
  roundTrip(t, Schema.BOOLEAN_SCHEMA, true, { type: 'boolean' }, 'true');
  roundTrip(t, Schema.INT8_SCHEMA, 12, { type: 'integer', 'connect.type': 'int8' }, '12');
  roundTrip(t, Schema.INT16_SCHEMA, 12, { type: 'integer', 'connect.type': 'int16' }, '12');
  roundTrip(t, Schema.INT32_SCHEMA, 12, { type: 'integer', 'connect.type': 'int32' }, '12');
  roundTrip(t, Schema.INT64_SCHEMA, 9007199254740993n, { type: 'integer', 'connect.type': 'int64' }, '9007199254740993');
  // Jackson writes a FloatNode/DoubleNode as Java's Float/Double.toString: 12.0, not 12.
  roundTrip(t, Schema.FLOAT32_SCHEMA, 12.5, { type: 'number', 'connect.type': 'float32' }, '12.5');
  roundTrip(t, Schema.FLOAT64_SCHEMA, 12, { type: 'number', 'connect.type': 'float64' }, '12.0');
  roundTrip(t, Schema.STRING_SCHEMA, 'foo', { type: 'string' }, '"foo"');
  roundTrip(t, Schema.BYTES_SCHEMA, Buffer.from('foo'), { type: 'string', 'connect.type': 'bytes' }, '"Zm9v"');
});

t.test('optional: oneOf null and the type; a field index on the oneOf (rawSchemaFromConnectSchema)', async (t) => {
  roundTrip(t, Schema.OPTIONAL_INT32_SCHEMA, null, { oneOf: [{ type: 'null' }, { type: 'integer', 'connect.type': 'int32' }] }, 'null');
  const schema = SchemaBuilder.struct()
    .name('Record')
    .field('id', Schema.INT64_SCHEMA)
    .field('note', Schema.OPTIONAL_STRING_SCHEMA)
    .field('inner', SchemaBuilder.struct().name('Inner').optional().field('x', Schema.INT8_SCHEMA).build())
    .build();
  const value = new Struct(schema).put('id', 7n).put('note', null).put('inner', null);
  roundTrip(
    t,
    schema,
    value,
    {
      type: 'object',
      title: 'Record',
      properties: {
        id: { type: 'integer', 'connect.type': 'int64', 'connect.index': 0 },
        note: { oneOf: [{ type: 'null' }, { type: 'string' }], 'connect.index': 1 },
        inner: {
          oneOf: [
            { type: 'null' },
            { type: 'object', title: 'Inner', properties: { x: { type: 'integer', 'connect.type': 'int8', 'connect.index': 0 } } },
          ],
          'connect.index': 2,
        },
      },
    },
    '{"id":7,"note":null,"inner":null}',
  );
});

t.test('a required field left null is left out, and reads back unset (testFromConnectRecordWithMissingNonoptional)', async (t) => {
  const schema = SchemaBuilder.struct().name('Record').field('int8', Schema.INT8_SCHEMA).field('string', Schema.STRING_SCHEMA).build();
  const struct = new Struct(schema).put('int8', 12);
  t.equal(writeJsonSchemaValue(schema, struct, options), '{"int8":12}');
  const back = readJsonSchemaValue(schema, parseJson('{"int8":12}'), options) as Struct;
  t.equal(back.get('int8'), 12);
  t.equal(back.get('string'), null);
  t.throws(() => readJsonSchemaValue(schema, parseJson('{"int8":12,"string":null}'), options), {
    message: 'Invalid null value for required STRING field (at field string)',
  });
});

t.test('maps: string keys as an object, other keys as key/value objects (testFromConnectMapWithNonStringKey)', async (t) => {
  roundTrip(
    t,
    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(),
    new Map([['field', 1]]),
    { type: 'object', additionalProperties: { type: 'integer', 'connect.type': 'int32' }, 'connect.type': 'map' },
    '{"field":1}',
  );
  roundTrip(
    t,
    SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(),
    new Map([[54, 32]]),
    {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          key: { type: 'integer', 'connect.type': 'int32', 'connect.index': 0 },
          value: { type: 'integer', 'connect.type': 'int32', 'connect.index': 1 },
        },
      },
      'connect.type': 'map',
    },
    '[{"key":54,"value":32}]',
  );
  // testFromConnectMapWithOptionalKey: an optional STRING key is not an object key.
  t.same(schemaJson(SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT32_SCHEMA).build()), {
    type: 'array',
    items: {
      type: 'object',
      properties: {
        key: { oneOf: [{ type: 'null' }, { type: 'string' }], 'connect.index': 0 },
        value: { type: 'integer', 'connect.type': 'int32', 'connect.index': 1 },
      },
    },
    'connect.type': 'map',
  });
});

t.test(
  'logical types as Confluent writes them (testFromConnectBase64Decimal, testFromConnectNumericDecimal, testFromConnectTimestampWithDefault)',
  async (t) => {
    roundTrip(
      t,
      Decimal.schema(2),
      new BigDecimal(156n, 2),
      {
        type: 'string',
        title: 'org.apache.kafka.connect.data.Decimal',
        'connect.type': 'bytes',
        'connect.version': 1,
        'connect.parameters': { scale: '2' },
      },
      // BinaryNode.valueOf(new byte[]{0, -100})
      '"AJw="',
    );
    const numeric = { ...options, decimalFormat: 'NUMERIC' as const };
    roundTrip(
      t,
      Decimal.schema(2),
      new BigDecimal(156n, 2),
      {
        type: 'number',
        title: 'org.apache.kafka.connect.data.Decimal',
        'connect.type': 'bytes',
        'connect.version': 1,
        'connect.parameters': { scale: '2' },
      },
      '1.56',
      numeric,
    );
    roundTrip(
      t,
      Timestamp.builder().defaultValue(new Date(0)).build(),
      new Date(1234567890),
      { type: 'integer', title: 'org.apache.kafka.connect.data.Timestamp', default: 0, 'connect.type': 'int64', 'connect.version': 1 },
      '1234567890',
    );
    roundTrip(
      t,
      ConnectDate.SCHEMA,
      new Date(Date.UTC(2026, 11, 7)),
      { type: 'integer', title: 'org.apache.kafka.connect.data.Date', 'connect.type': 'int32', 'connect.version': 1 },
      '20794',
    );
    roundTrip(
      t,
      Time.SCHEMA,
      new Date(3_600_000),
      { type: 'integer', title: 'org.apache.kafka.connect.data.Time', 'connect.type': 'int32', 'connect.version': 1 },
      '3600000',
    );
  },
);

t.test('enums and unions (testFromConnectEnum, testFromConnectUnion, testFromConnectUnionDifferentStruct)', async (t) => {
  const enumSchema = SchemaBuilder.string()
    .parameter(ENUM, '')
    .parameter(`${ENUM}.one`, 'one')
    .parameter(`${ENUM}.two`, 'two')
    .parameter(`${ENUM}.three`, 'three')
    .build();
  roundTrip(t, enumSchema, 'one', { enum: ['one', 'two', 'three'] }, '"one"');

  // A oneOf's members read back optional (toConnectSchema's forceOptional); writing, Confluent drops
  // their optionality (nonOptional), so optional members give the same JSON Schema and round-trip.
  const union = SchemaBuilder.struct()
    .name(ONE_OF)
    .field(`${ONE_OF}.field.0`, Schema.OPTIONAL_INT32_SCHEMA)
    .field(`${ONE_OF}.field.1`, Schema.OPTIONAL_STRING_SCHEMA)
    .build();
  roundTrip(
    t,
    union,
    new Struct(union).put(`${ONE_OF}.field.0`, 12),
    {
      oneOf: [
        { type: 'integer', 'connect.type': 'int32', 'connect.index': 0 },
        { type: 'string', 'connect.index': 1 },
      ],
    },
    '12',
  );
  t.ok(valuesEqual(readJsonSchemaValue(union, parseJson('"x"'), options), new Struct(union).put(`${ONE_OF}.field.1`, 'x')));

  const noExtra = { ...options, allowAdditionalProperties: false };
  const field0 = SchemaBuilder.struct().name('field0').field('a', Schema.INT8_SCHEMA).field('b', Schema.STRING_SCHEMA).optional().build();
  const field1 = SchemaBuilder.struct().name('field1').field('c', Schema.INT8_SCHEMA).field('d', Schema.STRING_SCHEMA).optional().build();
  const structs = SchemaBuilder.struct().name(ONE_OF).field(`${ONE_OF}.field.0`, field0).field(`${ONE_OF}.field.1`, field1).build();
  const props = (x: string, y: string): unknown => ({
    [x]: { type: 'integer', 'connect.type': 'int8', 'connect.index': 0 },
    [y]: { type: 'string', 'connect.index': 1 },
  });
  const value = new Struct(structs).put(`${ONE_OF}.field.1`, new Struct(field1).put('c', 12).put('d', 'sample string'));
  roundTrip(
    t,
    structs,
    value,
    {
      oneOf: [
        { type: 'object', title: 'field0', properties: props('a', 'b'), additionalProperties: false, 'connect.index': 0 },
        { type: 'object', title: 'field1', properties: props('c', 'd'), additionalProperties: false, 'connect.index': 1 },
      ],
    },
    '{"c":12,"d":"sample string"}',
    noExtra,
  );
});

t.test('name, doc, version, parameters and defaults', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('com.example.Order')
    .version(3)
    .doc('an order')
    .parameter('owner', 'sales')
    .field('qty', SchemaBuilder.int32().defaultValue(1).doc('how many').build())
    .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).defaultValue(['a']).build())
    .build();
  t.same(schemaJson(schema), {
    type: 'object',
    title: 'com.example.Order',
    description: 'an order',
    properties: {
      qty: { type: 'integer', description: 'how many', default: 1, 'connect.type': 'int32', 'connect.index': 0 },
      tags: { type: 'array', items: { type: 'string' }, default: ['a'], 'connect.index': 1 },
    },
    'connect.version': 3,
    'connect.parameters': { owner: 'sales' },
  });
  // A null under a default writes the default (ignore.default.for.nullables=false, Confluent's default).
  t.equal(writeJsonSchemaValue(schema, new Struct(schema), options), '{"qty":1,"tags":["a"]}');
  t.equal(writeJsonSchemaValue(schema, new Struct(schema), { ...options, ignoreDefaultForNullables: true }), '{}');
  const back = toConnectSchemaFromText(jsonSchemaText(fromConnectSchema(schema, options)), options);
  t.ok(schemasEqual(back, schema), String(back));
});

t.test('JSON Schemas not written by a converter (testToConnect*)', async (t) => {
  const read = (text: string, opts: JsonSchemaDataOptions = options): Schema => toConnectSchemaFromText(text, opts);
  t.ok(schemasEqual(read('{"type":"integer"}'), Schema.INT64_SCHEMA), 'integer without connect.type is INT64');
  t.ok(schemasEqual(read('{"type":"number"}'), Schema.FLOAT64_SCHEMA), 'number is FLOAT64');
  t.ok(schemasEqual(read('{"type":["string","null"]}'), Schema.OPTIONAL_STRING_SCHEMA), 'a type list with null is optional');
  t.ok(schemasEqual(read('{"anyOf":[{"type":"string"}]}'), Schema.STRING_SCHEMA), 'testToConnectSingletonUnion');
  t.ok(
    schemasEqual(
      read('{"const":"money","type":"string"}'),
      SchemaBuilder.string().parameter(ENUM, '').parameter(`${ENUM}.money`, 'money').build(),
    ),
    'testToConnectConst',
  );
  const person = read(
    '{"type":"object","title":"Person","required":["name"],"properties":{"age":{"type":"integer"},"name":{"type":"string"},"address":{"$ref":"#/definitions/Address"}},' +
      '"definitions":{"Address":{"type":"object","properties":{"city":{"type":"string"}}}}}',
    { ...options, useOptionalForNonRequired: true },
  );
  t.same(
    person.fields().map((f) => [f.name, f.schema.type, f.schema.isOptional]),
    [
      ['age', 'INT64', true],
      ['name', 'STRING', false],
      ['address', 'STRUCT', true],
    ],
    'properties in order, optional when not required (use.optional.for.nonrequired)',
  );
  const merged = read('{"allOf":[{"type":"object","properties":{"a":{"type":"string"}}},{"properties":{"b":{"type":"boolean"}}}]}');
  t.same(
    merged.fields().map((f) => f.name),
    ['a', 'b'],
    'allOf merges the properties',
  );
  t.throws(() => read('{"type":"object","properties":{"next":{"$ref":"#"}}}'), { message: /recursive \$ref "#"/ });
  t.throws(() => read('{"type":"object","properties":{"x":{"$ref":"https://example.com/x.json"}}}'), {
    message: /only references inside the schema/,
  });
  t.throws(() => read('{"description":"anything"}'), { message: /no "type"/ });
  t.throws(() => read('{"type":"array"}'), { message: /Array schema did not specify the items type \(at #/ });
});

t.test('errors name the field', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('Order')
    .field('lines', SchemaBuilder.array(SchemaBuilder.struct().name('Line').field('price', Schema.FLOAT64_SCHEMA).build()).build())
    .build();
  const line = schema.field('lines')!.schema.valueSchema!;
  const bad = new Struct(schema).put('lines', [new Struct(line).put('price', 1)]);
  // A wrong JavaScript type slips past Struct.put only through an unchecked cast; the writer still catches it.
  (bad.get('lines') as Struct[])[0] = { price: 'x' } as unknown as Struct;
  t.throws(() => writeJsonSchemaValue(schema, bad, options), { message: /\(at field lines\[0\]\)/ });
  t.throws(() => readJsonSchemaValue(schema, parseJson('{"lines":[{"price":"cheap"}]}'), options), {
    message: 'Invalid JSON for a FLOAT64 schema: expected a number, found STRING (at field lines[0].price)',
  });
  t.throws(() => readJsonSchemaValue(SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT32_SCHEMA).build(), parseJson('[[1,2]]'), options), {
    message: /Found invalid map entry instead of object: ARRAY/,
  });
});
