/**
 * PostgresSourceConnector's configuration: Confluent's JDBC source connector keys, with its
 * defaults, so that a JDBC source config moves to connectd unchanged (the keys of other databases
 * and of features not built here, such as numeric.mapping, are not defined and so are ignored).
 */
import { ConfigDef, ConfigException, ParsedConfig, Validators } from '../../sdk/index.js';
import type { ConfigProblem, ConfigProps, ConfigValue } from '../../sdk/index.js';
import { TABLE_TYPES } from './catalog.js';
import { defineConnectionKeys } from './connection.js';
import { defineSourceCompatKeys } from './jdbc-compat.js';

export const MODE = 'mode';
export const MODE_BULK = 'bulk';
export const MODE_INCREMENTING = 'incrementing';
export const MODE_TIMESTAMP = 'timestamp';
export const MODE_TIMESTAMP_INCREMENTING = 'timestamp+incrementing';
export type Mode = typeof MODE_BULK | typeof MODE_INCREMENTING | typeof MODE_TIMESTAMP | typeof MODE_TIMESTAMP_INCREMENTING;

export const TABLE_WHITELIST = 'table.whitelist';
export const TABLE_BLACKLIST = 'table.blacklist';
export const TABLE_INCLUDE_LIST = 'table.include.list';
export const TABLE_EXCLUDE_LIST = 'table.exclude.list';
export const TIMESTAMP_COLUMNS_MAPPING = 'timestamp.columns.mapping';
export const INCREMENTING_COLUMN_MAPPING = 'incrementing.column.mapping';
export const QUERY_MASKED = 'query.masked';
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

/**
 * A table.include.list / mapping regex as Confluent applies it (Java's Pattern.matches): the whole
 * unquoted schema.table name must match.
 */
export function tableRegex(source: string): RegExp {
  return new RegExp(`^(?:${source.trim()})$`);
}

function regexProblem(source: string): string | undefined {
  try {
    tableRegex(source);
    return undefined;
  } catch (err) {
    return `${source}: not a valid regular expression (${(err as Error).message})`;
  }
}

const regexListValidator = Validators.lambda(
  (_name, value) => (Array.isArray(value) ? value.map((v) => regexProblem(String(v))).find((p) => p !== undefined) : undefined),
  () => 'regular expressions',
);

/** One entry of timestamp.columns.mapping (`regex:[a|b]`) or incrementing.column.mapping (`regex:col`). */
export interface ColumnMapping {
  regex: RegExp;
  source: string;
  columns: string[];
}

/** Splits at the first colon, as Confluent does; the problem with the entry, as a string, if any. */
export function parseColumnMapping(entry: string, bracketed: boolean): ColumnMapping | string {
  const colon = entry.indexOf(':');
  const shape = bracketed ? 'regex:[column|column…]' : 'regex:column';
  if (colon < 0) return `${entry}: expected ${shape}`;
  const source = entry.slice(0, colon).trim();
  let columns = entry.slice(colon + 1).trim();
  if (bracketed) {
    if (!columns.startsWith('[') || !columns.endsWith(']')) return `${entry}: expected ${shape}`;
    columns = columns.slice(1, -1);
  }
  const names = (bracketed ? columns.split('|') : [columns]).map((c) => c.trim());
  if (source === '' || names.some((c) => c === '')) return `${entry}: expected ${shape}`;
  const problem = regexProblem(source);
  return problem ?? { regex: tableRegex(source), source, columns: names };
}

const mappingValidator = (bracketed: boolean): ReturnType<typeof Validators.lambda> =>
  Validators.lambda(
    (_name, value) => {
      if (!Array.isArray(value)) return undefined;
      for (const entry of value) {
        const parsed = parseColumnMapping(String(entry), bracketed);
        if (typeof parsed === 'string') return parsed;
      }
      return undefined;
    },
    () => (bracketed ? 'regex:[column|column…], …' : 'regex:column, …'),
  );

/** The query to read: `query`, or `query.masked` (the same, kept out of sight). '' for tables. */
export function effectiveQuery(config: ParsedConfig): string {
  const query = config.getString(QUERY);
  if (query !== '') return query;
  const masked = config.getPassword(QUERY_MASKED);
  return masked === null ? '' : masked.value();
}

