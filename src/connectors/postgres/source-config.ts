/**
 * PostgresSourceConnector's configuration: Confluent's JDBC source connector keys, with its
 * defaults, so that a JDBC source config moves to connectd unchanged (the keys of other databases
 * and of features not built here, such as numeric.mapping, are not defined and so are ignored).
 */
import { ConfigDef, ConfigException, ParsedConfig, Validators } from '../../sdk/index.js';
import type { ConfigProblem, ConfigProps, ConfigValue } from '../../sdk/index.js';
import { TABLE_TYPES } from './catalog.js';
import { defineConnectionKeys } from './connection.js';

export const MODE = 'mode';
export const MODE_BULK = 'bulk';
export const MODE_INCREMENTING = 'incrementing';
export const MODE_TIMESTAMP = 'timestamp';
export const MODE_TIMESTAMP_INCREMENTING = 'timestamp+incrementing';
export type Mode = typeof MODE_BULK | typeof MODE_INCREMENTING | typeof MODE_TIMESTAMP | typeof MODE_TIMESTAMP_INCREMENTING;

export const TABLE_WHITELIST = 'table.whitelist';
export const TABLE_BLACKLIST = 'table.blacklist';
export const SCHEMA_PATTERN = 'schema.pattern';
export const TABLE_TYPES_KEY = 'table.types';
export const INCREMENTING_COLUMN_NAME = 'incrementing.column.name';
export const TIMESTAMP_COLUMN_NAME = 'timestamp.column.name';
export const TIMESTAMP_INITIAL = 'timestamp.initial';
export const VALIDATE_NON_NULL = 'validate.non.null';
export const QUERY = 'query';
export const TOPIC_PREFIX = 'topic.prefix';
export const POLL_INTERVAL_MS = 'poll.interval.ms';
export const BATCH_MAX_ROWS = 'batch.max.rows';
export const TABLE_POLL_INTERVAL_MS = 'table.poll.interval.ms';
export const TIMESTAMP_DELAY_INTERVAL_MS = 'timestamp.delay.interval.ms';

/** The tables a task reads travel in its config under this key (Confluent's name), as JSON. */
export const TASK_TABLES = 'tables';

const TOPIC_PREFIX_CHARS = /^[a-zA-Z0-9._-]*$/;

const MODE_GROUP = 'Mode';
const CONNECTOR_GROUP = 'Connector';

function defineSourceKeys(def: ConfigDef): ConfigDef {
  let database = 7;
  def
    .define({
      name: TABLE_WHITELIST,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'Tables to copy, as name (users), schema.name (public.users) or quoted ("public"."users"). If set, table.blacklist may not be. Empty: every table of schema.pattern.',
      group: 'Database',
      orderInGroup: ++database,
      width: 'LONG',
      displayName: 'Table Whitelist',
    })
    .define({
      name: TABLE_BLACKLIST,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Tables not to copy, named as in table.whitelist. If set, table.whitelist may not be.',
      group: 'Database',
      orderInGroup: ++database,
      width: 'LONG',
      displayName: 'Table Blacklist',
    })
    .define({
      name: SCHEMA_PATTERN,
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation: 'A LIKE pattern of the schemas whose tables are read (e.g. public). null (the default): every schema but the system ones.',
      group: 'Database',
      orderInGroup: ++database,
      width: 'SHORT',
      displayName: 'Schema pattern',
    });

  let mode = 0;
  def
    .define({
      name: MODE,
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'How each table is read at each poll. bulk: the whole table, every time. incrementing: rows whose incrementing column is greater than the last one read (new rows only). timestamp: rows whose timestamp column is later than the last one read (new and updated rows). timestamp+incrementing: both, so that rows with the same timestamp are each read once.',
      validator: Validators.validString(MODE_BULK, MODE_INCREMENTING, MODE_TIMESTAMP, MODE_TIMESTAMP_INCREMENTING),
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'MEDIUM',
      displayName: 'Table Loading Mode',
      dependents: [INCREMENTING_COLUMN_NAME, TIMESTAMP_COLUMN_NAME, VALIDATE_NON_NULL],
    })
    .define({
      name: INCREMENTING_COLUMN_NAME,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'The strictly incrementing column (an integer type) of the incrementing modes. Empty: the table\'s identity or serial column. It may not be nullable.',
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'MEDIUM',
      displayName: 'Incrementing Column Name',
    })
    .define({
      name: TIMESTAMP_COLUMN_NAME,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'The timestamp (or timestamptz) column of the timestamp modes; several are combined with COALESCE, the first non-null one counting. At least one should not be nullable.',
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'MEDIUM',
      displayName: 'Timestamp Column Name',
    })
    .define({
      name: TIMESTAMP_INITIAL,
      type: 'LONG',
      default: null,
      importance: 'LOW',
      documentation: 'Where the timestamp modes start when there is no offset yet, in milliseconds since the epoch; -1 for now. null (the default): from the earliest row.',
      validator: Validators.lambda((_n, v) => (v === null || Number(v) >= -1 ? undefined : 'Value must be at least -1'), () => '[-1,...]'),
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'MEDIUM',
      displayName: 'Unix time value of initial timestamp',
    })
    .define({
      name: VALIDATE_NON_NULL,
      type: 'BOOLEAN',
      default: 'true',
      importance: 'LOW',
      documentation: 'Check at start that the incrementing column, and at least one timestamp column, are NOT NULL; a task fails to start otherwise.',
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'SHORT',
      displayName: 'Validate Non Null',
    })
    .define({
      name: QUERY,
      type: 'STRING',
      default: '',
      importance: 'MEDIUM',
      documentation:
        'A SELECT to read instead of whole tables (joins, some columns, filters). It is wrapped as a subquery, so it may have its own WHERE; the incrementing and timestamp columns must be among its output columns. Its records go to topic.prefix itself.',
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'SHORT',
      displayName: 'Query',
    });

  let connector = 0;
  return def
    .define({
      name: TABLE_TYPES_KEY,
      type: 'LIST',
      default: 'TABLE',
      importance: 'LOW',
      documentation: `The kinds of relation to read: ${Object.keys(TABLE_TYPES).join(', ')}.`,
      validator: Validators.validList(...Object.keys(TABLE_TYPES)),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'MEDIUM',
      displayName: 'Table Types',
    })
    .define({
      name: POLL_INTERVAL_MS,
      type: 'INT',
      default: '5000',
      importance: 'HIGH',
      documentation: 'How often each table is queried for new data, in milliseconds. A table with more rows than batch.max.rows is read on without waiting.',
      validator: Validators.atLeast(1),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'SHORT',
      displayName: 'Poll Interval (ms)',
    })
    .define({
      name: BATCH_MAX_ROWS,
      type: 'INT',
      default: '100',
      importance: 'LOW',
      documentation:
        'Most rows read by one query (one poll). In timestamp mode, rows sharing the last timestamp of a full batch are read with it, so a batch may be larger.',
      validator: Validators.atLeast(1),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'SHORT',
      displayName: 'Max Rows Per Batch',
    })
    .define({
      name: TABLE_POLL_INTERVAL_MS,
      type: 'LONG',
      default: '60000',
      importance: 'LOW',
      documentation: 'How often the list of tables is read again; an added or removed table gives new task configurations.',
      validator: Validators.atLeast(1),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'SHORT',
      displayName: 'Metadata Change Monitoring Interval (ms)',
    })
    .define({
      name: TOPIC_PREFIX,
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Prefix of the topic of each table (the topic is the prefix and the table name), or, with query, the whole topic name.',
      validator: Validators.lambda((_n, v) => {
        if (typeof v !== 'string') return 'Topic prefix must not be null.';
        if (v.length > 249) return 'Topic prefix length must not exceed max topic name length, 249 chars';
        return TOPIC_PREFIX_CHARS.test(v) ? undefined : "Topic prefix must not contain any character other than ASCII alphanumerics, '.', '_' and '-'.";
      }, () => "ASCII alphanumerics, '.', '_' and '-'"),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'MEDIUM',
      displayName: 'Topic Prefix',
    })
    .define({
      name: TIMESTAMP_DELAY_INTERVAL_MS,
      type: 'LONG',
      default: '0',
      importance: 'HIGH',
      documentation:
        'How long after its timestamp a row is read, in milliseconds: a transaction that commits later than its rows\' timestamps (say, 2 s after now() was taken) has its rows missed by a reader that already moved past them, unless this delay covers the gap.',
      validator: Validators.atLeast(0),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'MEDIUM',
      displayName: 'Delay Interval (ms)',
    });
}

