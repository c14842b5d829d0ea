/**
 * Connect values to JSON text and back, as Kafka's JsonConverter does (`convertToJson` and
 * `convertToConnect`, Kafka 4.1.1), checked byte for byte against it by test/unit/data.
 *
 * Writing, the output is Kafka's: FLOAT32/FLOAT64 printed as Java prints them (`1.0`, `1.0E21`),
 * NaN and ±Infinity as the strings Jackson writes, BYTES as base64, a MAP with STRING keys as an
 * object and any other MAP as `[[key, value], …]`, a Decimal as base64 of its unscaled bytes or as a
 * number (`decimal.format`), Date/Time/Timestamp as their INT32/INT64 numbers.
 *
 * Reading follows Kafka too, including its narrowing (a JSON 200 read as INT8 is -56, 1.9 as INT32 is
 * 1, as Java's casts do) and its leniencies (a Decimal accepts a number of any scale). Where Java's
 * reading silently makes something up, this one throws a DataException instead:
 * - JSON of the wrong kind for the schema (a string for INT32, a number for BOOLEAN or STRING, an
 *   object for ARRAY): Jackson reads 0, false, null or the object's values;
 * - a default value that does not fit its schema (Kafka reads `"default":"x"` on INT32 as 0).
 * And one where Java loses data: "NaN", "Infinity" and "-Infinity" (what Kafka itself writes for
 * those doubles) read back as those numbers into FLOAT32/FLOAT64, where Java reads 0.0.
 */
import { BigDecimal } from '../big-decimal.js';
import { DataException, DataTypeError, describeValue } from '../errors.js';
import { isPlainObject, mapEntries } from '../equality.js';
import { decimalToFloat32, decimalToIntN, javaDoubleToString, javaFloatToString } from '../java-numbers.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import { LogicalTypeName, SchemaType, structSchemasMatch } from '../schema.js';
import type { Schema } from '../schema.js';
import { Struct, typeProblem } from '../struct.js';
import { JsonNumber, JsonObject, fromBase64, nodeType, quoteJson, toBase64 } from './json-text.js';
import type { JsonValue } from './json-text.js';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export interface JsonDataOptions {
  readonly decimalFormat: DecimalFormat;
  readonly replaceNullWithDefault: boolean;
}

const INT_BITS: Readonly<Partial<Record<SchemaType, number>>> = { INT8: 8, INT16: 16, INT32: 32, INT64: 64 };
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** What the shared readers below need of a converter's path: an error that says where. */
export interface ErrorAt {
  error(message: string, ErrorClass?: typeof DataException): DataException;
}

/** Where in a value an error happened: `value`, or a path like `items[2].price`. */
class Path {
  readonly #parts: string[] = [];
  push(part: string): void {
    this.#parts.push(part);
  }
  pop(): void {
    this.#parts.pop();
  }
  toString(): string {
    if (this.#parts.length === 0) return 'the value';
    return this.#parts.reduce((acc, p) => (p.startsWith('[') || acc === '' ? acc + p : `${acc}.${p}`), '');
  }
  error(message: string, ErrorClass: typeof DataException = DataException): DataException {
    return this.#parts.length === 0 ? new ErrorClass(message) : new ErrorClass(`${message} (at ${this.toString()})`);
  }
}

/** The JSON text of `value` under `schema` (null: schemaless). Throws DataException when it does not fit. */
export function writeJson(schema: Schema | null, value: unknown, options: JsonDataOptions): string {
  return write(schema, value, options, new Path());
}

function write(schema: Schema | null, value: unknown, options: JsonDataOptions, path: Path): string {
  if (value === null || value === undefined) {
    if (schema === null) return 'null';
    if (schema.defaultValue !== null && options.replaceNullWithDefault) return write(schema, schema.defaultValue, options, path);
    if (schema.isOptional) return 'null';
    throw path.error('Conversion error: null value for field that is required and has no default value');
  }
  if (schema === null) return writeSchemaless(value, options, path);
  if (schema.name !== null) {
    const logical = writeLogical(schema, value, options, path);
    if (logical !== undefined) return logical;
  }
  const problem = typeProblem(schema, value);
  if (problem !== undefined) {
    throw path.error(
      `Invalid value for ${schema.type}: ${describeValue(value)}: ${problem.reason}`,
      problem.wrongType ? DataTypeError : DataException,
    );
  }
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
      return (value as number | bigint).toString();
    case SchemaType.FLOAT32:
      return writeFloat(javaFloatToString(value as number));
    case SchemaType.FLOAT64:
      return writeFloat(javaDoubleToString(value as number));
    case SchemaType.BOOLEAN:
      return value ? 'true' : 'false';
    case SchemaType.STRING:
      return quoteJson(value as string);
    case SchemaType.BYTES:
      return `"${toBase64(value as Uint8Array)}"`;
    case SchemaType.ARRAY:
      return writeArray(schema.valueSchema, value as readonly unknown[], options, path);
    case SchemaType.MAP:
      return writeMap(
        schema.keySchema,
        schema.valueSchema,
        mapEntries(value)!,
        schema.keySchema === null || schema.keySchema.type === SchemaType.STRING,
        options,
        path,
      );
    case SchemaType.STRUCT:
      return writeStruct(schema, value as Struct, options, path);
  }
}

