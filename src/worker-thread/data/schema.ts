/**
 * Kafka Connect's data model (`org.apache.kafka.connect.data`): the Schema of a key or value, its
 * Fields, and the predefined schemas (`Schema.STRING_SCHEMA`, `Schema.OPTIONAL_INT64_SCHEMA`…).
 * Schemas are immutable; build them with SchemaBuilder.
 *
 * Which JavaScript values each type takes (ConnectSchema.validateValue checks them):
 *
 * | Schema type             | JavaScript value                                                      |
 * |-------------------------|-----------------------------------------------------------------------|
 * | INT8, INT16, INT32      | an integer number in range (a bigint in range is accepted)            |
 * | INT64                   | a bigint; a number is accepted when it is a safe integer (≤ 2^53 - 1) |
 * | FLOAT32, FLOAT64        | a number (FLOAT32 values are rounded to float32 when written)         |
 * | BOOLEAN / STRING        | a boolean / a string                                                   |
 * | BYTES                   | a Uint8Array (Buffer is one)                                           |
 * | ARRAY                   | an array                                                               |
 * | MAP                     | a Map; with STRING keys, a plain object too                            |
 * | STRUCT                  | a Struct with an equal schema                                          |
 * | Decimal (BYTES)         | a BigDecimal                                                           |
 * | Date, Time, Timestamp   | a Date                                                                 |
 *
 * The INT64 rule: connectd never produces an INT64 as a number. Whatever it reads (JSON, the
 * LongConverter, headers, schemaless JSON integers, which Kafka Connect types INT64) is a bigint,
 * whatever its size, so code that handles INT64 values handles one type and never silently loses
 * digits past 2^53. On the way in, a number is accepted where it is exact.
 *
 * Differences from Java: `keySchema`/`valueSchema` read null on a schema that has none instead of
 * throwing; parameters are a ReadonlyMap (insertion order is kept, as Kafka's LinkedHashMap does, and
 * the JsonConverter writes them in that order).
 */
import { DataException } from './errors.js';
import { valuesEqual } from './equality.js';

/** The types of Kafka Connect's data model (Schema.Type). */
export const SchemaType = {
  INT8: 'INT8',
  INT16: 'INT16',
  INT32: 'INT32',
  INT64: 'INT64',
  FLOAT32: 'FLOAT32',
  FLOAT64: 'FLOAT64',
  BOOLEAN: 'BOOLEAN',
  STRING: 'STRING',
  BYTES: 'BYTES',
  ARRAY: 'ARRAY',
  MAP: 'MAP',
  STRUCT: 'STRUCT',
} as const;
/** One of {@link SchemaType}'s names. */
export type SchemaType = (typeof SchemaType)[keyof typeof SchemaType];

export const SCHEMA_TYPES: readonly SchemaType[] = Object.values(SchemaType);

/** Names of Kafka Connect's logical types, which the converters recognise by schema name. */
export const LogicalTypeName = {
  DECIMAL: 'org.apache.kafka.connect.data.Decimal',
  DATE: 'org.apache.kafka.connect.data.Date',
  TIME: 'org.apache.kafka.connect.data.Time',
  TIMESTAMP: 'org.apache.kafka.connect.data.Timestamp',
} as const;

/**
 * A schema of Kafka Connect's data model: its type, whether null is allowed, name, version, doc,
 * parameters, and the schemas of its fields, keys or items. Made by {@link SchemaBuilder}, or
 * taken from the constants of {@link Schema}.
 */
export interface Schema {
  readonly type: SchemaType;
  readonly isOptional: boolean;
  /** null when the schema has no default (Kafka Connect cannot tell "no default" from a null default either). */
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: ReadonlyMap<string, string> | null;
  /** MAP only; null otherwise. */
  readonly keySchema: Schema | null;
  /** ARRAY and MAP only; null otherwise. */
  readonly valueSchema: Schema | null;
  /** STRUCT only: throws a DataException for other types, as Kafka does. */
  fields(): readonly Field[];
  /** STRUCT only: the field of that name, or null. */
  field(fieldName: string): Field | null;
  /** Kafka's ConnectSchema.equals: every attribute, default values and field schemas deeply. */
  equals(other: unknown): boolean;
  /** Kafka's format: `Schema{name:TYPE}`, or `Schema{TYPE}` without a name. */
  toString(): string;
}

