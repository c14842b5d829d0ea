/**
 * Avro schema → Connect schema, as Confluent's `AvroData.toConnectSchema`: the inverse of
 * from-connect-schema.ts for what connectd (or Kafka Connect) wrote, and the usual reading of any
 * other Avro schema:
 *
 * - int is INT32, or INT8/INT16 when marked `connect.type`, or Date/Time by `logicalType`; long is
 *   INT64 or Timestamp (timestamp-millis); bytes/fixed with `logicalType: decimal` is Decimal (a
 *   precision other than 64 kept as `connect.decimal.precision`); a fixed keeps its size in
 *   `connect.fixed.size`.
 * - record is STRUCT named by `connect.name` or the record's full name (ConnectDefault names are
 *   dropped again); a union of null and one type is that type, optional; any other union is a STRUCT
 *   `io.confluent.connect.avro.Union` with one optional field per member (named by the member's
 *   type, or the record's name); an enum is a STRING with `io.confluent.connect.avro.Enum` parameters.
 * - an array of `MapEntry` records is a MAP with those key and value schemas.
 * - defaults come from the field's Avro default, or from `connect.default`; a default Avro would
 *   take but Connect cannot (a union's) is dropped, as Confluent drops it with a warning.
 *
 * Differences from Confluent: a recursive Avro schema (a record that contains itself) is refused
 * with a DataException, because connectd's schemas are immutable values and cannot refer to
 * themselves; an array default is read element by element with the element schema (Confluent reads
 * INT8/INT16 elements as null there); a non-string MAP's `connect.default` is read back; a null field
 * default (an optional general union's) adds no `io.confluent.connect.avro.field.default` flag, so
 * such a schema reads back equal to the one written (the flag only stops `connect.default` from
 * being written, and a null default never is).
 */
import { DataException } from '../errors.js';
import { JsonNumber, JsonObject } from '../json/json-text.js';
import type { JsonValue } from '../json/json-text.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import { LogicalTypeName, Schema, SchemaType } from '../schema.js';
import { SchemaBuilder } from '../schema-builder.js';
import { Struct } from '../struct.js';
import {
  AVRO_ENUM_DEFAULT_PREFIX_PROP,
  AVRO_ENUM_DOC_PREFIX_PROP,
  AVRO_FIELD_DEFAULT_FLAG_PROP,
  AVRO_FIELD_DOC_PREFIX_PROP,
  AVRO_LOGICAL_DATE,
  AVRO_LOGICAL_DECIMAL,
  AVRO_LOGICAL_DECIMAL_PRECISION_PROP,
  AVRO_LOGICAL_DECIMAL_SCALE_PROP,
  AVRO_LOGICAL_TIME_MILLIS,
  AVRO_LOGICAL_TIMESTAMP_MILLIS,
  AVRO_LOGICAL_TYPE_PROP,
  AVRO_PROP,
  AVRO_RECORD_DOC_PROP,
  AVRO_TYPE_ENUM,
  AVRO_TYPE_UNION,
  CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT,
  CONNECT_AVRO_DECIMAL_PRECISION_PROP,
  CONNECT_AVRO_FIXED_SIZE_PROP,
  CONNECT_DEFAULT_VALUE_PROP,
  CONNECT_DOC_PROP,
  CONNECT_INTERNAL_TYPE_NAME,
  CONNECT_NAME_PROP,
  CONNECT_PARAMETERS_PROP,
  CONNECT_TYPE_INT16,
  CONNECT_TYPE_INT8,
  CONNECT_TYPE_PROP,
  CONNECT_VERSION_PROP,
  DEFAULT_SCHEMA_FULL_NAME,
  KEY_FIELD,
  MAP_ENTRY_TYPE_NAME,
  NAMESPACE,
  VALUE_FIELD,
} from './avro-data-names.js';
import type { AvroDataOptions } from './avro-data-names.js';
import { jsonText } from './avro-json.js';
import { fullName, textProp } from './avro-types.js';
import type { AvroRecord, AvroType } from './avro-types.js';

