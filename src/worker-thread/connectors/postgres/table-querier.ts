/**
 * Reads one table (or the configured query) in one of Confluent's modes, a page at a time, and
 * turns its rows into SourceRecords with their source partition and offset.
 *
 * Each page is one short statement ordered by the offset columns, so no transaction stays open
 * while records wait for Kafka (bulk mode excepted: it reads a whole table through a cursor, in
 * one snapshot):
 * - incrementing: `inc > :last ORDER BY inc LIMIT n`.
 * - timestamp+incrementing: `ts < :end AND ((ts = :last AND inc > :lastInc) OR ts > :last)
 *   ORDER BY ts, inc LIMIT n`, Confluent's criteria: rows sharing a timestamp are told apart by
 *   the incrementing column, so a page may end anywhere.
 * - timestamp: `ts > :last AND ts < :end ORDER BY ts LIMIT n`. The offset is only a timestamp, so
 *   a page must not end inside a run of rows sharing one: when a page is full, the rows with its
 *   last timestamp are read again, all of them, and replace the page's tail.
 *
 * `:end` is the database's now() minus timestamp.delay.interval.ms: a row whose transaction commits
 * after a later row was read is still read, as long as the commit comes within the delay.
 */
import type pg from 'pg';
import { SchemaBuilder, SourceRecord, Struct } from '../../sdk/index.js';
import type { Schema, SourceOffset, SourcePartition } from '../../sdk/index.js';
import { describeTable, notNullColumns } from './catalog.js';
import { ConnectException } from './errors.js';
import { quoteIdent, quoteTable, tableName } from './identifiers.js';
import type { TableId } from './identifiers.js';
import {
  MODE_BULK,
  MODE_INCREMENTING,
  MODE_TIMESTAMP,
  MODE_TIMESTAMP_INCREMENTING,
  INCREMENTING_COLUMN_NAME,
  TIMESTAMP_COLUMN_NAME,
} from './source-config.js';
import type { Mode } from './source-config.js';
import { Oid, columnReader, isIntegerType, isTimestampType, numericScale } from './source-types.js';
import type { ColumnReader } from './source-types.js';
import { formatInstant, fromOffsetFields, parseTimestamp, toOffsetFields } from './time.js';

export type QuerySource = { kind: 'table'; id: TableId } | { kind: 'query'; sql: string };

export interface QuerierOptions {
  mode: Mode;
  source: QuerySource;
  topicPrefix: string;
  /** '' asks for the table's identity or serial column. */
  incrementingColumn: string;
  timestampColumns: readonly string[];
  delayMs: number;
  /** db.timezone. */
  zone: string;
  batchMaxRows: number;
  validateNonNull: boolean;
  /** timestamp.initial: null, -1 (now) or milliseconds. */
  timestampInitial: number | null;
}

/** A page of records, and whether the table may have more right away. */
export interface Page {
  records: SourceRecord[];
  more: boolean;
}

/** The columns of a result, compiled once per shape of result. */
interface RowShape {
  signature: string;
  schema: Schema;
  readers: ColumnReader[];
  /** Where the offset columns are in a row (-1: absent). */
  incrementingIndex: number;
  timestampIndexes: number[];
}

const CURSOR = quoteIdent('connectd_bulk');
const QUERY_ALIAS = quoteIdent('connectd_query');

/**
 * Runs `fn` in a READ ONLY transaction. With every statement that carries the user's `query` sent
 * through the extended protocol (one statement per message: a smuggled `; DROP TABLE …` is a syntax
 * error, not a second statement), nothing the connector runs can write, whatever its query calls
 * (a function that writes, nextval) and whatever role it connects as.
 */
/** The query config sent through the extended protocol (@types/pg does not declare queryMode). */
function extended<T extends object>(config: T): T {
  return Object.assign(config, { queryMode: 'extended' });
}

