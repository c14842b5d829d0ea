/**
 * InsertField (`org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`): adds fields with
 * the record's topic, partition, offset (sink records only), timestamp, or a static string.
 *
 * Values as connectd types them: the partition an INT32 number, the offset and a schemaless
 * timestamp INT64 bigints, a timestamp with a schema a Date (Kafka's Timestamp logical type).
 */
import { Timestamp } from '../data/logical-types.js';
import { Schema } from '../data/schema.js';
import { SchemaBuilder } from '../data/schema-builder.js';
import { Struct } from '../data/struct.js';
import { ConfigDef } from '../sdk/config-def.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, defineReplaceNullWithDefault, REPLACE_NULL_WITH_DEFAULT, simpleConfig } from './util/config.js';
import { copyMap, mapSet } from './util/map-value.js';
import { KEY, VALUE } from './util/record-part.js';
import type { RecordPart } from './util/record-part.js';
import { requireMap, requireSinkRecord, requireStruct } from './util/requirements.js';
import { copySchemaBasics, fieldValue, SchemaCache } from './util/schema-util.js';

const OPTIONALITY_DOC = 'Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).';
const PURPOSE = 'field insertion';
const OPTIONAL_TIMESTAMP_SCHEMA = Timestamp.builder().optional().build();

const ConfigName = {
  TOPIC_FIELD: 'topic.field',
  PARTITION_FIELD: 'partition.field',
  OFFSET_FIELD: 'offset.field',
  TIMESTAMP_FIELD: 'timestamp.field',
  STATIC_FIELD: 'static.field',
  STATIC_VALUE: 'static.value',
} as const;

const CONFIG_DEF = defineReplaceNullWithDefault(
  new ConfigDef()
    .define({
      name: ConfigName.TOPIC_FIELD,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Field name for Kafka topic. ${OPTIONALITY_DOC}`,
    })
    .define({
      name: ConfigName.PARTITION_FIELD,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Field name for Kafka partition. ${OPTIONALITY_DOC}`,
    })
    .define({
      name: ConfigName.OFFSET_FIELD,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Field name for Kafka offset - only applicable to sink connectors.<br/>${OPTIONALITY_DOC}`,
    })
    .define({
      name: ConfigName.TIMESTAMP_FIELD,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Field name for record timestamp. ${OPTIONALITY_DOC}`,
    })
    .define({
      name: ConfigName.STATIC_FIELD,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: `Field name for static data field. ${OPTIONALITY_DOC}`,
    })
    .define({
      name: ConfigName.STATIC_VALUE,
      type: 'STRING',
      default: null,
      importance: 'MEDIUM',
      documentation: 'Static field value, if field name configured.',
    }),
);

/** `name!` is required, `name?` and `name` optional. */
interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

export abstract class InsertField implements Transformation {
  static readonly OVERVIEW_DOC =
    'Insert field(s) using attributes from the record metadata or a configured static value.' +
    '<p/>Use the concrete transformation type designed for the record key (<code>org.apache.kafka.connect.transforms.InsertField$Key</code>) ' +
    'or value (<code>org.apache.kafka.connect.transforms.InsertField$Value</code>).';
  static readonly CONFIG_DEF = CONFIG_DEF;
  static readonly Key = class Key extends InsertField {
    constructor() {
      super(KEY);
    }
  };
  static readonly Value = class Value extends InsertField {
    constructor() {
      super(VALUE);
    }
  };

  readonly #part: RecordPart;
  #topicField: InsertionSpec | null = null;
  #partitionField: InsertionSpec | null = null;
  #offsetField: InsertionSpec | null = null;
  #timestampField: InsertionSpec | null = null;
  #staticField: InsertionSpec | null = null;
  #staticValue: string | null = null;
  #replaceNullWithDefault = true;
  readonly #schemaCache = new SchemaCache();

