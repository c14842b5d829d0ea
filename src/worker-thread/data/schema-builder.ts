/**
 * SchemaBuilder, Kafka Connect's fluent way to make a Schema:
 *
 * ```ts
 * const row = SchemaBuilder.struct().name('com.example.Row').version(1)
 *   .field('id', Schema.INT64_SCHEMA)
 *   .field('amount', Decimal.builder(2).optional())
 *   .build();
 * ```
 *
 * As in Kafka, each attribute can be set once (setting it again to another value throws), and the
 * default value is checked against the schema being built. Where Kafka accepts a SchemaBuilder as a
 * Schema (for a field, an array's items or a map's keys and values), a builder is built on the spot.
 *
 * One difference: Kafka checks a STRUCT default against the builder itself, which a Struct's schema
 * can never equal, so a struct-typed default is impossible there; here a Struct fits a schema that
 * equals its own except for the default value (structSchemasMatch), so it works.
 */
import { SchemaBuilderException, DataException } from './errors.js';
import { ConnectSchema, Field, SchemaType } from './schema.js';
import type { Schema } from './schema.js';
import { validateValue } from './struct.js';

/** Where a schema is expected, a builder is accepted too (and built on the spot). */
export type SchemaOrBuilder = Schema | SchemaBuilder;

function asSchema(value: SchemaOrBuilder): Schema {
  return value instanceof SchemaBuilder ? value.build() : value;
}

/** Kafka Connect's fluent way to make a {@link Schema} (see the module comment for an example). */
export class SchemaBuilder {
  readonly type: SchemaType;
  #optional: boolean | null = null;
  #defaultValue: unknown = null;
  #name: string | null = null;
  #version: number | null = null;
  #doc: string | null = null;
  #parameters: Map<string, string> | null = null;
  readonly #fields: Map<string, Field> | null;
  #keySchema: Schema | null = null;
  #valueSchema: Schema | null = null;

  constructor(type: SchemaType) {
    if (!Object.values(SchemaType).includes(type)) throw new SchemaBuilderException(`Unknown schema type: ${String(type)}`);
    this.type = type;
    this.#fields = type === SchemaType.STRUCT ? new Map() : null;
  }

