/**
 * The data model: SchemaBuilder as Kafka's, the predefined schemas, schema equality, validateValue
 * (which JavaScript values fit which schema, and errors that say where and why), and the INT64 rule.
 */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { DataException, DataTypeError, SchemaBuilderException } from '../../../src/worker-thread/data/errors.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { ConnectSchema, Field, Schema, SchemaAndValue, SchemaType, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct, validateValue } from '../../../src/worker-thread/data/struct.js';

t.test('predefined schemas', async (t) => {
  t.equal(Schema.STRING_SCHEMA.type, 'STRING');
  t.equal(Schema.STRING_SCHEMA.isOptional, false);
  t.equal(Schema.OPTIONAL_STRING_SCHEMA.isOptional, true);
  t.equal(Schema.OPTIONAL_INT64_SCHEMA.type, Schema.Type.INT64);
  t.ok(Object.isFrozen(Schema.INT32_SCHEMA), 'shared constants cannot be changed');
  t.equal(Schema.INT32_SCHEMA.defaultValue, null);
  t.equal(Schema.INT32_SCHEMA.name, null);
  t.equal(Schema.INT32_SCHEMA.keySchema, null);
  t.throws(() => Schema.INT32_SCHEMA.fields(), { message: 'Cannot list fields on non-struct type' });
  t.equal(String(Schema.BYTES_SCHEMA), 'Schema{BYTES}');
  t.equal(String(Decimal.schema(2)), 'Schema{org.apache.kafka.connect.data.Decimal:BYTES}');
});

t.test('SchemaBuilder: fluent as in Java', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('com.example.Row')
    .version(3)
    .doc('a row')
    .parameter('p', 'v')
    .field('id', Schema.INT64_SCHEMA)
    .field('name', SchemaBuilder.string().optional())
    .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA))
    .field('attrs', SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA).optional())
    .optional()
    .build();
  t.equal(schema.type, 'STRUCT');
  t.equal(schema.name, 'com.example.Row');
  t.equal(schema.version, 3);
  t.equal(schema.doc, 'a row');
  t.same([...schema.parameters!], [['p', 'v']]);
  t.ok(schema.isOptional);
  t.same(
    schema.fields().map((f) => [f.name, f.index, f.schema.type]),
    [
      ['id', 0, 'INT64'],
      ['name', 1, 'STRING'],
      ['tags', 2, 'ARRAY'],
      ['attrs', 3, 'MAP'],
    ],
  );
  t.equal(schema.field('name')!.schema.isOptional, true, 'a builder given as a field schema is built');
  t.equal(schema.field('nope'), null);
  t.equal(schema.field('tags')!.schema.valueSchema, Schema.STRING_SCHEMA);
  t.equal(schema.field('attrs')!.schema.keySchema, Schema.STRING_SCHEMA);
  t.equal(SchemaBuilder.int64().defaultValue(9007199254740993n).build().defaultValue, 9007199254740993n);
  t.equal(SchemaBuilder.type(SchemaType.BOOLEAN).build().type, 'BOOLEAN');
  t.same(
    [
      ...SchemaBuilder.string()
        .parameters({ a: '1', b: '2' })
        .parameters(new Map([['c', '3']]))
        .build()
        .parameters!.keys(),
    ],
    ['a', 'b', 'c'],
  );
  t.equal(SchemaBuilder.string().parameters({}).build().parameters, null, 'no empty parameter map');
});

t.test('SchemaBuilder refuses what Kafka refuses', async (t) => {
  t.throws(() => SchemaBuilder.string().name('a').name('b'), { name: 'SchemaBuilderException', message: /name has already been set/ });
  t.doesNotThrow(() => SchemaBuilder.string().name('a').name('a'), 'the same value again is fine');
  t.throws(() => SchemaBuilder.string().optional().required(), SchemaBuilderException);
  t.throws(() => SchemaBuilder.int32().field('x', Schema.INT32_SCHEMA), { message: 'Cannot create fields on type INT32' });
  t.throws(() => SchemaBuilder.struct().field('', Schema.INT32_SCHEMA), SchemaBuilderException);
  t.throws(() => SchemaBuilder.struct().field('a', Schema.INT32_SCHEMA).field('a', Schema.STRING_SCHEMA), { message: /duplication a/ });
  t.throws(() => SchemaBuilder.int8().defaultValue(300), {
    code: 'CONNECTD_ERR_SCHEMA_BUILDER',
    message: /Invalid default value.*out of range/,
  });
  t.throws(() => SchemaBuilder.string().defaultValue(5), SchemaBuilderException);
  t.throws(() => SchemaBuilder.int32().version(1.5), SchemaBuilderException);
  t.throws(() => new SchemaBuilder('UUID' as SchemaType), SchemaBuilderException);
});