/** Jackson writes non-finite doubles as strings (JsonWriteFeature.WRITE_NAN_AS_STRINGS is on by default). */
export function writeFloat(text: string): string {
  return text === 'NaN' || text === 'Infinity' || text === '-Infinity' ? `"${text}"` : text;
}

function writeLogical(schema: Schema, value: unknown, options: JsonDataOptions, path: Path): string | undefined {
  try {
    switch (schema.name) {
      case LogicalTypeName.DECIMAL:
        if (!(value instanceof BigDecimal))
          throw new DataTypeError(`Invalid type for Decimal: expected a BigDecimal, got ${describeValue(value)}`);
        return options.decimalFormat === 'NUMERIC' ? value.toString() : `"${toBase64(Decimal.fromLogical(schema, value))}"`;
      case LogicalTypeName.DATE:
        return String(ConnectDate.fromLogical(schema, value as Date));
      case LogicalTypeName.TIME:
        return String(Time.fromLogical(schema, value as Date));
      case LogicalTypeName.TIMESTAMP:
        return String(Timestamp.fromLogical(schema, value as Date));
      default:
        return undefined;
    }
  } catch (err) {
    if (err instanceof DataException) throw path.error(err.message, err instanceof DataTypeError ? DataTypeError : DataException);
    throw err;
  }
}

function writeArray(itemSchema: Schema | null, items: readonly unknown[], options: JsonDataOptions, path: Path): string {
  let out = '[';
  for (let i = 0; i < items.length; i++) {
    path.push(`[${i}]`);
    out += (i === 0 ? '' : ',') + write(itemSchema, items[i], options, path);
    path.pop();
  }
  return `${out}]`;
}

function writeMap(
  keySchema: Schema | null,
  valueSchema: Schema | null,
  entries: readonly [unknown, unknown][],
  objectMode: boolean,
  options: JsonDataOptions,
  path: Path,
): string {
  if (objectMode) {
    // Kafka's ObjectNode keeps one entry per key, where the key first appeared.
    const members = new Map<string, string>();
    for (const [key, value] of entries) {
      const keyText = typeof key === 'string' ? key : keyAsText(write(keySchema, key, options, path));
      path.push(keyText);
      members.set(keyText, write(valueSchema, value, options, path));
      path.pop();
    }
    let out = '{';
    let first = true;
    for (const [key, value] of members) {
      out += `${first ? '' : ','}${quoteJson(key)}:${value}`;
      first = false;
    }
    return `${out}}`;
  }
  let out = '[';
  entries.forEach(([key, value], i) => {
    path.push(`[${i}]`);
    out += `${i === 0 ? '' : ','}[${write(keySchema, key, options, path)},${write(valueSchema, value, options, path)}]`;
    path.pop();
  });
  return `${out}]`;
}

/** Jackson's asText() of a written key: a string's content, or the text of a null. */
function keyAsText(json: string): string {
  return json.startsWith('"') ? (JSON.parse(json) as string) : json;
}

function writeStruct(schema: Schema, struct: Struct, options: JsonDataOptions, path: Path): string {
  if (!structSchemasMatch(struct.schema, schema)) {
    throw path.error(`Mismatching schema: the Struct's schema ${String(struct.schema)} is not the record's ${String(schema)}`);
  }
  let out = '{';
  let first = true;
  for (const field of schema.fields()) {
    path.push(field.name);
    out += `${first ? '' : ','}${quoteJson(field.name)}:${write(field.schema, struct.getWithoutDefault(field), options, path)}`;
    path.pop();
    first = false;
  }
  return `${out}}`;
}

/**
 * A value without a schema, typed by its JavaScript type as Kafka types it by Java class: a bigint is
 * an INT64; a number is an integer when it is a safe integer, else a double (JavaScript cannot say
 * which a 1.0 was; Kafka would write a Double 1.0 as `1.0`); a Map or plain object is a MAP, written
 * as an object when every key is a string. A Struct, BigDecimal or Date needs a schema, as in Kafka.
 */
