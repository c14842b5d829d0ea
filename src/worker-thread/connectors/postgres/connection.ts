/**
 * What both PostgreSQL connectors share about the database connection: the `connection.*` keys,
 * reading `connection.url` in its JDBC form (`jdbc:postgresql://host:port/db?user=…&password=…`,
 * so a Confluent JDBC connector config moves unchanged) or as a libpq URL (`postgres://…`),
 * connecting with retries, and the session every connection runs in.
 *
 * Every connection reads values as PostgreSQL's text output, unparsed: the connectors convert them
 * themselves, exactly (numeric to BigDecimal, int8 to bigint, timestamps to the microsecond),
 * instead of through pg's defaults (numbers as doubles, timestamps in the process's time zone).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { Password, Validators } from '../../sdk/index.js';
import type { ConfigDef, ParsedConfig } from '../../sdk/index.js';
import { describeError } from './errors.js';

export const CONNECTION_URL = 'connection.url';
export const CONNECTION_USER = 'connection.user';
export const CONNECTION_PASSWORD = 'connection.password';
export const CONNECTION_ATTEMPTS = 'connection.attempts';
export const CONNECTION_BACKOFF_MS = 'connection.backoff.ms';
export const DB_TIMEZONE = 'db.timezone';

const DATABASE_GROUP = 'Database';

/** Where and as whom to connect: `connection.url` read, before `connection.user`/`password` apply. */
export interface ConnectionTarget {
  host: string;
  port: number;
  database: string | undefined;
  user: string | undefined;
  password: string | undefined;
  /** pg's `ssl` option: false, or TLS with or without verifying the server's certificate. */
  ssl: false | { rejectUnauthorized: boolean };
  /** JDBC's `currentSchema`: the search_path of the session. */
  currentSchema: string | undefined;
  applicationName: string | undefined;
}

/** Thrown by {@link parseConnectionUrl}; the message is the reason, to be prefixed with the key. */
export class ConnectionUrlError extends Error {}

const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'];

/**
 * Reads `jdbc:postgresql://host[:port][/database][?params]`, `jdbc:postgresql:database`, and
 * `postgres://` / `postgresql://` URLs (user and password may also be in the authority). Honoured
 * parameters: user, password, sslmode, ssl (JDBC: true means verify-full), currentSchema,
 * ApplicationName / application_name, host (a Unix socket directory). Other parameters (pgjdbc's
 * tuning flags such as reWriteBatchedInserts) are ignored, so JDBC URLs work as they are.
 */
