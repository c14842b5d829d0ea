/**
 * Connect schema → Avro schema, as Confluent's `AvroData.fromConnectSchema` (schema-registry 7.x/8.x):
 *
 * - INT8/INT16 are Avro ints marked `"connect.type":"int8"|"int16"`; INT32 int, INT64 long,
 *   FLOAT32 float, FLOAT64 double, BOOLEAN, STRING, BYTES as their Avro primitives.
 * - STRUCT is a record named after the schema (namespace = the name up to its last dot); an unnamed
 *   one is `io.confluent.connect.avro.ConnectDefault`, then `ConnectDefault2`, `…3` within one schema.
 * - An optional schema is a union with null first, or null second when it has a default (an Avro
 *   union's default must match its first branch); an optional field defaults to null.
 * - MAP with (required) STRING keys is an Avro map; any other key type is an array of records
 *   `io.confluent.connect.avro.MapEntry` {key, value} (named after the map schema when it has a name).
 * - Logical types: Decimal is bytes with `logicalType: decimal`, `scale`, and `precision` from the
 *   `connect.decimal.precision` parameter (64 when absent); Date int+date; Time int+time-millis;
 *   Timestamp long+timestamp-millis.
 * - With `connect.meta.data` (the default), `connect.doc`, `connect.version`, `connect.parameters`,
 *   `connect.default` and `connect.name` carry what Avro has no place for, so that reading gives back
 *   the same Connect schema.
 * - A STRUCT named `io.confluent.connect.avro.Union` is an Avro union of its fields' schemas; with
 *   `enhanced.avro.schema.support`, a STRING with `io.confluent.connect.avro.Enum` parameters is an
 *   Avro enum, and one with `connect.fixed.size` a fixed.
 *
 * A field default that Avro would refuse for its type (an optional STRUCT's default: its union starts
 * with null) is left out of the field, as Confluent's AvroData does, and kept in `connect.default`.
 */
import { BigDecimal } from '../big-decimal.js';
import { DataException } from '../errors.js';
import { isPlainObject, mapEntries } from '../equality.js';
import { javaDoubleToString, javaFloatToString } from '../java-numbers.js';
import { JsonNumber, JsonObject } from '../json/json-text.js';
import type { JsonValue } from '../json/json-text.js';
import { ConnectDate, Decimal, Time, Timestamp } from '../logical-types.js';
import { ConnectSchema, LogicalTypeName, SchemaType, schemasEqual } from '../schema.js';
import type { Schema } from '../schema.js';
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
  DEFAULT_SCHEMA_NAME,
  KEY_FIELD,
  MAP_ENTRY_TYPE_NAME,
  NAMESPACE,
  VALUE_FIELD,
} from './avro-data-names.js';
import type { AvroDataOptions } from './avro-data-names.js';
import { jsonInt } from './avro-json.js';
import { addProp, splitName } from './avro-types.js';
import type { AvroField, AvroPrimitive, AvroType, PrimitiveName, Props } from './avro-types.js';

export function isUnionSchema(schema: Schema): boolean {
  return schema.type === SchemaType.STRUCT && schema.name === AVRO_TYPE_UNION;
}

export function isEnumSchema(schema: Schema): boolean {
  return schema.type === SchemaType.STRING && schema.parameters?.has(AVRO_TYPE_ENUM) === true;
}

/** Whether a MAP is written as an Avro map (string keys) rather than an array of key/value records. */
export function isStringKeyedMap(schema: Schema, options: AvroDataOptions): boolean {
  const key = schema.keySchema;
  return key !== null && key.type === SchemaType.STRING && (!key.isOptional || options.allowOptionalMapKeys);
}

/** The Avro schema of a Connect schema. Throws a DataException for a schema Avro cannot express. */
export function fromConnectSchema(schema: Schema, options: AvroDataOptions): AvroType {
  return new FromConnect(options).convert(schema, false);
}