  /** A builder of a schema of this type. */
  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }
  /** A builder of an INT8 schema. */
  static int8(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.INT8);
  }
  /** A builder of an INT16 schema. */
  static int16(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.INT16);
  }
  /** A builder of an INT32 schema. */
  static int32(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.INT32);
  }
  /** A builder of an INT64 schema. */
  static int64(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.INT64);
  }
  /** A builder of a FLOAT32 schema. */
  static float32(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.FLOAT32);
  }
  /** A builder of a FLOAT64 schema. */
  static float64(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.FLOAT64);
  }
  /** A builder of a BOOLEAN schema. */
  static bool(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.BOOLEAN);
  }
  /** A builder of a STRING schema. */
  static string(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.STRING);
  }
  /** A builder of a BYTES schema. */
  static bytes(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.BYTES);
  }
  /** A builder of a STRUCT schema. */
  static struct(): SchemaBuilder {
    return new SchemaBuilder(SchemaType.STRUCT);
  }
  /** A builder of an ARRAY schema whose items have `valueSchema`. */
  static array(valueSchema: SchemaOrBuilder): SchemaBuilder {
    if (valueSchema === null || valueSchema === undefined) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder(SchemaType.ARRAY);
    builder.#valueSchema = asSchema(valueSchema);
    return builder;
  }
  /** A builder of a MAP schema with these key and value schemas. */
  static map(keySchema: SchemaOrBuilder, valueSchema: SchemaOrBuilder): SchemaBuilder {
    if (keySchema === null || keySchema === undefined) throw new SchemaBuilderException('keySchema cannot be null.');
    if (valueSchema === null || valueSchema === undefined) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder(SchemaType.MAP);
    builder.#keySchema = asSchema(keySchema);
    builder.#valueSchema = asSchema(valueSchema);
    return builder;
  }

  /** Whether the schema built will accept null. */
  get isOptional(): boolean {
    return this.#optional === true;
  }

  /** The schema accepts null. */
  optional(): this {
    checkCanSet('optional', this.#optional, true);
    this.#optional = true;
    return this;
  }

  /** The schema does not accept null (the default). */
  required(): this {
    checkCanSet('optional', this.#optional, false);
    this.#optional = false;
    return this;
  }

  /** Checked against the schema as built so far: set it after the fields, as in Kafka. */
  defaultValue(value: unknown): this {
    checkCanSet('default', this.#defaultValue, value);
    try {
      validateValue(this.#build(null), value);
    } catch (err) {
      if (err instanceof DataException) throw new SchemaBuilderException(`Invalid default value: ${err.message}`, { cause: err });
      throw err;
    }
    this.#defaultValue = value ?? null;
    return this;
  }

  /** The schema's name (e.g. a logical type's, or a record's full name). */
  name(name: string): this {
    checkCanSet('name', this.#name, name);
    this.#name = name;
    return this;
  }

  /** The schema's version. */
  version(version: number): this {
    if (!Number.isInteger(version))
      throw new SchemaBuilderException(`Invalid SchemaBuilder call: version must be an integer, not ${version}`);
    checkCanSet('version', this.#version, version);
    this.#version = version;
    return this;
  }

  /** The schema's documentation. */
  doc(doc: string): this {
    checkCanSet('doc', this.#doc, doc);
    this.#doc = doc;
    return this;
  }

  /** Adds one parameter (e.g. a Decimal's `scale`). */
  parameter(name: string, value: string): this {
    this.#parameters ??= new Map();
    this.#parameters.set(name, value);
    return this;
  }

  /** Adds every parameter; an empty set adds nothing (Kafka never keeps an empty parameter map). */
  parameters(params: ReadonlyMap<string, string> | Readonly<Record<string, string>>): this {
    const entries = params instanceof Map ? [...(params as ReadonlyMap<string, string>)] : Object.entries(params);
    for (const [k, v] of entries) this.parameter(k, v);
    return this;
  }

  /** Adds a field to a STRUCT schema; throws for another type or a field name used twice. */
  field(fieldName: string, fieldSchema: SchemaOrBuilder): this {
    if (this.#fields === null) throw new SchemaBuilderException(`Cannot create fields on type ${this.type}`);
    if (typeof fieldName !== 'string' || fieldName === '') throw new SchemaBuilderException('fieldName cannot be null.');
    if (fieldSchema === null || fieldSchema === undefined)
      throw new SchemaBuilderException(`fieldSchema for field ${fieldName} cannot be null.`);
    if (this.#fields.has(fieldName)) throw new SchemaBuilderException(`Cannot create field because of field name duplication ${fieldName}`);
    this.#fields.set(fieldName, new Field(fieldName, this.#fields.size, asSchema(fieldSchema)));
    return this;
  }

  /** The schema, immutable. */
  build(): Schema {
    return this.#build(this.#defaultValue);
  }

  /** Kafka's SchemaBuilder.schema(): the same as build(). */
  schema(): Schema {
    return this.build();
  }

  #build(defaultValue: unknown): Schema {
    return new ConnectSchema({
      type: this.type,
      optional: this.isOptional,
      defaultValue,
      name: this.#name,
      version: this.#version,
      doc: this.#doc,
      parameters: this.#parameters,
      fields: this.#fields === null ? null : [...this.#fields.values()],
      keySchema: this.#keySchema,
      valueSchema: this.#valueSchema,
    });
  }
}

function checkCanSet(attribute: string, current: unknown, value: unknown): void {
  if (current !== null && current !== value)
    throw new SchemaBuilderException(`Invalid SchemaBuilder call: ${attribute} has already been set.`);
}