/** The attributes of a new {@link ConnectSchema}, as given to its constructor. */
export interface ConnectSchemaInit {
  type: SchemaType;
  optional?: boolean;
  defaultValue?: unknown;
  name?: string | null;
  version?: number | null;
  doc?: string | null;
  parameters?: ReadonlyMap<string, string> | Readonly<Record<string, string>> | null;
  fields?: readonly Field[] | null;
  keySchema?: Schema | null;
  valueSchema?: Schema | null;
}

/**
 * The immutable Schema. Constructing one directly does not validate the default value (as in Kafka);
 * SchemaBuilder does.
 */
export class ConnectSchema implements Schema {
  readonly type: SchemaType;
  readonly isOptional: boolean;
  readonly defaultValue: unknown;
  readonly name: string | null;
  readonly version: number | null;
  readonly doc: string | null;
  readonly parameters: ReadonlyMap<string, string> | null;
  readonly keySchema: Schema | null;
  readonly valueSchema: Schema | null;
  readonly #fields: readonly Field[] | null;
  readonly #fieldsByName: ReadonlyMap<string, Field> | null;

  constructor(init: ConnectSchemaInit) {
    if (!SCHEMA_TYPES.includes(init.type)) throw new DataException(`Unknown schema type: ${String(init.type)}`);
    this.type = init.type;
    this.isOptional = init.optional ?? false;
    this.defaultValue = init.defaultValue ?? null;
    this.name = init.name ?? null;
    this.version = init.version ?? null;
    this.doc = init.doc ?? null;
    const params = init.parameters ?? null;
    this.parameters = params === null ? null : new Map(params instanceof Map ? params : Object.entries(params));
    this.keySchema = init.keySchema ?? null;
    this.valueSchema = init.valueSchema ?? null;
    if (this.type === SchemaType.STRUCT) {
      this.#fields = Object.freeze([...(init.fields ?? [])]);
      this.#fieldsByName = new Map(this.#fields.map((f) => [f.name, f]));
    } else {
      this.#fields = null;
      this.#fieldsByName = null;
    }
  }