/** Kafka's nonOptional: the same schema, required. */
export function nonOptional(schema: Schema): Schema {
  if (!schema.isOptional) return schema;
  return new ConnectSchema({
    type: schema.type,
    optional: false,
    defaultValue: schema.defaultValue,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    parameters: schema.parameters,
    fields: schema.type === SchemaType.STRUCT ? schema.fields() : null,
    keySchema: schema.keySchema,
    valueSchema: schema.valueSchema,
  });
}

class FromConnect {
  /** Required schemas already converted in this schema, so that a reused type is defined once. */
  readonly #converted: [Schema, AvroType][] = [];
  #defaultNameIndex = 0;

  constructor(readonly options: AvroDataOptions) {}

  convert(schema: Schema, ignoreOptional: boolean): AvroType {
    if (!isUnionSchema(schema) && !schema.isOptional) {
      for (const [s, avro] of this.#converted) if (s === schema || schemasEqual(s, schema)) return avro;
    }
    let connectType: string | null = null;
    let base: AvroType;
    switch (schema.type) {
      case SchemaType.INT8:
        connectType = CONNECT_TYPE_INT8;
        base = primitive('int');
        break;
      case SchemaType.INT16:
        connectType = CONNECT_TYPE_INT16;
        base = primitive('int');
        break;
      case SchemaType.INT32:
        base = primitive('int');
        break;
      case SchemaType.INT64:
        base = primitive('long');
        break;
      case SchemaType.FLOAT32:
        base = primitive('float');
        break;
      case SchemaType.FLOAT64:
        base = primitive('double');
        break;
      case SchemaType.BOOLEAN:
        base = primitive('boolean');
        break;
      case SchemaType.STRING:
        base = this.options.enhancedSchemaSupport && isEnumSchema(schema) ? this.#enum(schema) : primitive('string');
        break;
      case SchemaType.BYTES:
        base = this.#bytes(schema);
        break;
      case SchemaType.ARRAY:
        base = { kind: 'array', items: this.convert(requireChild(schema.valueSchema, schema, 'value'), false), props: new Map() };
        break;
      case SchemaType.MAP:
        base = this.#map(schema);
        break;
      case SchemaType.STRUCT:
        base = this.#struct(schema);
        break;
    }

    let result = base;
    if (base.kind !== 'union') {
      const props = base.props;
      if (this.options.connectMetaData) this.#addMetadata(schema, props, connectType);
      addLogicalType(schema, props);
      if (schema.parameters !== null) {
        for (const [k, v] of schema.parameters) if (k.startsWith(AVRO_PROP) && !props.has(k)) props.set(k, v);
      }
      if (!ignoreOptional && schema.isOptional) {
        const nullType = primitive('null');
        result = { kind: 'union', types: schema.defaultValue !== null ? [base, nullType] : [nullType, base] };
      }
    }
    if (!schema.isOptional) this.#converted.push([schema, result]);
    return result;
  }

  #addMetadata(schema: Schema, props: Props, connectType: string | null): void {
    if (schema.doc !== null) addProp(props, CONNECT_DOC_PROP, schema.doc);
    if (schema.version !== null) addProp(props, CONNECT_VERSION_PROP, jsonInt(schema.version));
    if (schema.parameters !== null) {
      const params = new JsonObject();
      for (const [k, v] of schema.parameters) if (k !== AVRO_FIELD_DEFAULT_FLAG_PROP) params.set(k, v);
      if (params.size > 0) addProp(props, CONNECT_PARAMETERS_PROP, params);
    }
    if (schema.defaultValue !== null && schema.parameters?.has(AVRO_FIELD_DEFAULT_FLAG_PROP) !== true) {
      addProp(props, CONNECT_DEFAULT_VALUE_PROP, defaultValueFromConnect(schema, schema.defaultValue, this.options, 'connect'));
    }
    if (schema.name !== null) addProp(props, CONNECT_NAME_PROP, schema.name);
    if (connectType !== null) addProp(props, CONNECT_TYPE_PROP, connectType);
  }