export function parseConnectionUrl(url: string): ConnectionTarget {
  let text = url.trim();
  if (text.startsWith('jdbc:')) {
    text = text.slice('jdbc:'.length);
    if (!text.startsWith('postgresql:')) {
      // A Confluent JDBC config for another database: say why rather than fail to connect later.
      const subprotocol = /^([a-zA-Z0-9-]+):/.exec(text)?.[1];
      throw new ConnectionUrlError(
        `a JDBC URL must start with jdbc:postgresql:${subprotocol === undefined ? '' : ` (jdbc:${subprotocol}: is another database)`}: connectd's JDBC connectors, io.confluent.connect.jdbc.* included, connect only to PostgreSQL`,
      );
    }
    // jdbc:postgresql:database and jdbc:postgresql:/ name no host: localhost, as pgjdbc does.
    if (!text.startsWith('postgresql://')) text = `postgresql://localhost/${text.slice('postgresql:'.length).replace(/^\//, '')}`;
  } else if (!text.startsWith('postgres://') && !text.startsWith('postgresql://')) {
    throw new ConnectionUrlError('expected jdbc:postgresql://host:port/database or postgres://host:port/database');
  }
  const authority = /^[a-z]+:\/\/([^/?#]*)/.exec(text)?.[1] ?? '';
  if (authority.slice(authority.lastIndexOf('@') + 1).includes(',')) {
    throw new ConnectionUrlError('several hosts (failover URLs) are not supported: name one host');
  }
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new ConnectionUrlError('not a valid URL');
  }
  const params = parsed.searchParams;
  const port = parsed.port === '' ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  const sslmode = params.get('sslmode') ?? (params.get('ssl') === 'true' ? 'verify-full' : 'disable');
  if (!SSL_MODES.includes(sslmode)) throw new ConnectionUrlError(`sslmode=${sslmode} is not one of ${SSL_MODES.join(', ')}`);
  const host =
    params.get('host') ?? (parsed.hostname === '' ? 'localhost' : decodeURIComponent(parsed.hostname).replace(/^\[(.*)\]$/, '$1'));
  return {
    host,
    port,
    database: database === '' ? undefined : database,
    user: params.get('user') ?? (parsed.username === '' ? undefined : decodeURIComponent(parsed.username)),
    password: params.get('password') ?? (parsed.password === '' ? undefined : decodeURIComponent(parsed.password)),
    // libpq's allow/prefer fall back to plain text when the server has no TLS; pg cannot, so
    // they connect without TLS, as the server would most often have it.
    ssl:
      sslmode === 'require'
        ? { rejectUnauthorized: false }
        : sslmode === 'verify-ca' || sslmode === 'verify-full'
          ? { rejectUnauthorized: true }
          : false,
    currentSchema: params.get('currentSchema') ?? undefined,
    applicationName: params.get('ApplicationName') ?? params.get('application_name') ?? undefined,
  };
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Adds the `connection.*` keys and `db.timezone` (Confluent's JDBC names and defaults). */
export function defineConnectionKeys(def: ConfigDef): ConfigDef {
  let order = 0;
  return def
    .define({
      name: CONNECTION_URL,
      type: 'STRING',
      importance: 'HIGH',
      documentation:
        'The database to connect to, as a JDBC URL (jdbc:postgresql://host:5432/db?user=me&password=secret) or a libpq URL (postgres://me:secret@host:5432/db). Honoured URL parameters: user, password, sslmode, ssl, currentSchema, ApplicationName; other pgjdbc parameters are ignored.',
      validator: Validators.lambda(
        (_name, value) => {
          if (typeof value !== 'string' || value === '') return 'a connection URL is required';
          try {
            parseConnectionUrl(value);
            return undefined;
          } catch (err) {
            if (err instanceof ConnectionUrlError) return err.message;
            throw err;
          }
        },
        () => 'jdbc:postgresql://… or postgres://…',
      ),
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'JDBC URL',
    })
    .define({
      name: CONNECTION_USER,
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation: 'The user to connect as; overrides a user in connection.url.',
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'LONG',
      displayName: 'JDBC User',
    })
    .define({
      name: CONNECTION_PASSWORD,
      type: 'PASSWORD',
      default: null,
      importance: 'HIGH',
      documentation: 'The password; overrides a password in connection.url.',
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'JDBC Password',
    })
    .define({
      name: CONNECTION_ATTEMPTS,
      type: 'INT',
      default: '3',
      importance: 'LOW',
      documentation: 'Attempts to connect before giving up. Must be a positive integer.',
      validator: Validators.atLeast(1),
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'JDBC connection attempts',
    })
    .define({
      name: CONNECTION_BACKOFF_MS,
      type: 'LONG',
      default: '10000',
      importance: 'LOW',
      documentation: 'Wait between connection attempts, in milliseconds.',
      validator: Validators.atLeast(0),
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'SHORT',
      displayName: 'JDBC connection backoff in milliseconds',
    })
    .define({
      name: DB_TIMEZONE,
      type: 'STRING',
      default: 'UTC',
      importance: 'MEDIUM',
      documentation:
        'The time zone in which the wall-clock values of timestamp (without time zone) columns are read and written. timestamptz columns carry their own offset and do not depend on it.',
      validator: Validators.lambda(
        (_name, value) =>
          typeof value === 'string' && isValidTimeZone(value) ? undefined : 'not a time zone name (e.g. UTC, Europe/Paris)',
        () => 'an IANA time zone name',
      ),
      group: DATABASE_GROUP,
      orderInGroup: ++order,
      width: 'MEDIUM',
      displayName: 'DB time zone',
    });
}

/** How to connect, from a parsed config: the URL with `connection.user`/`password` applied. */
export interface ConnectionSettings {
  target: ConnectionTarget;
  attempts: number;
  backoffMs: number;
}

export function connectionSettings(config: ParsedConfig): ConnectionSettings {
  const target = parseConnectionUrl(config.getString(CONNECTION_URL));
  const user = config.get(CONNECTION_USER);
  const password = config.getPassword(CONNECTION_PASSWORD);
  return {
    target: {
      ...target,
      user: typeof user === 'string' ? user : target.user,
      password: password instanceof Password ? password.value() : target.password,
    },
    attempts: config.getInt(CONNECTION_ATTEMPTS),
    backoffMs: Number(config.getLong(CONNECTION_BACKOFF_MS)),
  };
}

/** Every value as PostgreSQL's text, unparsed: the connectors convert by column type. */
const RAW_TEXT = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/**
 * Connects, trying `attempts` times `backoffMs` apart (aborted by `signal`), and sets the session:
 * UTC (timestamptz text then always ends in +00), ISO dates, hex bytea, exact float text.
 */
export async function connect(settings: ConnectionSettings, signal?: AbortSignal): Promise<pg.Client> {
  const { target } = settings;
  let lastError: unknown;
  for (let attempt = 1; attempt <= settings.attempts; attempt++) {
    const client = new pg.Client({
      host: target.host,
      port: target.port,
      database: target.database,
      user: target.user,
      password: target.password,
      ssl: target.ssl,
      application_name: target.applicationName ?? 'connectd',
      types: RAW_TEXT,
    });
    // An idle connection the server drops emits 'error'; unhandled, it would end the thread.
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(
        `SELECT set_config('TimeZone', 'UTC', false), set_config('DateStyle', 'ISO, YMD', false),
                set_config('bytea_output', 'hex', false), set_config('extra_float_digits', '3', false),
                set_config('IntervalStyle', 'postgres', false)`,
      );
      if (target.currentSchema !== undefined) await client.query(`SELECT set_config('search_path', $1, false)`, [target.currentSchema]);
      return client;
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      if (attempt < settings.attempts && !signal?.aborted) await sleep(settings.backoffMs, undefined, { signal }).catch(() => undefined);
      if (signal?.aborted) break;
    }
  }
  const where = `${target.host}:${target.port}${target.database === undefined ? '' : `/${target.database}`}`;
  throw new Error(`Could not connect to PostgreSQL at ${where} after ${settings.attempts} attempt(s): ${describeError(lastError)}`, {
    cause: lastError,
  });
}
