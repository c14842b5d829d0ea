/**
 * Kafka Connect's logical types: a schema name (and parameters) on a primitive schema that gives its
 * values a richer meaning. Converters recognise them by name and convert both ways.
 *
 * | Logical type | Base  | Value      | Stored as                                               |
 * |--------------|-------|------------|---------------------------------------------------------|
 * | Decimal      | BYTES | BigDecimal | unscaled value, big-endian two's complement; `scale` parameter |
 * | ConnectDate  | INT32 | Date       | days since 1970-01-01 (the Date must be a UTC midnight) |
 * | Time         | INT32 | Date       | milliseconds since midnight (a Date on 1970-01-01 UTC)  |
 * | Timestamp    | INT64 | Date       | milliseconds since the epoch                            |
 *
 * Kafka's class for dates is `org.apache.kafka.connect.data.Date`; here it is `ConnectDate`, so that
 * importing it does not hide JavaScript's Date. The schema name is Kafka's.
 */
import { BigDecimal, fromTwosComplement, toTwosComplement } from './big-decimal.js';
import { DataException, DataTypeError } from './errors.js';
import { LogicalTypeName } from './schema.js';
import type { Schema } from './schema.js';
import { SchemaBuilder } from './schema-builder.js';

const MILLIS_PER_DAY = 86_400_000;
/** JavaScript Dates span ±10^8 days around 1970; Java's longs go further. */
const MAX_DATE_MILLIS = 8.64e15;

function requireName(schema: Schema, name: string, what: string): void {
  if (schema.name !== name) throw new DataException(`Requested conversion of ${what} object but the schema does not match.`);
}

function requireDate(value: unknown, what: string): Date {
  if (!(value instanceof Date)) throw new DataTypeError(`Invalid type for ${what}: expected a Date`);
  if (Number.isNaN(value.getTime())) throw new DataException(`Invalid ${what}: an invalid Date`);
  return value;
}

/** Kafka Connect's Decimal logical type: a {@link BigDecimal} of a fixed scale, as BYTES. */
export const Decimal = Object.freeze({
  LOGICAL_NAME: LogicalTypeName.DECIMAL,
  SCALE_FIELD: 'scale',

  /** A builder of a Decimal schema of this scale (to make optional, document…). */
  builder(scale: number): SchemaBuilder {
    if (!Number.isInteger(scale)) throw new DataException(`Decimal scale must be an integer, not ${scale}`);
    return SchemaBuilder.bytes().name(LogicalTypeName.DECIMAL).parameter('scale', String(scale)).version(1);
  },

  /** The Decimal schema of this scale. */
  schema(scale: number): Schema {
    return Decimal.builder(scale).build();
  },

  /** The schema's `scale` parameter; throws when it is missing or not an integer, as Kafka does. */
  scale(schema: Schema): number {
    const text = schema.parameters?.get('scale');
    if (text === undefined) throw new DataException('Invalid Decimal schema: scale parameter not found.');
    if (!/^[-+]?\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new DataException(`Invalid scale parameter found in Decimal schema: ${JSON.stringify(text)}`);
    }
    return Number(text);
  },

  /**
   * The bytes of a decimal. Its scale must be the schema's, as in Kafka (2.2 does not fit scale 2:
   * use `value.setScale(2)`); the bytes carry no scale, so a mismatch would change the value.
   */
  fromLogical(schema: Schema, value: BigDecimal): Uint8Array {
    const scale = Decimal.scale(schema);
    if (value.scale !== scale) {
      throw new DataException(
        `Decimal value has mismatching scale for given Decimal schema. Schema has scale ${scale}, value has scale ${value.scale}.`,
      );
    }
    return toTwosComplement(value.unscaled);
  },

  /** The BigDecimal of a big-endian two's complement unscaled value, with the schema's scale. */
  toLogical(schema: Schema, bytes: Uint8Array): BigDecimal {
    return new BigDecimal(fromTwosComplement(bytes), Decimal.scale(schema));
  },
});