async function readOnly<T>(client: pg.Client, fn: () => Promise<T>): Promise<T> {
  await client.query('BEGIN TRANSACTION READ ONLY');
  try {
    const result = await fn();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Builds a statement's parameter list as its SQL is written. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export class TableQuerier {
  readonly options: QuerierOptions;
  /** Confluent's offset protocol 1: `{"protocol": "1", "table": "schema.table"}`, or `{"query": "query"}`. */
  readonly partition: SourcePartition;
  /** Where Confluent's protocol 0 kept the offsets (`{"table": "name"}`): read when there is no other. */
  readonly legacyPartition: SourcePartition | null;
  readonly topic: string;
  /** When this table is to be queried next (ms since the epoch). */
  nextDue = 0;
  /** When this table was last queried, as the task counts its queries. */
  lastServed = 0;

  #incrementingColumn: string | null = null;
  #timestampType: number = Oid.TIMESTAMPTZ;
  #lastIncrementing: bigint | null = null;
  /** Microseconds since the epoch. */
  #lastTimestamp: bigint | null = null;
  #shape: RowShape | null = null;
  #cursorOpen = false;

  constructor(options: QuerierOptions) {
    this.options = options;
    if (options.source.kind === 'table') {
      const id = options.source.id;
      this.partition = { protocol: '1', table: tableName(id) };
      this.legacyPartition = { table: id.table };
      this.topic = options.topicPrefix + id.table;
    } else {
      this.partition = { query: 'query' };
      this.legacyPartition = null;
      this.topic = options.topicPrefix;
    }
  }

  get name(): string {
    return this.options.source.kind === 'table' ? quoteTable(this.options.source.id) : 'the query';
  }

  /** In bulk mode, between the first and the last page of a table: the connection is in its transaction. */
  get inTransaction(): boolean {
    return this.#cursorOpen;
  }

  #from(): string {
    const source = this.options.source;
    if (source.kind === 'table') return quoteTable(source.id);
    // A subquery, so that the query may have its own WHERE and the criteria use its output names.
    return `(${source.sql.trim().replace(/;+\s*$/, '')}) AS ${QUERY_ALIAS}`;
  }

  /**
   * Checks the mode's columns against the table (or the query's result): they exist, have usable
   * types, and (validate.non.null) are NOT NULL; finds the identity column when none is named; and
   * takes the committed offset, or timestamp.initial.
   */
  async prepare(client: pg.Client, offset: SourceOffset | null): Promise<void> {
    await readOnly(client, () => this.#prepare(client, offset));
  }

  async #prepare(client: pg.Client, offset: SourceOffset | null): Promise<void> {
    const { mode, source } = this.options;
    const described = await client.query(extended({ text: `SELECT * FROM ${this.#from()} LIMIT 0`, rowMode: 'array' }));
    const fields = new Map(described.fields.map((f) => [f.name, f]));
    const columns = source.kind === 'table' ? await describeTable(client, source.id) : null;
    const notNull = source.kind === 'table' ? new Set((columns ?? []).filter((c) => c.notNull).map((c) => c.name)) : null;
    const missing = (key: string, column: string): ConnectException =>
      new ConnectException(
        `${key}: column "${column}" is not in ${source.kind === 'table' ? `table ${this.name}` : 'the output of the query'} (columns: ${[...fields.keys()].join(', ')})`,
      );

    if (mode === MODE_INCREMENTING || mode === MODE_TIMESTAMP_INCREMENTING) {
      let column = this.options.incrementingColumn;
      if (column === '') {
        column = (columns ?? []).find((c) => c.autoIncrement)?.name ?? '';
        if (column === '')
          throw new ConnectException(
            `${INCREMENTING_COLUMN_NAME}: table ${this.name} has no identity or serial column to use; name the incrementing column`,
          );
      }
      const field = fields.get(column);
      if (field === undefined) throw missing(INCREMENTING_COLUMN_NAME, column);
      if (!isIntegerType(field.dataTypeID) || (field.dataTypeID === Oid.NUMERIC && numericScale(field.dataTypeModifier) !== 0)) {
        throw new ConnectException(
          `${INCREMENTING_COLUMN_NAME}: column "${column}" of ${this.name} is not of an integer type (smallint, integer, bigint or numeric(p,0))`,
        );
      }
      if (this.options.validateNonNull && notNull !== null && !notNull.has(column)) {
        throw new ConnectException(
          `${INCREMENTING_COLUMN_NAME}: column "${column}" of ${this.name} is nullable; make it NOT NULL or set validate.non.null=false`,
        );
      }
      this.#incrementingColumn = column;
    }
    if (mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING) {
      const types = this.options.timestampColumns.map((column) => {
        const field = fields.get(column);
        if (field === undefined) throw missing(TIMESTAMP_COLUMN_NAME, column);
        if (!isTimestampType(field.dataTypeID))
          throw new ConnectException(
            `${TIMESTAMP_COLUMN_NAME}: column "${column}" of ${this.name} is not a timestamp or timestamptz column`,
          );
        return field.dataTypeID;
      });
      // COALESCE of timestamp and timestamptz is a timestamptz.
      this.#timestampType = types.includes(Oid.TIMESTAMPTZ) ? Oid.TIMESTAMPTZ : Oid.TIMESTAMP;
      if (this.options.validateNonNull && notNull !== null && !this.options.timestampColumns.some((c) => notNull.has(c))) {
        throw new ConnectException(
          `${TIMESTAMP_COLUMN_NAME}: ${this.options.timestampColumns.map((c) => `"${c}"`).join(', ')} of ${this.name} ${this.options.timestampColumns.length > 1 ? 'are all' : 'is'} nullable; make one NOT NULL or set validate.non.null=false`,
        );
      }
    }
    await this.#restore(client, offset);
  }

  async #restore(client: pg.Client, offset: SourceOffset | null): Promise<void> {
    const incrementing = offset?.incrementing;
    if (typeof incrementing === 'number' || (typeof incrementing === 'string' && /^-?\d+$/.test(incrementing)))
      this.#lastIncrementing = BigInt(incrementing);
    const millis = offset?.timestamp;
    if (typeof millis === 'number') {
      const nanos = offset?.timestamp_nanos;
      this.#lastTimestamp = fromOffsetFields(millis, typeof nanos === 'number' ? nanos : undefined);
    } else if (
      offset === null &&
      this.options.timestampInitial !== null &&
      (this.options.mode === MODE_TIMESTAMP || this.options.mode === MODE_TIMESTAMP_INCREMENTING)
    ) {
      if (this.options.timestampInitial === -1) {
        const now = await client.query<[string]>(extended({ text: 'SELECT now()', rowMode: 'array' }));
        this.#lastTimestamp = parseTimestamp(now.rows[0]![0], 'UTC', 'now()');
      } else {
        this.#lastTimestamp = BigInt(this.options.timestampInitial) * 1000n;
      }
    }
  }

  /** The next page of rows, as records. */
  async fetch(client: pg.Client): Promise<Page> {
    if (this.options.mode === MODE_BULK) return this.#fetchBulk(client);
    return readOnly(client, () => this.#fetchPage(client));
  }

  async #fetchPage(client: pg.Client): Promise<Page> {
    const { sql, params } = this.#pageQuery();
    const result = await client.query(extended({ text: sql, values: params, rowMode: 'array' }));
    let rows = result.rows as (string | null)[][];
    const shape = await this.#shapeOf(client, result.fields);
    const full = rows.length >= this.options.batchMaxRows;
    if (full && this.options.mode === MODE_TIMESTAMP) rows = await this.#completeLastTimestamp(client, rows, shape);
    return { records: rows.map((row) => this.#record(shape, row)), more: full };
  }

  /** Rolls back an open bulk transaction (after an error, or when the task stops). */
  async abort(client: pg.Client | undefined): Promise<void> {
    if (!this.#cursorOpen) return;
    this.#cursorOpen = false;
    await client?.query('ROLLBACK').catch(() => undefined);
  }

  async #fetchBulk(client: pg.Client): Promise<Page> {
    try {
      if (!this.#cursorOpen) {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        this.#cursorOpen = true;
        await client.query(extended({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR SELECT * FROM ${this.#from()}` }));
      }
      const result = await client.query({ text: `FETCH FORWARD ${this.options.batchMaxRows} FROM ${CURSOR}`, rowMode: 'array' });
      const rows = result.rows as (string | null)[][];
      const more = rows.length >= this.options.batchMaxRows;
      const shape = await this.#shapeOf(client, result.fields);
      const records = rows.map((row) => this.#record(shape, row));
      if (!more) {
        this.#cursorOpen = false;
        await client.query('COMMIT');
      }
      return { records, more };
    } catch (err) {
      await this.abort(client);
      throw err;
    }
  }

  #timestampExpression(): string {
    const columns = this.options.timestampColumns.map(quoteIdent);
    return columns.length === 1 ? columns[0]! : `COALESCE(${columns.join(', ')})`;
  }

  /** A parameter holding an instant, as a value of the timestamp expression's type. */
  #instant(params: Params, micros: bigint): string {
    const instant = `${params.add(formatInstant(micros))}::timestamptz`;
    return this.#timestampType === Oid.TIMESTAMPTZ ? instant : `(${instant} AT TIME ZONE ${params.add(this.options.zone)}::text)`;
  }

  #end(params: Params): string {
    const end = `(now() - ${params.add(`${this.options.delayMs} milliseconds`)}::interval)`;
    return this.#timestampType === Oid.TIMESTAMPTZ ? end : `(${end} AT TIME ZONE ${params.add(this.options.zone)}::text)`;
  }

  #pageQuery(): { sql: string; params: unknown[] } {
    const params = new Params();
    const conditions: string[] = [];
    let order: string;
    const inc = this.#incrementingColumn === null ? '' : quoteIdent(this.#incrementingColumn);
    const ts = this.#timestampExpression();
    switch (this.options.mode) {
      case MODE_INCREMENTING:
        if (this.#lastIncrementing !== null) conditions.push(`${inc} > ${params.add(String(this.#lastIncrementing))}`);
        order = `${inc} ASC`;
        break;
      case MODE_TIMESTAMP:
        if (this.#lastTimestamp !== null) conditions.push(`${ts} > ${this.#instant(params, this.#lastTimestamp)}`);
        conditions.push(`${ts} < ${this.#end(params)}`);
        order = `${ts} ASC`;
        break;
      default: {
        conditions.push(`${ts} < ${this.#end(params)}`);
        if (this.#lastTimestamp !== null) {
          const last = this.#instant(params, this.#lastTimestamp);
          // An offset without the incrementing value (written in timestamp mode) rereads its timestamp.
          const tie =
            this.#lastIncrementing === null
              ? `${ts} = ${last}`
              : `(${ts} = ${last} AND ${inc} > ${params.add(String(this.#lastIncrementing))})`;
          conditions.push(`(${tie} OR ${ts} > ${last})`);
        }
        order = `${ts} ASC, ${inc} ASC`;
      }
    }
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    return { sql: `SELECT * FROM ${this.#from()}${where} ORDER BY ${order} LIMIT ${this.options.batchMaxRows}`, params: params.values };
  }

  /**
   * Timestamp mode: the rows of a full page whose timestamp is the page's last, replaced by every
   * row with that timestamp, so that the offset (that timestamp) is not committed with some of
   * them still unread.
   */
  async #completeLastTimestamp(client: pg.Client, rows: (string | null)[][], shape: RowShape): Promise<(string | null)[][]> {
    const lastText = this.#rowTimestampText(rows[rows.length - 1]!, shape);
    if (lastText === null) return rows;
    const params = new Params();
    const type = this.#timestampType === Oid.TIMESTAMPTZ ? 'timestamptz' : 'timestamp';
    const ts = this.#timestampExpression();
    const sameTimestamp = await client.query(
      extended({
        text: `SELECT * FROM ${this.#from()} WHERE ${ts} = ${params.add(lastText)}::${type}`,
        values: params.values,
        rowMode: 'array',
      }),
    );
    const kept = rows.filter((row) => this.#rowTimestampText(row, shape) !== lastText);
    return [...kept, ...(sameTimestamp.rows as (string | null)[][])];
  }

  /** The text of a row's first non-null timestamp column (COALESCE's choice). */
  #rowTimestampText(row: readonly (string | null)[], shape: RowShape): string | null {
    for (const index of shape.timestampIndexes) {
      const text = row[index] ?? null;
      if (text !== null) return text;
    }
    return null;
  }

  async #shapeOf(client: pg.Client, fields: readonly pg.FieldDef[]): Promise<RowShape> {
    const signature = fields
      .map((f) => `${f.name}\u0000${f.dataTypeID}\u0000${f.dataTypeModifier}\u0000${f.tableID}\u0000${f.columnID}`)
      .join('\u0001');
    if (this.#shape?.signature === signature) return this.#shape;
    const notNull = await notNullColumns(client, fields);
    const builder = SchemaBuilder.struct();
    // Confluent names a table's record schema after the table; a query's has no name.
    if (this.options.source.kind === 'table') builder.name(this.options.source.id.table);
    const readers = fields.map((f) => {
      const reader = columnReader(f.name, f.dataTypeID, f.dataTypeModifier, notNull.has(`${f.tableID}:${f.columnID}`), this.options.zone);
      try {
        builder.field(f.name, reader.schema);
      } catch (err) {
        throw new ConnectException(`${this.name} has two columns named "${f.name}": give them distinct names (AS …)`, { cause: err });
      }
      return reader;
    });
    const names = fields.map((f) => f.name);
    this.#shape = {
      signature,
      schema: builder.build(),
      readers,
      incrementingIndex: this.#incrementingColumn === null ? -1 : names.indexOf(this.#incrementingColumn),
      timestampIndexes:
        this.options.mode === MODE_TIMESTAMP || this.options.mode === MODE_TIMESTAMP_INCREMENTING
          ? this.options.timestampColumns.map((c) => names.indexOf(c))
          : [],
    };
    if (this.#incrementingColumn !== null && this.#shape.incrementingIndex < 0)
      throw new ConnectException(`${INCREMENTING_COLUMN_NAME}: column "${this.#incrementingColumn}" is no longer in ${this.name}`);
    if (this.#shape.timestampIndexes.includes(-1))
      throw new ConnectException(`${TIMESTAMP_COLUMN_NAME}: a timestamp column is no longer in ${this.name}`);
    return this.#shape;
  }

  #record(shape: RowShape, row: readonly (string | null)[]): SourceRecord {
    const struct = new Struct(shape.schema);
    shape.readers.forEach((reader, i) => {
      const text = row[i] ?? null;
      struct.put(reader.name, text === null ? null : reader.read(text));
    });
    return new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: this.#advance(row, shape),
      topic: this.topic,
      valueSchema: shape.schema,
      value: struct,
    });
  }

  /** Moves the in-memory offset past a row; returns the offset to commit with its record. */
  #advance(row: readonly (string | null)[], shape: RowShape): SourceOffset {
    const mode = this.options.mode;
    if (mode === MODE_BULK) return {};
    const offset: Record<string, number | string> = {};
    if (this.#incrementingColumn !== null) {
      const text = row[shape.incrementingIndex] ?? null;
      if (text === null)
        throw new ConnectException(`${INCREMENTING_COLUMN_NAME}: column "${this.#incrementingColumn}" of ${this.name} is null in a row`);
      this.#lastIncrementing = BigInt(text);
      // Confluent writes a long; past 2^53 a JSON number would lose digits, so those are strings.
      offset.incrementing = Number.isSafeInteger(Number(this.#lastIncrementing))
        ? Number(this.#lastIncrementing)
        : String(this.#lastIncrementing);
    }
    if (mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING) {
      const text = this.#rowTimestampText(row, shape);
      if (text !== null) {
        const zone = this.#timestampType === Oid.TIMESTAMPTZ ? 'UTC' : this.options.zone;
        this.#lastTimestamp = parseTimestamp(text, zone, this.options.timestampColumns.join(', '));
      }
      if (this.#lastTimestamp !== null) Object.assign(offset, toOffsetFields(this.#lastTimestamp));
    }
    return offset;
  }
}
