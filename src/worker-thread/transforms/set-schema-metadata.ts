/**
 * SetSchemaMetadata (`org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`): sets
 * the name and/or version of the key's or value's schema, rebuilding a Struct on the new schema.
 * As in Kafka 4.1, only STRUCT schemas can be renamed: for any other, Kafka's call to
 * `schema.fields()` throws "Cannot list fields on non-struct type", and so does this.
 */
import { ConnectSchema, SchemaType } from '../data/schema.js';
import type { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, defineReplaceNullWithDefault, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireSchema } from './util/requirements.js';
import { fieldValue } from './util/schema-util.js';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({ name: 'schema.name', type: 'STRING', default: null, importance: 'HIGH', documentation: 'Schema name to set.' })
    .define({ name: 'schema.version', type: 'INT', default: null, importance: 'HIGH', documentation: 'Schema version to set.' }),
);

export abstract class SetSchemaMetadata implements Transformation {
  static readonly OVERVIEW_DOC =
    "Set the schema name, version or both on the record's key (<code>org.apache.kafka.connect.transforms.SetSchemaMetadata$Key</code>)" +
    ' or value (<code>org.apache.kafka.connect.transforms.SetSchemaMetadata$Value</code>) schema.';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends SetSchemaMetadata {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends SetSchemaMetadata {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #schemaName: string | null = null;
  #schemaVersion: number | null = null;
  #replaceNullWithDefault = true;

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#schemaName = config.get('schema.name') as string | null;
    this.#schemaVersion = config.get('schema.version') as number | null;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
    if (this.#schemaName === null && this.#schemaVersion === null) throw configProblem('Neither schema name nor version configured');
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#part.value(record);
    const schema = this.#part.schema(record);
    if ((value === null || value === undefined) && schema === null) return record;
    const original = requireSchema(schema, 'updating schema metadata');
    const isMap = original.type === SchemaType.MAP;
    const updatedSchema = new ConnectSchema({
      type: original.type,
      optional: original.isOptional,
      defaultValue: original.defaultValue,
      name: this.#schemaName ?? original.name,
      version: this.#schemaVersion ?? original.version,
      doc: original.doc,
      parameters: original.parameters,
      fields: original.fields(),
      keySchema: isMap ? original.keySchema : null,
      valueSchema: isMap || original.type === SchemaType.ARRAY ? original.valueSchema : null,
    });
    return this.#part.with(record, updatedSchema, this.#updateSchemaIn(value, updatedSchema));
  }

  /** A Struct rebuilt on the renamed schema; anything else as it is. */
  #updateSchemaIn(value: unknown, updatedSchema: Schema): unknown {
    if (!(value instanceof Struct)) return value;
    const updated = new Struct(updatedSchema);
    for (const field of updatedSchema.fields()) updated.put(field, fieldValue(value, field.name, this.#replaceNullWithDefault));
    return updated;
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