t.test('a STRUCT default works (Kafka compares it with the builder and always refuses)', async (t) => {
  const point = SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).build();
  const withDefault = SchemaBuilder.struct().field('x', Schema.INT32_SCHEMA).defaultValue(new Struct(point).put('x', 1)).build();
  t.equal((withDefault.defaultValue as Struct).get('x'), 1);
});

t.test('schema equality is structural, as ConnectSchema.equals', async (t) => {
  const a = () => SchemaBuilder.struct().name('r').field('x', SchemaBuilder.int32().defaultValue(1)).field('d', Decimal.schema(2)).build();
  t.ok(a().equals(a()));
  t.ok(schemasEqual(a(), a()));
  t.notOk(
    a().equals(SchemaBuilder.struct().name('r').field('x', SchemaBuilder.int32().defaultValue(2)).field('d', Decimal.schema(2)).build()),
    'defaults differ',
  );
  t.notOk(
    a().equals(SchemaBuilder.struct().name('r').field('x', SchemaBuilder.int32().defaultValue(1)).field('d', Decimal.schema(3)).build()),
    'parameters differ',
  );
  t.notOk(Schema.INT32_SCHEMA.equals(Schema.OPTIONAL_INT32_SCHEMA));
  t.ok(
    SchemaBuilder.bytes()
      .defaultValue(Uint8Array.of(1))
      .build()
      .equals(
        SchemaBuilder.bytes()
          .defaultValue(Buffer.from([1]))
          .build(),
      ),
    'byte defaults by content',
  );
  t.ok(new Field('a', 0, Schema.INT8_SCHEMA).equals(new Field('a', 0, SchemaBuilder.int8().build())));
  t.notOk(new Field('a', 0, Schema.INT8_SCHEMA).equals(new Field('a', 1, Schema.INT8_SCHEMA)));
  t.ok(
    new SchemaAndValue(Schema.INT64_SCHEMA, 5n).equals(new SchemaAndValue(Schema.INT64_SCHEMA, 5)),
    'an INT64 as bigint or safe number is one value',
  );
});

t.test('validateValue: which JavaScript values fit', async (t) => {
  const fits: [Schema, unknown][] = [
    [Schema.INT8_SCHEMA, -128],
    [Schema.INT16_SCHEMA, 32767],
    [Schema.INT32_SCHEMA, -2147483648],
    [Schema.INT32_SCHEMA, 7n],
    [Schema.INT64_SCHEMA, 2n ** 63n - 1n],
    [Schema.INT64_SCHEMA, Number.MAX_SAFE_INTEGER],
    [Schema.FLOAT32_SCHEMA, 0.1],
    [Schema.FLOAT64_SCHEMA, NaN],
    [Schema.BOOLEAN_SCHEMA, false],
    [Schema.STRING_SCHEMA, ''],
    [Schema.BYTES_SCHEMA, Buffer.from('x')],
    [SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), ['a', null]],
    [SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build(), { a: 1 }],
    [SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.INT32_SCHEMA).build(), new Map([[1n, 1]])],
    [Decimal.schema(2), BigDecimal.parse('1.23')],
    [Timestamp.SCHEMA, new Date()],
    [Schema.OPTIONAL_STRING_SCHEMA, null],
    [Schema.OPTIONAL_STRING_SCHEMA, undefined],
  ];
  for (const [schema, value] of fits) t.doesNotThrow(() => validateValue(schema, value), `${String(schema)} takes ${String(value)}`);
});