function writeSchemaless(value: unknown, options: JsonDataOptions, path: Path): string {
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return quoteJson(value);
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) throw path.error(`bigint ${value} is outside the INT64 range`);
      return value.toString();
    case 'number':
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
      return writeFloat(javaDoubleToString(value));
    default:
      break;
  }
  if (value instanceof Uint8Array) return `"${toBase64(value)}"`;
  if (Array.isArray(value)) return writeArray(null, value, options, path);
  if (value instanceof Map || isPlainObject(value)) {
    const entries = mapEntries(value)!;
    return writeMap(
      null,
      null,
      entries,
      entries.every(([k]) => typeof k === 'string'),
      options,
      path,
    );
  }
  if (value instanceof Struct)
    throw path.error(
      "Mismatching schema: a Struct cannot be written without its schema (set the record's keySchema/valueSchema to struct.schema)",
    );
  if (value instanceof BigDecimal || value instanceof Date) {
    throw path.error(
      `A ${value instanceof Date ? 'Date' : 'BigDecimal'} has no schemaless JSON form: give the record a schema (Timestamp, Date, Time or Decimal), as Kafka Connect requires`,
    );
  }
  throw path.error(`${describeValue(value)} does not have a corresponding schema type`, DataTypeError);
}

/** The Connect value of a JSON node under `schema` (null: schemaless). `node` undefined is a missing member. */
export function readJson(schema: Schema | null, node: JsonValue | undefined, options: JsonDataOptions): unknown {
  return read(schema, node, options, new Path());
}

function read(schema: Schema | null, node: JsonValue | undefined, options: JsonDataOptions, path: Path): unknown {
  if (node === null || node === undefined) {
    if (schema === null) return null;
    if (schema.defaultValue !== null && options.replaceNullWithDefault) return schema.defaultValue;
    if (schema.isOptional) return null;
    throw path.error(`Invalid null value for required ${schema.type} field`);
  }
  if (schema === null) return readSchemaless(node, options, path);
  if (schema.name !== null) {
    const logical = readLogical(schema, node, path);
    if (logical !== undefined) return logical;
  }
  switch (schema.type) {
    case SchemaType.ARRAY: {
      if (!Array.isArray(node))
        throw path.error(`Invalid JSON for a ${schema.type} schema: expected an array, found ${nodeType(node)}`, DataTypeError);
      return readArray(schema.valueSchema, node, options, path);
    }
    case SchemaType.MAP:
      return readMap(schema.keySchema, schema.valueSchema, node, options, path);
    case SchemaType.STRUCT: {
      if (!(node instanceof JsonObject)) throw path.error(`Structs should be encoded as JSON objects, but found ${nodeType(node)}`);
      const struct = new Struct(schema);
      for (const field of schema.fields()) {
        path.push(field.name);
        struct.put(field, read(field.schema, node.get(field.name), options, path));
        path.pop();
      }
      return struct;
    }
    default:
      return readPrimitive(schema, node, path);
  }
}

/**
 * A BOOLEAN, integer, float, STRING or BYTES value of a (non-null) JSON node, as JsonConverter and
 * JsonSchemaData read them (Java's narrowing casts included); a DataTypeError for JSON of another kind.
 */
