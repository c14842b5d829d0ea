/**
 * JSON Schema → Connect schema, as Confluent's JsonSchemaData.toConnectSchema reads one
 * (JsonSchemaData.java in confluentinc/schema-registry, json-schema-converter), so that a schema
 * written by Confluent's converter, by this one's (from-connect-schema.ts), or by hand reads back:
 *
 * | JSON Schema                                   | Connect                                              |
 * |-----------------------------------------------|------------------------------------------------------|
 * | `boolean`                                     | BOOLEAN                                              |
 * | `integer` / `number`                          | the `connect.type` (int8…float64, `bytes` = numeric Decimal), else INT64 / FLOAT64 |
 * | `string`                                      | STRING, or BYTES with `"connect.type":"bytes"`       |
 * | `enum` / `const`                              | STRING with `io.confluent.connect.json.Enum` parameters |
 * | `array`                                       | ARRAY of `items`; with `"connect.type":"map"` and key/value `items`, a MAP |
 * | `object` with `"connect.type":"map"`          | MAP of STRING to `additionalProperties`              |
 * | `object`                                      | STRUCT, fields in `connect.index` order (else as listed) |
 * | `oneOf`/`anyOf` of null and T                 | T, optional                                          |
 * | `oneOf`/`anyOf` of one schema                 | that schema (flatten.singleton.unions)               |
 * | other `oneOf`/`anyOf`                         | STRUCT `io.confluent.connect.json.OneOf`, fields `…OneOf.field.<n>` |
 * | `allOf`                                       | the objects' properties merged into one STRUCT       |
 * | `"type":[…]`                                  | as an `anyOf` of each type                           |
 * | `$ref` to `#`, `#/definitions/…`, `#/$defs/…` | the schema referred to                               |
 *
 * `title` is the name, `description` the doc, `connect.version` the version, `connect.parameters`
 * the parameters, `default` the default. A schema Connect cannot hold (no type at all, a recursive
 * `$ref`, a remote `$ref`) is refused with a DataException naming where it is.
 */
import { DataException } from '../errors.js';
import { SchemaType } from '../schema.js';
import type { Schema } from '../schema.js';
import { SchemaBuilder } from '../schema-builder.js';
import { parseJson } from '../json/json-text.js';
import {
  CONNECT_INDEX_PROP,
  CONNECT_PARAMETERS_PROP,
  CONNECT_TYPE_PROP,
  CONNECT_VERSION_PROP,
  JSON_TYPE_ENUM,
  JSON_TYPE_ONE_OF,
  KEY_FIELD,
  NULL_MARKER,
  VALUE_FIELD,
} from './from-connect-schema.js';
import type { JsonSchemaNode } from './from-connect-schema.js';
import type { JsonSchemaDataOptions } from './json-schema-data-options.js';
import { readJsonSchemaValue } from './json-schema-values.js';

type Node = JsonSchemaNode | boolean;

/** A number's `connect.type`; `bytes` is a Decimal written with decimal.format=NUMERIC. */
const NUMBER_CONNECT_TYPES: Readonly<Record<string, SchemaType>> = {
  int8: SchemaType.INT8,
  int16: SchemaType.INT16,
  int32: SchemaType.INT32,
  int64: SchemaType.INT64,
  float32: SchemaType.FLOAT32,
  float64: SchemaType.FLOAT64,
  bytes: SchemaType.BYTES,
};

interface Context {
  readonly root: Node;
  readonly options: JsonSchemaDataOptions;
  /** $refs being expanded, to refuse a recursive schema instead of looping. */
  readonly expanding: Set<string>;
}

/** The Connect schema of a JSON Schema's text. Throws a DataException saying what is wrong and where. */
export function toConnectSchemaFromText(text: string, options: JsonSchemaDataOptions): Schema {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new DataException(`The JSON Schema is not JSON: ${(err as Error).message}`, { cause: err });
  }
  return toConnectSchema(root as Node, options);
}

export function toConnectSchema(root: Node, options: JsonSchemaDataOptions): Schema {
  return convert({ root, options, expanding: new Set() }, root, false, '#');
}