  protected constructor(part: RecordPart) {
    this.#part = part;
  }

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    const spec = (name: string): InsertionSpec | null => parseSpec(config.get(name) as string | null);
    this.#topicField = spec(ConfigName.TOPIC_FIELD);
    this.#partitionField = spec(ConfigName.PARTITION_FIELD);
    this.#offsetField = spec(ConfigName.OFFSET_FIELD);
    this.#timestampField = spec(ConfigName.TIMESTAMP_FIELD);
    this.#staticField = spec(ConfigName.STATIC_FIELD);
    this.#staticValue = config.get(ConfigName.STATIC_VALUE) as string | null;
    this.#replaceNullWithDefault = config.getBoolean(REPLACE_NULL_WITH_DEFAULT);
    if (
      this.#topicField === null &&
      this.#partitionField === null &&
      this.#offsetField === null &&
      this.#timestampField === null &&
      this.#staticField === null
    ) {
      throw configProblem('No field insertion configured');
    }
    if (this.#staticField !== null && this.#staticValue === null) {
      throw configProblem(`No value specified for static field: ${this.#staticField.name}`, ConfigName.STATIC_VALUE);
    }
  }

  apply<R extends ConnectRecord>(record: R): R {
    const value = this.#part.value(record);
    if (value === null || value === undefined) return record;
    return this.#part.schema(record) === null ? this.#applySchemaless(record, value) : this.#applyWithSchema(record, value);
  }

  #applySchemaless<R extends ConnectRecord>(record: R, value: unknown): R {
    const updated = copyMap(requireMap(value, PURPOSE));
    if (this.#topicField !== null) mapSet(updated, this.#topicField.name, record.topic);
    if (this.#partitionField !== null && record.kafkaPartition !== null) mapSet(updated, this.#partitionField.name, record.kafkaPartition);
    if (this.#offsetField !== null) mapSet(updated, this.#offsetField.name, BigInt(requireSinkRecord(record, PURPOSE).kafkaOffset));
    if (this.#timestampField !== null && record.timestamp !== null) mapSet(updated, this.#timestampField.name, BigInt(record.timestamp));
    if (this.#staticField !== null && this.#staticValue !== null) mapSet(updated, this.#staticField.name, this.#staticValue);
    return this.#part.with(record, null, updated);
  }

  #applyWithSchema<R extends ConnectRecord>(record: R, value: unknown): R {
    const struct = requireStruct(value, PURPOSE);
    const updatedSchema = this.#schemaCache.getOrBuild(struct.schema, (schema) => this.#updatedSchema(schema));
    const updated = new Struct(updatedSchema);
    for (const field of struct.schema.fields()) updated.put(field.name, fieldValue(struct, field, this.#replaceNullWithDefault));
    if (this.#topicField !== null) updated.put(this.#topicField.name, record.topic);
    if (this.#partitionField !== null && record.kafkaPartition !== null) updated.put(this.#partitionField.name, record.kafkaPartition);
    if (this.#offsetField !== null) updated.put(this.#offsetField.name, BigInt(requireSinkRecord(record, PURPOSE).kafkaOffset));
    if (this.#timestampField !== null && record.timestamp !== null) updated.put(this.#timestampField.name, new Date(record.timestamp));
    if (this.#staticField !== null && this.#staticValue !== null) updated.put(this.#staticField.name, this.#staticValue);
    return this.#part.with(record, updatedSchema, updated);
  }

  #updatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields()) builder.field(field.name, field.schema);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema): void => {
      if (spec !== null) builder.field(spec.name, spec.optional ? optional : required);
    };
    add(this.#topicField, Schema.OPTIONAL_STRING_SCHEMA, Schema.STRING_SCHEMA);
    add(this.#partitionField, Schema.OPTIONAL_INT32_SCHEMA, Schema.INT32_SCHEMA);
    add(this.#offsetField, Schema.OPTIONAL_INT64_SCHEMA, Schema.INT64_SCHEMA);
    add(this.#timestampField, OPTIONAL_TIMESTAMP_SCHEMA, Timestamp.SCHEMA);
    add(this.#staticField, Schema.OPTIONAL_STRING_SCHEMA, Schema.STRING_SCHEMA);
    return builder.build();
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