/** The Connect schema of an Avro schema. Throws a DataException for one Connect cannot hold. */
export function toConnectSchema(type: AvroType, options: AvroDataOptions): Schema {
  return new ToConnect(options).convert(type, false, undefined);
}

/** Whether an Avro record is the key/value entry of a MAP written as an array. */
export function isMapEntry(type: AvroType): type is AvroRecord {
  if (type.kind !== 'record') return false;
  return (
    (type.namespace === NAMESPACE && type.name === MAP_ENTRY_TYPE_NAME) ||
    textProp(type.props, CONNECT_INTERNAL_TYPE_NAME) === MAP_ENTRY_TYPE_NAME
  );
}

/** The Connect field name of a union member: its type name, or a named type's name. */
export function unionMemberFieldName(type: AvroType, options: AvroDataOptions): string {
  if (type.kind === 'record' || type.kind === 'enum') return options.enhancedSchemaSupport ? fullName(type) : type.name;
  return type.kind;
}

class ToConnect {
  /** Records being converted: meeting one again means the schema is recursive. */
  readonly #inProgress = new Set<AvroRecord>();

  constructor(readonly options: AvroDataOptions) {}

  convert(type: AvroType, forceOptional: boolean, fieldDefault: JsonValue | undefined): Schema {
    if (type.kind === 'union') {
      const nonNull = type.types.filter((t) => t.kind !== 'null');
      if (type.types.length === 2 && nonNull.length === 1) return this.convert(nonNull[0]!, true, undefined);
      return this.#finish(type, this.#union(type), forceOptional, fieldDefault);
    }
    const connectType = textProp(type.props, CONNECT_TYPE_PROP);
    const logicalType = textProp(type.props, AVRO_LOGICAL_TYPE_PROP)?.toLowerCase() ?? null;
    let builder: SchemaBuilder;
    switch (type.kind) {
      case 'boolean':
        builder = SchemaBuilder.bool();
        break;
      case 'bytes':
      case 'fixed':
        builder = logicalType === AVRO_LOGICAL_DECIMAL ? decimalBuilder(type.props) : SchemaBuilder.bytes();
        if (type.kind === 'fixed') builder.parameter(CONNECT_AVRO_FIXED_SIZE_PROP, String(type.size));
        break;
      case 'double':
        builder = SchemaBuilder.float64();
        break;
      case 'float':
        builder = SchemaBuilder.float32();
        break;
      case 'int':
        if (logicalType !== null) {
          builder =
            logicalType === AVRO_LOGICAL_DATE
              ? ConnectDate.builder()
              : logicalType === AVRO_LOGICAL_TIME_MILLIS
                ? Time.builder()
                : SchemaBuilder.int32();
        } else if (connectType === null) {
          builder = SchemaBuilder.int32();
        } else if (connectType === CONNECT_TYPE_INT8) {
          builder = SchemaBuilder.int8();
        } else if (connectType === CONNECT_TYPE_INT16) {
          builder = SchemaBuilder.int16();
        } else {
          throw new DataException(`Connect type annotation for Avro int field is not int8 or int16: ${JSON.stringify(connectType)}`);
        }
        break;
      case 'long':
        builder = logicalType === AVRO_LOGICAL_TIMESTAMP_MILLIS ? Timestamp.builder() : SchemaBuilder.int64();
        break;
      case 'string':
        builder = SchemaBuilder.string();
        break;
      case 'array':
        if (isMapEntry(type.items)) {
          const entry = type.items;
          const key = entry.fields.find((f) => f.name === KEY_FIELD);
          const value = entry.fields.find((f) => f.name === VALUE_FIELD);
          if (entry.fields.length !== 2 || key === undefined || value === undefined) {
            throw new DataException('Found map encoded as array of key-value pairs, but array elements do not match the expected format.');
          }
          builder = SchemaBuilder.map(this.convert(key.type, false, undefined), this.convert(value.type, false, undefined));
        } else {
          builder = SchemaBuilder.array(this.convert(type.items, false, undefined));
        }
        break;
      case 'map':
        builder = SchemaBuilder.map(Schema.STRING_SCHEMA, this.convert(type.values, false, undefined));
        break;
      case 'record':
        builder = this.#record(type);
        break;
      case 'enum':
        builder = SchemaBuilder.string();
        if (this.options.connectMetaData) {
          if (type.doc !== null) builder.parameter(AVRO_ENUM_DOC_PREFIX_PROP + type.name, type.doc);
          if (type.enumDefault !== null) builder.parameter(AVRO_ENUM_DEFAULT_PREFIX_PROP + type.name, type.enumDefault);
        }
        builder.parameter(AVRO_TYPE_ENUM, fullName(type));
        for (const symbol of type.symbols) builder.parameter(`${AVRO_TYPE_ENUM}.${symbol}`, symbol);
        break;
      case 'null':
        throw new DataException('Standalone null schemas are not supported by this converter');
    }
    return this.#finish(type, builder, forceOptional, fieldDefault);
  }

