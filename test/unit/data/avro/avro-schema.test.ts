/**
 * Connect schema ↔ Avro schema, as Confluent's AvroData converts them. The expected texts are what
 * Kafka Connect's AvroConverter registers (Avro Java's Schema.toString(): member order, namespaces
 * only where they change), e.g. the Decimal and Timestamp schemas every Debezium topic carries.
 */
import t from 'tap';
import { BigDecimal } from '../../../../src/worker-thread/data/big-decimal.js';
import { DEFAULT_AVRO_DATA_OPTIONS } from '../../../../src/worker-thread/data/avro/avro-data-names.js';
import type { AvroDataOptions } from '../../../../src/worker-thread/data/avro/avro-data-names.js';
import { avroSchemaText, parseAvroSchema } from '../../../../src/worker-thread/data/avro/avro-types.js';
import { fromConnectSchema } from '../../../../src/worker-thread/data/avro/from-connect-schema.js';
import { toConnectSchema } from '../../../../src/worker-thread/data/avro/to-connect-schema.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../../src/worker-thread/data/struct.js';

const avro = (schema: Schema, options: AvroDataOptions = DEFAULT_AVRO_DATA_OPTIONS): string =>
  avroSchemaText(fromConnectSchema(schema, options));
const connect = (text: string, options: AvroDataOptions = DEFAULT_AVRO_DATA_OPTIONS): Schema =>
  toConnectSchema(parseAvroSchema(text), options);

const DECIMAL_2 =
  '{"type":"bytes","scale":2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}';
const TIMESTAMP =
  '{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}';
const DATE = '{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}';
const TIME = '{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}';

t.test('primitives: INT8/INT16 keep their Connect type in connect.type', async (t) => {
  const cases: [Schema, string][] = [
    [Schema.INT8_SCHEMA, '{"type":"int","connect.type":"int8"}'],
    [Schema.INT16_SCHEMA, '{"type":"int","connect.type":"int16"}'],
    [Schema.INT32_SCHEMA, '"int"'],
    [Schema.INT64_SCHEMA, '"long"'],
    [Schema.FLOAT32_SCHEMA, '"float"'],
    [Schema.FLOAT64_SCHEMA, '"double"'],
    [Schema.BOOLEAN_SCHEMA, '"boolean"'],
    [Schema.STRING_SCHEMA, '"string"'],
    [Schema.BYTES_SCHEMA, '"bytes"'],
    [Schema.OPTIONAL_STRING_SCHEMA, '["null","string"]'],
    [Schema.OPTIONAL_INT8_SCHEMA, '["null",{"type":"int","connect.type":"int8"}]'],
    [SchemaBuilder.string().optional().defaultValue('x').build(), '[{"type":"string","connect.default":"x"},"null"]'],
    [
      SchemaBuilder.int64().name('com.example.Id').doc('an id').version(2).parameter('p', 'v').build(),
      '{"type":"long","connect.doc":"an id","connect.version":2,"connect.parameters":{"p":"v"},"connect.name":"com.example.Id"}',
    ],
  ];
  for (const [schema, text] of cases) {
    t.equal(avro(schema), text, String(schema));
    t.ok(schemasEqual(connect(text), schema), `${text} reads back as ${String(schema)}`);
  }
});

t.test('logical types, as Kafka Connect registers them', async (t) => {
  const cases: [Schema, string][] = [
    [Decimal.schema(2), DECIMAL_2],
    [
      Decimal.builder(4).parameter('connect.decimal.precision', '10').build(),
      '{"type":"bytes","scale":4,"precision":10,"connect.version":1,"connect.parameters":{"scale":"4","connect.decimal.precision":"10"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}',
    ],
    [ConnectDate.SCHEMA, DATE],
    [Time.SCHEMA, TIME],
    [Timestamp.SCHEMA, TIMESTAMP],
    [Timestamp.builder().optional().build(), `["null",${TIMESTAMP}]`],
  ];
  for (const [schema, text] of cases) {
    t.equal(avro(schema), text, String(schema));
    t.ok(schemasEqual(connect(text), schema), `${text} reads back`);
  }
  // A negative scale is not an Avro decimal: only the bare logicalType property (Confluent's legacy form).
  t.equal(
    avro(Decimal.schema(-2)),
    '{"type":"bytes","scale":-2,"precision":64,"connect.version":1,"connect.parameters":{"scale":"-2"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}',
  );
  t.ok(schemasEqual(connect(avro(Decimal.schema(-2))), Decimal.schema(-2)));
});

