/**
 * Column types to Connect schemas, and PostgreSQL's text of a value to its Connect value, as
 * Confluent's JDBC source maps them for PostgreSQL:
 *
 * | PostgreSQL                          | Connect                                  |
 * |-------------------------------------|------------------------------------------|
 * | boolean                             | BOOLEAN                                  |
 * | smallint / integer / bigint, oid    | INT16 / INT32 / INT64, INT64             |
 * | real / double precision             | FLOAT32 / FLOAT64                        |
 * | numeric(p,s) / numeric              | Decimal (scale s) / Decimal (scale 127)  |
 * | date / time, timetz / timestamp(tz) | Date / Time / Timestamp                  |
 * | bytea                               | BYTES                                    |
 * | text, varchar, char, json, jsonb, uuid, xml, enums and every other type | STRING (PostgreSQL's text) |
 *
 * A numeric without a declared scale gets scale 127, as Confluent's PostgreSQL dialect gives it
 * (so schemas already registered for such columns stay the same); a value with more fraction
 * digits fails naming the column. Arrays, intervals, ranges and other types are their PostgreSQL
 * text, which loses nothing. A column is optional unless it is NOT NULL.
 */
import { BigDecimal, ConnectDate, DataException, Decimal, SchemaBuilder, Time, Timestamp } from '../../sdk/index.js';
import type { Schema } from '../../sdk/index.js';
import { instantMillis, parseDate, parseTime, parseTimestamp } from './time.js';

export const Oid = {
  BOOL: 16,
  BYTEA: 17,
  INT8: 20,
  INT2: 21,
  INT4: 23,
  OID: 26,
  FLOAT4: 700,
  FLOAT8: 701,
  DATE: 1082,
  TIME: 1083,
  TIMESTAMP: 1114,
  TIMESTAMPTZ: 1184,
  TIMETZ: 1266,
  NUMERIC: 1700,
} as const;

/** Confluent's scale for a numeric column without one (NUMERIC_TYPE_SCALE_HIGH). */
export const UNCONSTRAINED_NUMERIC_SCALE = 127;

/** The declared scale of a numeric type modifier, or undefined for an unconstrained numeric. */
export function numericScale(typmod: number): number | undefined {
  if (typmod < 4) return undefined;
  // PostgreSQL 15 allows negative scales: 11 bits, sign-extended.
  return (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
}

/** One column of a result: its name, Connect schema, and how its text becomes a Connect value. */
export interface ColumnReader {
  readonly name: string;
  readonly schema: Schema;
  read(text: string): unknown;
}

/**
 * The reader of a column of type `oid` (with type modifier `typmod`), required when `notNull`.
 * `zone` is db.timezone, for timestamp (without time zone) columns.
 */
export function columnReader(name: string, oid: number, typmod: number, notNull: boolean, zone: string): ColumnReader {
  const make = (builder: SchemaBuilder, read: (text: string) => unknown): ColumnReader => ({
    name,
    schema: (notNull ? builder : builder.optional()).build(),
    read,
  });
  switch (oid) {
    case Oid.BOOL:
      return make(SchemaBuilder.bool(), (t) => t === 't');
    case Oid.INT2:
      return make(SchemaBuilder.int16(), Number);
    case Oid.INT4:
      return make(SchemaBuilder.int32(), Number);
    case Oid.INT8:
    case Oid.OID:
      return make(SchemaBuilder.int64(), BigInt);
    case Oid.FLOAT4:
      return make(SchemaBuilder.float32(), Number);
    case Oid.FLOAT8:
      return make(SchemaBuilder.float64(), Number);
    case Oid.NUMERIC: {
      const scale = numericScale(typmod) ?? UNCONSTRAINED_NUMERIC_SCALE;
      return make(Decimal.builder(scale), (t) => {
        const value = BigDecimal.tryParse(t);
        if (value === undefined) throw new DataException(`Column "${name}": ${t} has no Connect Decimal value`);
        if (value.scale > scale)
          throw new DataException(
            `Column "${name}": ${t} has more than ${scale} digits after the point, the column's Connect Decimal scale`,
          );
        return value.setScale(scale);
      });
    }
    case Oid.BYTEA:
      return make(SchemaBuilder.bytes(), (t) => Buffer.from(t.slice(2), 'hex'));
    case Oid.DATE:
      return make(ConnectDate.builder(), (t) => parseDate(t, name));
    case Oid.TIME:
    case Oid.TIMETZ:
      return make(Time.builder(), (t) => parseTime(t, name));
    case Oid.TIMESTAMP:
    case Oid.TIMESTAMPTZ:
      return make(Timestamp.builder(), (t) => new Date(instantMillis(parseTimestamp(t, zone, name))));
    default:
      return make(SchemaBuilder.string(), (t) => t);
  }
}

export const isIntegerType = (oid: number): boolean =>
  oid === Oid.INT2 || oid === Oid.INT4 || oid === Oid.INT8 || oid === Oid.OID || oid === Oid.NUMERIC;
export const isTimestampType = (oid: number): boolean => oid === Oid.TIMESTAMP || oid === Oid.TIMESTAMPTZ;