function isObject(node: unknown): node is JsonSchemaNode {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function convert(ctx: Context, node: Node, forceOptional: boolean, at: string): Schema {
  if (!isObject(node)) {
    throw new DataException(`Unsupported JSON Schema at ${at}: ${JSON.stringify(node)} accepts any JSON, which has no Connect schema`);
  }
  if (typeof node.$ref === 'string') return convertRef(ctx, node.$ref, forceOptional, at);
  const combined = (['oneOf', 'anyOf'] as const).find((k) => Array.isArray(node[k]));
  if (combined !== undefined) return convertUnion(ctx, node[combined] as Node[], forceOptional, `${at}/${combined}`);
  if (Array.isArray(node.allOf)) return convertAllOf(ctx, node, node.allOf as Node[], forceOptional, at);
  if (Array.isArray(node.type)) {
    // everit reads `"type":["string","null"]` as an anyOf of one schema per type.
    const members = (node.type as unknown[]).map((type) => ({ ...node, type }));
    return convertUnion(ctx, members, forceOptional, `${at}/type`);
  }
  const builder = typedBuilder(ctx, node, at);
  return finish(ctx, builder, node, forceOptional, at);
}

function typedBuilder(ctx: Context, node: JsonSchemaNode, at: string): SchemaBuilder {
  if (Array.isArray(node.enum)) return enumBuilder(node.enum as unknown[]);
  if ('const' in node) return enumBuilder([node.const]);
  const connectType = node[CONNECT_TYPE_PROP];
  let type = node.type;
  if (type === undefined) {
    if (isObject(node.properties) || 'additionalProperties' in node) type = 'object';
    else if ('items' in node) type = 'array';
  }
  switch (type) {
    case 'boolean':
      return SchemaBuilder.bool();
    case 'integer':
    case 'number': {
      if (connectType === undefined) return type === 'integer' ? SchemaBuilder.int64() : SchemaBuilder.float64();
      const schemaType =
        typeof connectType === 'string' && Object.hasOwn(NUMBER_CONNECT_TYPES, connectType) ? NUMBER_CONNECT_TYPES[connectType] : undefined;
      if (schemaType === undefined) throw new DataException(`Unsupported ${CONNECT_TYPE_PROP} ${JSON.stringify(connectType)} at ${at}`);
      return SchemaBuilder.type(schemaType);
    }
    case 'string':
      return connectType === 'bytes' ? SchemaBuilder.bytes() : SchemaBuilder.string();
    case 'array': {
      const items = node.items;
      if (items === undefined || Array.isArray(items)) {
        throw new DataException(`Array schema did not specify the items type (at ${at}: one "items" schema is needed)`);
      }
      if (connectType === 'map' && isObject(items) && isObject(items.properties)) {
        const properties = items.properties as Record<string, Node>;
        if (properties[KEY_FIELD] === undefined || properties[VALUE_FIELD] === undefined) {
          throw new DataException(`A "connect.type":"map" array needs items with "key" and "value" properties (at ${at}/items)`);
        }
        return SchemaBuilder.map(
          convert(ctx, properties[KEY_FIELD], false, `${at}/items/properties/key`),
          convert(ctx, properties[VALUE_FIELD], false, `${at}/items/properties/value`),
        );
      }
      return SchemaBuilder.array(convert(ctx, items as Node, false, `${at}/items`));
    }
    case 'object': {
      if (connectType === 'map') {
        const values = node.additionalProperties;
        if (values === undefined || typeof values === 'boolean') {
          throw new DataException(`A "connect.type":"map" object needs an "additionalProperties" schema (at ${at})`);
        }
        return SchemaBuilder.map(SchemaBuilder.string().build(), convert(ctx, values as Node, false, `${at}/additionalProperties`));
      }
      return structBuilder(ctx, (node.properties ?? {}) as Record<string, Node>, requiredOf(node), at);
    }
    case 'null':
      throw new DataException(`Unsupported JSON Schema at ${at}: a schema of only null has no Connect schema`);
    case undefined:
      throw new DataException(`Unsupported JSON Schema at ${at}: no "type" (a schema that accepts any JSON has no Connect schema)`);
    default:
      throw new DataException(`Unsupported JSON Schema type ${JSON.stringify(type)} at ${at}`);
  }
}

function requiredOf(node: JsonSchemaNode): Set<string> {
  return new Set(Array.isArray(node.required) ? (node.required as unknown[]).filter((r): r is string => typeof r === 'string') : []);
}

function structBuilder(ctx: Context, properties: Record<string, Node>, required: Set<string>, at: string): SchemaBuilder {
  // Confluent sorts by connect.index; a property without one takes the count so far (a TreeMap put).
  const sorted = new Map<number, [string, Node]>();
  for (const [name, sub] of Object.entries(properties)) {
    const index = isObject(sub) && typeof sub[CONNECT_INDEX_PROP] === 'number' ? sub[CONNECT_INDEX_PROP] : sorted.size;
    sorted.set(index, [name, sub]);
  }
  const builder = SchemaBuilder.struct();
  for (const index of [...sorted.keys()].sort((a, b) => a - b)) {
    const [name, sub] = sorted.get(index)!;
    const optional = ctx.options.useOptionalForNonRequired && !required.has(name);
    builder.field(name, convert(ctx, sub, optional, `${at}/properties/${name}`));
  }
  return builder;
}

function enumBuilder(values: readonly unknown[]): SchemaBuilder {
  // JSON enums have no name: Confluent puts an empty placeholder under the Enum parameter itself.
  const builder = SchemaBuilder.string().parameter(JSON_TYPE_ENUM, '');
  for (const value of values) {
    const symbol = value === null ? NULL_MARKER : typeof value === 'string' ? value : JSON.stringify(value);
    builder.parameter(`${JSON_TYPE_ENUM}.${symbol}`, symbol);
  }
  return builder;
}

function convertUnion(ctx: Context, members: readonly Node[], forceOptional: boolean, at: string): Schema {
  if (members.length === 1) return convert(ctx, members[0]!, false, `${at}/0`);
  if (members.length === 2) {
    const nullAt = members.findIndex(isNullSchema);
    if (nullAt >= 0) return convert(ctx, members[1 - nullAt]!, true, `${at}/${1 - nullAt}`);
  }
  const builder = SchemaBuilder.struct().name(JSON_TYPE_ONE_OF);
  let index = 0;
  members.forEach((member, i) => {
    if (isNullSchema(member)) {
      builder.optional();
      return;
    }
    builder.field(`${JSON_TYPE_ONE_OF}.field.${index}`, convert(ctx, member, true, `${at}/${i}`));
    index++;
  });
  if (forceOptional) builder.optional();
  return builder.build();
}

function isNullSchema(node: Node): boolean {
  return isObject(node) && node.type === 'null';
}

function convertAllOf(ctx: Context, node: JsonSchemaNode, members: readonly Node[], forceOptional: boolean, at: string): Schema {
  const properties: Record<string, Node> = {};
  const required = new Set<string>();
  const collect = (m: Node, depth: number): void => {
    if (!isObject(m) || depth > 32) return;
    const target = typeof m.$ref === 'string' ? resolveRef(ctx, m.$ref, at) : m;
    if (!isObject(target)) return;
    if (Array.isArray(target.allOf)) for (const sub of target.allOf as Node[]) collect(sub, depth + 1);
    if (isObject(target.properties)) Object.assign(properties, target.properties);
    for (const r of requiredOf(target)) required.add(r);
  };
  for (const m of members) collect(m, 0);
  if (Object.keys(properties).length > 0) {
    const builder = structBuilder(ctx, properties, required, `${at}/allOf`);
    if (forceOptional) builder.optional();
    return builder.build();
  }
  // No properties: the one member that has a type decides (a string with a const or format, a number with an enum).
  const { allOf: _ignored, ...rest } = node;
  const typed = members.find((m) => isObject(m) && (m.type !== undefined || m.$ref !== undefined || m.oneOf !== undefined));
  if (typed === undefined) throw new DataException(`Unsupported allOf at ${at}: no member has a type`);
  return convert(ctx, { ...rest, ...(typed as JsonSchemaNode) }, forceOptional, `${at}/allOf`);
}

function resolveRef(ctx: Context, ref: string, at: string): Node {
  if (ref !== '#' && !ref.startsWith('#/')) {
    throw new DataException(`Unsupported $ref ${JSON.stringify(ref)} at ${at}: only references inside the schema (#/…) are supported`);
  }
  let target: unknown = ctx.root;
  for (const raw of ref === '#' ? [] : ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) ? target[key] : undefined;
    if (target === undefined) throw new DataException(`Unresolvable $ref ${JSON.stringify(ref)} at ${at}`);
  }
  return target as Node;
}

