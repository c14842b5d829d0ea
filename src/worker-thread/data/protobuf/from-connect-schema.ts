/**
 * Connect schema → .proto text, as Confluent's ProtobufData.fromConnectSchema writes it, so that a
 * schema registered here reads in Kafka Connect with Confluent's converter to the same Connect
 * schema, and the other way round:
 *
 * | Connect                          | protobuf (proto3)                                                  |
 * |----------------------------------|--------------------------------------------------------------------|
 * | STRUCT (the root must be one)    | a message named by the schema's name (its namespace is the package), `ConnectDefault1` when unnamed |
 * | field                            | a field numbered in order from 1, or by the `io.confluent.connect.protobuf.Tag` parameter |
 * | INT8 / INT16                     | int32 with `[(confluent.field_meta) = { params: [{key: "connect.type", value: "int8"}] }]` |
 * | INT32 INT64 FLOAT32 FLOAT64 BOOLEAN STRING BYTES | int32 int64 float double bool string bytes (`wrapper.for.nullables`: google.protobuf.*Value when optional) |
 * | STRING with `io.confluent.connect.protobuf.Enum` | an enum, its symbols from the `…Enum.<symbol>` parameters        |
 * | ARRAY                            | a repeated field (an array of arrays has no protobuf form)         |
 * | MAP                              | a repeated nested `<Name>Entry` message with `key = 1` and `value = 2` |
 * | nested STRUCT                    | a nested message named by the struct's simple name (+`Message` when that is the field's name) |
 * | STRUCT named `…Union.<name>`     | `oneof <name>`, its fields the struct's fields                     |
 * | Decimal                          | confluent.type.Decimal, `precision`/`scale` in field_meta params   |
 * | Date / Time / Timestamp          | google.type.Date / google.type.TimeOfDay / google.protobuf.Timestamp |
 *
 * Field and message names must be protobuf identifiers: a name that is not gets a DataException
 * naming it (Confluent's `scrub.invalid.names` is not implemented).
 */
import { DataException } from '../errors.js';
import { LogicalTypeName, SchemaType } from '../schema.js';
import type { Schema } from '../schema.js';
import {
  CONNECT_PRECISION_PROP,
  CONNECT_TYPE_PROP,
  DATE_TYPE,
  DECIMAL_TYPE,
  DEFAULT_SCHEMA_NAME,
  MAP_ENTRY_SUFFIX,
  PROTOBUF_TYPE_ENUM,
  PROTOBUF_TYPE_ENUM_PREFIX,
  PROTOBUF_TYPE_TAG,
  PROTOBUF_TYPE_UNION_PREFIX,
  TIME_TYPE,
  TIMESTAMP_TYPE,
  isProtoIdentifier,
} from './protobuf-names.js';
import type { ProtobufDataOptions } from './protobuf-names.js';

export interface ProtoSchemaText {
  /** The .proto file as registered. */
  readonly text: string;
  /** The root message's full name (with the package), for the record subject name strategies. */
  readonly messageName: string;
}

const WRAPPERS: Partial<Record<SchemaType, string>> = {
  INT8: 'google.protobuf.Int32Value',
  INT16: 'google.protobuf.Int32Value',
  INT32: 'google.protobuf.Int32Value',
  INT64: 'google.protobuf.Int64Value',
  FLOAT32: 'google.protobuf.FloatValue',
  FLOAT64: 'google.protobuf.DoubleValue',
  BOOLEAN: 'google.protobuf.BoolValue',
  STRING: 'google.protobuf.StringValue',
  BYTES: 'google.protobuf.BytesValue',
};

const SCALARS: Partial<Record<SchemaType, string>> = {
  INT8: 'int32',
  INT16: 'int32',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'bool',
  STRING: 'string',
  BYTES: 'bytes',
};

/** One message being written: its lines, its nested definitions, its path from the package. */
class MessageText {
  readonly fields: string[] = [];
  readonly nested: string[] = [];
  readonly definedHere = new Set<string>();
  constructor(
    readonly name: string,
    readonly path: string,
  ) {}

  render(indent: string): string {
    const inner = indent + '  ';
    const lines = [`${indent}message ${this.name} {`];
    for (const f of this.fields) lines.push(...f.split('\n').map((l) => inner + l));
    for (const n of this.nested) lines.push(n);
    lines.push(`${indent}}`);
    return lines.join('\n');
  }
}

class Writer {
  readonly imports = new Set<string>();
  /** Struct schema name → the path of the message written for it, so that a struct used twice is written once. */
  readonly structs = new Map<string, string>();
  #defaultNames = 1;

  constructor(readonly options: ProtobufDataOptions) {}

  defaultName(): string {
    return `${DEFAULT_SCHEMA_NAME}${++this.#defaultNames}`;
  }

