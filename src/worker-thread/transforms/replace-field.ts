/**
 * ReplaceField (`org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`): keeps, drops
 * and renames the fields of a Struct or a schemaless map. `exclude` wins over `include`; renames
 * apply to the fields kept.
 */
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ParsedValue } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { defineReplaceNullWithDefault, javaSplitColon, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { emptyMapLike, mapEntriesOf, mapSet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, fieldValue, SchemaCache } from './util/schema-util.js';

const PURPOSE = 'field replacement';

/** Kafka's parseRenameMappings: `old:new` pairs; the reason for the first bad one, or the map. */
function parseRenameMappings(mappings: readonly string[]): Map<string, string> | string {
  const renames = new Map<string, string>();
  for (const mapping of mappings) {
    const parts = javaSplitColon(mapping);
    if (parts.length !== 2) return `Invalid rename mapping: ${mapping}`;
    renames.set(parts[0]!, parts[1]!);
  }
  return renames;
}

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: 'exclude',
      type: 'LIST',
      default: [],
      importance: 'MEDIUM',
      documentation: 'Fields to exclude. This takes precedence over the fields to include.',
    })
    .define({
      name: 'include',
      type: 'LIST',
      default: [],
      importance: 'MEDIUM',
      documentation: 'Fields to include. If specified, only these fields will be used.',
    })
    .define({
      name: 'renames',
      type: 'LIST',
      default: [],
      validator: {
        violations: (_name: string, value: ParsedValue) => {
          const parsed = parseRenameMappings(Array.isArray(value) ? value : []);
          return typeof parsed === 'string' ? [{ message: parsed }] : [];
        },
        toString: () => 'list of colon-delimited pairs, e.g. <code>foo:bar,abc:xyz</code>',
      },
      importance: 'MEDIUM',
      documentation: 'Field rename mappings.',
    }),
);

export abstract class ReplaceField implements Transformation {
  static readonly OVERVIEW_DOC =
    'Filter or rename fields.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.ReplaceField$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.ReplaceField$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends ReplaceField {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends ReplaceField {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #exclude: ReadonlySet<string> = new Set();
  #include: ReadonlySet<string> = new Set();
  #renames: ReadonlyMap<string, string> = new Map();
  #reverseRenames: ReadonlyMap<string, string> = new Map();
  #replaceNullWithDefault = true;
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#exclude = new Set(config.getList('exclude'));
    this.#include = new Set(config.getList('include'));
    // The validator has checked the mappings.
    const renames = parseRenameMappings(config.getList('renames')) as Map<string, string>;
    this.#renames = renames;
    this.#reverseRenames = new Map([...renames].map(([from, to]) => [to, from]));
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  #keeps(fieldName: string): boolean {
    return !this.#exclude.has(fieldName) && (this.#include.size === 0 || this.#include.has(fieldName));
  }

  #renamed(fieldName: string): string {
    return this.#renames.get(fieldName) ?? fieldName;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#part.value(record);
    if (value === null || value === undefined) return record;
    return this.#part.schema(record) === null ? this.#applySchemaless(record, value) : this.#applyWithSchema(record, value);
  }

  #applySchemaless<R extends ConnectRecord>(record: R, value: unknown): R {
    const map = requireMap(value, PURPOSE);
    const updated = emptyMapLike(map);
    for (const [name, fieldValue] of mapEntriesOf(map)) {
      const fieldName = String(name);
      if (this.#keeps(fieldName)) mapSet(updated, this.#renamed(fieldName), fieldValue);
    }
    return this.#part.with(record, null, updated);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, value: unknown): R {
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#schemaCache.getOrBuild(struct.schema, (schema) => this.#updatedSchema(schema));
    const updated = new Struct(updatedSchema);
    for (const field of updatedSchema.fields()) {
      updated.put(field.name, fieldValue(struct, this.#reverseRenames.get(field.name) ?? field.name, this.#replaceNullWithDefault));
    }
    return this.#part.with(record, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) if (this.#keeps(field.name)) builder.field(this.#renamed(field.name), field.schema);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
