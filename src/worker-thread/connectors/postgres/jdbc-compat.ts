/**
 * The keys of Confluent's JDBC connectors (kafka-connect-jdbc 10.x JdbcSourceConnectorConfig,
 * JdbcSinkConfig) that connectd's PostgreSQL connectors do not implement, so that a config written
 * for `io.confluent.connect.jdbc.JdbcSourceConnector` / `JdbcSinkConnector` runs here as it is:
 *
 * - a value that asks for what connectd does anyway (`dialect.name=PostgreSqlDatabaseDialect`,
 *   `numeric.mapping=none`) is accepted silently;
 * - a value that only tunes the Java implementation (retries, buffers, logging, SQL Server options)
 *   is accepted, and the connector names every such key in one warning when it starts;
 * - a value whose being ignored would change the data (other record types, other rows, other
 *   tables) is refused by its validator, so validate and create answer 400 naming the key.
 *
 * The keys are defined in the connectors' ConfigDefs (group "Confluent JDBC compatibility"), so the
 * validate endpoint lists them and every error names the key the user wrote.
 */
import { Validators } from '../../sdk/index.js';
import type { ConfigDef } from '../../sdk/index.js';

interface CompatKey {
  name: string;
  /** Confluent's default, as text (null: unset). */
  default: string | null;
  /** What connectd does instead, for the documentation and the warning. */
  reason: string;
  /** Values (lower case) that ask for connectd's own behaviour: no warning. */
  honoured?: readonly string[];
  /** Why a value is refused; undefined when it is accepted. */
  refuse?: (value: string) => string | undefined;
}

const lower = (v: string): string => v.trim().toLowerCase();

const DIALECT: CompatKey = {
  name: 'dialect.name',
  default: '',
  reason: 'the dialect is always PostgreSQL',
  honoured: ['', 'postgresqldatabasedialect'],
};
const DATE_CALENDAR: CompatKey = {
  name: 'date.calendar.system',
  default: 'LEGACY',
  reason: 'dates are always proleptic Gregorian (JavaScript dates); LEGACY differs only before 1582-10-15',
  honoured: ['legacy', 'proleptic_gregorian'],
};
const CREDENTIALS: CompatKey = {
  name: 'jdbc.credentials.provider.class',
  default: null,
  reason:
    'Java classes do not run in connectd: the credentials are connection.user and connection.password (a ${file:…} placeholder keeps the password out of the config)',
  honoured: ['io.confluent.connect.jdbc.util.defaultjdbccredentialsprovider'],
};

/** Source keys. `quote.sql.identifiers` does not matter here: every name comes from the catalog and is quoted. */
const SOURCE_KEYS: readonly CompatKey[] = [
  DIALECT,
  {
    name: 'numeric.mapping',
    default: null,
    reason: 'numeric columns are always Decimals (numeric.mapping=none)',
    honoured: ['none'],
    refuse: (v) =>
      ['none', ''].includes(lower(v))
        ? undefined
        : `connectd writes every numeric column as a Decimal (numeric.mapping=none); ${v} would give INT or FLOAT64 fields, so records would change type under their consumers. Remove the key (or set none) to accept Decimals`,
  },
  {
    name: 'numeric.precision.mapping',
    default: 'false',
    reason: 'numeric columns are always Decimals',
    honoured: ['false'],
    refuse: (v) =>
      lower(v) === 'true'
        ? 'connectd writes every numeric column as a Decimal; true would give INT fields, so records would change type under their consumers. Remove the key to accept Decimals'
        : undefined,
  },
  {
    name: 'timestamp.granularity',
    default: 'connect_logical',
    reason: 'timestamps are always Connect Timestamps (connect_logical)',
    honoured: ['connect_logical'],
    refuse: (v) =>
      lower(v) === 'connect_logical' || lower(v) === ''
        ? undefined
        : `connectd writes timestamp columns as Connect Timestamps (connect_logical); ${v} would give longs or strings, so records would change type under their consumers. Remove the key to accept Timestamps`,
  },
  {
    name: 'query.suffix',
    default: '',
    reason: 'no text is appended to the generated query',
    honoured: [''],
    refuse: (v) =>
      v.trim() === ''
        ? undefined
        : 'connectd does not append text to its queries, and ignoring it would read other rows than Kafka Connect did; put the condition in query instead',
  },
  {
    name: 'transaction.isolation.mode',
    default: 'DEFAULT',
    reason: "each read runs in a READ ONLY transaction at the server's default isolation (bulk mode: REPEATABLE READ)",
    honoured: ['default', 'read_committed'],
    refuse: (v) =>
      lower(v) === 'sql_server_snapshot' ? 'SQL_SERVER_SNAPSHOT can only be configured with a SQL Server database' : undefined,
  },
  {
    name: 'catalog.pattern',
    default: null,
    reason: 'a PostgreSQL connection sees one database: choose tables with schema.pattern and the table lists',
  },
  {
    name: 'query.retry.attempts',
    default: '-1',
    reason: 'a failed query is retried as a lost connection is: connection.attempts times',
    honoured: ['-1'],
  },
  { name: 'poll.linger.ms', default: '5000', reason: 'a task waits for due tables itself, at most 1 s per poll', honoured: ['5000'] },
  {
    name: 'max.buffer.size',
    default: '0',
    reason: 'records are not buffered in the connector: a poll returns one page of batch.max.rows rows',
    honoured: ['0'],
  },
  {
    name: 'table.monitoring.startup.polling.limit.ms',
    default: '10000',
    reason: 'the connector lists the tables before it starts its tasks',
    honoured: ['10000'],
  },
  {
    name: 'quote.sql.identifiers',
    default: 'ALWAYS',
    reason: 'identifiers are always quoted, as the catalog names them',
    honoured: ['always'],
  },
  DATE_CALENDAR,
  CREDENTIALS,
];

