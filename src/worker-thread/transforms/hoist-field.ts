/**
 * HoistField (`org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`): wraps the key or
 * value in a Struct (with a schema) or a map (without) of one field.
 */
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { simpleConfig } from './util/config.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { SchemaCache } from './util/schema-util.js';

const CONFIG_DEF = new ConfigDef().define({
  name: 'field',
  type: 'STRING',
  importance: 'MEDIUM',
  documentation: 'Field name for the single field that will be created in the resulting Struct or Map.',
});

export abstract class HoistField implements Transformation {
  static readonly OVERVIEW_DOC =
    'Wrap data using the specified field name in a Struct when schema present, or a Map in the case of schemaless data.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.HoistField$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.HoistField$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends HoistField {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends HoistField {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #fieldName = '';
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    this.#fieldName = simpleConfig(CONFIG_DEF, configs).getString('field');
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#part.schema(record);
    const value = this.#part.value(record);
    if (schema === null) {
      // A Map, as the converters read a schemaless map (a plain object would do as well).
      return this.#part.with(record, null, new Map([[this.#fieldName, value ?? null]]));
    }
    const updatedSchema = this.#schemaCache.getOrBuild(schema, (s) => SchemaBuilder.struct().field(this.#fieldName, s).build());
    return this.#part.with(record, updatedSchema, new Struct(updatedSchema).put(this.#fieldName, value));
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