  #record(type: AvroRecord): SchemaBuilder {
    if (this.#inProgress.has(type)) {
      throw new DataException(`Recursive Avro schemas are not supported: record ${fullName(type)} contains itself`);
    }
    this.#inProgress.add(type);
    const builder = SchemaBuilder.struct();
    if (this.options.connectMetaData && type.doc !== null) builder.parameter(AVRO_RECORD_DOC_PROP, type.doc);
    for (const field of type.fields) {
      if (this.options.connectMetaData && field.doc !== null) builder.parameter(AVRO_FIELD_DOC_PREFIX_PROP + field.name, field.doc);
      builder.field(field.name, this.convert(field.type, false, field.defaultValue));
    }
    this.#inProgress.delete(type);
    return builder;
  }

  #union(type: Extract<AvroType, { kind: 'union' }>): SchemaBuilder {
    const builder = SchemaBuilder.struct().name(AVRO_TYPE_UNION);
    const names = new Set<string>();
    for (const member of type.types) {
      if (member.kind === 'null') {
        if (!builder.isOptional) builder.optional();
        continue;
      }
      const name = unionMemberFieldName(member, this.options);
      if (names.has(name)) throw new DataException('Multiple union schemas map to the Connect union field name');
      names.add(name);
      builder.field(name, this.convert(member, true, undefined));
    }
    return builder;
  }

  /** The metadata every type carries: doc, version, parameters, name, optionality, then the default. */
  #finish(type: AvroType, builder: SchemaBuilder, forceOptional: boolean, fieldDefault: JsonValue | undefined): Schema {
    const props = type.kind === 'union' ? new Map<string, JsonValue>() : type.props;
    const meta = this.options.connectMetaData;
    const doc = textProp(props, CONNECT_DOC_PROP);
    if (meta && doc !== null) builder.doc(doc);

    const version = props.get(CONNECT_VERSION_PROP);
    if (version !== undefined) {
      if (!(version instanceof JsonNumber)) throw new DataException(`Invalid Connect version found: ${jsonText(version)}`);
      const v = Math.trunc(Number(version.text));
      if (builder.build().version !== null && builder.build().version !== v) {
        throw new DataException(
          `Mismatched versions: version already added to SchemaBuilder (${builder.build().version}) differs from version in source schema (${v})`,
        );
      }
      builder.version(v);
    }

    const parameters = props.get(CONNECT_PARAMETERS_PROP);
    if (meta && parameters !== undefined) {
      if (!(parameters instanceof JsonObject))
        throw new DataException(`Expected JSON object for schema parameters but found: ${jsonText(parameters)}`);
      for (const [k, v] of parameters) {
        if (typeof v !== 'string') throw new DataException(`Expected schema parameter values to be strings but found: ${jsonText(v)}`);
        builder.parameter(k, v);
      }
    }
    for (const [k, v] of props) if (k.startsWith(AVRO_PROP)) builder.parameter(k, typeof v === 'string' ? v : jsonText(v));

    const connectDefault = props.get(CONNECT_DEFAULT_VALUE_PROP);
    let defaultJson = fieldDefault;
    if (defaultJson === undefined) defaultJson = connectDefault;
    else if (meta && connectDefault === undefined && defaultJson !== null) builder.parameter(AVRO_FIELD_DEFAULT_FLAG_PROP, 'true');

    const connectName = props.get(CONNECT_NAME_PROP);
    let name: string | null = null;
    if (connectName !== undefined) {
      if (typeof connectName !== 'string') throw new DataException(`Invalid schema name: ${jsonText(connectName)}`);
      name = connectName;
    } else if (type.kind === 'record' || type.kind === 'enum' || type.kind === 'fixed') {
      name = fullName(type);
    }
    if (name !== null && !name.startsWith(DEFAULT_SCHEMA_FULL_NAME)) {
      const current = builder.build().name;
      if (current !== null && current !== name) {
        throw new DataException(
          `Mismatched names: name already added to SchemaBuilder (${current}) differs from name in source schema (${name})`,
        );
      }
      if (current === null) builder.name(name);
    }
    if (forceOptional && !builder.isOptional) builder.optional();

    if (defaultJson !== undefined) {
      try {
        builder.defaultValue(defaultValueFromAvro(builder.build(), type, defaultJson, this.options));
      } catch (err) {
        // Confluent logs "Ignoring invalid default" and goes on without it.
        if (!(err instanceof DataException)) throw err;
      }
    }
    return builder.build();
  }
}