function convertRef(ctx: Context, ref: string, forceOptional: boolean, at: string): Schema {
  if (ctx.expanding.has(ref)) {
    throw new DataException(`Unsupported recursive $ref ${JSON.stringify(ref)} at ${at}: a Connect schema cannot refer to itself`);
  }
  ctx.expanding.add(ref);
  try {
    return convert(ctx, resolveRef(ctx, ref, at), forceOptional, ref);
  } finally {
    ctx.expanding.delete(ref);
  }
}

function finish(ctx: Context, builder: SchemaBuilder, node: JsonSchemaNode, forceOptional: boolean, at: string): Schema {
  if (typeof node.title === 'string') builder.name(node.title);
  const version = node[CONNECT_VERSION_PROP];
  if (typeof version === 'number' && Number.isInteger(version)) builder.version(version);
  if (typeof node.description === 'string') builder.doc(node.description);
  const parameters = node[CONNECT_PARAMETERS_PROP];
  if (isObject(parameters)) {
    for (const [k, v] of Object.entries(parameters)) builder.parameter(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  if ('default' in node && node.default !== null) {
    const schemaSoFar = builder.build();
    let value: unknown;
    try {
      value = readJsonSchemaValue(schemaSoFar, parseJson(JSON.stringify(node.default)), ctx.options);
    } catch (err) {
      throw new DataException(`Invalid default value at ${at}: ${(err as Error).message}`, { cause: err });
    }
    builder.defaultValue(value);
  }
  if (forceOptional) builder.optional();
  return builder.build();
}