/** Whether tables are chosen by Confluent's newer keys (regexes and per-table columns). */
export function usesIncludeLists(config: ParsedConfig): boolean {
  return config.getList(TABLE_INCLUDE_LIST).length > 0;
}

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
      documentation:
        'A LIKE pattern of the schemas whose tables are read (e.g. public). null (the default): every schema but the system ones.',
      group: 'Database',
      orderInGroup: ++database,
      width: 'SHORT',
      displayName: 'Schema pattern',
    })
    .define({
      name: TABLE_INCLUDE_LIST,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        "Regular expressions matched against the whole schema.table name of each table (public\\.orders, app\\..*): the tables to copy (Confluent 10.8's alternative to table.whitelist, which may then not be set).",
      validator: regexListValidator,
      group: 'Database',
      orderInGroup: ++database,
      width: 'LONG',
      displayName: 'Tables Included (Regex)',
    })
    .define({
      name: TABLE_EXCLUDE_LIST,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Regular expressions as in table.include.list: the tables it includes that are not copied. Needs table.include.list.',
      validator: regexListValidator,
      group: 'Database',
      orderInGroup: ++database,
      width: 'LONG',
      displayName: 'Tables Excluded (Regex)',
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
        "The strictly incrementing column (an integer type) of the incrementing modes. Empty: the table's identity or serial column. It may not be nullable.",
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
      documentation:
        'Where the timestamp modes start when there is no offset yet, in milliseconds since the epoch; -1 for now. null (the default): from the earliest row.',
      validator: Validators.lambda(
        (_n, v) => (v === null || Number(v) >= -1 ? undefined : 'Value must be at least -1'),
        () => '[-1,...]',
      ),
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
      documentation:
        'Check at start that the incrementing column, and at least one timestamp column, are NOT NULL; a task fails to start otherwise.',
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
    })
    .define({
      name: QUERY_MASKED,
      type: 'PASSWORD',
      default: null,
      importance: 'MEDIUM',
      documentation: 'The same as query, masked in the REST API and the logs. Only one of query and query.masked may be set.',
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'SHORT',
      displayName: 'Query (Masked)',
    })
    .define({
      name: TIMESTAMP_COLUMNS_MAPPING,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        "With table.include.list: each table's timestamp columns, as regex:[col1|col2] entries (public\\.orders:[updated_at|created_at]); every table copied must match exactly one regex. Replaces timestamp.column.name, which may then not be set.",
      validator: mappingValidator(true),
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'LONG',
      displayName: 'Table to timestamp columns mappings',
    })
    .define({
      name: INCREMENTING_COLUMN_MAPPING,
      type: 'LIST',
      default: '',
      importance: 'MEDIUM',
      documentation:
        "With table.include.list: each table's incrementing column, as regex:column entries (public\\.orders:id); every table copied must match exactly one regex (none at all: each table's identity column). Replaces incrementing.column.name, which may then not be set.",
      validator: mappingValidator(false),
      group: MODE_GROUP,
      orderInGroup: ++mode,
      width: 'LONG',
      displayName: 'Table to incrementing column mappings',
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
      documentation:
        'How often each table is queried for new data, in milliseconds. A table with more rows than batch.max.rows is read on without waiting.',
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
      documentation:
        'Prefix of the topic of each table (the topic is the prefix and the table name), or, with query, the whole topic name.',
      validator: Validators.lambda(
        (_n, v) => {
          if (typeof v !== 'string') return 'Topic prefix must not be null.';
          if (v.length > 249) return 'Topic prefix length must not exceed max topic name length, 249 chars';
          return TOPIC_PREFIX_CHARS.test(v)
            ? undefined
            : "Topic prefix must not contain any character other than ASCII alphanumerics, '.', '_' and '-'.";
        },
        () => "ASCII alphanumerics, '.', '_' and '-'",
      ),
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
        "How long after its timestamp a row is read, in milliseconds: a transaction that commits later than its rows' timestamps (say, 2 s after now() was taken) has its rows missed by a reader that already moved past them, unless this delay covers the gap.",
      validator: Validators.atLeast(0),
      group: CONNECTOR_GROUP,
      orderInGroup: ++connector,
      width: 'MEDIUM',
      displayName: 'Delay Interval (ms)',
    });
}