export const SOURCE_CONFIG_DEF: ConfigDef = defineSourceKeys(defineConnectionKeys(new ConfigDef()));

/**
 * The checks that involve several keys (Confluent makes some at start, some in validate): each a
 * problem naming the key to change and why.
 */
export function crossKeyProblems(config: ParsedConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (name: string, message: string): void => {
    problems.push({ name, value: config.originals[name] ?? null, message });
  };
  const whitelist = config.getList(TABLE_WHITELIST);
  const blacklist = config.getList(TABLE_BLACKLIST);
  const query = config.getString(QUERY);
  const mode = config.getString(MODE);
  if (whitelist.length > 0 && blacklist.length > 0) problem(TABLE_BLACKLIST, `${TABLE_WHITELIST} and ${TABLE_BLACKLIST} are exclusive: set one of them`);
  if (query !== '' && (whitelist.length > 0 || blacklist.length > 0)) problem(QUERY, `${QUERY} may not be combined with ${whitelist.length > 0 ? TABLE_WHITELIST : TABLE_BLACKLIST}`);
  const timestampColumns = config.getList(TIMESTAMP_COLUMN_NAME).filter((c) => c !== '');
  if ((mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING) && timestampColumns.length === 0) {
    problem(TIMESTAMP_COLUMN_NAME, `mode=${mode} needs at least one timestamp column`);
  }
  if (query !== '' && (mode === MODE_INCREMENTING || mode === MODE_TIMESTAMP_INCREMENTING) && config.getString(INCREMENTING_COLUMN_NAME) === '') {
    problem(INCREMENTING_COLUMN_NAME, `mode=${mode} with a query needs the incrementing column named (a query has no identity column to find)`);
  }
  return problems;
}

/** Parses and checks a configuration, throwing one ConfigException naming every problem. */
export function parseSourceConfig(props: ConfigProps, context?: string): ParsedConfig {
  const config = SOURCE_CONFIG_DEF.parse(props, context);
  const problems = crossKeyProblems(config);
  if (problems.length > 0) throw new ConfigException(problems, context);
  return config;
}

/** `validateAll` with the cross-key problems added to their keys (for the validate endpoint). */
export function validateSourceConfig(props: ConfigProps): Map<string, ConfigValue> {
  const values = SOURCE_CONFIG_DEF.validateAll(props);
  // Checked on what did parse, so that one bad key does not hide the others' problems.
  const parsed = new ParsedConfig(new Map([...values].map(([name, v]) => [name, v.value])), props);
  for (const p of crossKeyProblems(parsed)) values.get(p.name)?.addErrorMessage(p.message);
  return values;
}
