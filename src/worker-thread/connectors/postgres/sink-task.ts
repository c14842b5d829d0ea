/**
 * PostgresSinkTask: writes every put in one transaction, so a put either lands whole or not at all
 * (a redelivered put then writes everything again: with insert.mode=upsert, to the same rows).
 *
 * Records become rows (sink-rows.ts); consecutive rows with the same table, operation and columns
 * form a run, written with multi-row statements (table-writer.ts). Runs keep the records' order,
 * so a delete between two writes of a key stays between them.
 *
 * Offsets: a put is durable when it returns, so the default preCommit (everything put so far) is
 * right. A failure of the connection or the server is retried as Confluent's sink does it: the
 * put throws a RetriableException after asking for retry.backoff.ms, max.retries times in a row;
 * anything else (bad data, a missing table without auto.create) fails the task at once.
 */
import type pg from 'pg';
import { SinkTask } from '../../sdk/index.js';
import type { ParsedConfig, SinkRecord, TaskConfig } from '../../sdk/index.js';
import { currentSchema } from './catalog.js';
import { DB_TIMEZONE, connect, connectionSettings } from './connection.js';
import { ConnectException, RetriableException, describeError, isTransient } from './errors.js';
import { quoteTable } from './identifiers.js';
import type { ConnectionSettings } from './connection.js';
import {
  AUTO_CREATE,
  AUTO_EVOLVE,
  BATCH_SIZE,
  DELETE_ENABLED,
  FIELDS_WHITELIST,
  INSERT_MODE,
  MAX_RETRIES,
  PK_FIELDS,
  PK_MODE,
  RETRY_BACKOFF_MS,
  TABLE_NAME_FORMAT,
  parseSinkConfig,
} from './sink-config.js';
import type { InsertMode, PkMode } from './sink-config.js';
import { RowBuilder, recordPosition } from './sink-rows.js';
import type { SinkRow } from './sink-rows.js';
import { TableWriter } from './table-writer.js';
import { VERSION } from './version.js';

export class PostgresSinkTask extends SinkTask {
  #config!: ParsedConfig;
  #settings!: ConnectionSettings;
  #client: pg.Client | undefined;
  #rows: RowBuilder | undefined;
  #writer!: TableWriter;
  #remainingRetries = 0;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#config = parseSinkConfig(props, 'configuration of a PostgresSinkTask');
    this.#settings = connectionSettings(this.#config);
    this.#remainingRetries = this.#config.getInt(MAX_RETRIES);
    this.#writer = new TableWriter({
      insertMode: this.#config.getString(INSERT_MODE) as InsertMode,
      autoCreate: this.#config.getBoolean(AUTO_CREATE),
      autoEvolve: this.#config.getBoolean(AUTO_EVOLVE),
      batchSize: this.#config.getInt(BATCH_SIZE),
      zone: this.#config.getString(DB_TIMEZONE),
    });
    await this.#connection();
  }

  async #connection(): Promise<pg.Client> {
    if (this.#client === undefined) {
      this.#client = await connect(this.#settings);
      // Unqualified table names live in the session's current schema; it is read once per connection.
      this.#rows = new RowBuilder({
        pkMode: this.#config.getString(PK_MODE) as PkMode,
        pkFields: this.#config.getList(PK_FIELDS),
        fieldsWhitelist: this.#config.getList(FIELDS_WHITELIST),
        deleteEnabled: this.#config.getBoolean(DELETE_ENABLED),
        tableNameFormat: this.#config.getString(TABLE_NAME_FORMAT),
        defaultSchema: await currentSchema(this.#client),
      });
    }
    return this.#client;
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    let client: pg.Client;
    try {
      client = await this.#connection();
    } catch (err) {
      throw this.#retryOrFail(err, records);
    }
    const builder = this.#rows!;
    const runs = splitRuns(records.map((record) => builder.row(record)));
    let inTransaction = false;
    try {
      // DDL first, outside the transaction: creating a table is not part of "the put's rows".
      for (const run of runs) await this.#writer.ensureTable(client, run[0]!);
      await client.query('BEGIN');
      inTransaction = true;
      for (const run of runs) await this.#writer.write(client, run);
      await client.query('COMMIT');
      inTransaction = false;
      this.#remainingRetries = this.#config.getInt(MAX_RETRIES);
    } catch (err) {
      if (inTransaction) await client.query('ROLLBACK').catch(() => undefined);
      this.#writer.invalidate(err);
      throw this.#retryOrFail(err, records, runs);
    }
  }

  /** The error a failed put throws: retriable for a failing connection or server, while retries last. */
  #retryOrFail(err: unknown, records: readonly SinkRecord[], runs: readonly SinkRow[][] = []): Error {
    if (err instanceof ConnectException) return err;
    const first = records[0]!;
    const last = records[records.length - 1]!;
    const tables = [...new Set(runs.map((run) => quoteTable(run[0]!.table)))];
    const what = `Writing ${records.length} record(s) (from ${recordPosition(first)} to ${recordPosition(last)})${tables.length > 0 ? ` to ${tables.join(', ')}` : ''} failed: ${describePgError(err)}`;
    if (isTransient(err)) {
      const client = this.#client;
      this.#client = undefined;
      void client?.end().catch(() => undefined);
      if (this.#remainingRetries > 0) {
        this.#remainingRetries--;
        this.context.timeout(this.#config.getInt(RETRY_BACKOFF_MS));
        return new RetriableException(`${what}; retrying (${this.#remainingRetries} retries left)`, { cause: err });
      }
    }
    return new ConnectException(what, { cause: err });
  }

  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/** PostgreSQL's message with the column, constraint and detail it gives. */
function describePgError(err: unknown): string {
  const e = err as { column?: string; constraint?: string; detail?: string };
  const parts = [describeError(err)];
  if (typeof e.column === 'string') parts.push(`column "${e.column}"`);
  if (typeof e.constraint === 'string') parts.push(`constraint "${e.constraint}"`);
  if (typeof e.detail === 'string') parts.push(e.detail);
  return parts.join('; ');
}

/** Consecutive rows with the same signature, in order. */
function splitRuns(rows: readonly SinkRow[]): SinkRow[][] {
  const runs: SinkRow[][] = [];
  for (const row of rows) {
    const current = runs[runs.length - 1];
    if (current !== undefined && current[0]!.signature === row.signature) current.push(row);
    else runs.push([row]);
  }
  return runs;
}
