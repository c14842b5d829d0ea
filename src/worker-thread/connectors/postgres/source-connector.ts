/**
 * PostgresSourceConnector: Confluent's JDBC source connector for PostgreSQL. It lists the tables to
 * copy (table.whitelist / table.blacklist / schema.pattern / table.types), spreads them over the
 * tasks with groupPartitions, and watches the list every table.poll.interval.ms: a table added or
 * dropped asks the framework for new task configs, which restarts only the tasks whose tables
 * changed. With `query`, one task reads the query and nothing is watched.
 */
import type pg from 'pg';
import { ConfigException, SourceConnector, groupPartitions } from '../../sdk/index.js';
import type { ConfigDef, ConfigValue, ParsedConfig, SourceTask, TaskConfig } from '../../sdk/index.js';
import { listTables } from './catalog.js';
import { connect, connectionSettings } from './connection.js';
import { ConnectException, describeError } from './errors.js';
import { parseQualifiedName, quoteTable } from './identifiers.js';
import type { ConnectionSettings } from './connection.js';
import type { TableId } from './identifiers.js';
import { ignoredKeysWarning } from './jdbc-compat.js';
import {
  SCHEMA_PATTERN,
  SOURCE_CONFIG_DEF,
  TABLE_BLACKLIST,
  TABLE_EXCLUDE_LIST,
  TABLE_INCLUDE_LIST,
  TABLE_POLL_INTERVAL_MS,
  TABLE_TYPES_KEY,
  TABLE_WHITELIST,
  TASK_TABLES,
  effectiveQuery,
  parseSourceConfig,
  tableRegex,
  validateSourceConfig,
} from './source-config.js';
import { PostgresSourceTask, encodeTaskTables } from './source-task.js';
import { VERSION } from './version.js';

/** A table.whitelist / table.blacklist entry: a table name, or a schema and a table name. */
type TableFilter = { schema: string | null; table: string };

function parseFilters(config: ParsedConfig, key: string): TableFilter[] {
  return config.getList(key).map((entry) => {
    let parts: string[];
    try {
      parts = parseQualifiedName(entry);
    } catch (err) {
      throw new ConfigException([{ name: key, value: config.originals[key] ?? null, message: (err as Error).message }]);
    }
    if (parts.length > 2)
      throw new ConfigException([
        { name: key, value: config.originals[key] ?? null, message: `${entry}: name a table as table or schema.table` },
      ]);
    return parts.length === 2 ? { schema: parts[0]!, table: parts[1]! } : { schema: null, table: parts[0]! };
  });
}

const matches = (filter: TableFilter, id: TableId): boolean =>
  filter.table === id.table && (filter.schema === null || filter.schema === id.schema);

export class PostgresSourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};
  #config!: ParsedConfig;
  #settings!: ConnectionSettings;
  #client: pg.Client | undefined;
  #tables: TableId[] = [];
  #monitor: NodeJS.Timeout | undefined;
  #stopped = false;
  #monitorFailures = 0;

  version(): string {
    return VERSION;
  }

  config(): ConfigDef {
    return SOURCE_CONFIG_DEF;
  }

  override validate(props: Readonly<Record<string, string>>): Map<string, ConfigValue> {
    return validateSourceConfig(props);
  }

  async start(props: Readonly<Record<string, string>>): Promise<void> {
    this.#props = props;
    this.#config = parseSourceConfig(props, 'configuration of a PostgresSourceConnector');
    const warning = ignoredKeysWarning(props, 'source');
    if (warning !== undefined) this.context.warn(warning);
    this.#settings = connectionSettings(this.#config);
    // Connect now, so that a wrong URL or password fails the connector rather than each task.
    this.#client = await connect(this.#settings);
    if (effectiveQuery(this.#config) !== '') return;
    this.#tables = await this.#listTables();
    this.#scheduleMonitor();
  }

  taskClass(): new () => SourceTask {
    return PostgresSourceTask;
  }

  taskConfigs(maxTasks: number): TaskConfig[] {
    if (effectiveQuery(this.#config) !== '') return [{ ...this.#props, [TASK_TABLES]: '' }];
    if (this.#tables.length === 0) return [];
    return groupPartitions(this.#tables, Math.min(this.#tables.length, maxTasks)).map((tables) => ({
      ...this.#props,
      [TASK_TABLES]: encodeTaskTables(tables),
    }));
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#monitor);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** The tables to copy, filtered; the same unqualified name twice is an error (one topic each). */
  async #listTables(): Promise<TableId[]> {
    this.#client ??= await connect(this.#settings);
    const schemaPattern = this.#config.get(SCHEMA_PATTERN);
    const all = await listTables(
      this.#client,
      this.#config.getList(TABLE_TYPES_KEY),
      typeof schemaPattern === 'string' ? schemaPattern : null,
    );
    const whitelist = parseFilters(this.#config, TABLE_WHITELIST);
    const blacklist = parseFilters(this.#config, TABLE_BLACKLIST);
    // Confluent's table.include.list / table.exclude.list: regexes over the unquoted schema.table.
    const include = this.#config.getList(TABLE_INCLUDE_LIST).map(tableRegex);
    const exclude = this.#config.getList(TABLE_EXCLUDE_LIST).map(tableRegex);
    const byRegex = (id: TableId): boolean =>
      include.length === 0 ||
      (include.some((r) => r.test(`${id.schema}.${id.table}`)) && !exclude.some((r) => r.test(`${id.schema}.${id.table}`)));
    const tables = all.filter(
      (id) => (whitelist.length === 0 || whitelist.some((f) => matches(f, id))) && !blacklist.some((f) => matches(f, id)) && byRegex(id),
    );
    const byName = new Map<string, TableId[]>();
    for (const id of tables) byName.set(id.table, [...(byName.get(id.table) ?? []), id]);
    const duplicates = [...byName.values()].filter((ids) => ids.length > 1);
    if (duplicates.length > 0) {
      throw new ConnectException(
        `Tables of the same name in several schemas would write to one topic (topic.prefix + table name): ${duplicates.map((ids) => ids.map(quoteTable).join(' and ')).join('; ')}. ` +
          `Name one table of each in ${TABLE_WHITELIST} (as schema.table), or narrow ${SCHEMA_PATTERN}.`,
      );
    }
    return tables;
  }

  #scheduleMonitor(): void {
    if (this.#stopped) return;
    this.#monitor = setTimeout(() => void this.#checkTables(), Number(this.#config.getLong(TABLE_POLL_INTERVAL_MS)));
  }

  /** The table monitor: one listing at a time, rescheduled after it ends. */
  async #checkTables(): Promise<void> {
    try {
      const now = await this.#listTables();
      this.#monitorFailures = 0;
      const key = (ids: readonly TableId[]): string => ids.map(quoteTable).join(',');
      if (!this.#stopped && key(now) !== key(this.#tables)) {
        this.#tables = now;
        this.context.requestTaskReconfiguration();
      }
    } catch (err) {
      const client = this.#client;
      this.#client = undefined;
      await client?.end().catch(() => undefined);
      // A lost connection may come back; a configuration the database contradicts will not.
      if (err instanceof ConnectException || ++this.#monitorFailures >= this.#settings.attempts) {
        if (!this.#stopped)
          this.context.raiseError(new ConnectException(`Listing the tables to copy failed: ${describeError(err)}`, { cause: err }));
        return;
      }
    }
    this.#scheduleMonitor();
  }
}
