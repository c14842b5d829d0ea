/**
 * .proto text → protobufjs types → Connect schema, as Confluent's ProtobufData.toConnectSchema reads
 * them: every field is optional (proto3 has no required fields) and carries its number in the
 * `io.confluent.connect.protobuf.Tag` parameter; int32 with `connect.type` int8/int16 reads as
 * INT8/INT16; uint32, fixed32 and the 64-bit types read as INT64; enums as STRING with
 * `io.confluent.connect.protobuf.Enum` parameters; a `oneof x` as an optional STRUCT field `x_<i>`
 * named `io.confluent.connect.protobuf.Union.x`; a nested `…Entry` message with `key` and `value`
 * (or `map<K, V>`) as MAP; repeated fields as ARRAY; confluent.type.Decimal, google.type.Date,
 * google.type.TimeOfDay and google.protobuf.Timestamp as Decimal, Date, Time and Timestamp;
 * google.protobuf.*Value wrappers as optional primitives when `wrapper.for.nullables` is set.
 * Recursive messages have no Connect form and are refused.
 */
import type protobuf from 'protobufjs';
import { protobufjs } from './protobufjs.js';
import { DataException } from '../errors.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import type { Schema } from '../schema.js';
import { SchemaBuilder } from '../schema-builder.js';
import { addKnownProto } from './known-protos.js';
import {
  CONNECT_PRECISION_PROP,
  CONNECT_TYPE_PROP,
  DATE_TYPE,
  DECIMAL_TYPE,
  MAP_ENTRY_SUFFIX,
  PROTOBUF_TYPE_ENUM,
  PROTOBUF_TYPE_ENUM_PREFIX,
  PROTOBUF_TYPE_TAG,
  PROTOBUF_TYPE_UNION_PREFIX,
  TIME_TYPE,
  TIMESTAMP_TYPE,
} from './protobuf-names.js';
import type { ProtobufDataOptions } from './protobuf-names.js';

/** A parsed .proto file: its root with the imports resolved, and its top-level messages in order. */
export interface ProtoFile {
  readonly root: protobuf.Root;
  readonly messages: readonly protobuf.Type[];
}

/** Parses a .proto file whose imports are all known to the registry; a DataException says what is wrong. */
export function parseProto(text: string): ProtoFile {
  const root = new (protobufjs().Root)();
  let parsed: protobuf.IParserResult;
  try {
    parsed = protobufjs().parse(text, root, { keepCase: true, alternateCommentMode: true });
    const added = new Set<string>();
    for (const file of [...(parsed.imports ?? []), ...(parsed.weakImports ?? [])]) {
      if (!addKnownProto(root, file, added)) {
        throw new DataException(`the schema imports ${JSON.stringify(file)}, a schema reference connectd does not resolve yet`);
      }
    }
    root.resolveAll();
  } catch (err) {
    if (err instanceof DataException) throw err;
    throw new DataException(`Invalid Protobuf schema: ${(err as Error).message}`, { cause: err });
  }
  const pkg = parsed.package ?? null;
  let scope: protobuf.Namespace = root;
  if (pkg !== null) scope = root.lookup(pkg) as protobuf.Namespace;
  // protobufjs keeps nested objects in definition order: the file's messages, as the indexes count them.
  const messages = scope.nestedArray.filter((n): n is protobuf.Type => n instanceof protobufjs().Type && isInFile(n, pkg));
  if (messages.length === 0) throw new DataException('Invalid Protobuf schema: it defines no message');
  return { root, messages };
}

/** Messages of imported files share the package namespace only when their package is the same: keep ours. */
function isInFile(type: protobuf.Type, pkg: string | null): boolean {
  return (pkg === null ? '' : pkg) === (type.parent?.fullName ?? '').replace(/^\./, '');
}