export const SOURCE_CONFIG_DEF: ConfigDef = defineSourceCompatKeys(defineSourceKeys(defineConnectionKeys(new ConfigDef())));

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
  const includeList = config.getList(TABLE_INCLUDE_LIST);
  const excludeList = config.getList(TABLE_EXCLUDE_LIST);
  const query = config.getString(QUERY);
  const masked = config.getPassword(QUERY_MASKED);
  const mode = config.getString(MODE);
  if (query !== '' && masked !== null && masked.value() !== '')
    problem(QUERY_MASKED, `${QUERY} and ${QUERY_MASKED} are exclusive: set one of them`);
  if (whitelist.length > 0 && blacklist.length > 0)
    problem(TABLE_BLACKLIST, `${TABLE_WHITELIST} and ${TABLE_BLACKLIST} are exclusive: set one of them`);
  const tableKeys = [
    [TABLE_WHITELIST, whitelist],
    [TABLE_BLACKLIST, blacklist],
    [TABLE_INCLUDE_LIST, includeList],
    [TABLE_EXCLUDE_LIST, excludeList],
  ] as const;
  const setTableKey = tableKeys.find(([, list]) => list.length > 0)?.[0];
  if (effectiveQuery(config) !== '' && setTableKey !== undefined)
    problem(query !== '' ? QUERY : QUERY_MASKED, `${query !== '' ? QUERY : QUERY_MASKED} may not be combined with ${setTableKey}`);
  // Confluent's rule: the regex keys and the name keys are two ways to say one thing.
  const newKeys = [TABLE_INCLUDE_LIST, TABLE_EXCLUDE_LIST, TIMESTAMP_COLUMNS_MAPPING, INCREMENTING_COLUMN_MAPPING].filter(
    (k) => config.getList(k).length > 0,
  );
  const oldKeys = [
    ...(whitelist.length > 0 ? [TABLE_WHITELIST] : []),
    ...(blacklist.length > 0 ? [TABLE_BLACKLIST] : []),
    ...(config.getList(TIMESTAMP_COLUMN_NAME).some((c) => c !== '') ? [TIMESTAMP_COLUMN_NAME] : []),
    ...(config.getString(INCREMENTING_COLUMN_NAME) !== '' ? [INCREMENTING_COLUMN_NAME] : []),
  ];
  if (newKeys.length > 0 && oldKeys.length > 0) {
    problem(
      newKeys[0]!,
      `${newKeys.join(', ')} may not be combined with ${oldKeys.join(', ')}: use table.include.list with the mappings, or table.whitelist/blacklist with the column names`,
    );
  }
  if (excludeList.length > 0 && includeList.length === 0)
    problem(TABLE_EXCLUDE_LIST, `${TABLE_EXCLUDE_LIST} needs ${TABLE_INCLUDE_LIST}: it removes tables from those included`);
  for (const key of [TIMESTAMP_COLUMNS_MAPPING, INCREMENTING_COLUMN_MAPPING]) {
    if (config.getList(key).length > 0 && includeList.length === 0)
      problem(key, `${key} applies to the tables of ${TABLE_INCLUDE_LIST}: set it`);
  }
  const timestampModes = mode === MODE_TIMESTAMP || mode === MODE_TIMESTAMP_INCREMENTING;
  if (includeList.length > 0) {
    if (timestampModes && config.getList(TIMESTAMP_COLUMNS_MAPPING).length === 0)
      problem(TIMESTAMP_COLUMNS_MAPPING, `mode=${mode} with ${TABLE_INCLUDE_LIST} needs ${TIMESTAMP_COLUMNS_MAPPING}`);
  } else {
    const timestampColumns = config.getList(TIMESTAMP_COLUMN_NAME).filter((c) => c !== '');
    if (timestampModes && timestampColumns.length === 0 && newKeys.length === 0)
      problem(TIMESTAMP_COLUMN_NAME, `mode=${mode} needs at least one timestamp column`);
  }
  if (
    effectiveQuery(config) !== '' &&
    (mode === MODE_INCREMENTING || mode === MODE_TIMESTAMP_INCREMENTING) &&
    config.getString(INCREMENTING_COLUMN_NAME) === ''
  ) {
    problem(
      INCREMENTING_COLUMN_NAME,
      `mode=${mode} with a query needs the incrementing column named (a query has no identity column to find)`,
    );
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