  #nameOrDefault(name: string | null): [string | null, string] {
    if (name !== null) return splitName(name);
    const index = ++this.#defaultNameIndex;
    return [NAMESPACE, DEFAULT_SCHEMA_NAME + (index > 1 ? String(index) : '')];
  }

  #enum(schema: Schema): AvroType {
    const params = schema.parameters!;
    const prefix = `${AVRO_TYPE_ENUM}.`;
    const symbols: string[] = [];
    for (const key of params.keys()) if (key.startsWith(prefix)) symbols.push(key.slice(prefix.length));
    const [, name] = this.#nameOrDefault(schema.name);
    const [namespace, enumName] = splitName(params.get(AVRO_TYPE_ENUM)!);
    return {
      kind: 'enum',
      name: enumName,
      namespace,
      doc: params.get(AVRO_ENUM_DOC_PREFIX_PROP + name) ?? null,
      symbols,
      enumDefault: params.get(AVRO_ENUM_DEFAULT_PREFIX_PROP + name) ?? null,
      props: new Map(),
    };
  }

  #bytes(schema: Schema): AvroType {
    const fixedSize = schema.parameters?.get(CONNECT_AVRO_FIXED_SIZE_PROP);
    let base: AvroType;
    if (fixedSize !== undefined) {
      const size = Number(fixedSize);
      if (!Number.isSafeInteger(size) || size < 0)
        throw new DataException(`Invalid ${CONNECT_AVRO_FIXED_SIZE_PROP} parameter: ${JSON.stringify(fixedSize)}`);
      const [namespace, name] = this.#nameOrDefault(schema.name);
      base = { kind: 'fixed', name, namespace, doc: null, size, props: new Map() };
    } else {
      base = primitive('bytes');
    }
    if (isDecimal(schema)) {
      base.props.set(AVRO_LOGICAL_DECIMAL_SCALE_PROP, jsonInt(Decimal.scale(schema)));
      base.props.set(AVRO_LOGICAL_DECIMAL_PRECISION_PROP, jsonInt(decimalPrecision(schema)));
    }
    return base;
  }

  #map(schema: Schema): AvroType {
    const keySchema = requireChild(schema.keySchema, schema, 'key');
    const valueSchema = requireChild(schema.valueSchema, schema, 'value');
    if (isStringKeyedMap(schema, this.options)) return { kind: 'map', values: this.convert(valueSchema, false), props: new Map() };
    let namespace: string | null = NAMESPACE;
    let name = MAP_ENTRY_TYPE_NAME;
    const props: Props = new Map();
    if (schema.name !== null) {
      [namespace, name] = this.#nameOrDefault(schema.name);
      props.set(CONNECT_INTERNAL_TYPE_NAME, MAP_ENTRY_TYPE_NAME);
    }
    const entry: AvroType = { kind: 'record', name, namespace, doc: null, fields: [], props };
    entry.fields = [this.#field(KEY_FIELD, keySchema, null), this.#field(VALUE_FIELD, valueSchema, null)];
    return { kind: 'array', items: entry, props: new Map() };
  }

  #struct(schema: Schema): AvroType {
    if (isUnionSchema(schema)) {
      const types: AvroType[] = schema.isOptional ? [primitive('null')] : [];
      for (const field of schema.fields()) types.push(this.convert(nonOptional(field.schema), true));
      return { kind: 'union', types };
    }
    if (schema.isOptional) return { kind: 'union', types: [primitive('null'), this.convert(nonOptional(schema), false)] };
    const [namespace, name] = this.#nameOrDefault(schema.name);
    const record: AvroType = {
      kind: 'record',
      name,
      namespace,
      doc: schema.parameters?.get(AVRO_RECORD_DOC_PROP) ?? null,
      fields: [],
      props: new Map(),
    };
    record.fields = schema
      .fields()
      .map((field) => this.#field(field.name, field.schema, schema.parameters?.get(AVRO_FIELD_DOC_PREFIX_PROP + field.name) ?? null));
    return record;
  }

  /** Confluent's addAvroRecordField: the default from the Connect default, null for an optional field. */
  #field(name: string, schema: Schema, doc: string | null): AvroField {
    let defaultValue: JsonValue | undefined;
    if (schema.defaultValue !== null) defaultValue = defaultValueFromConnect(schema, schema.defaultValue, this.options, 'field');
    else if (schema.isOptional) defaultValue = null;
    const type = this.convert(schema, false);
    if (defaultValue !== undefined && !isValidDefault(type, defaultValue)) defaultValue = undefined;
    return { name, type, doc, defaultValue, props: new Map() };
  }
}

