/**
 * Connect schemas as the JSON of JsonConverter's envelope (`{"schema": …, "payload": …}`), with
 * Kafka's names: "type" (int8, int16, int32, int64, float, double, boolean, string, bytes, array,
 * map, struct), "optional", "name", "version", "doc", "parameters", "default", "items" (array),
 * "keys"/"values" (map), "fields" (struct, each field's schema with its name in "field"). Members
 * are written in Kafka's order, so the text is byte-identical to Kafka's.
 */
import { DataException, SchemaBuilderException } from '../errors.js';
import { SchemaType } from '../schema.js';
import type { Schema } from '../schema.js';
import { SchemaBuilder } from '../schema-builder.js';
import { readJson, writeJson } from './json-data.js';
import type { JsonDataOptions } from './json-data.js';
import { JsonNumber, JsonObject, quoteJson } from './json-text.js';
import type { JsonValue } from './json-text.js';

const TYPE_NAMES: Readonly<Record<SchemaType, string>> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};

const TYPES_BY_NAME: ReadonlyMap<string, SchemaType> = new Map(
  Object.entries(TYPE_NAMES).map(([type, name]) => [name, type as SchemaType]),
);

/** The schema's JSON text; `null` for no schema. */
export function schemaToJson(schema: Schema | null, options: JsonDataOptions): string {
  if (schema === null) return 'null';
  let out = `{"type":"${TYPE_NAMES[schema.type]}"`;
  switch (schema.type) {
    case SchemaType.ARRAY:
      out += `,"items":${schemaToJson(schema.valueSchema, options)}`;
      break;
    case SchemaType.MAP:
      out += `,"keys":${schemaToJson(schema.keySchema, options)},"values":${schemaToJson(schema.valueSchema, options)}`;
      break;
    case SchemaType.STRUCT:
      out += `,"fields":[${schema
        .fields()
        .map((f) => `${schemaToJson(f.schema, options).slice(0, -1)},"field":${quoteJson(f.name)}}`)
        .join(',')}]`;
      break;
    default:
      break;
  }
  out += `,"optional":${schema.isOptional}`;
  if (schema.name !== null) out += `,"name":${quoteJson(schema.name)}`;
  if (schema.version !== null) out += `,"version":${schema.version}`;
  if (schema.doc !== null) out += `,"doc":${quoteJson(schema.doc)}`;
  if (schema.parameters !== null) {
    out += `,"parameters":{${[...schema.parameters].map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`).join(',')}}`;
  }
  if (schema.defaultValue !== null) out += `,"default":${writeJson(schema, schema.defaultValue, options)}`;
  return `${out}}`;
}

/** The schema a JSON schema node describes; null for a JSON null. Throws DataException for an invalid one. */
export function schemaFromJson(node: JsonValue, options: JsonDataOptions): Schema | null {
  if (node === null) return null;
  const member = (name: string): JsonValue | undefined => (node instanceof JsonObject ? node.get(name) : undefined);
  const typeNode = member('type');
  if (typeof typeNode !== 'string') throw new DataException("Schema must contain 'type' field");
  const type = TYPES_BY_NAME.get(typeNode);
  if (type === undefined) throw new DataException(`Unknown schema type: ${typeNode}`);

  let builder: SchemaBuilder;
  try {
    switch (type) {
      case SchemaType.ARRAY: {
        const items = member('items');
        if (items === undefined || items === null) throw new DataException('Array schema did not specify the element type');
        builder = SchemaBuilder.array(schemaFromJson(items, options)!);
        break;
      }
      case SchemaType.MAP: {
        const keys = member('keys');
        if (keys === undefined) throw new DataException('Map schema did not specify the key type');
        const values = member('values');
        if (values === undefined) throw new DataException('Map schema did not specify the value type');
        builder = SchemaBuilder.map(schemaFromJson(keys, options)!, schemaFromJson(values, options)!);
        break;
      }
      case SchemaType.STRUCT: {
        builder = SchemaBuilder.struct();
        const fields = member('fields');
        if (!Array.isArray(fields)) throw new DataException('Struct schema\'s "fields" argument is not an array.');
        for (const field of fields) {
          const fieldName = field instanceof JsonObject ? field.get('field') : undefined;
          if (typeof fieldName !== 'string') throw new DataException("Struct schema's field name not specified properly");
          builder.field(fieldName, schemaFromJson(field, options)!);
        }
        break;
      }
      default:
        builder = new SchemaBuilder(type);
    }

    if (member('optional') === true) builder.optional();
    else builder.required();
    const name = member('name');
    if (typeof name === 'string') builder.name(name);
    const version = member('version');
    // Kafka takes intValue() of any integral number.
    if (version instanceof JsonNumber && version.integral) builder.version(Number(BigInt.asIntN(32, BigInt(version.text))));
    const doc = member('doc');
    if (typeof doc === 'string') builder.doc(doc);
    const params = member('parameters');
    if (params instanceof JsonObject) {
      for (const [key, value] of params) {
        if (typeof value !== 'string') throw new DataException('Schema parameters must have string values.');
        builder.parameter(key, value);
      }
    }
    const defaultNode = member('default');
    if (defaultNode !== undefined) builder.defaultValue(readJson(builder.build(), defaultNode, options));
  } catch (err) {
    // SchemaBuilder's complaints (a null key schema, a duplicate field) are schema errors here.
    if (err instanceof SchemaBuilderException) throw new DataException(err.message, { cause: err });
    throw err;
  }
  return builder.build();
}