function decimalBuilder(props: ReadonlyMap<string, JsonValue>): SchemaBuilder {
  const scaleNode = props.get(AVRO_LOGICAL_DECIMAL_SCALE_PROP);
  // In Avro the scale is optional and defaults to 0.
  const builder = Decimal.builder(scaleNode instanceof JsonNumber ? Math.trunc(Number(scaleNode.text)) : 0);
  const precisionNode = props.get(AVRO_LOGICAL_DECIMAL_PRECISION_PROP);
  if (precisionNode !== undefined) {
    if (!(precisionNode instanceof JsonNumber))
      throw new DataException(
        `${AVRO_LOGICAL_DECIMAL_PRECISION_PROP} property must be a JSON Integer. https://avro.apache.org/docs/1.9.1/spec.html#Decimal`,
      );
    const precision = Math.trunc(Number(precisionNode.text));
    if (precision !== CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT) builder.parameter(CONNECT_AVRO_DECIMAL_PRECISION_PROP, String(precision));
  }
  return builder;
}

/** An Avro JSON default as a Connect value of `schema` (Confluent's defaultValueFromAvro). */
export function defaultValueFromAvro(schema: Schema, type: AvroType, json: JsonValue, options: AvroDataOptions): unknown {
  if (json === null) return null;
  const raw = rawDefault(schema, type, json, options);
  if (raw === null || schema.name === null) return raw;
  switch (schema.name) {
    case LogicalTypeName.DECIMAL:
      return Decimal.toLogical(schema, raw as Uint8Array);
    case LogicalTypeName.DATE:
      return ConnectDate.toLogical(schema, raw as number);
    case LogicalTypeName.TIME:
      return Time.toLogical(schema, raw as number);
    case LogicalTypeName.TIMESTAMP:
      return Timestamp.toLogical(schema, raw as bigint);
    default:
      return raw;
  }
}