t.test('validateValue: errors name the place and the reason', async (t) => {
  t.throws(() => validateValue(Schema.STRING_SCHEMA, null, 'name'), {
    name: 'DataException',
    message: 'Invalid value: null used for required field: "name", schema type: STRING',
  });
  t.throws(() => validateValue(Schema.STRING_SCHEMA, null), { message: /required value, schema type: STRING/ });
  t.throws(() => validateValue(Schema.INT32_SCHEMA, 'x', 'count'), {
    name: 'DataTypeError',
    code: 'CONNECTD_ERR_DATA_TYPE',
    message: 'Invalid value for schema with type INT32: string "x" for field: "count": expected an integer number',
  });
  t.throws(() => validateValue(Schema.INT8_SCHEMA, 128, 'small'), {
    name: 'DataException',
    message: /field: "small": out of range -128..127/,
  });
  t.throws(() => validateValue(Schema.INT32_SCHEMA, 1.5, 'n'), { message: /field: "n": not an integer/ });
  t.throws(() => validateValue(Schema.INT64_SCHEMA, 2 ** 53 + 2, 'big'), {
    message: /field: "big": a number beyond 2\^53 may already have lost digits: pass INT64 values as bigint/,
  });
  t.throws(() => validateValue(Schema.INT64_SCHEMA, 2n ** 63n, 'big'), { message: /out of range/ });
  t.throws(() => validateValue(Decimal.schema(2), 1.5, 'amount'), {
    name: 'DataTypeError',
    message:
      /schema "org.apache.kafka.connect.data.Decimal" with type BYTES: number 1.5 for field: "amount": a Decimal value is a BigDecimal/,
  });
  t.throws(() => validateValue(Timestamp.SCHEMA, 1700000000000, 'ts'), { name: 'DataTypeError', message: /JavaScript Dates/ });
  t.throws(() => validateValue(Timestamp.SCHEMA, new Date(NaN), 'ts'), { name: 'DataException', message: /an invalid Date/ });
  const list = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
  t.throws(() => validateValue(list, [1, 'two'], 'tags'), { message: /element of array field: "tags"/ });
  const map = SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build();
  t.throws(() => validateValue(map, { a: 'x' }, 'm'), { name: 'DataTypeError', message: /a map with INT32 keys is a Map/ });
  t.throws(() => validateValue(map, new Map([['a', 'x']]), 'm'), { message: /key of map field: "m"/ });
  t.throws(() => validateValue(map, new Map([[1, 2]]), 'm'), { message: /value of map field: "m"/ });
  t.throws(() => validateValue(Schema.BYTES_SCHEMA, [1, 2], 'b'), { message: /expected a Uint8Array/ });
  t.throws(() => validateValue(new ConnectSchema({ type: SchemaType.ARRAY }), [1]), {
    message: 'No schema defined for element of array value',
  });
});

t.test('Struct: put checks, get applies defaults, validate finds missing required fields', async (t) => {
  const schema = SchemaBuilder.struct()
    .name('order')
    .field('id', Schema.INT64_SCHEMA)
    .field('qty', SchemaBuilder.int32().defaultValue(1))
    .field('note', Schema.OPTIONAL_STRING_SCHEMA)
    .field('price', Decimal.schema(2))
    .build();
  const s = new Struct(schema);
  t.throws(() => s.validate(), { message: 'Invalid value: null used for required field: "id", schema type: INT64' });
  s.put('id', 9007199254740993n).put('price', BigDecimal.parse('9.99'));
  t.doesNotThrow(() => s.validate(), 'qty has a default, note is optional');
  t.equal(s.get('qty'), 1, 'the default');
  t.equal(s.getWithoutDefault('qty'), null);
  t.equal(s.getInt64('id'), 9007199254740993n);
  t.equal(s.getInt32('qty'), null, 'typed getters give the value as put, without the default (as Kafka)');
  t.throws(() => s.getString('id'), { message: "Field 'id' is not of type STRING" });
  t.throws(() => s.put('nope', 1), { message: 'nope is not a valid field name' });
  t.throws(() => s.put('qty', 'many'), { name: 'DataTypeError', message: /field: "qty"/ });
  t.throws(() => s.put('id', null), { message: /null used for required field: "id"/ });
  s.put(schema.field('note')!, 'by Field');
  t.equal(s.get(schema.field('note')!), 'by Field');
  t.equal(String(s), 'Struct{id=9007199254740993,note=by Field,price=9.99}');
  const other = new Struct(
    SchemaBuilder.struct()
      .name('order')
      .field('id', Schema.INT64_SCHEMA)
      .field('qty', SchemaBuilder.int32().defaultValue(1))
      .field('note', Schema.OPTIONAL_STRING_SCHEMA)
      .field('price', Decimal.schema(2))
      .build(),
  );
  other.put('id', 9007199254740993n).put('price', BigDecimal.parse('9.99')).put('note', 'by Field');
  t.ok(s.equals(other), 'equal schemas and values');
  other.put('qty', 1);
  t.notOk(s.equals(other), 'an explicit 1 is not the default (as in Kafka)');
  s.put('id', 5);
  t.equal(s.getInt64('id'), 5n, 'an INT64 put as a safe number reads as a bigint');
  t.throws(() => new Struct(Schema.INT32_SCHEMA), { message: 'Not a struct schema: Schema{INT32}' });
});

