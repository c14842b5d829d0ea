/**
 * A SinkRecord as the row it writes: its table (table.name.format), whether it writes or deletes,
 * its key columns (pk.mode, pk.fields) and value columns (fields.whitelist), after Confluent's
 * FieldsMetadata. Values are Structs with their schema; a schemaless map is read as a struct whose
 * field types come from its values (see inferSchema).
 */
import { Schema, SchemaType, Struct } from '../../sdk/index.js';
import type { SinkRecord } from '../../sdk/index.js';
import { ConnectException } from './errors.js';
import { parseQualifiedName } from './identifiers.js';
import type { TableId } from './identifiers.js';
import { KAFKA_PK_FIELDS, PK_FIELDS, TABLE_NAME_FORMAT } from './sink-config.js';
import type { PkMode } from './sink-config.js';
import { inferSchema, schemaSignature } from './sink-types.js';

/** A column of a row: its field name, schema (null: a schemaless null, type unknown) and value. */
export interface SinkColumn {
  readonly name: string;
  readonly schema: Schema | null;
  readonly value: unknown;
}

export interface SinkRow {
  readonly record: SinkRecord;
  readonly table: TableId;
  readonly op: 'write' | 'delete';
  readonly key: readonly SinkColumn[];
  readonly value: readonly SinkColumn[];
  /** Rows with the same signature go in the same statements: same table, operation and columns. */
  readonly signature: string;
}

export interface RowBuilderOptions {
  pkMode: PkMode;
  pkFields: readonly string[];
  fieldsWhitelist: readonly string[];
  deleteEnabled: boolean;
  tableNameFormat: string;
  /** The schema of unqualified table names: the session's current schema. */
  defaultSchema: string;
}

/** `topic t, partition p, offset o`: where a record came from, for error messages. */
export const recordPosition = (record: SinkRecord): string =>
  `topic ${record.topic}, partition ${record.kafkaPartition}, offset ${record.kafkaOffset}`;

export class RowBuilder {
  readonly #options: RowBuilderOptions;
  readonly #tables = new Map<string, TableId>();

  constructor(options: RowBuilderOptions) {
    this.#options = options;
  }

  tableFor(topic: string): TableId {
    let id = this.#tables.get(topic);
    if (id === undefined) {
      const name = this.#options.tableNameFormat.replaceAll('${topic}', topic);
      let parts: string[];
      try {
        parts = parseQualifiedName(name);
      } catch (err) {
        throw new ConnectException(`${TABLE_NAME_FORMAT}: ${(err as Error).message}`);
      }
      if (parts.length > 2) {
        throw new ConnectException(
          `${TABLE_NAME_FORMAT}: the table name ${JSON.stringify(name)} (topic ${topic}) has ${parts.length} dotted parts; name it as table or schema.table, or quote it ("\${topic}") to keep the dots`,
        );
      }
      id = parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { schema: this.#options.defaultSchema, table: parts[0]! };
      this.#tables.set(topic, id);
    }
    return id;
  }

  row(record: SinkRecord): SinkRow {
    const where = recordPosition(record);
    const table = this.tableFor(record.topic);
    const tombstone = record.value === null || record.value === undefined;
    if (tombstone && !this.#options.deleteEnabled) {
      throw new ConnectException(
        `Record at ${where} has a null value (a tombstone): set delete.enabled=true (with pk.mode=record_key) to delete rows, or filter tombstones out`,
      );
    }
    const valueColumns = tombstone ? [] : this.#valueColumns(record, where);
    const { pkMode, pkFields } = this.#options;
    let key: SinkColumn[];
    switch (pkMode) {
      case 'none':
        key = [];
        break;
      case 'kafka': {
        const [topic, partition, offset] = pkFields.length === 3 ? pkFields : KAFKA_PK_FIELDS;
        key = [
          { name: topic!, schema: Schema.STRING_SCHEMA, value: record.topic },
          { name: partition!, schema: Schema.INT32_SCHEMA, value: record.kafkaPartition },
          { name: offset!, schema: Schema.INT64_SCHEMA, value: BigInt(record.kafkaOffset) },
        ];
        break;
      }
      case 'record_key':
        key = this.#keyColumns(record, where);
        break;
      case 'record_value': {
        if (tombstone) throw new ConnectException(`The record at ${where} has a null value: pk.mode=record_value has no key to delete by`);
        key =
          pkFields.length === 0
            ? valueColumns
            : pkFields.map((name) => valueColumns.find((c) => c.name === name) ?? missingField(name, 'value', valueColumns, where));
        break;
      }
    }
    const keyNames = new Set(key.map((c) => c.name));
    const whitelist = this.#options.fieldsWhitelist;
    const value = valueColumns.filter((c) => !keyNames.has(c.name) && (whitelist.length === 0 || whitelist.includes(c.name)));
    const op = tombstone ? 'delete' : 'write';
    const columnsSignature = [...key, ...value].map((c) => `${c.name}\u0000${schemaSignature(c.schema)}`).join('\u0001');
    return {
      record,
      table,
      op,
      key,
      value,
      signature: `${table.schema}\u0002${table.table}\u0002${op}\u0002${key.length}\u0002${columnsSignature}`,
    };
  }

  #valueColumns(record: SinkRecord, where: string): SinkColumn[] {
    const columns = structColumns(record.valueSchema, record.value, `value of the record at ${where}`);
    if (columns === undefined) {
      throw new ConnectException(
        `The value of the record at ${where} is ${record.valueSchema === null ? typeof record.value : `a ${record.valueSchema.type}`}: a row needs a Struct (or a schemaless map) value`,
      );
    }
    return columns;
  }

