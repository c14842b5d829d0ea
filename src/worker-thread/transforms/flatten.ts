/**
 * Flatten (`org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`): nested structs (or maps,
 * without a schema) become top-level fields named by joining the names with `delimiter`. Arrays are
 * kept as they are; a MAP inside a Struct is refused, as in Kafka. A flattened field is optional
 * when any of its parents is, and takes its default from the nearest parent that has one.
 */
import { BigDecimal } from '../data/big-decimal.js';
import { DataException } from '../data/errors.js';
import { isPlainObject } from '../data/equality.js';
import { SchemaType } from '../data/schema.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { simpleConfig } from './util/config.js';
import { emptyMapLike, mapEntriesOf, mapSet } from './util/map-value.js';
import type { MapValue } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStructOrNull, typeName } from './util/requirements.js';
import { copySchemaBasics, SchemaCache } from './util/schema-util.js';

const PURPOSE = 'flattening';

const CONFIG_DEF = new ConfigDef().define({
  name: 'delimiter',
  type: 'STRING',
  default: '.',
  importance: 'MEDIUM',
  documentation: 'Delimiter to insert between field names from the input record when generating field names for the output record',
});

const KEPT_AS_IS: ReadonlySet<SchemaType> = new Set([
  SchemaType.INT8,
  SchemaType.INT16,
  SchemaType.INT32,
  SchemaType.INT64,
  SchemaType.FLOAT32,
  SchemaType.FLOAT64,
  SchemaType.BOOLEAN,
  SchemaType.STRING,
  SchemaType.BYTES,
  SchemaType.ARRAY,
]);

/** ConnectSchema.schemaType(value.getClass()) for a schemaless value; null for a class Connect has no type for. */
function inferredType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'number':
      return Number.isInteger(value) ? SchemaType.INT32 : SchemaType.FLOAT64;
    case 'bigint':
      return SchemaType.INT64;
    case 'boolean':
      return SchemaType.BOOLEAN;
    case 'string':
      return SchemaType.STRING;
    default:
      break;
  }
  if (value instanceof Uint8Array) return SchemaType.BYTES;
  if (Array.isArray(value)) return SchemaType.ARRAY;
  if (value instanceof Map || isPlainObject(value)) return SchemaType.MAP;
  if (value instanceof Struct) return SchemaType.STRUCT;
  // Dates and BigDecimals have schema types only through a logical type's schema.
  if (value instanceof Date || value instanceof BigDecimal) return null;
  return null;
}

export abstract class Flatten implements Transformation {
  static readonly OVERVIEW_DOC =
    'Flatten a nested data structure, generating names for each field by concatenating the field names at each ' +
    'level with a configurable delimiter character. Applies to Struct when schema present, or a Map ' +
    "in the case of schemaless data. Array fields and their contents are not modified. The default delimiter is '.'." +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.Flatten$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.Flatten$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends Flatten {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends Flatten {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #delimiter = '.';
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.#delimiter = simpleConfig(CONFIG_DEF, configs).getString('delimiter');
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#part.schema(record);
    if (schema === null) {
      const map = requireMap(value, PURPOSE);
      const updated = emptyMapLike(map);
      this.#flattenSchemaless(map, '', updated);
      return this.#part.with(record, null, updated);
    }
    const struct = requireStructOrNull(value, PURPOSE);
    const updatedSchema = this.#schemaCache.getOrBuild(schema, (s) => {
      const builder = copySchemaBasics(s, SchemaBuilder.struct());
      this.#flattenSchema(s, '', builder, s.isOptional, s.defaultValue as Struct | null);
      return builder.build();
    });
    if (struct === null) return this.#part.with(record, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    this.#flattenStruct(struct, '', updated);
    return this.#part.with(record, updatedSchema, updated);
  }

  #fieldName(prefix: string, name: string): string {
    return prefix === '' ? name : prefix + this.#delimiter + name;
  }

  #flattenSchemaless(original: MapValue, prefix: string, updated: MapValue): void {
    for (const [key, value] of mapEntriesOf(original)) {
      const fieldName = this.#fieldName(prefix, String(key));
      if (value === null || value === undefined) {
        mapSet(updated, fieldName, null);
        continue;
      }
      const type = inferredType(value);
      if (type === null)
        throw new DataException(
          `Flatten transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`,
        );
      if (KEPT_AS_IS.has(type)) mapSet(updated, fieldName, value);
      else if (type === SchemaType.MAP) this.#flattenSchemaless(requireMap(value, PURPOSE), fieldName, updated);
      else
        throw new DataException(
          `Flatten transformation does not support ${typeName(value)} for record without schemas (for field ${fieldName}).`,
        );
    }
  }

  #flattenSchema(schema: Schema, prefix: string, builder: SchemaBuilder, optional: boolean, defaultFromParent: Struct | null): void {
    for (const field of schema.fields()) {
      const fieldName = this.#fieldName(prefix, field.name);
      const fieldIsOptional = optional || field.schema.isOptional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== null) fieldDefault = field.schema.defaultValue;
      else if (defaultFromParent !== null) fieldDefault = defaultFromParent.get(field.name);
      if (KEPT_AS_IS.has(field.schema.type)) {
        const fieldBuilder = copySchemaBasics(field.schema);
        if (fieldIsOptional) fieldBuilder.optional();
        if (fieldDefault !== null) fieldBuilder.defaultValue(fieldDefault);
        builder.field(fieldName, fieldBuilder.build());
      } else if (field.schema.type === SchemaType.STRUCT) {
        this.#flattenSchema(field.schema, fieldName, builder, fieldIsOptional, fieldDefault as Struct | null);
      } else {
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type} for record with schemas (for field ${fieldName}).`,
        );
      }
    }
  }

  #flattenStruct(struct: Struct, prefix: string, updated: Struct): void {
    for (const field of struct.schema.fields()) {
      const fieldName = this.#fieldName(prefix, field.name);
      if (KEPT_AS_IS.has(field.schema.type)) {
        updated.put(fieldName, struct.get(field));
      } else if (field.schema.type === SchemaType.STRUCT) {
        const nested = struct.getStruct(field.name);
        if (nested !== null) this.#flattenStruct(nested, fieldName, updated);
      } else {
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type} for record with schemas (for field ${fieldName}).`,
        );
      }
    }
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
