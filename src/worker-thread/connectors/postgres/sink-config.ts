/**
 * PostgresSinkConnector's configuration: Confluent's JDBC sink connector keys and defaults
 * (insert.mode, pk.mode, pk.fields, table.name.format, auto.create, auto.evolve, batch.size,
 * delete.enabled, fields.whitelist, max.retries, retry.backoff.ms), so its configs move unchanged.
 */
import { ConfigDef, ConfigException, ParsedConfig, Validators } from '../../sdk/index.js';
import type { ConfigProblem, ConfigProps, ConfigValue } from '../../sdk/index.js';
import { defineConnectionKeys } from './connection.js';
import { defineSinkCompatKeys } from './jdbc-compat.js';

export const INSERT_MODE = 'insert.mode';
export const BATCH_SIZE = 'batch.size';
export const DELETE_ENABLED = 'delete.enabled';
export const TABLE_NAME_FORMAT = 'table.name.format';
export const PK_MODE = 'pk.mode';
export const PK_FIELDS = 'pk.fields';
export const FIELDS_WHITELIST = 'fields.whitelist';
export const AUTO_CREATE = 'auto.create';
export const AUTO_EVOLVE = 'auto.evolve';
export const MAX_RETRIES = 'max.retries';
export const RETRY_BACKOFF_MS = 'retry.backoff.ms';

export type InsertMode = 'insert' | 'upsert';
export type PkMode = 'none' | 'kafka' | 'record_key' | 'record_value';

/** Confluent's column names for pk.mode=kafka when pk.fields is empty. */
export const KAFKA_PK_FIELDS = ['__connect_topic', '__connect_partition', '__connect_offset'] as const;

const WRITES_GROUP = 'Writes';
const DATA_MAPPING_GROUP = 'Data Mapping';
const DDL_GROUP = 'DDL Support';
const RETRIES_GROUP = 'Retries';

