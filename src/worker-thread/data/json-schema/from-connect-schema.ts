/**
 * Connect schema → JSON Schema, as Confluent's JsonSchemaData.fromConnectSchema writes it
 * (confluentinc/schema-registry, json-schema-converter/src/main/java/io/confluent/connect/json/JsonSchemaData.java):
 *
 * | Connect                     | JSON Schema                                                          |
 * |-----------------------------|----------------------------------------------------------------------|
 * | INT8/16/32/64               | `{"type":"integer","connect.type":"int8"…}`                          |
 * | FLOAT32/64                  | `{"type":"number","connect.type":"float32"…}`                        |
 * | BOOLEAN, STRING             | `{"type":"boolean"}`, `{"type":"string"}`                            |
 * | STRING with Enum parameters | `{"enum":[…]}` (the `io.confluent.connect.json.Enum.<symbol>` parameters) |
 * | BYTES                       | `{"type":"string","connect.type":"bytes"}` (base64 in the payload)   |
 * | Decimal, decimal.format=NUMERIC | `{"type":"number","connect.type":"bytes"}`                       |
 * | ARRAY                       | `{"type":"array","items":…}`                                         |
 * | MAP, non-optional STRING key | `{"type":"object","additionalProperties":…,"connect.type":"map"}`   |
 * | MAP, any other key          | `{"type":"array","items":{"type":"object","properties":{"key":…,"value":…}},"connect.type":"map"}` |
 * | STRUCT                      | `{"type":"object","properties":{…}}` (+ `"additionalProperties":false` when object.additional.properties=false) |
 * | STRUCT named io.confluent.connect.json.OneOf | `{"oneOf":[…]}`, one member per field               |
 * | optional (not a STRUCT)     | `{"oneOf":[{"type":"null"},T]}`; a field's `connect.index` on the oneOf |
 *
 * A field carries its position as `connect.index`; the schema's name is the `title`, its doc the
 * `description`, its version `connect.version`, its parameters `connect.parameters` (except
 * Confluent's own `io.confluent.connect.json.*`), its default `default`. So Date, Time and Timestamp
 * are integers titled `org.apache.kafka.connect.data.Date` (…) with `connect.version` 1, and a Decimal is
 * a string titled `org.apache.kafka.connect.data.Decimal` with `connect.parameters` `{"scale":"…"}`.
 * No `required`: Confluent writes none, every property is read as present-or-default.
 *
 * Member order is this module's (type first, connect.* last). Confluent's text comes from everit's
 * printer over Java HashMaps, whose order is not part of any contract; Confluent's registry compares
 * schemas parsed, so the order does not decide which id a schema gets there.
 */
import { DataException } from '../errors.js';
import { LogicalTypeName, SchemaType } from '../schema.js';
import type { Schema } from '../schema.js';
import type { JsonSchemaDataOptions } from './json-schema-data-options.js';
import { writeJsonSchemaValue } from './json-schema-values.js';

export const CONNECT_TYPE_PROP = 'connect.type';
export const CONNECT_VERSION_PROP = 'connect.version';
export const CONNECT_PARAMETERS_PROP = 'connect.parameters';
export const CONNECT_INDEX_PROP = 'connect.index';
export const NAMESPACE = 'io.confluent.connect.json';
export const JSON_TYPE_ENUM = `${NAMESPACE}.Enum`;
export const JSON_TYPE_ONE_OF = `${NAMESPACE}.OneOf`;
export const KEY_FIELD = 'key';
export const VALUE_FIELD = 'value';
/** Enum symbol standing for a JSON null (Confluent's NULL_MARKER). */
export const NULL_MARKER = '<NULL>';

/** A JSON value whose text is already written (a default value: INT64s past 2^53 keep their digits). */
export class RawJson {
  constructor(readonly text: string) {}
}

export type JsonSchemaNode = { [key: string]: unknown };

const CONNECT_TYPES: Partial<Record<SchemaType, string>> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float32',
  FLOAT64: 'float64',
  BYTES: 'bytes',
};

export function isUnionSchema(schema: Schema): boolean {
  return schema.type === SchemaType.STRUCT && schema.name === JSON_TYPE_ONE_OF;
}

/** The JSON Schema of a Connect schema. Throws a DataException naming the field a problem is in. */
export function fromConnectSchema(schema: Schema, options: JsonSchemaDataOptions): JsonSchemaNode {
  return build(schema, null, false, options, []);
}

function where(path: readonly string[]): string {
  return path.length === 0 ? '' : ` (at field ${path.join('.')})`;
}

