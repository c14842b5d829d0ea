/**
 * PostgresSourceTask: reads its share of the tables (or the query) on one connection, one table's
 * page per poll, the table that has waited longest first; a table is queried again right away while
 * it returns full pages, else after poll.interval.ms.
 *
 * Offsets resume where the last committed record left off. A table's offsets are looked up under
 * Confluent's two partition formats, the current one first, so offsets copied from a Kafka Connect
 * JDBC connector are found.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { SourceTask } from '../../sdk/index.js';
import type { ParsedConfig, SourceOffset, SourceRecord, TaskConfig } from '../../sdk/index.js';
import { DB_TIMEZONE, connect, connectionSettings } from './connection.js';
import { ConnectException, describeError, isTransient } from './errors.js';
import type { ConnectionSettings } from './connection.js';
import type { TableId } from './identifiers.js';
import {
  BATCH_MAX_ROWS,
  INCREMENTING_COLUMN_MAPPING,
  INCREMENTING_COLUMN_NAME,
  MODE,
  POLL_INTERVAL_MS,
  TASK_TABLES,
  TIMESTAMP_COLUMNS_MAPPING,
  TIMESTAMP_COLUMN_NAME,
  TIMESTAMP_DELAY_INTERVAL_MS,
  TIMESTAMP_INITIAL,
  TOPIC_PREFIX,
  VALIDATE_NON_NULL,
  effectiveQuery,
  parseColumnMapping,
  parseSourceConfig,
  usesIncludeLists,
} from './source-config.js';
import type { ColumnMapping } from './source-config.js';
import type { Mode } from './source-config.js';
import { TableQuerier } from './table-querier.js';
import type { QuerySource } from './table-querier.js';
import { VERSION } from './version.js';

/** The longest a poll waits for a table to be due before returning null (so pause and stop are prompt). */
const MAX_IDLE_WAIT_MS = 1000;
/** PostgreSQL's undefined_table: a table dropped since the connector listed it. */
const UNDEFINED_TABLE = '42P01';

export function encodeTaskTables(tables: readonly TableId[]): string {
  return JSON.stringify(tables.map((t) => [t.schema, t.table]));
}

function decodeTaskTables(text: string | undefined): TableId[] {
  if (text === undefined || text === '') return [];
  return (JSON.parse(text) as [string, string][]).map(([schema, table]) => ({ schema, table }));
}

export class PostgresSourceTask extends SourceTask {
  #config!: ParsedConfig;
  #settings!: ConnectionSettings;
  #client: pg.Client | undefined;
  #queriers: TableQuerier[] = [];
  #stopping = new AbortController();
  /** A poll is using the connection: stop() leaves closing it to that poll. */
  #polling = false;
  #consecutiveFailures = 0;
  /** Counts fetches, to order tables due at the same time. */
  #served = 0;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#config = parseSourceConfig(props, 'configuration of a PostgresSourceTask');
    this.#settings = connectionSettings(this.#config);
    const query = effectiveQuery(this.#config);
    const sources: QuerySource[] =
      query !== '' ? [{ kind: 'query', sql: query }] : decodeTaskTables(props[TASK_TABLES]).map((id) => ({ kind: 'table', id }));
    const timestampInitial = this.#config.get(TIMESTAMP_INITIAL);
    const mode = this.#config.getString(MODE) as Mode;
    this.#queriers = sources.map(
      (source) =>
        new TableQuerier({
          mode,
          source,
          topicPrefix: this.#config.getString(TOPIC_PREFIX),
          ...this.#offsetColumns(source, mode),
          delayMs: Number(this.#config.getLong(TIMESTAMP_DELAY_INTERVAL_MS)),
          zone: this.#config.getString(DB_TIMEZONE),
          batchMaxRows: this.#config.getInt(BATCH_MAX_ROWS),
          validateNonNull: this.#config.getBoolean(VALIDATE_NON_NULL),
          timestampInitial: timestampInitial === null ? null : Number(timestampInitial),
        }),
    );
    const partitions = this.#queriers.flatMap((q) => (q.legacyPartition === null ? [q.partition] : [q.partition, q.legacyPartition]));
    const offsets = await this.context.offsetStorageReader().offsets(partitions);
    const client = await this.#connection();
    for (const querier of this.#queriers) {
      const offset: SourceOffset | null =
        offsets.get(querier.partition) ?? (querier.legacyPartition === null ? null : (offsets.get(querier.legacyPartition) ?? null));
      await querier.prepare(client, offset);
    }
  }