  message(schema: Schema, name: string, path: string, depth: number): MessageText {
    const message = new MessageText(name, path);
    let nextTag = 1;
    for (const field of schema.fields()) {
      const fieldSchema = field.schema;
      if (fieldSchema.type === SchemaType.STRUCT && fieldSchema.name?.startsWith(PROTOBUF_TYPE_UNION_PREFIX)) {
        this.oneof(message, fieldSchema, field.name, depth);
        continue;
      }
      const tag = explicitTag(fieldSchema, field.name) ?? nextTag++;
      message.fields.push(this.field(message, fieldSchema, field.name, tag, depth));
    }
    return message;
  }

  oneof(message: MessageText, union: Schema, fieldName: string, depth: number): void {
    const oneofName = unqualified(union.name!.slice(PROTOBUF_TYPE_UNION_PREFIX.length));
    requireIdentifier(oneofName, `oneof of field "${fieldName}"`);
    const members: string[] = [];
    for (const member of union.fields()) {
      const tag = explicitTag(member.schema, member.name);
      if (tag === undefined) {
        throw new DataException(
          `Cannot write oneof "${oneofName}": its member "${member.name}" needs its field number in the ${PROTOBUF_TYPE_TAG} parameter`,
        );
      }
      if (member.schema.type === SchemaType.ARRAY || member.schema.type === SchemaType.MAP) {
        throw new DataException(
          `Cannot write oneof "${oneofName}": its member "${member.name}" is repeated, which protobuf does not allow`,
        );
      }
      members.push('  ' + this.field(message, member.schema, member.name, tag, depth));
    }
    message.fields.push(`oneof ${oneofName} {\n${members.join('\n')}\n}`);
  }

  field(message: MessageText, schema: Schema, name: string, tag: number, depth: number): string {
    requireIdentifier(name, 'field name');
    let label = '';
    let element = schema;
    if (schema.type === SchemaType.ARRAY) {
      label = 'repeated ';
      element = schema.valueSchema!;
      if (element.type === SchemaType.ARRAY || element.type === SchemaType.MAP) {
        throw new DataException(
          `Cannot write field "${name}": an array of ${element.type === 'ARRAY' ? 'arrays' : 'maps'} has no protobuf form`,
        );
      }
    } else if (schema.type === SchemaType.MAP) {
      label = 'repeated ';
    }
    const params: [string, string][] = [];
    const type = this.typeOf(message, element, name, params, depth);
    let options = '';
    if (params.length > 0) {
      this.imports.add('confluent/meta.proto');
      const entries = params.map(([k, v]) => `{\n    key: ${JSON.stringify(k)},\n    value: ${JSON.stringify(v)}\n  }`).join(', ');
      options = ` [(confluent.field_meta) = {\n  params: [${entries}]\n}]`;
    }
    return `${label}${type} ${name} = ${tag}${options};`;
  }

  typeOf(message: MessageText, schema: Schema, fieldName: string, params: [string, string][], depth: number): string {
    switch (schema.name) {
      case LogicalTypeName.DECIMAL: {
        const precision = schema.parameters?.get(CONNECT_PRECISION_PROP);
        if (precision !== undefined) params.push(['precision', precision]);
        const scale = schema.parameters?.get('scale');
        if (scale !== undefined) params.push(['scale', scale]);
        this.imports.add('confluent/type/decimal.proto');
        return DECIMAL_TYPE;
      }
      case LogicalTypeName.DATE:
        this.imports.add('google/type/date.proto');
        return DATE_TYPE;
      case LogicalTypeName.TIME:
        this.imports.add('google/type/timeofday.proto');
        return TIME_TYPE;
      case LogicalTypeName.TIMESTAMP:
        this.imports.add('google/protobuf/timestamp.proto');
        return TIMESTAMP_TYPE;
    }
    if (schema.type === SchemaType.INT8) params.push([CONNECT_TYPE_PROP, 'int8']);
    if (schema.type === SchemaType.INT16) params.push([CONNECT_TYPE_PROP, 'int16']);
    if (schema.type === SchemaType.STRING && schema.parameters?.has(PROTOBUF_TYPE_ENUM)) return this.enumType(message, schema, fieldName);
    const scalar = SCALARS[schema.type];
    if (scalar !== undefined) {
      if (this.options.wrapperForNullables && schema.isOptional) {
        this.imports.add('google/protobuf/wrappers.proto');
        return WRAPPERS[schema.type]!;
      }
      return scalar;
    }
    if (schema.type === SchemaType.MAP) {
      const base = schema.name !== null ? unqualified(schema.name) : capitalize(fieldName);
      const entryName = base + MAP_ENTRY_SUFFIX;
      requireIdentifier(entryName, `map entry message of field "${fieldName}"`);
      if (!message.definedHere.has(entryName)) {
        message.definedHere.add(entryName);
        const entry = new MessageText(entryName, `${message.path}.${entryName}`);
        entry.fields.push(this.field(entry, schema.keySchema!, 'key', 1, depth + 1));
        entry.fields.push(this.field(entry, schema.valueSchema!, 'value', 2, depth + 1));
        message.nested.push(entry.render('  '.repeat(depth + 1)));
      }
      return entryName;
    }
    if (schema.type === SchemaType.STRUCT) {
      const known = schema.name !== null ? this.structs.get(schema.name) : undefined;
      if (known !== undefined) return known;
      let name = schema.name !== null ? unqualified(schema.name) : this.defaultName();
      if (name === fieldName) name += 'Message';
      requireIdentifier(name, `message name of field "${fieldName}"`);
      if (message.definedHere.has(name)) {
        throw new DataException(`Cannot write field "${fieldName}": two different types named "${name}" in message ${message.name}`);
      }
      message.definedHere.add(name);
      const path = `${message.path}.${name}`;
      if (schema.name !== null) this.structs.set(schema.name, path);
      const nested = this.message(schema, name, path, depth + 1);
      message.nested.push(nested.render('  '.repeat(depth + 1)));
      // Here the simple name resolves; a struct used again elsewhere is named by its path.
      return name;
    }
    throw new DataException(`Cannot write field "${fieldName}": ${schema.type} has no protobuf form here`);
  }