function primitive(kind: PrimitiveName): AvroPrimitive {
  return { kind, props: new Map() };
}

function requireChild(child: Schema | null, parent: Schema, which: string): Schema {
  if (child === null) throw new DataException(`${parent.type} schema has no ${which} schema`);
  return child;
}

function isDecimal(schema: Schema): boolean {
  return schema.name !== null && schema.name.toLowerCase() === LogicalTypeName.DECIMAL.toLowerCase();
}

function decimalPrecision(schema: Schema): number {
  const text = schema.parameters?.get(CONNECT_AVRO_DECIMAL_PRECISION_PROP);
  if (text === undefined) return CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT;
  const precision = Number(text);
  if (!Number.isSafeInteger(precision))
    throw new DataException(`Invalid ${CONNECT_AVRO_DECIMAL_PRECISION_PROP} parameter: ${JSON.stringify(text)}`);
  return precision;
}

/** Avro's logical type annotations, in the order Avro Java adds them (after the connect.* properties). */
function addLogicalType(schema: Schema, props: Props): void {
  const name = schema.name?.toLowerCase();
  if (name === undefined) return;
  if (name === LogicalTypeName.DECIMAL.toLowerCase()) {
    const precision = decimalPrecision(schema);
    const scaleText = schema.parameters?.get('scale');
    const scale = scaleText === undefined ? 0 : Decimal.scale(schema);
    // Avro's decimal requires 0 <= scale <= precision; outside that Confluent falls back to the bare
    // logicalType property (its "legacy" form), which readers still understand.
    if (scale >= 0 && scale <= precision && precision > 0) {
      addProp(props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_DECIMAL);
      addProp(props, AVRO_LOGICAL_DECIMAL_PRECISION_PROP, jsonInt(precision));
      addProp(props, AVRO_LOGICAL_DECIMAL_SCALE_PROP, jsonInt(scale));
    } else {
      addProp(props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_DECIMAL);
    }
  } else if (name === LogicalTypeName.TIME.toLowerCase()) {
    addProp(props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_TIME_MILLIS);
  } else if (name === LogicalTypeName.TIMESTAMP.toLowerCase()) {
    addProp(props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_TIMESTAMP_MILLIS);
  } else if (name === LogicalTypeName.DATE.toLowerCase()) {
    addProp(props, AVRO_LOGICAL_TYPE_PROP, AVRO_LOGICAL_DATE);
  }
}

/**
 * Confluent's defaultValueFromConnect: a Connect default as Avro JSON. `use` says where it goes: a
 * FLOAT32 in `connect.default` is written as Java writes a float (`1.1`); as a field default, Avro Java
 * widens it to a double first (`1.100000023841858`).
 */