t.test('structs: records named after the schema, ConnectDefault when unnamed, optional fields default to null', async (t) => {
  const address = SchemaBuilder.struct().field('street', Schema.STRING_SCHEMA).field('zip', Schema.OPTIONAL_INT32_SCHEMA).build();
  const unnamed = SchemaBuilder.struct()
    .field('id', Schema.INT32_SCHEMA)
    .field('home', address)
    .field('work', SchemaBuilder.struct().field('floor', Schema.INT16_SCHEMA).optional())
    .build();
  t.equal(
    avro(unnamed),
    '{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[' +
      '{"name":"id","type":"int"},' +
      '{"name":"home","type":{"type":"record","name":"ConnectDefault2","fields":[{"name":"street","type":"string"},{"name":"zip","type":["null","int"],"default":null}]}},' +
      '{"name":"work","type":["null",{"type":"record","name":"ConnectDefault3","fields":[{"name":"floor","type":{"type":"int","connect.type":"int16"}}]}],"default":null}]}',
  );
  t.ok(schemasEqual(connect(avro(unnamed)), unnamed), 'ConnectDefault names are dropped again on reading');

  const point = SchemaBuilder.struct().name('geo.Point').field('x', Schema.FLOAT64_SCHEMA).field('y', Schema.FLOAT64_SCHEMA).build();
  const row = SchemaBuilder.struct()
    .name('com.example.Row')
    .doc('a row')
    .version(3)
    .field('from', point)
    .field('to', point)
    .field('via', SchemaBuilder.array(point))
    .field('inner', SchemaBuilder.struct().name('com.example.Inner').field('n', Schema.INT32_SCHEMA).optional())
    .build();
  t.equal(
    avro(row),
    '{"type":"record","name":"Row","namespace":"com.example","fields":[' +
      '{"name":"from","type":{"type":"record","name":"Point","namespace":"geo","fields":[{"name":"x","type":"double"},{"name":"y","type":"double"}],"connect.name":"geo.Point"}},' +
      '{"name":"to","type":"geo.Point"},' +
      '{"name":"via","type":{"type":"array","items":"geo.Point"}},' +
      '{"name":"inner","type":["null",{"type":"record","name":"Inner","fields":[{"name":"n","type":"int"}],"connect.name":"com.example.Inner"}],"default":null}],' +
      '"connect.doc":"a row","connect.version":3,"connect.name":"com.example.Row"}',
    'a type used twice is defined once, then named; namespaces only where they change',
  );
  t.ok(schemasEqual(connect(avro(row)), row));

  const clash = SchemaBuilder.struct()
    .field('a', SchemaBuilder.struct().name('x.Same').field('f', Schema.INT32_SCHEMA))
    .field('b', SchemaBuilder.struct().name('x.Same').field('g', Schema.STRING_SCHEMA))
    .build();
  t.throws(() => avro(clash), { name: 'DataException', message: "Can't redefine: x.Same" });
});

