/**
 * Connect values ↔ the JSON document of a JSON Schema record, as Confluent's
 * JsonSchemaData.fromConnectData / toConnectData convert them (JsonSchemaData.java in
 * confluentinc/schema-registry, json-schema-converter), written as Jackson writes it:
 *
 * - numbers as Java prints them (FLOAT32/FLOAT64 `1.0`, `1.0E21`; NaN and ±Infinity as strings);
 * - BYTES as base64; a Decimal as base64 of its unscaled bytes or a number (`decimal.format`);
 *   Date/Time as the INT32, Timestamp as the INT64 Kafka Connect gives them;
 * - a MAP whose key schema is a non-optional STRING as an object, any other MAP as an array of
 *   `{"key":…,"value":…}` objects (not JsonConverter's `[key, value]` pairs);
 * - a STRUCT as an object; a field that is null under a required schema without a default is left
 *   out (Confluent leaves it out too), an optional one is written `null`;
 * - a STRUCT named `io.confluent.connect.json.OneOf` (a oneOf read back) as the value of its one
 *   non-null field.
 *
 * Reading takes the JSON as parsed by json-text.ts (numbers kept as their text, so INT64s and
 * decimals keep every digit). A property missing from an object leaves its field unset (null), as
 * in Confluent; a JSON null for a required field without a default is an error naming the field.
 */
import { BigDecimal } from '../big-decimal.js';
import { DataException, DataTypeError, describeValue } from '../errors.js';
import { mapEntries } from '../equality.js';
import { javaDoubleToString, javaFloatToString } from '../java-numbers.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import { LogicalTypeName, SchemaType, structSchemasMatch } from '../schema.js';
import type { Schema } from '../schema.js';
import { Struct, typeProblem } from '../struct.js';
import { JsonNumber, JsonObject, nodeType, quoteJson, toBase64 } from '../json/json-text.js';
import type { JsonValue } from '../json/json-text.js';
import { readLogical, readPrimitive, writeFloat } from '../json/json-data.js';
import type { JsonSchemaDataOptions } from './json-schema-data-options.js';

const JSON_TYPE_ONE_OF = 'io.confluent.connect.json.OneOf';

function isUnion(schema: Schema): boolean {
  return schema.type === SchemaType.STRUCT && schema.name === JSON_TYPE_ONE_OF;
}

/** Where in a value an error is: `the value`, or a path like `items[2].price`. */
class Path {
  readonly #parts: string[] = [];
  push(part: string): void {
    this.#parts.push(part);
  }
  pop(): void {
    this.#parts.pop();
  }
  error(message: string, ErrorClass: typeof DataException = DataException): DataException {
    if (this.#parts.length === 0) return new ErrorClass(message);
    const at = this.#parts.reduce((acc, p) => (p.startsWith('[') || acc === '' ? acc + p : `${acc}.${p}`), '');
    return new ErrorClass(`${message} (at field ${at})`);
  }
}

/**
 * The JSON text of `value` under `schema`; undefined when Confluent writes nothing (a null under a
 * required schema without a default). Throws a DataException naming the field that does not fit.
 */
export function writeJsonSchemaValue(schema: Schema, value: unknown, options: JsonSchemaDataOptions): string | undefined {
  return write(schema, value, options, new Path());
}

function write(schema: Schema, value: unknown, options: JsonSchemaDataOptions, path: Path): string | undefined {
  if (value === null || value === undefined) {
    if (schema.defaultValue !== null && schema.defaultValue !== undefined && !options.ignoreDefaultForNullables) {
      return write(schema, schema.defaultValue, options, path);
    }
    return schema.isOptional ? 'null' : undefined;
  }
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
    case SchemaType.ARRAY: {
      const items = value as readonly unknown[];
      const parts: string[] = [];
      for (let i = 0; i < items.length; i++) {
        path.push(`[${i}]`);
        // Jackson's ArrayNode.add(null) adds a JSON null.
        parts.push(write(schema.valueSchema!, items[i], options, path) ?? 'null');
        path.pop();
      }
      return `[${parts.join(',')}]`;
    }
    case SchemaType.MAP:
      return writeMap(schema, mapEntries(value)!, options, path);
    case SchemaType.STRUCT:
      return writeStruct(schema, value as Struct, options, path);
  }
}