function defineSinkKeys(def: ConfigDef): ConfigDef {
  return def
    .define({
      name: INSERT_MODE,
      type: 'STRING',
      default: 'insert',
      importance: 'HIGH',
      documentation:
        'insert: a plain INSERT per record (a redelivered record is inserted again, or violates the primary key). upsert: INSERT … ON CONFLICT (primary key) DO UPDATE, so that writing a record twice leaves one row: redelivery is idempotent. upsert needs a pk.mode other than none.',
      validator: Validators.validString('insert', 'upsert'),
      group: WRITES_GROUP,
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Insert Mode',
    })
    .define({
      name: BATCH_SIZE,
      type: 'INT',
      default: '3000',
      importance: 'MEDIUM',
      documentation:
        'Most rows per INSERT statement. Every record of one put is written in one transaction, in as many statements as it takes.',
      validator: Validators.atLeast(1),
      group: WRITES_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Batch Size',
    })
    .define({
      name: DELETE_ENABLED,
      type: 'BOOLEAN',
      default: 'false',
      importance: 'MEDIUM',
      documentation: 'Whether a record with a null value (a tombstone) deletes the row of its key. Needs pk.mode=record_key.',
      group: WRITES_GROUP,
      orderInGroup: 3,
      width: 'SHORT',
      displayName: 'Enable deletes',
    })
    .define({
      name: TABLE_NAME_FORMAT,
      type: 'STRING',
      default: '${topic}',
      importance: 'MEDIUM',
      documentation:
        'The table of a record: ${topic} is replaced by its topic. schema.table names a schema; a part in double quotes keeps its dots ("${topic}" for a topic with dots). Without a schema, the table is in the first schema of the search_path.',
      validator: Validators.nonEmptyString(),
      group: DATA_MAPPING_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'Table Name Format',
    })
    .define({
      name: PK_MODE,
      type: 'STRING',
      default: 'none',
      importance: 'HIGH',
      documentation:
        "Where the primary key comes from. none: no key. kafka: the record's topic, partition and offset (pk.fields names the three columns, by default __connect_topic, __connect_partition, __connect_offset). record_key: the record key, a struct (pk.fields chooses its fields; empty: all) or a primitive (pk.fields names its one column). record_value: fields of the value (pk.fields chooses them; empty: all).",
      validator: Validators.validString('none', 'kafka', 'record_key', 'record_value'),
      group: DATA_MAPPING_GROUP,
      orderInGroup: 2,
      width: 'MEDIUM',
      displayName: 'Primary Key Mode',
      dependents: [PK_FIELDS],
    })
    .define({
      name: PK_FIELDS,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'The primary key columns, read as pk.mode says.',
      group: DATA_MAPPING_GROUP,
      orderInGroup: 3,
      width: 'LONG',
      displayName: 'Primary Key Fields',
    })
    .define({
      name: FIELDS_WHITELIST,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'The value fields to write; empty: all of them. Key columns are written either way.',
      group: DATA_MAPPING_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'Fields Whitelist',
    })
    .define({
      name: AUTO_CREATE,
      type: 'BOOLEAN',
      default: 'false',
      importance: 'MEDIUM',
      documentation: 'Create a missing table (CREATE TABLE) from the record schema, with the primary key of pk.mode.',
      group: DDL_GROUP,
      orderInGroup: 1,
      width: 'SHORT',
      displayName: 'Auto-Create',
    })
    .define({
      name: AUTO_EVOLVE,
      type: 'BOOLEAN',
      default: 'false',
      importance: 'MEDIUM',
      documentation:
        'Add the columns a record has and its table lacks (ALTER TABLE … ADD COLUMN). Only optional fields, or fields with a default, can be added: existing rows have no value for them.',
      group: DDL_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Auto-Evolve',
    })
    .define({
      name: MAX_RETRIES,
      type: 'INT',
      default: '10',
      importance: 'MEDIUM',
      documentation:
        'Times a put that failed because the connection or the server failed is retried (the framework hands the same records again) before the task fails.',
      validator: Validators.atLeast(0),
      group: RETRIES_GROUP,
      orderInGroup: 1,
      width: 'SHORT',
      displayName: 'Maximum Retries',
    })
    .define({
      name: RETRY_BACKOFF_MS,
      type: 'INT',
      default: '3000',
      importance: 'MEDIUM',
      documentation: 'Wait before such a retry, in milliseconds.',
      validator: Validators.atLeast(0),
      group: RETRIES_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Retry Backoff (millis)',
    });
}

export const SINK_CONFIG_DEF: ConfigDef = defineSinkCompatKeys(defineSinkKeys(defineConnectionKeys(new ConfigDef())));

export function sinkCrossKeyProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (name: string, message: string): void => {
    problems.push({ name, value: config.originals[name] ?? null, message });
  };
  const pkMode = config.getString(PK_MODE);
  const pkFields = config.getList(PK_FIELDS);
  if (config.getString(INSERT_MODE) === 'upsert' && pkMode === 'none')
    problem(INSERT_MODE, 'upsert needs a primary key: set pk.mode to kafka, record_key or record_value');
  if (config.getBoolean(DELETE_ENABLED) && pkMode !== 'record_key')
    problem(DELETE_ENABLED, `deletes need pk.mode=record_key (pk.mode is ${pkMode})`);
  if (pkMode === 'kafka' && pkFields.length !== 0 && pkFields.length !== 3)
    problem(PK_FIELDS, 'with pk.mode=kafka, name three columns (topic, partition, offset) or none for the defaults');
  return problems;
}

export function parseSinkConfig(props: ConfigProps, context?: string): ParsedConfig {
  const config = SINK_CONFIG_DEF.parse(props, context);
  const problems = sinkCrossKeyProblems(config);
  if (problems.length > 0) throw new ConfigException(problems, context);
  return config;
}

export function validateSinkConfig(props: ConfigProps): Map<string, ConfigValue> {
  const values = SINK_CONFIG_DEF.validateAll(props);
  // Checked on what did parse, so that one bad key does not hide the others' problems.
  const parsed = new ParsedConfig(new Map([...values].map(([name, v]) => [name, v.value])), props);
  for (const p of sinkCrossKeyProblems(parsed)) values.get(p.name)?.addErrorMessage(p.message);
  return values;
}