t.test('defaults: in the field and in connect.default, and read back', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('d.Defaults')
    .field('n', SchemaBuilder.int32().defaultValue(5))
    .field('big', SchemaBuilder.int64().defaultValue(9223372036854775807n))
    .field('f', SchemaBuilder.float32().defaultValue(1.5))
    .field('s', SchemaBuilder.string().optional().defaultValue('dflt'))
    .field('b', SchemaBuilder.bytes().defaultValue(new Uint8Array([0, 255])))
    .field('amount', Decimal.builder(2).defaultValue(new BigDecimal(12345n, 2)))
    .field('list', SchemaBuilder.array(Schema.INT8_SCHEMA).defaultValue([1, -2]))
    .field('tags', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).defaultValue(new Map([['a', 1]])))
    .field('when', Timestamp.builder().defaultValue(new Date(86400000)))
    .build();
  const text = avro(schema);
  t.match(text, '{"name":"n","type":{"type":"int","connect.default":5},"default":5}');
  t.match(text, '{"name":"big","type":{"type":"long","connect.default":9223372036854775807},"default":9223372036854775807}');
  t.match(text, '{"name":"f","type":{"type":"float","connect.default":1.5},"default":1.5}');
  t.match(text, '{"name":"s","type":[{"type":"string","connect.default":"dflt"},"null"],"default":"dflt"}');
  t.match(text, '{"name":"b","type":{"type":"bytes","connect.default":"\\u0000ÿ"},"default":"\\u0000ÿ"}');
  t.match(text, '"connect.default":"09","connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"},"default":"09"}');
  t.match(text, '{"name":"when","type":{"type":"long","connect.version":1,"connect.default":86400000,');
  const back = connect(text);
  t.ok(schemasEqual(back, schema), 'every default reads back');
  t.equal(back.field('big')!.schema.defaultValue, 9223372036854775807n, 'an INT64 default keeps its 64 bits');

  // A foreign schema's field default (no connect.default) is flagged so that writing back does not add one.
  const foreign = connect('{"type":"record","name":"F","fields":[{"name":"n","type":"int","default":7}]}');
  t.equal(foreign.field('n')!.schema.defaultValue, 7);
  t.equal(foreign.field('n')!.schema.parameters?.get('io.confluent.connect.avro.field.default'), 'true');
  t.equal(
    avro(foreign),
    '{"type":"record","name":"F","fields":[{"name":"n","type":"int","default":7}],"connect.name":"F"}',
    'the flag is not written',
  );
  t.ok(schemasEqual(connect(avro(foreign)), foreign));

  // An optional struct's default would not fit its union (null comes first): left out of the field.
  const inner = SchemaBuilder.struct().name('d.Inner').field('x', Schema.INT32_SCHEMA).build();
  const withStructDefault = SchemaBuilder.struct()
    .name('d.Outer')
    .field('inner', SchemaBuilder.struct().name('d.Inner').field('x', Schema.INT32_SCHEMA).defaultValue(new Struct(inner).put('x', 1)))
    .build();
  t.match(avro(withStructDefault), '"connect.default":{"x":1},"connect.name":"d.Inner"},"default":{"x":1}}');
});

t.test('maps: string keys are Avro maps, any other key an array of MapEntry records', async (t) => {
  const cases: [Schema, string][] = [
    [SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), '{"type":"map","values":"int"}'],
    [
      SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build(),
      '{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":"int"},{"name":"value","type":"string"}]}}',
    ],
    [
      SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT64_SCHEMA).build(),
      '{"type":"array","items":{"type":"record","name":"MapEntry","namespace":"io.confluent.connect.avro","fields":[{"name":"key","type":["null","string"],"default":null},{"name":"value","type":"long"}]}}',
    ],
    [
      SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.BOOLEAN_SCHEMA).name('com.example.Flags').build(),
      '{"type":"array","items":{"type":"record","name":"Flags","namespace":"com.example","fields":[{"name":"key","type":"long"},{"name":"value","type":"boolean"}],"connect.internal.type":"MapEntry"},"connect.name":"com.example.Flags"}',
    ],
  ];
  for (const [schema, text] of cases) {
    t.equal(avro(schema), text, String(schema));
    t.ok(schemasEqual(connect(text), schema), `${text} reads back`);
  }
  t.equal(
    avro(SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.INT64_SCHEMA).build(), {
      ...DEFAULT_AVRO_DATA_OPTIONS,
      allowOptionalMapKeys: true,
    }),
    '{"type":"map","values":"long"}',
  );
});

t.test('connect.meta.data=false writes plain Avro, and reads it back without Connect names', async (t) => {
  const options = { ...DEFAULT_AVRO_DATA_OPTIONS, connectMetaData: false };
  t.equal(avro(Timestamp.SCHEMA, options), '{"type":"long","logicalType":"timestamp-millis"}');
  t.equal(avro(Schema.INT8_SCHEMA, options), '"int"');
  t.equal(
    avro(SchemaBuilder.struct().name('a.B').version(2).field('x', Schema.INT16_SCHEMA).build(), options),
    '{"type":"record","name":"B","namespace":"a","fields":[{"name":"x","type":"int"}]}',
  );
  t.ok(schemasEqual(connect('{"type":"long","logicalType":"timestamp-millis"}', options), Timestamp.SCHEMA), 'logical types still read');
});