  fields(): readonly Field[] {
    if (this.#fields === null) throw new DataException('Cannot list fields on non-struct type');
    return this.#fields;
  }

  field(fieldName: string): Field | null {
    if (this.#fieldsByName === null) throw new DataException('Cannot look up fields on non-struct type');
    return this.#fieldsByName.get(fieldName) ?? null;
  }

  equals(other: unknown): boolean {
    return schemasEqual(this, other);
  }

  toString(): string {
    return this.name !== null ? `Schema{${this.name}:${this.type}}` : `Schema{${this.type}}`;
  }
}

/** A field of a STRUCT schema: its name, its position, and its schema. */
export class Field {
  constructor(
    readonly name: string,
    readonly index: number,
    readonly schema: Schema,
  ) {}

  /** The same name, index and schema. */
  equals(other: unknown): boolean {
    return other instanceof Field && other.index === this.index && other.name === this.name && schemasEqual(this.schema, other.schema);
  }

  /** Kafka's format: `Field{name=…, index=…, schema=…}`. */
  toString(): string {
    return `Field{name=${this.name}, index=${this.index}, schema=${String(this.schema)}}`;
  }
}

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && typeof (value as Schema).fields === 'function' && 'isOptional' in value;
}

/** Kafka's ConnectSchema.equals, for any two schemas (or nulls). */
export function schemasEqual(a: unknown, b: unknown): boolean {
  return a === b || equalSchemas(a, b, true);
}

/**
 * Whether a Struct built with schema `a` may stand where schema `b` is expected: equal except
 * perhaps for their own default values. Kafka requires full equality, which makes a STRUCT default
 * impossible (the default's schema cannot contain the default itself); the default is not part of
 * a struct's shape.
 */
export function structSchemasMatch(a: unknown, b: unknown): boolean {
  return a === b || equalSchemas(a, b, false);
}

function equalSchemas(a: unknown, b: unknown, compareDefaults: boolean): boolean {
  if (!isSchema(a) || !isSchema(b)) return false;
  if (
    a.type !== b.type ||
    a.isOptional !== b.isOptional ||
    a.version !== b.version ||
    a.name !== b.name ||
    a.doc !== b.doc ||
    !parametersEqual(a.parameters, b.parameters) ||
    !schemasEqual(a.keySchema, b.keySchema) ||
    !schemasEqual(a.valueSchema, b.valueSchema) ||
    (compareDefaults && !valuesEqual(a.defaultValue, b.defaultValue))
  ) {
    return false;
  }
  if (a.type !== SchemaType.STRUCT) return true;
  const fa = a.fields();
  const fb = b.fields();
  return fa.length === fb.length && fa.every((f, i) => f.equals(fb[i]));
}

function parametersEqual(a: ReadonlyMap<string, string> | null, b: ReadonlyMap<string, string> | null): boolean {
  if (a === b) return true;
  if (a === null || b === null || a.size !== b.size) return false;
  for (const [k, v] of a) if (b.get(k) !== v) return false;
  return true;
}

const primitive = (type: SchemaType, optional: boolean): Schema => Object.freeze(new ConnectSchema({ type, optional }));

/**
 * The Schema interface's constants, as in Java: `Schema.INT32_SCHEMA`, `Schema.OPTIONAL_STRING_SCHEMA`,
 * and `Schema.Type`.
 */
export const Schema = Object.freeze({
  Type: SchemaType,
  INT8_SCHEMA: primitive(SchemaType.INT8, false),
  INT16_SCHEMA: primitive(SchemaType.INT16, false),
  INT32_SCHEMA: primitive(SchemaType.INT32, false),
  INT64_SCHEMA: primitive(SchemaType.INT64, false),
  FLOAT32_SCHEMA: primitive(SchemaType.FLOAT32, false),
  FLOAT64_SCHEMA: primitive(SchemaType.FLOAT64, false),
  BOOLEAN_SCHEMA: primitive(SchemaType.BOOLEAN, false),
  STRING_SCHEMA: primitive(SchemaType.STRING, false),
  BYTES_SCHEMA: primitive(SchemaType.BYTES, false),
  OPTIONAL_INT8_SCHEMA: primitive(SchemaType.INT8, true),
  OPTIONAL_INT16_SCHEMA: primitive(SchemaType.INT16, true),
  OPTIONAL_INT32_SCHEMA: primitive(SchemaType.INT32, true),
  OPTIONAL_INT64_SCHEMA: primitive(SchemaType.INT64, true),
  OPTIONAL_FLOAT32_SCHEMA: primitive(SchemaType.FLOAT32, true),
  OPTIONAL_FLOAT64_SCHEMA: primitive(SchemaType.FLOAT64, true),
  OPTIONAL_BOOLEAN_SCHEMA: primitive(SchemaType.BOOLEAN, true),
  OPTIONAL_STRING_SCHEMA: primitive(SchemaType.STRING, true),
  OPTIONAL_BYTES_SCHEMA: primitive(SchemaType.BYTES, true),
});

/** A schema and a value: what a converter reads from bytes. Kafka's SchemaAndValue. */
export class SchemaAndValue {
  static readonly NULL = Object.freeze(new SchemaAndValue(null, null));

  constructor(
    readonly schema: Schema | null,
    readonly value: unknown,
  ) {}

  /** Equal schemas and equal values. */
  equals(other: unknown): boolean {
    return other instanceof SchemaAndValue && schemasEqual(this.schema, other.schema) && valuesEqual(this.value, other.value);
  }

  /** Kafka's format: `SchemaAndValue{schema=…, value=…}`. */
  toString(): string {
    return `SchemaAndValue{schema=${String(this.schema)}, value=${String(this.value)}}`;
  }
}
