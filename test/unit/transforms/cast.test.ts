/**
 * Cast$Key / $Value: whole values and fields, with schemas and without, Java's narrowing and
 * parsing, logical types, defaults, and the spec's errors. (The Kafka vectors cover the numeric
 * edge cases value by value; these tests cover what connectd adds and the config.)
 */
import t from 'tap';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { Decimal, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { Cast } from '../../../src/worker-thread/transforms/cast.js';
import { castValueToType } from '../../../src/worker-thread/transforms/cast-values.js';
import { configProblems, configured, sourceRecord } from './helpers.js';

t.test('whole values with a schema: the schema keeps its name, optionality and (cast) default', async (t) => {
  const schema = SchemaBuilder.int32().name('my.Int').version(3).optional().defaultValue(7).build();
  const out = configured(Cast.Value, { spec: 'string' }).apply(sourceRecord({ valueSchema: schema, value: 300 }));
  t.ok(schemasEqual(out.valueSchema, SchemaBuilder.string().name('my.Int').version(3).optional().defaultValue('7').build()));
  t.equal(out.value, '300');
  t.equal(configured(Cast.Value, { spec: 'INT8' }).apply(sourceRecord({ valueSchema: Schema.INT32_SCHEMA, value: 300 })).value, 44);
  t.equal(
    configured(Cast.Value, { spec: 'int64' }).apply(sourceRecord({ valueSchema: Schema.INT32_SCHEMA, value: -1 })).value,
    -1n,
    'an INT64 is a bigint',
  );
  t.equal(
    configured(Cast.Value, { spec: 'float32' }).apply(sourceRecord({ valueSchema: Schema.FLOAT64_SCHEMA, value: 0.1 })).value,
    Math.fround(0.1),
  );
  const ts = configured(Cast.Value, { spec: 'int64' }).apply(sourceRecord({ valueSchema: Timestamp.SCHEMA, value: new Date(1000) }));
  t.equal(ts.value, 1000n);
  t.equal(ts.valueSchema?.name, Timestamp.LOGICAL_NAME, "Kafka keeps the logical type's name on the cast schema");
  const record = sourceRecord({ valueSchema: Schema.OPTIONAL_INT32_SCHEMA, value: null });
  t.equal(configured(Cast.Value, { spec: 'int8' }).apply(record), record, 'null passes through');
});

t.test('fields with a schema', async (t) => {
  const schema = SchemaBuilder.struct()
    .field('a', Schema.INT32_SCHEMA)
    .field('b', SchemaBuilder.float64().optional().defaultValue(2.5).build())
    .field('dec', Decimal.schema(2))
    .build();
  const value = new Struct(schema).put('a', 1).put('dec', BigDecimal.parse('1.50'));
  const out = configured(Cast.Value, { spec: 'a:boolean, b:string,dec:float64' }).apply(sourceRecord({ valueSchema: schema, value }));
  const expected = SchemaBuilder.struct()
    .field('a', Schema.BOOLEAN_SCHEMA)
    .field('b', SchemaBuilder.string().optional().defaultValue('2.5').build())
    .field('dec', Schema.FLOAT64_SCHEMA)
    .build();
  t.ok(schemasEqual(out.valueSchema, expected));
  const v = out.value as Struct;
  t.same([v.get('a'), v.get('b'), v.get('dec')], [true, '2.5', 1.5]);
  t.throws(() => configured(Cast.Value, { spec: 'a:int8' }).apply(sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x' })), {
    message: 'Cannot list fields on non-struct type',
  });
});

t.test('schemaless: the JavaScript type stands for the Java class', async (t) => {
  const out = configured(Cast.Value, { spec: 'i:string,f:string,l:int8,s:float64,missing:int8' }).apply(
    sourceRecord({ value: { i: 5, f: 2.5, l: 300n, s: '1e3', x: 'kept' } }),
  );
  t.same(out.value, { i: '5', f: '2.5', l: 44, s: 1000, missing: null, x: 'kept' });
  t.equal(configured(Cast.Value, { spec: 'int64' }).apply(sourceRecord({ value: 5 })).value, 5n);
  t.equal(configured(Cast.Value, { spec: 'string' }).apply(sourceRecord({ value: new Uint8Array([104, 105]) })).value, 'aGk=');
  t.throws(() => configured(Cast.Value, { spec: 'string' }).apply(sourceRecord({ value: new Date(0) })), {
    message: "Cast transformation was passed a value of type Date which is not supported by Connect's data API",
  });
  t.throws(() => configured(Cast.Value, { spec: 'string' }).apply(sourceRecord({ value: { a: 1 } })), {
    message:
      'Cast transformation does not support casting from MAP; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]',
  });
  t.equal(configured(Cast.Key, { spec: 'string' }).apply(sourceRecord({ key: true })).key, 'true');
});

t.test("Java's conversions", async (t) => {
  const cast = (schema: Schema | null, value: unknown, type: Parameters<typeof castValueToType>[2]): unknown =>
    castValueToType(schema, value, type);
  t.equal(cast(Schema.FLOAT64_SCHEMA, 3e9, 'INT8'), -1, '(byte)(int) 3e9: the int saturates first');
  t.equal(cast(Schema.FLOAT64_SCHEMA, Number.NaN, 'INT64'), 0n);
  t.equal(cast(Schema.FLOAT64_SCHEMA, -1e30, 'INT64'), -(2n ** 63n));
  t.equal(cast(Schema.INT64_SCHEMA, 2n ** 53n + 1n, 'FLOAT32'), 9007199254740992, 'a long rounds to a float once');
  t.equal(cast(Schema.STRING_SCHEMA, '  7.5f ', 'FLOAT32'), 7.5);
  t.equal(cast(Schema.STRING_SCHEMA, '-0x1.8p1', 'FLOAT64'), -3);
  t.equal(cast(Schema.STRING_SCHEMA, 'Infinity', 'FLOAT64'), Infinity);
  t.equal(cast(Schema.STRING_SCHEMA, 'TrUe', 'BOOLEAN'), true);
  t.equal(cast(Schema.FLOAT32_SCHEMA, Math.fround(0.1), 'STRING'), '0.1');
  t.equal(cast(Schema.FLOAT64_SCHEMA, 1e21, 'STRING'), '1.0E21');
  t.equal(cast(Decimal.schema(2), BigDecimal.parse('-2.75'), 'INT32'), -2);
  t.throws(() => cast(Schema.STRING_SCHEMA, ' 5', 'INT32'), { message: 'Value ( 5) was out of range for requested data type' });
  t.throws(() => cast(Schema.STRING_SCHEMA, '', 'FLOAT64'), { message: 'Value () was out of range for requested data type' });
  t.throws(() => cast(Schema.BYTES_SCHEMA, new Uint8Array(1), 'BOOLEAN'), {
    message: 'Unexpected type in Cast transformation: Uint8Array',
  });
});

t.test('the spec', async (t) => {
  t.same(
    configProblems(() => configured(Cast.Value, { spec: '' })),
    [['spec', 'Must specify at least one field to cast.']],
  );
  t.same(
    configProblems(() => configured(Cast.Value, { spec: 'a:b:c' })),
    [['spec', 'Invalid rename mapping: a:b:c']],
  );
  t.same(
    configProblems(() => configured(Cast.Value, { spec: 'a:int99' })),
    [['spec', 'Invalid type found in casting spec: int99']],
  );
  t.same(
    configProblems(() => configured(Cast.Value, { spec: 'int8,a:int8' })),
    [['spec', 'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec']],
  );
  t.same(
    configProblems(() => configured(Cast.Value, { spec: 'struct' })),
    [
      [
        'spec',
        'Cast transformation does not support casting to STRUCT; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]',
      ],
    ],
  );
  t.same(
    configProblems(() => configured(Cast.Value, {})),
    [['spec', 'Missing required configuration "spec" which has no default value.']],
  );
});