/** Kafka Connect's Date logical type (named ConnectDate here, beside JavaScript's Date): days since the epoch, as INT32. */
export const ConnectDate = Object.freeze({
  LOGICAL_NAME: LogicalTypeName.DATE,
  /** A builder of the Date schema (to make optional, document…). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalTypeName.DATE).version(1);
  },
  SCHEMA: Object.freeze(SchemaBuilder.int32().name(LogicalTypeName.DATE).version(1).build()),

  /** Days since the epoch of a Date that must fall on a UTC midnight. */
  fromLogical(schema: Schema, value: Date): number {
    requireName(schema, LogicalTypeName.DATE, 'Date');
    const millis = requireDate(value, 'Date').getTime();
    if (millis % MILLIS_PER_DAY !== 0)
      throw new DataException('Kafka Connect Date type should not have any time fields set to non-zero values.');
    return millis / MILLIS_PER_DAY;
  },

  /** The Date at UTC midnight `days` days after the epoch. */
  toLogical(schema: Schema, days: number): Date {
    requireName(schema, LogicalTypeName.DATE, 'Date');
    return new Date(days * MILLIS_PER_DAY);
  },
});

/** Kafka Connect's Time logical type: milliseconds since midnight, as INT32. */
export const Time = Object.freeze({
  LOGICAL_NAME: LogicalTypeName.TIME,
  /** A builder of the Time schema (to make optional, document…). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int32().name(LogicalTypeName.TIME).version(1);
  },
  SCHEMA: Object.freeze(SchemaBuilder.int32().name(LogicalTypeName.TIME).version(1).build()),

  /** Milliseconds since midnight, from a Date on 1970-01-01 UTC (0 to 86400000, as Kafka allows). */
  fromLogical(schema: Schema, value: Date): number {
    requireName(schema, LogicalTypeName.TIME, 'Time');
    const millis = requireDate(value, 'Time').getTime();
    if (millis < 0 || millis > MILLIS_PER_DAY)
      throw new DataException('Kafka Connect Time type should not have any date fields set to non-zero values.');
    return millis;
  },

  /** The Date on 1970-01-01 UTC `millis` milliseconds after midnight. */
  toLogical(schema: Schema, millis: number): Date {
    requireName(schema, LogicalTypeName.TIME, 'Time');
    if (millis < 0 || millis > MILLIS_PER_DAY)
      throw new DataException('Time values must use number of milliseconds greater than 0 and less than 86400000');
    return new Date(millis);
  },
});

/** Kafka Connect's Timestamp logical type: milliseconds since the epoch, as INT64. */
export const Timestamp = Object.freeze({
  LOGICAL_NAME: LogicalTypeName.TIMESTAMP,
  /** A builder of the Timestamp schema (to make optional, document…). */
  builder(): SchemaBuilder {
    return SchemaBuilder.int64().name(LogicalTypeName.TIMESTAMP).version(1);
  },
  SCHEMA: Object.freeze(SchemaBuilder.int64().name(LogicalTypeName.TIMESTAMP).version(1).build()),

  /** Milliseconds since the epoch, as an INT64 value (a bigint). */
  fromLogical(schema: Schema, value: Date): bigint {
    requireName(schema, LogicalTypeName.TIMESTAMP, 'Timestamp');
    return BigInt(requireDate(value, 'Timestamp').getTime());
  },

  /** Throws for instants a JavaScript Date cannot hold (beyond ±8.64e15 ms, about ±275,000 years). */
  toLogical(schema: Schema, millis: bigint | number): Date {
    requireName(schema, LogicalTypeName.TIMESTAMP, 'Timestamp');
    const n = Number(millis);
    if (!(Math.abs(n) <= MAX_DATE_MILLIS)) {
      throw new DataException(`Timestamp ${String(millis)} ms is outside the range of a JavaScript Date (±${MAX_DATE_MILLIS} ms)`);
    }
    return new Date(n);
  },
});