export function defaultValueFromConnect(schema: Schema, value: unknown, options: AvroDataOptions, use: 'connect' | 'field'): JsonValue {
  if (value === null || value === undefined) return null;
  try {
    switch (schema.name) {
      case LogicalTypeName.DECIMAL:
        if (!(value instanceof BigDecimal)) throw new DataException('a Decimal default is a BigDecimal');
        return latin1(Decimal.fromLogical(schema, value));
      case LogicalTypeName.DATE:
        return jsonInt(ConnectDate.fromLogical(schema, value as Date));
      case LogicalTypeName.TIME:
        return jsonInt(Time.fromLogical(schema, value as Date));
      case LogicalTypeName.TIMESTAMP:
        return jsonInt(Timestamp.fromLogical(schema, value as Date));
      default:
        break;
    }
    switch (schema.type) {
      case SchemaType.INT8:
      case SchemaType.INT16:
      case SchemaType.INT32:
      case SchemaType.INT64:
        if (typeof value !== 'number' && typeof value !== 'bigint') break;
        return jsonInt(value);
      case SchemaType.FLOAT32:
        if (typeof value !== 'number') break;
        return floatJson(value, use === 'connect' ? javaFloatToString(value) : javaDoubleToString(Math.fround(value)));
      case SchemaType.FLOAT64:
        if (typeof value !== 'number') break;
        return floatJson(value, javaDoubleToString(value));
      case SchemaType.BOOLEAN:
        if (typeof value !== 'boolean') break;
        return value;
      case SchemaType.STRING:
        if (typeof value !== 'string') break;
        return value;
      case SchemaType.BYTES:
        if (!(value instanceof Uint8Array)) break;
        return latin1(value);
      case SchemaType.ARRAY:
        if (!Array.isArray(value)) break;
        return value.map((v) => defaultValueFromConnect(schema.valueSchema!, v, options, use));
      case SchemaType.MAP: {
        const entries = mapEntries(value);
        if (entries === undefined) break;
        if (isStringKeyedMap(schema, options)) {
          const node = new JsonObject();
          for (const [k, v] of entries) node.set(String(k), defaultValueFromConnect(schema.valueSchema!, v, options, use));
          return node;
        }
        return entries.map(([k, v]) => [
          defaultValueFromConnect(schema.keySchema!, k, options, use),
          defaultValueFromConnect(schema.valueSchema!, v, options, use),
        ]);
      }
      case SchemaType.STRUCT: {
        if (!(value instanceof Struct)) break;
        const node = new JsonObject();
        for (const field of schema.fields()) {
          const fieldDefault = defaultValueFromConnect(field.schema, value.get(field), options, use);
          // A union's default is its first member's (Confluent returns on the first field).
          if (isUnionSchema(schema)) return fieldDefault;
          node.set(field.name, fieldDefault);
        }
        return node;
      }
    }
  } catch (err) {
    if (err instanceof DataException)
      throw new DataException(`Invalid default value of ${schema.type} schema: ${err.message}`, { cause: err });
    throw err;
  }
  throw new DataException(
    `Invalid type used for default value of ${schema.type} field: ${isPlainObject(value) ? 'plain object' : typeof value}`,
  );
}

/** Bytes as Avro JSON writes them: each byte one ISO-8859-1 character. */
function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

function floatJson(value: number, text: string): JsonValue {
  // Jackson writes NaN and the infinities as bare words, which is not JSON; a string keeps the text readable.
  return Number.isFinite(value) ? new JsonNumber(text, false) : text;
}

/** Avro's Schema.isValidDefault: whether a JSON default fits a type (a union: its first branch). */
export function isValidDefault(type: AvroType, value: JsonValue): boolean {
  switch (type.kind) {
    case 'string':
    case 'bytes':
    case 'enum':
    case 'fixed':
      return typeof value === 'string';
    case 'int':
    case 'long':
      return value instanceof JsonNumber && value.integral;
    case 'float':
    case 'double':
      return value instanceof JsonNumber || value === 'NaN' || value === 'Infinity' || value === '-Infinity';
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value) && value.every((v) => isValidDefault(type.items, v));
    case 'map':
      return value instanceof JsonObject && [...value.values()].every((v) => isValidDefault(type.values, v));
    case 'union':
      return type.types.length > 0 && isValidDefault(type.types[0]!, value);
    case 'record':
      if (!(value instanceof JsonObject)) return false;
      return type.fields.every((f) => {
        const fieldValue = value.has(f.name) ? value.get(f.name) : f.defaultValue;
        return fieldValue !== undefined && isValidDefault(f.type, fieldValue);
      });
  }
}