  #keyColumns(record: SinkRecord, where: string): SinkColumn[] {
    const pkFields = this.#options.pkFields;
    if (record.key === null || record.key === undefined)
      throw new ConnectException(`The record at ${where} has a null key; pk.mode=record_key needs one`);
    const columns = structColumns(record.keySchema, record.key, `key of the record at ${where}`);
    if (columns !== undefined) {
      return pkFields.length === 0
        ? columns
        : pkFields.map((name) => columns.find((c) => c.name === name) ?? missingField(name, 'key', columns, where));
    }
    // A primitive key is one column, which pk.fields names.
    if (pkFields.length !== 1) {
      throw new ConnectException(
        `${PK_FIELDS}: the key of the record at ${where} is a primitive, so pk.fields must name its one column (it names ${pkFields.length})`,
      );
    }
    const schema = record.keySchema ?? inferSchema(record.key, `key of the record at ${where}`);
    return [{ name: pkFields[0]!, schema, value: record.key }];
  }
}

function missingField(name: string, side: 'key' | 'value', columns: readonly SinkColumn[], where: string): never {
  throw new ConnectException(
    `${PK_FIELDS}: field "${name}" is not in the ${side} of the record at ${where} (fields: ${columns.map((c) => c.name).join(', ')})`,
  );
}

/**
 * The columns of a Struct with its schema, or of a schemaless map (plain object or Map with string
 * keys); undefined for anything else.
 */
function structColumns(schema: Schema | null, value: unknown, where: string): SinkColumn[] | undefined {
  if (schema !== null) {
    if (schema.type !== SchemaType.STRUCT || !(value instanceof Struct)) return undefined;
    return schema.fields().map((field) => ({ name: field.name, schema: field.schema, value: value.get(field) }));
  }
  let entries: [unknown, unknown][];
  if (value instanceof Map) entries = [...(value as Map<unknown, unknown>)];
  else if (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  )
    entries = Object.entries(value);
  else return undefined;
  return entries.map(([name, v]) => {
    if (typeof name !== 'string')
      throw new ConnectException(`${where}: a schemaless map with ${typeof name} keys cannot be a row (field names are strings)`);
    return { name, schema: inferSchema(v, `field "${name}" of the ${where}`), value: v };
  });
}