/** The message a path of message indexes names. */
export function messageAt(file: ProtoFile, indexes: readonly number[]): protobuf.Type {
  let candidates: readonly protobuf.Type[] = file.messages;
  let type: protobuf.Type | undefined;
  for (const index of indexes) {
    type = candidates[index];
    if (type === undefined) throw new DataException(`message indexes [${indexes.join(', ')}] name no message of the schema`);
    candidates = type.nestedArray.filter((n): n is protobuf.Type => n instanceof protobufjs().Type);
  }
  return type!;
}

/** The message-index path of a message of the file. */
export function indexesOf(file: ProtoFile, type: protobuf.Type): number[] {
  const path: number[] = [];
  let current: protobuf.Type = type;
  for (;;) {
    const parent = current.parent;
    if (parent instanceof protobufjs().Type) {
      path.unshift(parent.nestedArray.filter((n) => n instanceof protobufjs().Type).indexOf(current));
      current = parent;
    } else {
      path.unshift(file.messages.indexOf(current));
      return path;
    }
  }
}

function fieldMetaParams(field: protobuf.Field): Map<string, string> {
  const params = new Map<string, string>();
  for (const option of field.parsedOptions ?? []) {
    const meta = (option as Record<string, { params?: unknown }>)['(confluent.field_meta)'];
    if (meta === undefined) continue;
    const list = Array.isArray(meta.params) ? meta.params : meta.params === undefined ? [] : [meta.params];
    for (const entry of list as { key?: unknown; value?: unknown }[]) {
      const value = entry.value;
      if (typeof entry.key === 'string' && (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')) {
        params.set(entry.key, String(value));
      }
    }
  }
  return params;
}

export function isMapEntry(type: protobuf.Type): boolean {
  const fields = type.fieldsArray;
  return type.name.endsWith(MAP_ENTRY_SUFFIX) && fields.length === 2 && fields[0]!.name === 'key' && fields[1]!.name === 'value';
}

const WRAPPERS: Readonly<Record<string, () => SchemaBuilder>> = {
  'google.protobuf.DoubleValue': () => SchemaBuilder.float64(),
  'google.protobuf.FloatValue': () => SchemaBuilder.float32(),
  'google.protobuf.Int64Value': () => SchemaBuilder.int64(),
  'google.protobuf.UInt64Value': () => SchemaBuilder.int64(),
  'google.protobuf.Int32Value': () => SchemaBuilder.int32(),
  'google.protobuf.UInt32Value': () => SchemaBuilder.int64(),
  'google.protobuf.BoolValue': () => SchemaBuilder.bool(),
  'google.protobuf.StringValue': () => SchemaBuilder.string(),
  'google.protobuf.BytesValue': () => SchemaBuilder.bytes(),
};

/** A message's full name without protobufjs's leading dot. */
export function fullNameOf(type: protobuf.ReflectionObject): string {
  return type.fullName.replace(/^\./, '');
}

class Reader {
  readonly #inProgress = new Set<protobuf.Type>();
  constructor(readonly options: ProtobufDataOptions) {}

  message(type: protobuf.Type): SchemaBuilder {
    if (this.#inProgress.has(type)) {
      throw new DataException(`message ${fullNameOf(type)} contains itself: a recursive message has no Connect schema`);
    }
    this.#inProgress.add(type);
    const builder = SchemaBuilder.struct().name(this.options.enhancedSchemaSupport ? fullNameOf(type) : type.name);
    // proto3 `optional` makes a synthetic oneof `_name`: that is presence, not a union.
    const oneofs = type.oneofsArray.filter((o) => !(o.oneof.length === 1 && o.name === `_${o.oneof[0]}`));
    oneofs.forEach((oneof, index) => {
      const union = SchemaBuilder.struct().name(PROTOBUF_TYPE_UNION_PREFIX + oneof.name);
      for (const member of oneof.fieldsArray) union.field(member.name, this.field(member));
      builder.field(`${oneof.name}_${index}`, union.optional().build());
    });
    for (const field of type.fieldsArray) {
      if (field.partOf !== null && oneofs.includes(field.partOf)) continue;
      builder.field(field.name, this.field(field));
    }
    this.#inProgress.delete(type);
    return builder;
  }

  field(field: protobuf.Field): Schema {
    let builder: SchemaBuilder;
    if (field instanceof protobufjs().MapField) {
      // map<K, V> is a repeated `…Entry { K key = 1; V value = 2; }` on the wire: read it as one.
      const key = this.scalar(field.keyType, null, field).optional().parameter(PROTOBUF_TYPE_TAG, '1').build();
      const value = this.element(field).optional().parameter(PROTOBUF_TYPE_TAG, '2').build();
      builder = SchemaBuilder.map(key, value);
    } else {
      builder = this.element(field);
      const resolved = field.resolvedType;
      if (field.repeated && !(resolved instanceof protobufjs().Type && isMapEntry(resolved))) {
        builder = SchemaBuilder.array(builder.optional().build());
      }
    }
    builder.optional();
    builder.parameter(PROTOBUF_TYPE_TAG, String(field.id));
    return builder.build();
  }

  /** The schema of one value of the field (the element of a repeated field, the value of a map). */
  element(field: protobuf.Field): SchemaBuilder {
    const resolved = field.resolvedType;
    if (resolved instanceof protobufjs().Enum) {
      const builder = SchemaBuilder.string().name(resolved.name).parameter(PROTOBUF_TYPE_ENUM, resolved.name);
      for (const [symbol, number] of Object.entries(resolved.values)) builder.parameter(PROTOBUF_TYPE_ENUM_PREFIX + symbol, String(number));
      return builder;
    }
    if (resolved instanceof protobufjs().Type) {
      const fullName = fullNameOf(resolved);
      switch (fullName) {
        case DECIMAL_TYPE: {
          const params = fieldMetaParams(field);
          const scale = Number(params.get('scale') ?? '0');
          const builder = Decimal.builder(Number.isInteger(scale) ? scale : 0);
          const precision = params.get('precision');
          if (precision !== undefined && /^\d+$/.test(precision)) builder.parameter(CONNECT_PRECISION_PROP, precision);
          return builder;
        }
        case DATE_TYPE:
          return ConnectDate.builder();
        case TIME_TYPE:
          return Time.builder();
        case TIMESTAMP_TYPE:
          return Timestamp.builder();
      }
      if (this.options.wrapperForNullables && WRAPPERS[fullName] !== undefined) return WRAPPERS[fullName]();
      if (isMapEntry(resolved)) {
        const [key, value] = resolved.fieldsArray as [protobuf.Field, protobuf.Field];
        return SchemaBuilder.map(this.field(key), this.field(value)).name(resolved.name.slice(0, -MAP_ENTRY_SUFFIX.length));
      }
      return this.message(resolved);
    }
    return this.scalar(field.type, fieldMetaParams(field).get(CONNECT_TYPE_PROP) ?? null, field);
  }

  scalar(type: string, connectType: string | null, field: protobuf.Field): SchemaBuilder {
    switch (type) {
      case 'int32':
      case 'sint32':
      case 'sfixed32':
        if (connectType === 'int8') return SchemaBuilder.int8();
        if (connectType === 'int16') return SchemaBuilder.int16();
        return SchemaBuilder.int32();
      case 'uint32':
      case 'fixed32':
      case 'int64':
      case 'uint64':
      case 'sint64':
      case 'fixed64':
      case 'sfixed64':
        return SchemaBuilder.int64();
      case 'float':
        return SchemaBuilder.float32();
      case 'double':
        return SchemaBuilder.float64();
      case 'bool':
        return SchemaBuilder.bool();
      case 'string':
        return SchemaBuilder.string();
      case 'bytes':
        return SchemaBuilder.bytes();
      default:
        throw new DataException(`field "${field.name}": protobuf type ${type} has no Connect schema`);
    }
  }
}

/** The Connect schema of a message (a STRUCT), with `version` when the registry gave one. */
export function toConnectSchema(type: protobuf.Type, options: ProtobufDataOptions, version?: number): Schema {
  const builder = new Reader(options).message(type);
  if (version !== undefined) builder.version(version);
  return builder.build();
}
