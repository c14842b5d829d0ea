/**
 * ExtractField (`org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`): replaces the key
 * or value with one of its fields (a nested one with `field.syntax.version=V2`). Null passes through.
 */
import { DataException } from '../data/errors.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { defineReplaceNullWithDefault, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { appendFieldSyntaxVersion, fieldSyntaxVersion, SingleFieldPath } from './util/field-path.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMapOrNull, requireStructOrNull } from './util/requirements.js';

const PURPOSE = 'field extraction';

const CONFIG_DEF = appendFieldSyntaxVersion(
  defineReplaceNullWithDefault(
    new ConfigDef().define({ name: 'field', type: 'STRING', importance: 'MEDIUM', documentation: 'Field name to extract.' }),
  ),
);

export abstract class ExtractField implements Transformation {
  static readonly OVERVIEW_DOC =
    'Extract the specified field from a Struct when schema present, or a Map in the case of schemaless data. ' +
    'Any null values are passed through unmodified.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.ExtractField$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.ExtractField$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends ExtractField {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends ExtractField {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #path = new SingleFieldPath('', 'V1');
  #originalPath = '';
  #replaceNullWithDefault = true;

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#originalPath = config.getString('field');
    this.#path = new SingleFieldPath(this.#originalPath, fieldSyntaxVersion(config));
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#part.schema(record);
    if (schema === null) {
      const map = requireMapOrNull(this.#part.value(record), PURPOSE);
      return this.#part.with(record, null, map === null ? null : this.#path.valueFromMap(map));
    }
    const struct = requireStructOrNull(this.#part.value(record), PURPOSE);
    const field = this.#path.fieldFrom(schema);
    // Kafka throws an IllegalArgumentException here.
    if (field === null) throw new DataException(`Unknown field: ${this.#originalPath}`);
    return this.#part.with(record, field.schema, struct === null ? null : this.#path.valueFromStruct(struct, this.#replaceNullWithDefault));
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