const SINK_KEYS: readonly CompatKey[] = [
  DIALECT,
  {
    name: 'quote.sql.identifiers',
    default: 'ALWAYS',
    reason: 'table and column names are always quoted',
    honoured: ['always'],
    refuse: (v) =>
      lower(v) === 'never'
        ? 'connectd always quotes table and column names; with never, Kafka Connect let PostgreSQL fold them to lower case, so a topic or field with capitals would write to another table or column here. Remove the key, and name tables in lower case with table.name.format if needed'
        : undefined,
  },
  {
    name: 'timestamp.fields.list',
    default: '',
    reason: 'no field is converted to a timestamp',
    honoured: [''],
    refuse: (v) =>
      v.trim() === ''
        ? undefined
        : 'connectd does not convert long or string fields to timestamps; ignoring it would write other column values than Kafka Connect did. Convert them with the TimestampConverter transform instead',
  },
  {
    name: 'timestamp.precision.mode',
    default: 'microseconds',
    reason: 'used only with timestamp.fields.list, which connectd does not support',
    honoured: ['microseconds'],
  },
  { name: 'table.types', default: 'TABLE', reason: 'records are written to the named relation whatever its kind', honoured: ['table'] },
  {
    name: 'date.timezone',
    default: 'DB_TIMEZONE',
    reason: 'DATE values are written as the calendar date of the record',
    honoured: ['db_timezone'],
  },
  { name: 'replace.null.with.default', default: 'true', reason: 'a null field is written as NULL', honoured: ['false'] },
  {
    name: 'string.output.value.column.name',
    default: 'record_value',
    reason: 'record values must be structs (or flat maps)',
    honoured: ['record_value'],
  },
  { name: 'trim.sensitive.log', default: 'false', reason: "secret values never reach connectd's log", honoured: ['false', 'true'] },
  { name: 'mssql.use.merge.holdlock', default: 'true', reason: 'a SQL Server option', honoured: ['true'] },
  DATE_CALENDAR,
  CREDENTIALS,
];

const GROUP = 'Confluent JDBC compatibility';

function define(def: ConfigDef, keys: readonly CompatKey[]): ConfigDef {
  keys.forEach((key, i) => {
    def.define({
      name: key.name,
      type: 'STRING',
      default: key.default,
      importance: 'LOW',
      documentation: `Confluent JDBC key, accepted and not applied: ${key.reason}.${key.refuse === undefined ? '' : ' Values whose being ignored would change the data are refused.'}`,
      validator: Validators.lambda(
        (_name, value) => (typeof value === 'string' ? key.refuse?.(value) : undefined),
        () => (key.refuse === undefined ? '' : 'values connectd honours'),
      ),
      group: GROUP,
      orderInGroup: i + 1,
      width: 'MEDIUM',
    });
  });
  return def;
}

export const defineSourceCompatKeys = (def: ConfigDef): ConfigDef => define(def, SOURCE_KEYS);
export const defineSinkCompatKeys = (def: ConfigDef): ConfigDef => define(def, SINK_KEYS);

function ignored(props: Readonly<Record<string, string>>, keys: readonly CompatKey[]): string[] {
  return keys
    .filter((k) => props[k.name] !== undefined && !(k.honoured ?? []).includes(lower(props[k.name]!)))
    .map((k) => `${k.name} (${k.reason})`);
}

/**
 * The one warning a connector logs at start: the Confluent JDBC keys it was given that it does not
 * apply, each with what happens instead; undefined when there are none.
 */
export function ignoredKeysWarning(props: Readonly<Record<string, string>>, kind: 'source' | 'sink'): string | undefined {
  const names = ignored(props, kind === 'source' ? SOURCE_KEYS : SINK_KEYS);
  return names.length === 0 ? undefined : `Confluent JDBC connector settings that connectd does not apply: ${names.join('; ')}`;
}