function build(
  schema: Schema,
  index: number | null,
  ignoreOptional: boolean,
  options: JsonSchemaDataOptions,
  path: string[],
): JsonSchemaNode {
  let node: JsonSchemaNode;
  const connectProps: JsonSchemaNode = {};
  const connectType = CONNECT_TYPES[schema.type];
  switch (schema.type) {
    case SchemaType.INT8:
    case SchemaType.INT16:
    case SchemaType.INT32:
    case SchemaType.INT64:
      node = { type: 'integer' };
      break;
    case SchemaType.FLOAT32:
    case SchemaType.FLOAT64:
      node = { type: 'number' };
      break;
    case SchemaType.BOOLEAN:
      node = { type: 'boolean' };
      break;
    case SchemaType.STRING:
      node = enumSymbols(schema) ?? { type: 'string' };
      break;
    case SchemaType.BYTES:
      node = { type: schema.name === LogicalTypeName.DECIMAL && options.decimalFormat === 'NUMERIC' ? 'number' : 'string' };
      break;
    case SchemaType.ARRAY:
      path.push('[]');
      node = { type: 'array', items: build(schema.valueSchema!, null, false, options, path) };
      path.pop();
      break;
    case SchemaType.MAP: {
      const keySchema = schema.keySchema!;
      path.push('{}');
      if (keySchema.type === SchemaType.STRING && !keySchema.isOptional) {
        node = { type: 'object', additionalProperties: build(schema.valueSchema!, null, false, options, path) };
      } else {
        const entry = {
          type: 'object',
          properties: {
            [KEY_FIELD]: build(keySchema, 0, false, options, path),
            [VALUE_FIELD]: build(schema.valueSchema!, 1, false, options, path),
          },
        };
        node = { type: 'array', items: entry };
      }
      path.pop();
      connectProps[CONNECT_TYPE_PROP] = 'map';
      break;
    }
    case SchemaType.STRUCT: {
      // Combined schemas (a union, an optional struct) carry no title, doc or default of their own:
      // the struct inside the oneOf does.
      if (isUnionSchema(schema)) {
        const members: JsonSchemaNode[] = schema.isOptional ? [{ type: 'null' }] : [];
        for (const field of schema.fields()) {
          path.push(field.name);
          members.push(build(field.schema, field.index, true, options, path));
          path.pop();
        }
        return withIndex({ oneOf: members }, index);
      }
      if (schema.isOptional && !ignoreOptional) {
        return withIndex({ oneOf: [{ type: 'null' }, build(schema, null, true, options, path)] }, index);
      }
      const properties: JsonSchemaNode = {};
      for (const field of schema.fields()) {
        path.push(field.name);
        properties[field.name] = build(field.schema, field.index, false, options, path);
        path.pop();
      }
      node = { type: 'object', properties };
      if (!options.allowAdditionalProperties) node.additionalProperties = false;
      break;
    }
    default:
      throw new DataException(`Unsupported type ${String(schema.type)}${where(path)}`);
  }
  if (connectType !== undefined) connectProps[CONNECT_TYPE_PROP] = connectType;
  if (schema.name !== null) node.title = schema.name;
  if (schema.doc !== null) node.description = schema.doc;
  if (schema.defaultValue !== null && schema.defaultValue !== undefined) {
    try {
      node.default = new RawJson(writeJsonSchemaValue(schema, schema.defaultValue, options) ?? 'null');
    } catch (err) {
      if (err instanceof DataException) throw new DataException(`Invalid default value${where(path)}: ${err.message}`, { cause: err });
      throw err;
    }
  }
  if (schema.version !== null) connectProps[CONNECT_VERSION_PROP] = schema.version;
  if (schema.parameters !== null) {
    const parameters: Record<string, string> = {};
    let any = false;
    for (const [k, v] of schema.parameters) {
      if (k.startsWith(NAMESPACE)) continue;
      parameters[k] = v;
      any = true;
    }
    if (any) connectProps[CONNECT_PARAMETERS_PROP] = parameters;
  }
  const inner = { ...node, ...connectProps };
  if (schema.isOptional && !ignoreOptional) return withIndex({ oneOf: [{ type: 'null' }, inner] }, index);
  return withIndex(inner, index);
}

function withIndex(node: JsonSchemaNode, index: number | null): JsonSchemaNode {
  if (index !== null) node[CONNECT_INDEX_PROP] = index;
  return node;
}

/** `{"enum":[…]}` of a STRING schema whose parameters list `io.confluent.connect.json.Enum.<symbol>`, else null. */
function enumSymbols(schema: Schema): JsonSchemaNode | null {
  if (schema.parameters === null || !schema.parameters.has(JSON_TYPE_ENUM)) return null;
  const symbols: (string | null)[] = [];
  const prefix = `${JSON_TYPE_ENUM}.`;
  for (const key of schema.parameters.keys()) {
    if (!key.startsWith(prefix)) continue;
    const symbol = key.slice(prefix.length);
    symbols.push(symbol === NULL_MARKER ? null : symbol);
  }
  return { enum: symbols };
}

/** The schema's text: compact JSON, with RawJson members as written. */
export function jsonSchemaText(node: unknown): string {
  if (node instanceof RawJson) return node.text;
  if (Array.isArray(node)) return `[${node.map(jsonSchemaText).join(',')}]`;
  if (node !== null && typeof node === 'object') {
    return `{${Object.entries(node)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonSchemaText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(node);
}
