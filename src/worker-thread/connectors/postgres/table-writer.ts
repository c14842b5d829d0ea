/**
 * Writes rows to their tables: creates and evolves tables (auto.create, auto.evolve), then writes
 * runs of rows with multi-row statements, inside the caller's transaction.
 *
 * - insert: `INSERT INTO t (…) VALUES (…), (…)`.
 * - upsert: the same `… ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c`. PostgreSQL refuses to
 *   touch one row twice in one statement, so rows of a run with the same key keep only the last.
 * - delete: `DELETE FROM t WHERE (key) IN ((…), (…))`.
 *
 * Identifiers are quoted; values are parameters, never SQL text. Table DDL runs before the
 * transaction, in statements of its own (a rolled-back put leaves no half-made table behind).
 */
import type pg from 'pg';
import type { Schema } from '../../sdk/index.js';
import { describeTable } from './catalog.js';
import type { ColumnInfo } from './catalog.js';
import { ConnectException } from './errors.js';
import { quoteIdent, quoteTable } from './identifiers.js';
import type { TableId } from './identifiers.js';
import { AUTO_CREATE, AUTO_EVOLVE } from './sink-config.js';
import type { InsertMode } from './sink-config.js';
import { recordPosition } from './sink-rows.js';
import type { SinkColumn, SinkRow } from './sink-rows.js';
import { describeSchema, sqlType, toParam } from './sink-types.js';
import type { Param } from './sink-types.js';

/** PostgreSQL's limit of parameters per statement (a 16-bit count in the protocol). */
const MAX_PARAMS = 65535;
/** Errors that mean the table changed under us: its cached description is stale. */
const STALE_TABLE_CODES = new Set(['42P01', '42703']);

export interface TableWriterOptions {
  insertMode: InsertMode;
  autoCreate: boolean;
  autoEvolve: boolean;
  batchSize: number;
  zone: string;
}

export class TableWriter {
  readonly #options: TableWriterOptions;
  /** Each table's columns by name, as last read from the catalog. */
  readonly #tables = new Map<string, Map<string, ColumnInfo>>();

  constructor(options: TableWriterOptions) {
    this.#options = options;
  }

  /** Forgets what is known of the tables (after an error that may mean they changed). */
  invalidate(err?: unknown): void {
    const code = (err as { code?: unknown } | undefined)?.code;
    if (err === undefined || (typeof code === 'string' && STALE_TABLE_CODES.has(code))) this.#tables.clear();
  }

  /** Makes the table of `row` exist with a column for each of its typed fields, or says why it cannot. */
  async ensureTable(client: pg.Client, row: SinkRow): Promise<void> {
    const id = row.table;
    let columns = await this.#columns(client, id);
    const typed = [...row.key, ...row.value].filter((c) => c.schema !== null);
    if (columns === null) {
      if (!this.#options.autoCreate)
        throw new ConnectException(
          `Table ${quoteTable(id)} does not exist and ${AUTO_CREATE} is false (record at ${recordPosition(row.record)})`,
        );
      await this.#create(client, row, typed);
      columns = await this.#columns(client, id, true);
      if (columns === null) throw new ConnectException(`Table ${quoteTable(id)} was created but cannot be found`);
    }
    const missing = typed.filter((c) => !columns.has(c.name));
    if (missing.length === 0) return;
    if (!this.#options.autoEvolve) {
      throw new ConnectException(
        `Table ${quoteTable(id)} has no column ${missing.map((c) => `"${c.name}"`).join(', ')} for the fields of the record at ${recordPosition(row.record)}, and ${AUTO_EVOLVE} is false`,
      );
    }
    for (const column of missing) {
      const schema = column.schema!;
      if (!schema.isOptional && schema.defaultValue === null) {
        throw new ConnectException(
          `Cannot add column "${column.name}" to ${quoteTable(id)} (${AUTO_EVOLVE}): field "${column.name}" is required and has no default, and the table's existing rows have no value for it`,
        );
      }
      const definition = this.#columnDefinition(client, id, column, false);
      await client.query(`ALTER TABLE ${quoteTable(id)} ADD COLUMN IF NOT EXISTS ${definition}`);
    }
    await this.#columns(client, id, true);
  }

  async #columns(client: pg.Client, id: TableId, refresh = false): Promise<Map<string, ColumnInfo> | null> {
    const key = quoteTable(id);
    const cached = this.#tables.get(key);
    if (cached !== undefined && !refresh) return cached;
    const described = await describeTable(client, id);
    if (described === null) {
      this.#tables.delete(key);
      return null;
    }
    const columns = new Map(described.map((c) => [c.name, c]));
    this.#tables.set(key, columns);
    return columns;
  }