export function readPrimitive(schema: Schema, node: JsonValue, path: ErrorAt): unknown {
  const wrong = (expected: string): DataException =>
    path.error(`Invalid JSON for a ${schema.type} schema: expected ${expected}, found ${nodeType(node)}`, DataTypeError);
  switch (schema.type) {
    case SchemaType.BOOLEAN:
      if (typeof node !== 'boolean') throw wrong('true or false');
      return node;
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64: {
      if (!(node instanceof JsonNumber)) throw wrong('a number');
      const bits = INT_BITS[schema.type]!;
      const integer = node.integral ? BigInt.asIntN(bits, BigInt(node.text)) : decimalToIntN(BigDecimal.parse(node.text), bits);
      return schema.type === SchemaType.INT64 ? integer : Number(integer);
    }
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64: {
      const special = typeof node === 'string' ? NON_FINITE[node] : undefined;
      if (special !== undefined) return special;
      if (!(node instanceof JsonNumber)) throw wrong('a number');
      // Jackson reads through BigDecimal, which has no negative zero: -0.0 reads as 0.0.
      const n = schema.type === SchemaType.FLOAT32 ? decimalToFloat32(node.text) : Number(node.text);
      return n === 0 ? 0 : n;
    }
    case SchemaType.STRING:
      if (typeof node !== 'string') throw wrong('a string');
      return node;
    case SchemaType.BYTES:
      if (typeof node !== 'string') throw wrong('a base64 string');
      try {
        return fromBase64(node);
      } catch (err) {
        throw path.error(`Invalid bytes field: ${(err as Error).message}`);
      }
    default:
      throw path.error(`${schema.type} is not a primitive schema type`);
  }
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function readArray(itemSchema: Schema | null, node: readonly JsonValue[], options: JsonDataOptions, path: Path): unknown[] {
  const result = new Array<unknown>(node.length);
  for (let i = 0; i < node.length; i++) {
    path.push(`[${i}]`);
    result[i] = read(itemSchema, node[i], options, path);
    path.pop();
  }
  return result;
}

function readMap(
  keySchema: Schema | null,
  valueSchema: Schema | null,
  node: JsonValue,
  options: JsonDataOptions,
  path: Path,
): Map<unknown, unknown> {
  const result = new Map<unknown, unknown>();
  if (keySchema === null || keySchema.type === SchemaType.STRING) {
    if (!(node instanceof JsonObject))
      throw path.error(`Maps with string fields should be encoded as JSON objects, but found ${nodeType(node)}`);
    for (const [key, value] of node) {
      path.push(key);
      result.set(key, read(valueSchema, value, options, path));
      path.pop();
    }
    return result;
  }
  if (!Array.isArray(node))
    throw path.error(`Maps with non-string fields should be encoded as JSON array of tuples, but found ${nodeType(node)}`);
  node.forEach((entry, i) => {
    if (!Array.isArray(entry)) throw path.error(`Found invalid map entry instead of array tuple: ${nodeType(entry)}`);
    if (entry.length !== 2) throw path.error(`Found invalid map entry, expected length 2 but found :${entry.length}`);
    path.push(`[${i}]`);
    result.set(read(keySchema, entry[0], options, path), read(valueSchema, entry[1], options, path));
    path.pop();
  });
  return result;
}

/** A logical type's value of a JSON node, as JsonConverter and JsonSchemaData read it; undefined: not a logical type. */
export function readLogical(schema: Schema, node: JsonValue, path: ErrorAt): unknown {
  try {
    switch (schema.name) {
      case LogicalTypeName.DECIMAL:
        if (node instanceof JsonNumber) return BigDecimal.parse(node.text);
        if (typeof node === 'string') {
          try {
            return Decimal.toLogical(schema, fromBase64(node));
          } catch (err) {
            throw new DataException(`Invalid bytes for Decimal field: ${(err as Error).message}`, { cause: err });
          }
        }
        throw new DataException(`Invalid type for Decimal, underlying representation should be numeric or bytes but was ${nodeType(node)}`);
      case LogicalTypeName.DATE:
        return ConnectDate.toLogical(schema, int32Of(node, 'Date'));
      case LogicalTypeName.TIME:
        return Time.toLogical(schema, int32Of(node, 'Time'));
      case LogicalTypeName.TIMESTAMP:
        if (!(node instanceof JsonNumber) || !node.integral) {
          throw new DataException(`Invalid type for Timestamp, underlying representation should be integral but was ${nodeType(node)}`);
        }
        return Timestamp.toLogical(schema, BigInt.asIntN(64, BigInt(node.text)));
      default:
        return undefined;
    }
  } catch (err) {
    if (err instanceof DataException) throw path.error(err.message);
    throw err;
  }
}

/** Jackson's isInt(): an integral number that fits 32 bits. */
function int32Of(node: JsonValue, what: string): number {
  if (node instanceof JsonNumber && node.integral) {
    const n = BigInt(node.text);
    if (n >= -2147483648n && n <= 2147483647n) return Number(n);
  }
  throw new DataException(`Invalid type for ${what}, underlying representation should be integer but was ${nodeType(node)}`);
}

/**
 * Schemaless JSON as Kafka reads it: integers are INT64 (bigints, whatever their size: see the INT64
 * rule in schema.ts; beyond 64 bits they wrap as Java's longValue() does), other numbers FLOAT64,
 * objects MAPs (a Map, in the JSON's order).
 */
function readSchemaless(node: JsonValue, options: JsonDataOptions, path: Path): unknown {
  if (typeof node === 'boolean' || typeof node === 'string') return node;
  if (node instanceof JsonNumber) {
    if (node.integral) return BigInt.asIntN(64, BigInt(node.text));
    const n = Number(node.text);
    return n === 0 ? 0 : n;
  }
  if (Array.isArray(node)) return readArray(null, node, options, path);
  return readMap(null, null, node, options, path);
}