  enumType(message: MessageText, schema: Schema, fieldName: string): string {
    const name = unqualified(schema.parameters!.get(PROTOBUF_TYPE_ENUM)!);
    requireIdentifier(name, `enum name of field "${fieldName}"`);
    if (!message.definedHere.has(name)) {
      message.definedHere.add(name);
      const symbols: string[] = [];
      for (const [key, value] of schema.parameters!) {
        if (!key.startsWith(PROTOBUF_TYPE_ENUM_PREFIX)) continue;
        const symbol = key.slice(PROTOBUF_TYPE_ENUM_PREFIX.length);
        requireIdentifier(symbol, `symbol of enum ${name}`);
        if (!/^-?\d+$/.test(value))
          throw new DataException(`Enum ${name}: symbol ${symbol} has number ${JSON.stringify(value)}, not an integer`);
        symbols.push(`${symbol} = ${value};`);
      }
      if (symbols.length === 0)
        throw new DataException(`Enum ${name} of field "${fieldName}" has no symbols (${PROTOBUF_TYPE_ENUM_PREFIX}<symbol> parameters)`);
      message.nested.push([`enum ${name} {`, ...symbols.map((s) => `  ${s}`), '}'].map((l) => '  '.repeat(1) + l).join('\n'));
    }
    return name;
  }
}

function explicitTag(schema: Schema, fieldName: string): number | undefined {
  const text = schema.parameters?.get(PROTOBUF_TYPE_TAG);
  if (text === undefined) return undefined;
  const tag = Number(text);
  if (!/^\d+$/.test(text) || tag < 1 || tag > 536_870_911) {
    throw new DataException(`Field "${fieldName}": ${PROTOBUF_TYPE_TAG} ${JSON.stringify(text)} is not a field number (1 to 2^29-1)`);
  }
  return tag;
}

function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function requireIdentifier(name: string, what: string): void {
  if (!isProtoIdentifier(name)) {
    throw new DataException(
      `Cannot write ${what} ${JSON.stringify(name)}: not a protobuf identifier (letters, digits, _; not starting with a digit)`,
    );
  }
}

/** The .proto text of a Connect STRUCT schema; a DataException naming the field for what protobuf cannot hold. */
export function fromConnectSchema(schema: Schema, options: ProtobufDataOptions): ProtoSchemaText {
  if (schema.type !== SchemaType.STRUCT) {
    throw new DataException(`Unsupported root schema of type ${schema.type}: a Protobuf value must be a STRUCT (a message)`);
  }
  const fullName = schema.name ?? `${DEFAULT_SCHEMA_NAME}1`;
  const dot = fullName.lastIndexOf('.');
  const pkg = dot >= 0 ? fullName.slice(0, dot) : null;
  const name = fullName.slice(dot + 1);
  requireIdentifier(name, 'message name');
  if (pkg !== null && !pkg.split('.').every(isProtoIdentifier)) {
    throw new DataException(
      `Cannot write package ${JSON.stringify(pkg)} (from the schema name ${JSON.stringify(fullName)}): not a protobuf package name`,
    );
  }
  const writer = new Writer(options);
  if (schema.name !== null) writer.structs.set(schema.name, name);
  const root = writer.message(schema, name, name, 0);
  const parts = ['syntax = "proto3";'];
  if (pkg !== null) parts.push(`package ${pkg};`);
  if (writer.imports.size > 0)
    parts.push(
      [...writer.imports]
        .sort()
        .map((i) => `import ${JSON.stringify(i)};`)
        .join('\n'),
    );
  parts.push(root.render(''));
  return { text: parts.join('\n\n') + '\n', messageName: fullName };
}
