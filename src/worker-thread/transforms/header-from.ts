/**
 * HeaderFrom (`org.apache.kafka.connect.transforms.HeaderFrom$Key` / `$Value`): copies (or moves)
 * fields of the key or value into headers, `fields[i]` into `headers[i]`. Header values are written
 * as util/headers.ts says.
 */
import { DataException } from '../data/errors.js';
import type { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef, ValidString } from '../sdk/config-def.js';
import type { Header } from '../sdk/records.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, defineReplaceNullWithDefault, NON_EMPTY_LIST, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { connectHeader } from './util/headers.js';
import { copyMap, mapDelete, mapGet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireStruct } from './util/requirements.js';
import { copySchemaBasics, fieldValue, SchemaCache } from './util/schema-util.js';

type Operation = 'move' | 'copy';

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: 'fields',
      type: 'LIST',
      validator: NON_EMPTY_LIST,
      importance: 'HIGH',
      documentation: 'Field names in the record whose values are to be copied or moved to headers.',
    })
    .define({
      name: 'headers',
      type: 'LIST',
      validator: NON_EMPTY_LIST,
      importance: 'HIGH',
      documentation: 'Header names, in the same order as the field names listed in the fields configuration property.',
    })
    .define({
      name: 'operation',
      type: 'STRING',
      validator: ValidString.in('move', 'copy'),
      importance: 'HIGH',
      documentation:
        'Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), ' +
        'or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value).',
    }),
);

export abstract class HeaderFrom implements Transformation {
  static readonly OVERVIEW_DOC =
    "Moves or copies fields in the key/value of a record into that record's headers. " +
    'Corresponding elements of <code>fields</code> and <code>headers</code> together identify a field and the header it should be ' +
    'moved or copied to. ' +
    'Use the concrete transformation type designed for the record ' +
    'key (<code>org.apache.kafka.connect.transforms.HeaderFrom$Key</code>) or value (<code>org.apache.kafka.connect.transforms.HeaderFrom$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends HeaderFrom {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends HeaderFrom {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #fields: readonly string[] = [];
  #headers: readonly string[] = [];
  #operation: Operation = 'copy';
  #replaceNullWithDefault = true;
  readonly #moveSchemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    this.#fields = config.getList('fields');
    this.#headers = config.getList('headers');
    if (this.#headers.length !== this.#fields.length) {
      throw configProblem("'fields' config must have the same number of elements as 'headers' config.", 'headers', configs.headers ?? null);
    }
    this.#operation = config.getString('operation') as Operation;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
  }

  apply<R extends ConnectRecord>(record: R): R {
    const schema = this.#part.schema(record);
    const value = this.#part.value(record);
    return schema === null ? this.#applySchemaless(record, value) : this.#applyWithSchema(record, value, schema);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, value: unknown, schema: Schema): R {
    const headers: Header[] = [...record.headers];
    const struct = requireStruct(value, `header ${this.#operation}`);
    let updatedSchema = schema;
    let updated = struct;
    if (this.#operation === 'move') {
      updatedSchema = this.#moveSchemaCache.getOrBuild(schema, (s) => this.#moveSchema(s));
      updated = new Struct(updatedSchema);
      for (const field of updatedSchema.fields()) updated.put(field, fieldValue(struct, field.name, this.#replaceNullWithDefault));
    }
    this.#fields.forEach((fieldName, i) => {
      const field = schema.field(fieldName);
      // Kafka fails here with a NullPointerException.
      if (field === null) throw new DataException(`Field does not exist: ${fieldName}`);
      const fieldInValue = struct.schema.field(fieldName);
      const value = fieldInValue === null ? null : fieldValue(struct, fieldInValue, this.#replaceNullWithDefault);
      headers.push(connectHeader(this.#headers[i]!, field.schema, value));
    });
    return this.#part.with(record, updatedSchema, updated, headers);
  }

  #moveSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) if (!this.#fields.includes(field.name)) builder.field(field.name, field.schema);
    return builder.build();
  }

  #applySchemaless<R extends ConnectRecord>(record: R, value: unknown): R {
    const headers: Header[] = [...record.headers];
    const map = requireMap(value, `header ${this.#operation}`);
    const updated = copyMap(map);
    this.#fields.forEach((fieldName, i) => {
      if (this.#operation === 'move') mapDelete(updated, fieldName);
      headers.push(connectHeader(this.#headers[i]!, null, mapGet(map, fieldName)));
    });
    return this.#part.with(record, null, updated, headers);
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