t.test('a nested Struct must have the field schema', async (t) => {
  const inner = SchemaBuilder.struct().name('inner').field('x', Schema.INT32_SCHEMA).build();
  const outer = SchemaBuilder.struct().field('in', inner).build();
  const otherInner = SchemaBuilder.struct().name('other').field('x', Schema.INT32_SCHEMA).build();
  t.throws(() => new Struct(outer).put('in', new Struct(otherInner).put('x', 1)), {
    message: /Struct schemas do not match for field: "in"/,
  });
  t.throws(() => new Struct(outer).put('in', new Struct(inner)), { message: /required field: "x"/ }, 'put validates the nested struct');
  t.doesNotThrow(
    () => new Struct(outer).put('in', new Struct(SchemaBuilder.struct().name('inner').field('x', Schema.INT32_SCHEMA).build()).put('x', 1)),
    'an equal schema will do',
  );
});

t.test('logical types', async (t) => {
  const day = new Date('2024-01-15T00:00:00Z');
  t.equal(ConnectDate.fromLogical(ConnectDate.SCHEMA, day), 19737);
  t.equal(ConnectDate.toLogical(ConnectDate.SCHEMA, -1).toISOString(), '1969-12-31T00:00:00.000Z');
  t.throws(() => ConnectDate.fromLogical(ConnectDate.SCHEMA, new Date('2024-01-15T00:00:01Z')), /should not have any time fields/);
  t.throws(() => ConnectDate.fromLogical(Timestamp.SCHEMA, day), /schema does not match/);
  t.equal(Time.fromLogical(Time.SCHEMA, new Date(45296789)), 45296789);
  t.throws(() => Time.fromLogical(Time.SCHEMA, new Date(86400001)), /date fields/);
  t.throws(() => Time.toLogical(Time.SCHEMA, -1), /Time values must use/);
  t.equal(Timestamp.fromLogical(Timestamp.SCHEMA, new Date(1700000000123)), 1700000000123n, 'an INT64, so a bigint');
  t.equal(Timestamp.toLogical(Timestamp.SCHEMA, 1700000000123n).getTime(), 1700000000123);
  t.throws(() => Timestamp.toLogical(Timestamp.SCHEMA, 9007199254740993n), /outside the range of a JavaScript Date/);
  const dec = Decimal.schema(2);
  t.same([dec.name, dec.version, dec.parameters?.get('scale'), dec.type], ['org.apache.kafka.connect.data.Decimal', 1, '2', 'BYTES']);
  t.equal(Buffer.from(Decimal.fromLogical(dec, BigDecimal.parse('2.22'))).toString('hex'), '00de');
  t.ok(Decimal.toLogical(dec, Uint8Array.of(0xff, 0x22)).equals(BigDecimal.parse('-2.22')));
  t.throws(() => Decimal.fromLogical(dec, BigDecimal.parse('2.2')), {
    message: 'Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1.',
  });
  t.throws(() => Decimal.scale(SchemaBuilder.bytes().name(Decimal.LOGICAL_NAME).build()), /scale parameter not found/);
  t.throws(() => Decimal.scale(SchemaBuilder.bytes().parameter('scale', 'two').build()), /Invalid scale parameter/);
  t.equal(Decimal.builder(3).optional().build().isOptional, true);
});

t.test('errors are DataExceptions with stable codes', async (t) => {
  const typeError = new DataTypeError('x');
  t.ok(typeError instanceof DataException, 'a DataTypeError is a DataException');
  t.equal(typeError.code, 'CONNECTD_ERR_DATA_TYPE');
  t.equal(new DataException('x').code, 'CONNECTD_ERR_DATA');
  t.equal(new SchemaBuilderException('x').code, 'CONNECTD_ERR_SCHEMA_BUILDER');
});