function writeLogical(schema: Schema, value: unknown, options: JsonSchemaDataOptions, path: Path): string | undefined {
  try {
    switch (schema.name) {
      case LogicalTypeName.DECIMAL:
        if (!(value instanceof BigDecimal))
          throw new DataTypeError(`Invalid type for Decimal, expected BigDecimal but was ${describeValue(value)}`);
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

function writeMap(schema: Schema, entries: readonly [unknown, unknown][], options: JsonSchemaDataOptions, path: Path): string {
  const keySchema = schema.keySchema!;
  const valueSchema = schema.valueSchema!;
  if (keySchema.type === SchemaType.STRING && !keySchema.isOptional) {
    // An ObjectNode keeps one member per key, where the key first appeared.
    const members = new Map<string, string>();
    for (const [key, value] of entries) {
      const keyText = String(key);
      path.push(keyText);
      members.set(keyText, write(valueSchema, value, options, path) ?? 'null');
      path.pop();
    }
    return `{${[...members].map(([k, v]) => `${quoteJson(k)}:${v}`).join(',')}}`;
  }
  const parts: string[] = [];
  entries.forEach(([key, value], i) => {
    path.push(`[${i}]`);
    const k = write(keySchema, key, options, path) ?? 'null';
    const v = write(valueSchema, value, options, path) ?? 'null';
    parts.push(`{"key":${k},"value":${v}}`);
    path.pop();
  });
  return `[${parts.join(',')}]`;
}

function writeStruct(schema: Schema, struct: Struct, options: JsonSchemaDataOptions, path: Path): string | undefined {
  if (!(struct instanceof Struct) || !structSchemasMatch(struct.schema, schema)) {
    throw path.error(`Mismatching schema: the Struct's schema ${String(struct.schema)} is not the record's ${String(schema)}`);
  }
  const valueOf = (field: ReturnType<Schema['fields']>[number]): unknown =>
    options.ignoreDefaultForNullables ? struct.getWithoutDefault(field) : struct.get(field);
  if (isUnion(schema)) {
    for (const field of schema.fields()) {
      const member = valueOf(field);
      if (member !== null && member !== undefined) {
        path.push(field.name);
        const text = write(field.schema, member, options, path);
        path.pop();
        return text;
      }
    }
    return schema.isOptional ? 'null' : undefined;
  }
  const members: string[] = [];
  for (const field of schema.fields()) {
    path.push(field.name);
    const text = write(field.schema, valueOf(field), options, path);
    path.pop();
    if (text !== undefined) members.push(`${quoteJson(field.name)}:${text}`);
  }
  return `{${members.join(',')}}`;
}

/**
 * The Connect value of a JSON node under `schema`. `node` undefined is a missing member: null, or
 * the schema's default.
 */
export function readJsonSchemaValue(schema: Schema, node: JsonValue | undefined, options: JsonSchemaDataOptions): unknown {
  return read(schema, node, options, new Path());
}

function read(schema: Schema, node: JsonValue | undefined, options: JsonSchemaDataOptions, path: Path): unknown {
  if (node === null || node === undefined) {
    if (schema.defaultValue !== null && schema.defaultValue !== undefined) return schema.defaultValue;
    if (node === undefined || schema.isOptional) return null;
    throw path.error(`Invalid null value for required ${schema.type} field`);
  }
  if (schema.name !== null) {
    const logical = readLogical(schema, node, path);
    if (logical !== undefined) return logical;
  }
  switch (schema.type) {
    case SchemaType.ARRAY: {
      if (!Array.isArray(node))
        throw path.error(`Invalid JSON for a ${schema.type} schema: expected an array, found ${nodeType(node)}`, DataTypeError);
      return node.map((item, i) => {
        path.push(`[${i}]`);
        const v = read(schema.valueSchema!, item, options, path);
        path.pop();
        return v;
      });
    }
    case SchemaType.MAP:
      return readMap(schema, node, options, path);
    case SchemaType.STRUCT:
      return isUnion(schema) ? readUnion(schema, node, options, path) : readStruct(schema, node, options, path);
    default:
      return readPrimitive(schema, node, path);
  }
}

function readMap(schema: Schema, node: JsonValue, options: JsonSchemaDataOptions, path: Path): Map<unknown, unknown> {
  const keySchema = schema.keySchema!;
  const valueSchema = schema.valueSchema!;
  const result = new Map<unknown, unknown>();
  if (keySchema.type === SchemaType.STRING && !keySchema.isOptional) {
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
    throw path.error(`Maps with non-string fields should be encoded as JSON array of objects, but found ${nodeType(node)}`);
  node.forEach((entry, i) => {
    path.push(`[${i}]`);
    if (!(entry instanceof JsonObject)) throw path.error(`Found invalid map entry instead of object: ${nodeType(entry)}`);
    if (entry.size !== 2 || !entry.has('key') || !entry.has('value')) {
      throw path.error(`Found invalid map entry: expected the members "key" and "value", found ${JSON.stringify([...entry.keys()])}`);
    }
    result.set(read(keySchema, entry.get('key'), options, path), read(valueSchema, entry.get('value'), options, path));
    path.pop();
  });
  return result;
}

function readStruct(schema: Schema, node: JsonValue, options: JsonSchemaDataOptions, path: Path): Struct {
  if (!(node instanceof JsonObject)) throw path.error(`Structs should be encoded as JSON objects, but found ${nodeType(node)}`);
  const struct = new Struct(schema);
  for (const field of schema.fields()) {
    path.push(field.name);
    const value = read(field.schema, node.get(field.name), options, path);
    path.pop();
    if (value !== null) struct.put(field, value);
  }
  return struct;
}

/**
 * A oneOf read as Confluent reads it: the first member whose kind the JSON has (integer, number,
 * boolean, string, array; an object for a MAP), else the STRUCT member sharing the most property
 * names with the object.
 */
function readUnion(schema: Schema, node: JsonValue, options: JsonSchemaDataOptions, path: Path): Struct {
  let best: { field: ReturnType<Schema['fields']>[number]; score: number } | null = null;
  for (const field of schema.fields()) {
    if (matchesKind(field.schema, node)) {
      path.push(field.name);
      const value = read(field.schema, node, options, path);
      path.pop();
      return new Struct(schema).put(field, value);
    }
    const score = structMatch(field.schema, node);
    if (score > (best?.score ?? 0)) best = { field, score };
  }
  if (best === null) throw path.error(`Did not find matching oneof field for data: no member of the oneOf reads ${nodeType(node)}`);
  path.push(best.field.name);
  const value = read(best.field.schema, node, options, path);
  path.pop();
  return new Struct(schema).put(best.field, value);
}

function matchesKind(schema: Schema, node: JsonValue): boolean {
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
      return node instanceof JsonNumber && node.integral;
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      return node instanceof JsonNumber;
    case SchemaType.BOOLEAN:
      return typeof node === 'boolean';
    case SchemaType.STRING:
      return typeof node === 'string';
    case SchemaType.BYTES:
      // Jackson reads a fraction as a BigDecimal node (USE_BIG_DECIMAL_FOR_FLOATS): a numeric Decimal.
      return node instanceof JsonNumber && !node.integral;
    case SchemaType.ARRAY:
      return Array.isArray(node);
    case SchemaType.MAP:
      return node instanceof JsonObject || Array.isArray(node);
    case SchemaType.STRUCT:
      return false;
  }
}

function structMatch(schema: Schema, node: JsonValue | undefined): number {
  if (schema.type !== SchemaType.STRUCT || !(node instanceof JsonObject)) return 0;
  let score = 0;
  for (const field of schema.fields()) {
    if (!node.has(field.name)) continue;
    score += 1 + structMatch(field.schema, node.get(field.name));
  }
  return score;
}
