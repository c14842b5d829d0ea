/**
 * ValueToKey (`org.apache.kafka.connect.transforms.ValueToKey`): replaces the key with a Struct (or
 * map) of some of the value's fields. As in Kafka, a null value is refused, not passed through.
 */
import { DataException } from '../data/errors.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import { newRecord } from './transformation.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { defineReplaceNullWithDefault, NON_EMPTY_LIST, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { emptyMapLike, mapGet, mapSet } from './util/map-value.js';
import { requireMap, requireStruct } from './util/requirements.js';
import { fieldValue, SchemaCache } from './util/schema-util.js';

const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef().define({
    name: 'fields',
    type: 'LIST',
    validator: NON_EMPTY_LIST,
    importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
  }),
);

export class ValueToKey implements Transformation {
  static readonly OVERVIEW_DOC = 'Replace the record key with a new key formed from a subset of fields in the record value.';
  static readonly CONFIG_DEF = CONFIG_DEF;

  #fields: readonly string[] = [];
  #replaceNullWithDefault = true;
  readonly #schemaCache = new SchemaCache();

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#fields = config.getList('fields');
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  apply<R extends ConnectRecord>(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = emptyMapLike(value);
      for (const field of this.#fields) mapSet(key, field, mapGet(value, field));
      return newRecord(record, { keySchema: null, key });
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.#schemaCache.getOrBuild(value.schema, (schema) => this.#keySchema(schema));
    const key = new Struct(keySchema);
    for (const field of this.#fields) key.put(field, fieldValue(value, field, this.#replaceNullWithDefault));
    return newRecord(record, { keySchema, key, valueSchema: value.schema, value });
  }

  #keySchema(valueSchema: Schema): Schema {
    const builder = SchemaBuilder.struct();
    for (const field of this.#fields) {
      const fromValue = valueSchema.field(field);
      if (fromValue === null) throw new DataException(`Field does not exist: ${field}`);
      builder.field(field, fromValue.schema);
    }
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
