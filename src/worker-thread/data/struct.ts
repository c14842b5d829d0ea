/**
 * Struct, Kafka Connect's record-like value: one value per field of a STRUCT schema, each checked
 * against its field's schema when it is put. And `validateValue`, Kafka's
 * `ConnectSchema.validateValue`, which says whether a JavaScript value fits a schema (the table of
 * accepted values is in schema.ts).
 *
 * Errors name where the value sits, as Kafka's do: `field: "amount"`, `element of array field:
 * "tags"`, `key of map value`. A value of the wrong JavaScript type is a DataTypeError; a value of
 * the right type that still does not fit (out of range, null where required) is a DataException.
 */
import { BigDecimal } from './big-decimal.js';
import { DataException, DataTypeError, describeValue } from './errors.js';
import { isPlainObject, mapEntries, valuesEqual } from './equality.js';
import { javaDoubleToString, javaFloatToString } from './java-numbers.js';
import { Field, LogicalTypeName, SchemaType, schemasEqual, structSchemasMatch } from './schema.js';
import type { Schema } from './schema.js';

const INT_RANGES: Readonly<Partial<Record<SchemaType, readonly [bigint, bigint]>>> = {
  INT8: [-128n, 127n],
  INT16: [-32768n, 32767n],
  INT32: [-2147483648n, 2147483647n],
  INT64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** Kafka's ConnectSchema.validateValue(field, schema, value): throws when `value` does not fit. */
export function validateValue(schema: Schema, value: unknown, fieldName?: string | null): void {
  validateAt(schema, value, fieldName === undefined || fieldName === null ? 'value' : `field: "${fieldName}"`);
}

function validateAt(schema: Schema, value: unknown, location: string): void {
  if (value === null || value === undefined) {
    if (!schema.isOptional) throw new DataException(`Invalid value: null used for required ${location}, schema type: ${schema.type}`);
    return;
  }
  const problem = typeProblem(schema, value);
  if (problem !== undefined) {
    const named = schema.name !== null ? ` "${schema.name}"` : '';
    const message = `Invalid value for schema${named} with type ${schema.type}: ${describeValue(value)} for ${location}: ${problem.reason}`;
    throw problem.wrongType ? new DataTypeError(message) : new DataException(message);
  }
  switch (schema.type) {
    case SchemaType.STRUCT: {
      const struct = value as Struct;
      if (!structSchemasMatch(struct.schema, schema))
        throw new DataException(`Struct schemas do not match for ${location}: ${String(struct.schema)} is not ${String(schema)}`);
      struct.validate();
      break;
    }
    case SchemaType.ARRAY: {
      const entryLocation = `element of array ${location}`;
      const valueSchema = requireSchema(schema.valueSchema, entryLocation);
      for (const entry of value as readonly unknown[]) validateAt(valueSchema, entry, entryLocation);
      break;
    }
    case SchemaType.MAP: {
      const keyLocation = `key of map ${location}`;
      const valueLocation = `value of map ${location}`;
      const keySchema = requireSchema(schema.keySchema, keyLocation);
      const valueSchema = requireSchema(schema.valueSchema, valueLocation);
      for (const [k, v] of mapEntries(value) ?? []) {
        validateAt(keySchema, k, keyLocation);
        validateAt(valueSchema, v, valueLocation);
      }
      break;
    }
    default:
      break;
  }
}

function requireSchema(schema: Schema | null, location: string): Schema {
  if (schema === null) throw new DataException(`No schema defined for ${location}`);
  return schema;
}

interface TypeProblem {
  readonly reason: string;
  /** The JavaScript type is wrong (DataTypeError), rather than the value (DataException). */
  readonly wrongType: boolean;
}

const wrongType = (reason: string): TypeProblem => ({ reason, wrongType: true });

/** Why a non-null value does not fit the schema's type, or undefined when it does. */
export function typeProblem(schema: Schema, value: unknown): TypeProblem | undefined {
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return value instanceof BigDecimal ? undefined : wrongType('a Decimal value is a BigDecimal');
    case LogicalTypeName.DATE:
    case LogicalTypeName.TIME:
    case LogicalTypeName.TIMESTAMP:
      if (!(value instanceof Date)) return wrongType('Date, Time and Timestamp values are JavaScript Dates');
      return Number.isNaN(value.getTime()) ? { reason: 'an invalid Date', wrongType: false } : undefined;
    default:
      break;
  }
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
      return integerProblem(schema.type, value);
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      return typeof value === 'number' ? undefined : wrongType('expected a number');
    case SchemaType.BOOLEAN:
      return typeof value === 'boolean' ? undefined : wrongType('expected a boolean');
    case SchemaType.STRING:
      return typeof value === 'string' ? undefined : wrongType('expected a string');
    case SchemaType.BYTES:
      return value instanceof Uint8Array ? undefined : wrongType('expected a Uint8Array (or Buffer)');
    case SchemaType.ARRAY:
      return Array.isArray(value) ? undefined : wrongType('expected an array');
    case SchemaType.MAP:
      if (value instanceof Map) return undefined;
      if (isPlainObject(value)) {
        return schema.keySchema === null || schema.keySchema.type === SchemaType.STRING
          ? undefined
          : wrongType(`a plain object has string keys; a map with ${schema.keySchema.type} keys is a Map`);
      }
      return wrongType('expected a Map (or a plain object for string keys)');
    case SchemaType.STRUCT:
      return value instanceof Struct ? undefined : wrongType('expected a Struct');
  }
}

