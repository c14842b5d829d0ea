/**
 * Cast (`org.apache.kafka.connect.transforms.Cast$Key` / `$Value`): casts fields of a Struct or map
 * (`spec=a:int32,b:string`) or the whole key or value (`spec=int64`) to another primitive type. The
 * conversions are in cast-values.ts.
 *
 * As in Kafka, a whole-value cast keeps the schema's name, version, doc and parameters (a Timestamp
 * cast to string is a STRING schema named `org.apache.kafka.connect.data.Timestamp`), and a field
 * default is cast along with the field.
 */
import { DataException } from '../data/errors.js';
import { SchemaType, SCHEMA_TYPES } from '../data/schema.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ParsedValue } from '../sdk/config-def.js';
import { castValueToType, SUPPORTED_CAST_OUTPUT_TYPES } from './cast-values.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, defineReplaceNullWithDefault, javaSplitColon, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { copyMap, mapGet, mapSet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, fieldValue, SchemaCache } from './util/schema-util.js';

const PURPOSE = 'cast types';

interface CastSpec {
  /** Field → target type; empty for a whole-value cast. */
  readonly fields: ReadonlyMap<string, SchemaType>;
  readonly wholeValue: SchemaType | null;
}

/** The target type a spec names, or why it names none. */
function parseType(text: string): { type: SchemaType } | { problem: string } {
  const name = text.trim().toUpperCase();
  const type = SCHEMA_TYPES.find((t) => t === name);
  if (type === undefined) return { problem: `Invalid type found in casting spec: ${text.trim()}` };
  if (!SUPPORTED_CAST_OUTPUT_TYPES.includes(type)) {
    return {
      problem: `Cast transformation does not support casting to ${type}; supported types are [${SUPPORTED_CAST_OUTPUT_TYPES.join(', ')}]`,
    };
  }
  return { type };
}

/** Kafka's parseFieldTypes: the spec, or why it is invalid. */
function parseFieldTypes(mappings: readonly string[]): CastSpec | string {
  if (mappings.length === 0) return 'Must specify at least one field to cast.';
  const fields = new Map<string, SchemaType>();
  let wholeValue: SchemaType | null = null;
  for (const mapping of mappings) {
    const parts = javaSplitColon(mapping);
    // Kafka reports this one as an invalid rename mapping, a message borrowed from ReplaceField.
    if (parts.length > 2 || parts.length === 0) return `Invalid rename mapping: ${mapping}`;
    const parsed = parseType(parts.length === 1 ? parts[0]! : parts[1]!);
    if ('problem' in parsed) return parsed.problem;
    if (parts.length === 1) wholeValue = parsed.type;
    else fields.set(parts[0]!.trim(), parsed.type);
  }
  if (wholeValue !== null && mappings.length > 1) {
    return 'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec';
  }
  return { fields, wholeValue };
}

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef().define({
    name: 'spec',
    type: 'LIST',
    validator: {
      violations: (_name: string, value: ParsedValue) => {
        const parsed = parseFieldTypes(Array.isArray(value) ? value : []);
        return typeof parsed === 'string' ? [{ message: parsed }] : [];
      },
      toString: () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
    },
    importance: 'HIGH',
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of ' +
      'Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, ' +
      'int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
  }),
);

function builderFor(type: SchemaType): SchemaBuilder {
  if (!SUPPORTED_CAST_OUTPUT_TYPES.includes(type)) throw new DataException(`Unexpected type in Cast transformation: ${type}`);
  return new SchemaBuilder(type);
}

export abstract class Cast implements Transformation {
  static readonly OVERVIEW_DOC =
    'Cast fields or the entire key or value to a specific type, e.g. to force an integer field to a smaller ' +
    'width. Cast from integers, floats, boolean and string to any other type, ' +
    'and cast binary to string (base64 encoded).' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.Cast$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.Cast$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends Cast {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends Cast {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #spec: CastSpec = { fields: new Map(), wholeValue: null };
  #replaceNullWithDefault = true;
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    const spec = parseFieldTypes(config.getList('spec'));
    if (typeof spec === 'string') throw configProblem(spec, 'spec', configs.spec ?? null);
    this.#spec = spec;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#part.value(record);
    if (value === null || value === undefined) return record;
    const schema = this.#part.schema(record);
    return schema === null ? this.#applySchemaless(record, value) : this.#applyWithSchema(record, schema, value);
  }

  #applySchemaless<R extends ConnectRecord>(record: R, value: unknown): R {
    if (this.#spec.wholeValue !== null) return this.#part.with(record, null, castValueToType(null, value, this.#spec.wholeValue));
    const map = requireMap(value, PURPOSE);
    const updated = copyMap(map);
    for (const [field, type] of this.#spec.fields) mapSet(updated, field, castValueToType(null, mapGet(map, field), type));
    return this.#part.with(record, null, updated);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, schema: Schema, value: unknown): R {
    const updatedSchema = this.#schemaCache.getOrBuild(schema, (s) => this.#updatedSchema(s));
    if (this.#spec.wholeValue !== null)
      return this.#part.with(record, updatedSchema, castValueToType(schema, value, this.#spec.wholeValue));
    const struct = requireStruct(value, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields()) {
      const original = fieldValue(struct, field, this.#replaceNullWithDefault);
      const target = this.#spec.fields.get(field.name);
      updated.put(field.name, target === undefined ? original : castValueToType(field.schema, original, target));
    }
    return this.#part.with(record, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    let builder: SchemaBuilder;
    if (this.#spec.wholeValue !== null) {
      builder = copySchemaBasics(schema, builderFor(this.#spec.wholeValue));
    } else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of schema.fields()) {
        const target = this.#spec.fields.get(field.name);
        if (target === undefined) {
          builder.field(field.name, field.schema);
          continue;
        }
        const fieldBuilder = builderFor(target);
        if (field.schema.isOptional) fieldBuilder.optional();
        if (field.schema.defaultValue !== null)
          fieldBuilder.defaultValue(castValueToType(field.schema, field.schema.defaultValue, fieldBuilder.type));
        builder.field(field.name, fieldBuilder.build());
      }
    }
    if (schema.isOptional) builder.optional();
    if (schema.defaultValue !== null) builder.defaultValue(castValueToType(schema, schema.defaultValue, builder.type));
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
