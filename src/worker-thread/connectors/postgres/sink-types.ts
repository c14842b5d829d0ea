/**
 * Connect types to PostgreSQL column types (for auto.create and auto.evolve), and Connect values to
 * statement parameters, as Confluent's JDBC sink does for PostgreSQL:
 *
 * | Connect                       | PostgreSQL                          |
 * |-------------------------------|-------------------------------------|
 * | INT8, INT16 / INT32 / INT64   | SMALLINT / INTEGER / BIGINT          |
 * | FLOAT32 / FLOAT64             | REAL / DOUBLE PRECISION              |
 * | BOOLEAN / STRING / BYTES      | BOOLEAN / TEXT / BYTEA               |
 * | Decimal                       | NUMERIC (exact, whatever the scale)  |
 * | Date / Time / Timestamp       | DATE / TIME / TIMESTAMP              |
 * | ARRAY of one of the above     | that type[]                          |
 * | MAP, STRUCT                   | none: an error naming the field      |
 *
 * A Timestamp written to a `timestamp` (without time zone) column is its wall-clock reading in
 * db.timezone (UTC by default); to a `timestamptz` column, the instant itself. Parameters are text
 * (or bytes): PostgreSQL converts them to the column's type, so nothing is lost on the way.
 */
import { BigDecimal, Decimal, LogicalTypeName, Schema, SchemaType, Timestamp } from '../../sdk/index.js';
import { ConnectException } from './errors.js';
import { formatDate, formatInstant, formatTime, formatWallTimestamp } from './time.js';

/** The PostgreSQL type of a Connect schema, or undefined when there is none. */
export function sqlType(schema: Schema): string | undefined {
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return 'NUMERIC';
    case LogicalTypeName.DATE:
      return 'DATE';
    case LogicalTypeName.TIME:
      return 'TIME';
    case LogicalTypeName.TIMESTAMP:
      return 'TIMESTAMP';
    default:
      break;
  }
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
      return 'SMALLINT';
    case SchemaType.INT32:
      return 'INTEGER';
    case SchemaType.INT64:
      return 'BIGINT';
    case SchemaType.FLOAT32:
      return 'REAL';
    case SchemaType.FLOAT64:
      return 'DOUBLE PRECISION';
    case SchemaType.BOOLEAN:
      return 'BOOLEAN';
    case SchemaType.STRING:
      return 'TEXT';
    case SchemaType.BYTES:
      return 'BYTEA';
    case SchemaType.ARRAY: {
      const element = schema.valueSchema;
      if (element === null || element.type === SchemaType.ARRAY) return undefined;
      const elementType = sqlType(element);
      return elementType === undefined ? undefined : `${elementType}[]`;
    }
    default:
      return undefined;
  }
}

/** How a schema is described in messages: its logical name or type. */
export function describeSchema(schema: Schema): string {
  if (schema.name !== null) return schema.name.slice(schema.name.lastIndexOf('.') + 1);
  if (schema.type === SchemaType.ARRAY && schema.valueSchema !== null) return `ARRAY of ${describeSchema(schema.valueSchema)}`;
  return schema.type;
}

/** A statement parameter: text, bytes, an array of those, or null. */
export type Param = string | Buffer | null | Param[];

/**
 * The parameter of a value under its schema. `columnType` is the column's format_type() (so a
 * Timestamp goes to a `timestamp` column as wall-clock time in `zone`); `where` names the field
 * and record in errors.
 */
export function toParam(schema: Schema, value: unknown, columnType: string | undefined, zone: string, where: string): Param {
  if (value === null || value === undefined) return null;
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return (value as BigDecimal).toPlainString();
    case LogicalTypeName.DATE:
      return formatDate(value as Date);
    case LogicalTypeName.TIME:
      return formatTime(value as Date);
    case LogicalTypeName.TIMESTAMP: {
      const micros = BigInt((value as Date).getTime()) * 1000n;
      return columnType?.startsWith('timestamp without time zone') ? formatWallTimestamp(micros, zone) : formatInstant(micros);
    }
    default:
      break;
  }
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
      return (value as number | bigint).toString();
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      return Object.is(value, -0) ? '-0' : (value as number).toString();
    case SchemaType.BOOLEAN:
      return value === true ? 'true' : 'false';
    case SchemaType.STRING: {
      const text = value as string;
      if (text.includes('\u0000')) throw new ConnectException(`${where}: PostgreSQL text cannot hold a NUL character (\\u0000)`);
      return text;
    }
    case SchemaType.BYTES: {
      const bytes = value as Uint8Array;
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    case SchemaType.ARRAY: {
      const element = schema.valueSchema;
      if (element === null) throw new ConnectException(`${where}: an ARRAY schema without an element schema`);
      const elementColumnType = columnType?.replace(/\[\]$/, '');
      return (value as unknown[]).map((item) => toParam(element, item, elementColumnType, zone, where));
    }
    default:
      throw new ConnectException(`${where}: a ${schema.type} value has no PostgreSQL column type to be written to`);
  }
}

const OPTIONAL_TIMESTAMP = Timestamp.builder().optional().build();

/**
 * The schema of a schemaless value, from its JavaScript type as the JsonConverter (schemas.enable
 * =false) hands it over: text, boolean, integer (bigint), floating point (number), bytes; a Date
 * is a Timestamp and a BigDecimal a Decimal of its scale. Null says nothing: null is returned.
 * Nested maps and arrays have no column type: an error naming the field.
 */
export function inferSchema(value: unknown, where: string): Schema | null {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return Schema.OPTIONAL_STRING_SCHEMA;
    case 'boolean':
      return Schema.OPTIONAL_BOOLEAN_SCHEMA;
    case 'bigint':
      return Schema.OPTIONAL_INT64_SCHEMA;
    case 'number':
      return Schema.OPTIONAL_FLOAT64_SCHEMA;
    default:
      break;
  }
  if (value instanceof Uint8Array) return Schema.OPTIONAL_BYTES_SCHEMA;
  if (value instanceof Date) return OPTIONAL_TIMESTAMP;
  if (value instanceof BigDecimal) return Decimal.builder(value.scale).optional().build();
  const kind = Array.isArray(value) ? 'array' : value instanceof Map || typeof value === 'object' ? 'map' : typeof value;
  throw new ConnectException(
    `${where}: a schemaless ${kind} has no column type to infer; give the records a schema (JsonConverter with schemas.enable=true, or Avro) or flatten the value`,
  );
}

/** A short identity of a column's schema: two rows with the same signatures share a statement. */
export function schemaSignature(schema: Schema | null): string {
  if (schema === null) return '?';
  const scale = schema.name === LogicalTypeName.DECIMAL ? `(${schema.parameters?.get(Decimal.SCALE_FIELD) ?? ''})` : '';
  const element = schema.type === SchemaType.ARRAY ? `<${schemaSignature(schema.valueSchema)}>` : '';
  return `${schema.name ?? schema.type}${scale}${element}${schema.isOptional ? '?' : ''}`;
}