function integerProblem(type: SchemaType, value: unknown): TypeProblem | undefined {
  const [min, max] = INT_RANGES[type]!;
  if (typeof value === 'bigint') {
    return value < min || value > max ? { reason: `out of range ${min}..${max}`, wrongType: false } : undefined;
  }
  if (typeof value !== 'number')
    return wrongType(type === SchemaType.INT64 ? 'expected a bigint (or a safe-integer number)' : 'expected an integer number');
  if (!Number.isInteger(value)) return { reason: 'not an integer', wrongType: false };
  if (type === SchemaType.INT64) {
    return Number.isSafeInteger(value)
      ? undefined
      : { reason: 'a number beyond 2^53 may already have lost digits: pass INT64 values as bigint', wrongType: false };
  }
  return value < Number(min) || value > Number(max) ? { reason: `out of range ${min}..${max}`, wrongType: false } : undefined;
}

/** A value of a STRUCT schema: one value per field, checked against the field's schema on `put`. */
export class Struct {
  readonly schema: Schema;
  readonly #values: unknown[];

  constructor(schema: Schema) {
    if (schema.type !== SchemaType.STRUCT) throw new DataException(`Not a struct schema: ${String(schema)}`);
    this.schema = schema;
    this.#values = new Array<unknown>(schema.fields().length).fill(null);
  }

  /** The field's value, or its schema's default when the value is null (Kafka's get). */
  get(field: string | Field): unknown {
    const f = this.#lookup(field);
    const value = this.#values[f.index];
    return value === null && f.schema.defaultValue !== null ? f.schema.defaultValue : value;
  }

  /** The value as put, without the default. */
  getWithoutDefault(field: string | Field): unknown {
    return this.#values[this.#lookup(field).index];
  }

  /** The value of a INT8 field, as put (null if unset); a DataException for a field of another type. */
  getInt8(fieldName: string): number | null {
    return this.#checked(fieldName, SchemaType.INT8) as number | null;
  }
  /** The value of a INT16 field, as put (null if unset); a DataException for a field of another type. */
  getInt16(fieldName: string): number | null {
    return this.#checked(fieldName, SchemaType.INT16) as number | null;
  }
  /** The value of a INT32 field, as put (null if unset); a DataException for a field of another type. */
  getInt32(fieldName: string): number | null {
    return this.#checked(fieldName, SchemaType.INT32) as number | null;
  }
  /** Always a bigint (or null), also when a safe-integer number was put. */
  getInt64(fieldName: string): bigint | null {
    const v = this.#checked(fieldName, SchemaType.INT64) as number | bigint | null;
    return typeof v === 'number' ? BigInt(v) : v;
  }
  /** The value of a FLOAT32 field, as put (null if unset); a DataException for a field of another type. */
  getFloat32(fieldName: string): number | null {
    return this.#checked(fieldName, SchemaType.FLOAT32) as number | null;
  }
  /** The value of a FLOAT64 field, as put (null if unset); a DataException for a field of another type. */
  getFloat64(fieldName: string): number | null {
    return this.#checked(fieldName, SchemaType.FLOAT64) as number | null;
  }
  /** The value of a BOOLEAN field, as put (null if unset); a DataException for a field of another type. */
  getBoolean(fieldName: string): boolean | null {
    return this.#checked(fieldName, SchemaType.BOOLEAN) as boolean | null;
  }
  /** The value of a STRING field, as put (null if unset); a DataException for a field of another type. */
  getString(fieldName: string): string | null {
    return this.#checked(fieldName, SchemaType.STRING) as string | null;
  }
  /** The value of a BYTES field, as put (null if unset); a DataException for a field of another type. */
  getBytes(fieldName: string): Uint8Array | null {
    return this.#checked(fieldName, SchemaType.BYTES) as Uint8Array | null;
  }
  /** The value of a ARRAY field, as put (null if unset); a DataException for a field of another type. */
  getArray<T = unknown>(fieldName: string): T[] | null {
    return this.#checked(fieldName, SchemaType.ARRAY) as T[] | null;
  }
  /** The value of a MAP field, as put (null if unset); a DataException for a field of another type. */
  getMap(fieldName: string): ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>> | null {
    return this.#checked(fieldName, SchemaType.MAP) as ReadonlyMap<unknown, unknown> | Readonly<Record<string, unknown>> | null;
  }
  /** The value of a STRUCT field, as put (null if unset); a DataException for a field of another type. */
  getStruct(fieldName: string): Struct | null {
    return this.#checked(fieldName, SchemaType.STRUCT) as Struct | null;
  }

