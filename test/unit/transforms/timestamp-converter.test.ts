/** TimestampConverter$Key / $Value: every source and target type, fields and whole values, schemas and not. */
import t from 'tap';
import { ConnectDate, Time, Timestamp } from '../../../src/worker-thread/data/logical-types.js';
import { Schema, schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { SchemaBuilder } from '../../../src/worker-thread/data/schema-builder.js';
import { Struct } from '../../../src/worker-thread/data/struct.js';
import { TimestampConverter } from '../../../src/worker-thread/transforms/timestamp-converter.js';
import { configProblems, configured, sourceRecord, TIMESTAMP } from './helpers.js';

const date = new Date(TIMESTAMP);

t.test('whole values with a schema', async (t) => {
  const toString = configured(TimestampConverter.Value, { 'target.type': 'string', format: 'yyyy-MM-dd HH:mm:ss.SSS' });
  const s = toString.apply(sourceRecord({ valueSchema: Timestamp.SCHEMA, value: date }));
  t.equal(s.valueSchema, Schema.STRING_SCHEMA);
  t.equal(s.value, '2023-11-14 22:15:23.456');
  const optional = toString.apply(sourceRecord({ valueSchema: Timestamp.builder().optional().build(), value: null }));
  t.equal(optional.valueSchema, Schema.OPTIONAL_STRING_SCHEMA);
  t.equal(optional.value, null);
  const unix = configured(TimestampConverter.Value, { 'target.type': 'unix', 'unix.precision': 'microseconds' }).apply(
    sourceRecord({ valueSchema: Timestamp.SCHEMA, value: date }),
  );
  t.equal(unix.value, BigInt(TIMESTAMP) * 1000n);
  const toDate = configured(TimestampConverter.Value, { 'target.type': 'Date' }).apply(
    sourceRecord({ valueSchema: Schema.INT64_SCHEMA, value: BigInt(TIMESTAMP) }),
  );
  t.ok(schemasEqual(toDate.valueSchema, ConnectDate.SCHEMA));
  t.same(toDate.value, new Date(Date.UTC(2023, 10, 14)));
  const toTime = configured(TimestampConverter.Value, { 'target.type': 'Time', format: "yyyy-MM-dd'T'HH:mm" }).apply(
    sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: '1969-12-31T23:00' }),
  );
  t.same(toTime.value, new Date(23 * 3_600_000), 'the time of day of a date before 1970');
  t.throws(
    () =>
      configured(TimestampConverter.Value, { 'target.type': 'Time' }).apply(
        sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: 'x' }),
      ),
    {
      message: 'Could not parse timestamp: value (x) does not match pattern ()',
    },
  );
  const fromString = configured(TimestampConverter.Value, { 'target.type': 'Timestamp', format: "yyyy-MM-dd'T'HH:mm" }).apply(
    sourceRecord({ valueSchema: Schema.STRING_SCHEMA, value: '1969-12-31T23:00' }),
  );
  t.same(fromString.value, new Date(-3_600_000));
  t.ok(
    schemasEqual(
      configured(TimestampConverter.Value, { 'target.type': 'Time' }).apply(sourceRecord({ valueSchema: Time.SCHEMA, value: new Date(5) }))
        .valueSchema,
      Time.SCHEMA,
    ),
  );
  t.throws(
    () =>
      configured(TimestampConverter.Value, { 'target.type': 'unix' }).apply(sourceRecord({ valueSchema: Schema.INT32_SCHEMA, value: 1 })),
    {
      message: 'Schema Schema{INT32} does not correspond to a known timestamp type format',
    },
  );
});

t.test('a field with a schema: the field schema replaced, others kept, the struct default converted too', async (t) => {
  const defaultSchema = SchemaBuilder.struct().name('ev').field('at', Schema.INT64_SCHEMA).optional().build();
  const schema = SchemaBuilder.struct()
    .name('ev')
    .field('at', Schema.INT64_SCHEMA)
    .optional()
    .defaultValue(new Struct(defaultSchema).put('at', 0n))
    .build();
  const out = configured(TimestampConverter.Value, { field: 'at', 'target.type': 'Timestamp' }).apply(
    sourceRecord({ valueSchema: schema, value: new Struct(schema).put('at', 1000n) }),
  );
  t.ok(schemasEqual(out.valueSchema?.field('at')?.schema, Timestamp.SCHEMA));
  t.equal(out.valueSchema?.name, 'ev');
  t.same((out.value as Struct).get('at'), new Date(1000));
  t.same((out.valueSchema?.defaultValue as Struct).get('at'), new Date(0));
  const nullValue = configured(TimestampConverter.Value, { field: 'at', 'target.type': 'Timestamp' }).apply(
    sourceRecord({ valueSchema: schema, value: null }),
  );
  t.equal(nullValue.value, null);
  t.throws(
    () =>
      configured(TimestampConverter.Value, { field: 'at', 'target.type': 'unix' }).apply(sourceRecord({ valueSchema: schema, value: 'x' })),
    {
      message: 'Only Struct objects supported for [converting timestamp formats], found: string',
    },
  );
});

t.test('schemaless: the type of the value says what it is', async (t) => {
  const toString = configured(TimestampConverter.Value, { 'target.type': 'string', format: 'yyyy' });
  t.equal(toString.apply(sourceRecord({ value: date })).value, '2023');
  t.equal(toString.apply(sourceRecord({ value: BigInt(TIMESTAMP) })).value, '2023');
  t.equal(toString.apply(sourceRecord({ value: TIMESTAMP })).value, '2023', 'a safe-integer number is Unix time (an INT64)');
  t.equal(toString.apply(sourceRecord({ value: null })).value, null);
  t.throws(() => toString.apply(sourceRecord({ value: 1.5 })), {
    message: 'TimestampConverter does not support number objects as timestamps',
  });
  const field = configured(TimestampConverter.Value, { field: 'at', 'target.type': 'unix', 'unix.precision': 'seconds' });
  t.same(field.apply(sourceRecord({ value: { at: date, x: 1 } })).value, { at: 1_700_000_123n, x: 1 });
  t.same(field.apply(sourceRecord({ value: { x: 1 } })).value, { x: 1, at: null });
  t.same(
    configured(TimestampConverter.Key, { 'target.type': 'Timestamp', 'unix.precision': 'nanoseconds' }).apply(
      sourceRecord({ key: 1_500_000_000n }),
    ).key,
    new Date(1500),
  );
});

t.test('config errors', async (t) => {
  t.same(
    configProblems(() => configured(TimestampConverter.Value, { 'target.type': 'string' })),
    [['format', 'TimestampConverter requires format option to be specified when using string timestamps']],
  );
  t.same(
    configProblems(() => configured(TimestampConverter.Value, { 'target.type': 'unix', format: 'yyyy-qq' })),
    [
      [
        'format',
        "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: yyyy-qq (Illegal pattern character 'q')",
      ],
    ],
  );
  t.same(
    configProblems(() => configured(TimestampConverter.Value, { 'target.type': 'date', 'unix.precision': 'hours' })),
    [
      ['target.type', 'String must be one of: string, unix, Date, Time, Timestamp'],
      ['unix.precision', 'String must be one of: nanoseconds, microseconds, milliseconds, seconds'],
    ],
  );
});