  #columnDefinition(client: pg.Client, id: TableId, column: SinkColumn, isKey: boolean): string {
    const schema = column.schema!;
    const type = sqlType(schema);
    if (type === undefined) {
      throw new ConnectException(
        `Cannot create column "${column.name}" of ${quoteTable(id)}: field "${column.name}" is a ${describeSchema(schema)}, which has no PostgreSQL type`,
      );
    }
    let definition = `${quoteIdent(column.name)} ${type}`;
    if (isKey || !schema.isOptional) definition += ' NOT NULL';
    if (schema.defaultValue !== null) definition += ` DEFAULT ${this.#literal(client, schema, schema.defaultValue, type, column.name)}`;
    return definition;
  }

  /** A default value as a SQL literal (DDL takes no parameters): escaped by pg, cast to the column type. */
  #literal(client: pg.Client, schema: Schema, value: unknown, type: string, name: string): string {
    const param = toParam(
      schema,
      value,
      type === 'TIMESTAMP' ? 'timestamp without time zone' : type,
      this.#options.zone,
      `default of field "${name}"`,
    );
    if (param === null) return 'NULL';
    if (Array.isArray(param)) throw new ConnectException(`Field "${name}": array defaults are not supported`);
    const text = Buffer.isBuffer(param) ? `\\x${param.toString('hex')}` : param;
    return `${client.escapeLiteral(text)}::${type}`;
  }

  async #create(client: pg.Client, row: SinkRow, typed: readonly SinkColumn[]): Promise<void> {
    const id = row.table;
    const keyNames = new Set(row.key.map((c) => c.name));
    const definitions = typed.map((c) => this.#columnDefinition(client, id, c, keyNames.has(c.name)));
    if (row.key.length > 0) definitions.push(`PRIMARY KEY (${row.key.map((c) => quoteIdent(c.name)).join(', ')})`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS ${quoteTable(id)} (${definitions.join(', ')})`);
    } catch (err) {
      // Another task created it at the same moment (IF NOT EXISTS does not cover that race).
      if ((err as { code?: unknown }).code !== '23505' && (err as { code?: unknown }).code !== '42P07') throw err;
    }
  }

  /** Writes one run of rows that share a table, an operation and their columns. */
  async write(client: pg.Client, rows: readonly SinkRow[]): Promise<void> {
    const first = rows[0];
    if (first === undefined) return;
    const columnsOfTable = await this.#columns(client, first.table);
    if (columnsOfTable === null) throw new ConnectException(`Table ${quoteTable(first.table)} does not exist`);
    if (first.op === 'delete') return this.#delete(client, rows, columnsOfTable);
    // A schemaless null whose column does not exist would be NULL anyway: it is left out.
    const keyNames = first.key.map((c) => c.name);
    const columns = [...keyNames, ...first.value.filter((c) => c.schema !== null || columnsOfTable.has(c.name)).map((c) => c.name)];
    const upsert = this.#options.insertMode === 'upsert';
    let paramRows = rows.map((row) => this.#params(row, columns, columnsOfTable));
    if (upsert) paramRows = lastPerKey(paramRows, keyNames.length);
    const table = quoteTable(first.table);
    const columnList = columns.map(quoteIdent).join(', ');
    const updates = columns.filter((c) => !keyNames.includes(c)).map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`);
    const conflict = !upsert
      ? ''
      : ` ON CONFLICT (${keyNames.map(quoteIdent).join(', ')}) ${updates.length === 0 ? 'DO NOTHING' : `DO UPDATE SET ${updates.join(', ')}`}`;
    for (const chunk of chunks(
      paramRows,
      Math.max(1, Math.min(this.#options.batchSize, Math.floor(MAX_PARAMS / Math.max(1, columns.length)))),
    )) {
      const values: Param[] = [];
      const tuples = chunk.map((params) => `(${params.map((p) => `$${values.push(p)}`).join(', ')})`);
      await client.query(`INSERT INTO ${table} (${columnList}) VALUES ${tuples.join(', ')}${conflict}`, values);
    }
  }

  async #delete(client: pg.Client, rows: readonly SinkRow[], columnsOfTable: ReadonlyMap<string, ColumnInfo>): Promise<void> {
    const keyNames = rows[0]!.key.map((c) => c.name);
    const keys = lastPerKey(
      rows.map((row) => this.#params(row, keyNames, columnsOfTable)),
      keyNames.length,
    );
    const target = keyNames.length === 1 ? quoteIdent(keyNames[0]!) : `(${keyNames.map(quoteIdent).join(', ')})`;
    for (const chunk of chunks(keys, Math.max(1, Math.min(this.#options.batchSize, Math.floor(MAX_PARAMS / keyNames.length))))) {
      const values: Param[] = [];
      const tuples = chunk.map((params) =>
        params.length === 1 ? `$${values.push(params[0]!)}` : `(${params.map((p) => `$${values.push(p)}`).join(', ')})`,
      );
      await client.query(`DELETE FROM ${quoteTable(rows[0]!.table)} WHERE ${target} IN (${tuples.join(', ')})`, values);
    }
  }

  /** The parameters of a row for `columns`, each converted for its column's type. */
  #params(row: SinkRow, columns: readonly string[], columnsOfTable: ReadonlyMap<string, ColumnInfo>): Param[] {
    const byName = new Map<string, SinkColumn>();
    for (const c of row.key) byName.set(c.name, c);
    for (const c of row.value) if (!byName.has(c.name)) byName.set(c.name, c);
    return columns.map((name) => {
      const column = byName.get(name);
      if (column === undefined || column.schema === null) return null;
      return toParam(
        column.schema,
        column.value,
        columnsOfTable.get(name)?.type,
        this.#options.zone,
        `field "${name}" of the record at ${recordPosition(row.record)}`,
      );
    });
  }
}

/** The rows whose first `keyLength` parameters (their key) are not repeated later: the last write wins. */
function lastPerKey(paramRows: Param[][], keyLength: number): Param[][] {
  const byKey = new Map<string, Param[]>();
  for (const params of paramRows) {
    const key = JSON.stringify(params.slice(0, keyLength).map((p) => (Buffer.isBuffer(p) ? p.toString('hex') : p)));
    byKey.delete(key);
    byKey.set(key, params);
  }
  return [...byKey.values()];
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