  /** Sets a field after checking the value against the field's schema; returns this, for chaining. */
  put(field: string | Field, value: unknown): this {
    const f = this.#lookup(field);
    validateValue(f.schema, value, f.name);
    this.#values[f.index] = value ?? null;
    return this;
  }

  /** Checks that every required field without a default has a value (Kafka's Struct.validate). */
  validate(): void {
    for (const field of this.schema.fields()) {
      const value = this.#values[field.index];
      if (value === null && (field.schema.isOptional || field.schema.defaultValue !== null)) continue;
      validateValue(field.schema, value, field.name);
    }
  }

  /** The same schema and equal field values (Kafka's Struct.equals). */
  equals(other: unknown): boolean {
    if (other === this) return true;
    if (!(other instanceof Struct) || !schemasEqual(this.schema, other.schema)) return false;
    return this.#values.every((v, i) => valuesEqual(v, other.#values[i]));
  }

  /** Kafka's format, `Struct{name=value,…}`, listing the non-null fields. */
  toString(): string {
    const parts: string[] = [];
    for (const field of this.schema.fields()) {
      const value = this.#values[field.index];
      if (value !== null) parts.push(`${field.name}=${javaToString(field.schema, value)}`);
    }
    return `Struct{${parts.join(',')}}`;
  }

  #lookup(field: string | Field): Field {
    if (field instanceof Field) {
      const own = this.schema.fields()[field.index];
      if (own === undefined || own.name !== field.name) throw new DataException(`${field.name} is not a field of ${String(this.schema)}`);
      return own;
    }
    const found = this.schema.field(field);
    if (found === null) throw new DataException(`${field} is not a valid field name`);
    return found;
  }

  #checked(fieldName: string, type: SchemaType): unknown {
    const field = this.#lookup(fieldName);
    if (field.schema.type !== type) throw new DataException(`Field '${fieldName}' is not of type ${type}`);
    return this.#values[field.index];
  }
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/**
 * What Java's `toString()` gives for a Connect value, which StringConverter writes and
 * Struct.toString shows: `1.0` for a FLOAT64 1, `[a, b]` for a list, `{k=v}` for a map, and a Date in
 * java.util.Date's format (in UTC, where Java uses the JVM's zone). The schema, when given, says
 * whether a number is a float or an integer, which JavaScript cannot tell; without one, a safe
 * integer prints as an integer. Bytes print as base64 (Java prints an object identity, `[B@1b6d3586`).
 */
export function javaToString(schema: Schema | null, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'number':
      if (schema?.type === SchemaType.FLOAT32) return javaFloatToString(value);
      if (schema?.type === SchemaType.FLOAT64 || !Number.isSafeInteger(value)) return javaDoubleToString(value);
      return String(value);
    case 'string':
      return value;
    case 'bigint':
    case 'boolean':
      return String(value);
    default:
      break;
  }
  if (value instanceof Struct) return value.toString();
  if (Array.isArray(value)) return `[${value.map((v) => javaToString(schema?.valueSchema ?? null, v)).join(', ')}]`;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (value instanceof Date) {
    const d = value;
    return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
  }
  const entries = mapEntries(value);
  if (entries !== undefined) {
    const k = schema?.keySchema ?? null;
    const v = schema?.valueSchema ?? null;
    return `{${entries.map(([key, val]) => `${javaToString(k, key)}=${javaToString(v, val)}`).join(', ')}}`;
  }
  return (value as { toString(): string }).toString();
}