function rawDefault(schema: Schema, type: AvroType, json: JsonValue, options: AvroDataOptions): unknown {
  const invalid = (): DataException => new DataException(`Invalid JSON for ${type.kind} default value: ${jsonText(json)}`);
  switch (type.kind) {
    case 'int': {
      if (!(json instanceof JsonNumber)) throw invalid();
      const n = Math.trunc(Number(json.text));
      if (schema.type === SchemaType.INT8) return (n << 24) >> 24;
      if (schema.type === SchemaType.INT16) return (n << 16) >> 16;
      return n | 0;
    }
    case 'long':
      if (!(json instanceof JsonNumber) || !json.integral) throw invalid();
      return BigInt(json.text);
    case 'float':
    case 'double': {
      const n = json instanceof JsonNumber ? Number(json.text) : typeof json === 'string' ? Number(json) : Number.NaN;
      if (Number.isNaN(n) && json !== 'NaN') throw invalid();
      return type.kind === 'float' ? Math.fround(n) : n;
    }
    case 'boolean':
      if (typeof json !== 'boolean') throw invalid();
      return json;
    case 'null':
      return null;
    case 'string':
    case 'enum':
      return typeof json === 'string' ? json : jsonText(json);
    case 'bytes':
    case 'fixed':
      if (typeof json !== 'string') throw invalid();
      return Buffer.from(json, 'latin1');
    case 'array': {
      if (!Array.isArray(json)) throw invalid();
      if (schema.type === SchemaType.MAP && isMapEntry(type.items)) return mapEntryDefault(schema, type.items, json, options);
      const items = schema.valueSchema;
      if (items === null) throw invalid();
      return json.map((element) => defaultValueFromAvro(items, type.items, element, options));
    }
    case 'map': {
      if (!(json instanceof JsonObject) || schema.valueSchema === null) throw invalid();
      const out = new Map<string, unknown>();
      for (const [k, v] of json) out.set(k, defaultValueFromAvro(schema.valueSchema, type.values, v, options));
      return out;
    }
    case 'record': {
      if (!(json instanceof JsonObject) || schema.type !== SchemaType.STRUCT) throw invalid();
      const struct = new Struct(schema);
      for (const avroField of type.fields) {
        const field = schema.field(avroField.name);
        if (field === null) throw invalid();
        const member = json.get(avroField.name);
        struct.put(field, member === undefined ? null : defaultValueFromAvro(field.schema, avroField.type, member, options));
      }
      return struct;
    }
    case 'union': {
      const first = type.types[0];
      if (first === undefined || first.kind === 'null') return null;
      if (schema.type === SchemaType.STRUCT && schema.name === AVRO_TYPE_UNION) {
        const field = schema.field(unionMemberFieldName(first, options));
        if (field === null) throw invalid();
        return new Struct(schema).put(field, defaultValueFromAvro(field.schema, first, json, options));
      }
      return rawDefault(schema, first, json, options);
    }
  }
}

/** A MAP's default as Confluent writes it into `connect.default`: `[[key, value], …]` (or entry objects). */
function mapEntryDefault(schema: Schema, entry: AvroRecord, json: JsonValue[], options: AvroDataOptions): Map<unknown, unknown> {
  const keyType = entry.fields.find((f) => f.name === KEY_FIELD)!.type;
  const valueType = entry.fields.find((f) => f.name === VALUE_FIELD)!.type;
  const out = new Map<unknown, unknown>();
  for (const pair of json) {
    let k: JsonValue | undefined;
    let v: JsonValue | undefined;
    if (Array.isArray(pair) && pair.length === 2) [k, v] = pair;
    else if (pair instanceof JsonObject) [k, v] = [pair.get(KEY_FIELD), pair.get(VALUE_FIELD)];
    if (k === undefined || v === undefined) throw new DataException(`Invalid JSON for map default value: ${jsonText(pair)}`);
    out.set(defaultValueFromAvro(schema.keySchema!, keyType, k, options), defaultValueFromAvro(schema.valueSchema!, valueType, v, options));
  }
  return out;
}