t.test('Avro schemas from elsewhere: enums, unions, fixed, other logical types', async (t) => {
  const enumSchema = connect(
    '{"type":"enum","name":"Suit","namespace":"cards","doc":"suits","symbols":["HEARTS","SPADES"],"default":"HEARTS"}',
  );
  t.equal(enumSchema.type, 'STRING');
  t.equal(enumSchema.name, 'cards.Suit');
  t.same(Object.fromEntries(enumSchema.parameters!), {
    'io.confluent.connect.avro.enum.doc.Suit': 'suits',
    'io.confluent.connect.avro.enum.default.Suit': 'HEARTS',
    'io.confluent.connect.avro.Enum': 'cards.Suit',
    'io.confluent.connect.avro.Enum.HEARTS': 'HEARTS',
    'io.confluent.connect.avro.Enum.SPADES': 'SPADES',
  });
  const enhanced = { ...DEFAULT_AVRO_DATA_OPTIONS, enhancedSchemaSupport: true };
  t.match(
    avro(enumSchema, enhanced),
    /^\{"type":"enum","name":"Suit","namespace":"cards","doc":"suits","symbols":\["HEARTS","SPADES"\],"default":"HEARTS",/,
    'enhanced.avro.schema.support writes the enum back',
  );
  t.equal(avro(enumSchema).startsWith('{"type":"string"'), true, 'without it, a string');

  const union = connect(
    '{"type":"record","name":"U","fields":[{"name":"v","type":["null","string","int",{"type":"record","name":"P","fields":[{"name":"a","type":"int"}]}]}]}',
  );
  const v = union.field('v')!.schema;
  t.equal(v.name, 'io.confluent.connect.avro.Union');
  t.equal(v.isOptional, true);
  t.same(
    v.fields().map((f) => [f.name, f.schema.type, f.schema.isOptional]),
    [
      ['string', 'STRING', true],
      ['int', 'INT32', true],
      ['P', 'STRUCT', true],
    ],
  );
  t.equal(
    avro(union),
    '{"type":"record","name":"U","fields":[{"name":"v","type":["null","string","int",{"type":"record","name":"P","fields":[{"name":"a","type":"int"}],"connect.name":"P"}],"default":null}],"connect.name":"U"}',
  );

  const fixed = connect('{"type":"fixed","name":"Md5","size":16}');
  t.equal(fixed.type, 'BYTES');
  t.equal(fixed.parameters?.get('connect.fixed.size'), '16');
  t.equal(avro(fixed), '{"type":"fixed","name":"Md5","size":16,"connect.parameters":{"connect.fixed.size":"16"},"connect.name":"Md5"}');

  const micros = connect('{"type":"long","logicalType":"timestamp-micros"}');
  t.ok(schemasEqual(micros, Schema.INT64_SCHEMA), 'timestamp-micros is a plain INT64, as in Confluent');
  const precise = connect('{"type":"bytes","logicalType":"decimal","precision":10,"scale":3}');
  t.equal(Decimal.scale(precise), 3);
  t.equal(precise.parameters?.get('connect.decimal.precision'), '10');
  const docs = connect(
    '{"type":"record","name":"R","namespace":"n","doc":"record doc","fields":[{"name":"a","type":"string","doc":"field doc"}]}',
  );
  t.equal(docs.parameters?.get('io.confluent.connect.avro.record.doc'), 'record doc');
  t.equal(docs.parameters?.get('io.confluent.connect.avro.field.doc.a'), 'field doc');
  t.equal(
    avro(docs),
    '{"type":"record","name":"R","namespace":"n","doc":"record doc","fields":[{"name":"a","type":"string","doc":"field doc"}],"connect.parameters":{"io.confluent.connect.avro.record.doc":"record doc","io.confluent.connect.avro.field.doc.a":"field doc"},"connect.name":"n.R"}',
  );
});

t.test('what cannot be read is refused with a DataException', async (t) => {
  t.throws(() => connect('{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"]}]}'), {
    name: 'DataException',
    message: /Recursive Avro schemas are not supported: record Node contains itself/,
  });
  t.throws(() => connect('"null"'), { message: /Standalone null schemas/ });
  t.throws(() => connect('{"type":"record","name":"R","fields":[{"name":"a","type":"Missing"}]}'), { message: /undefined name: Missing/ });
  t.throws(() => connect('not json'), { name: 'DataException', message: /Invalid Avro schema/ });
  t.throws(() => connect('{"type":"int","connect.type":"int128"}'), { message: /int128/ });
});