  /**
   * A table's offset columns: the column keys, or with table.include.list Confluent's per-table
   * mappings, where a table must match exactly one regex (none at all in incrementing.column.mapping:
   * its identity column).
   */
  #offsetColumns(source: QuerySource, mode: Mode): { incrementingColumn: string; timestampColumns: string[] } {
    if (source.kind !== 'table' || !usesIncludeLists(this.#config)) {
      return {
        incrementingColumn: this.#config.getString(INCREMENTING_COLUMN_NAME),
        timestampColumns: this.#config.getList(TIMESTAMP_COLUMN_NAME).filter((c) => c !== ''),
      };
    }
    const name = `${source.id.schema}.${source.id.table}`;
    const columnsOf = (key: string, bracketed: boolean, needed: boolean): string[] => {
      const entries = this.#config.getList(key);
      if (entries.length === 0 || !needed) return [];
      const matching = entries.map((e) => parseColumnMapping(e, bracketed) as ColumnMapping).filter((m) => m.regex.test(name));
      if (matching.length !== 1) {
        throw new ConnectException(
          `${key}: table ${name} ${matching.length === 0 ? 'matches none' : `matches more than one (${matching.map((m) => m.source).join(', ')})`} of its regexes; each table copied must match exactly one`,
        );
      }
      return matching[0]!.columns;
    };
    return {
      incrementingColumn:
        columnsOf(INCREMENTING_COLUMN_MAPPING, false, mode === 'incrementing' || mode === 'timestamp+incrementing')[0] ?? '',
      timestampColumns: columnsOf(TIMESTAMP_COLUMNS_MAPPING, true, mode === 'timestamp' || mode === 'timestamp+incrementing'),
    };
  }

  async #connection(): Promise<pg.Client> {
    this.#client ??= await connect(this.#settings, this.#stopping.signal);
    return this.#client;
  }

  async poll(): Promise<SourceRecord[] | null> {
    this.#polling = true;
    try {
      while (!this.#stopping.signal.aborted) {
        const querier = this.#next();
        if (querier === undefined) break;
        const wait = querier.nextDue - Date.now();
        if (wait > 0) {
          await sleep(Math.min(wait, MAX_IDLE_WAIT_MS), undefined, { signal: this.#stopping.signal }).catch(() => undefined);
          return null;
        }
        const page = await this.#fetch(querier);
        if (page === null) return null;
        if (page.length > 0) return page;
      }
      if (this.#queriers.length === 0) await sleep(MAX_IDLE_WAIT_MS, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      return null;
    } finally {
      this.#polling = false;
      if (this.#stopping.signal.aborted) await this.#close();
    }
  }

  /** The table to query next: the one in a bulk transaction, else the one due the earliest. */
  #next(): TableQuerier | undefined {
    const inTransaction = this.#queriers.find((q) => q.inTransaction);
    if (inTransaction !== undefined) return inTransaction;
    let next: TableQuerier | undefined;
    // Due at the same millisecond: the one served longer ago goes first, so tables take turns.
    for (const q of this.#queriers)
      if (next === undefined || q.nextDue < next.nextDue || (q.nextDue === next.nextDue && q.lastServed < next.lastServed)) next = q;
    return next;
  }

  /** One page of `querier`; null after a connection failure that the next poll retries. */
  async #fetch(querier: TableQuerier): Promise<SourceRecord[] | null> {
    const pollInterval = this.#config.getInt(POLL_INTERVAL_MS);
    try {
      const client = await this.#connection();
      querier.lastServed = ++this.#served;
      const page = await querier.fetch(client);
      this.#consecutiveFailures = 0;
      querier.nextDue = page.more ? Date.now() : Date.now() + pollInterval;
      return page.records;
    } catch (err) {
      if (this.#stopping.signal.aborted) return null;
      await querier.abort(this.#client);
      if ((err as { code?: unknown }).code === UNDEFINED_TABLE && querier.options.source.kind === 'table') {
        // Dropped: the table monitor will reconfigure the tasks; until then, look again later.
        querier.nextDue = Date.now() + pollInterval;
        return [];
      }
      if (!isTransient(err)) throw new ConnectException(`Reading ${querier.name} failed: ${describeError(err)}`, { cause: err });
      // The connection failed: a new one next time, after connection.backoff.ms, up to
      // connection.attempts times in a row.
      await this.#dropConnection();
      if (++this.#consecutiveFailures >= this.#settings.attempts) throw err;
      await sleep(this.#settings.backoffMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
      return null;
    }
  }

  async #dropConnection(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  async #close(): Promise<void> {
    for (const q of this.#queriers) await q.abort(this.#client);
    await this.#dropConnection();
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    // A poll in progress closes the connection when it returns; closing it under the poll's query
    // would turn a clean stop into an error.
    if (!this.#polling) await this.#close();
  }
}
