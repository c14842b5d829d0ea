/**
 * What the connectors ask PostgreSQL's catalog: which tables there are, and a table's columns.
 * Names are always bound as parameters, never spliced into the SQL.
 */
import type pg from 'pg';
import type { TableId } from './identifiers.js';

/** JDBC's table types (what `table.types` accepts) and the pg_class.relkind each stands for. */
export const TABLE_TYPES: Readonly<Record<string, string>> = {
  TABLE: 'r',
  VIEW: 'v',
  'MATERIALIZED VIEW': 'm',
  'FOREIGN TABLE': 'f',
  'PARTITIONED TABLE': 'p',
};

/**
 * The tables of the given types whose schema matches `schemaPattern` (a LIKE pattern, as JDBC's
 * getTables; null for every schema), system schemas left out, sorted by schema then name so that
 * the same tables always spread over tasks the same way.
 */
export async function listTables(client: pg.Client, tableTypes: readonly string[], schemaPattern: string | null): Promise<TableId[]> {
  const kinds = tableTypes.map((t) => TABLE_TYPES[t.toUpperCase()]).filter((k): k is string => k !== undefined);
  const result = await client.query<{ schema: string; table: string }>(
    `SELECT n.nspname AS schema, c.relname AS table
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = ANY($1::"char"[])
        AND n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema'])
        AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
        AND ($2::text IS NULL OR n.nspname LIKE $2::text)
      ORDER BY n.nspname COLLATE "C", c.relname COLLATE "C"`,
    [kinds, schemaPattern],
  );
  return result.rows.map((r) => ({ schema: r.schema, table: r.table }));
}

export interface ColumnInfo {
  readonly name: string;
  /** format_type(): `bigint`, `numeric(10,2)`, `timestamp without time zone`… */
  readonly type: string;
  readonly typeOid: number;
  readonly notNull: boolean;
  /** An identity column, or one whose default draws from a sequence (serial). */
  readonly autoIncrement: boolean;
}

/** The table's columns in order, or null when there is no such table. */
export async function describeTable(client: pg.Client, id: TableId): Promise<ColumnInfo[] | null> {
  const result = await client.query<{ name: string; type: string; oid: string; notnull: string; auto: string; found: string }>(
    `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.atttypid AS oid,
            a.attnotnull AS notnull,
            (a.attidentity <> '' OR COALESCE(pg_catalog.pg_get_expr(d.adbin, d.adrelid) LIKE 'nextval(%', false)) AS auto
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relname = $2
      ORDER BY a.attnum`,
    [id.schema, id.table],
  );
  if (result.rows.length === 0) return null;
  return result.rows
    .filter((r) => r.name !== null)
    .map((r) => ({ name: r.name, type: r.type, typeOid: Number(r.oid), notNull: r.notnull === 't', autoIncrement: r.auto === 't' }));
}

/**
 * Which columns of result fields are NOT NULL, by (table oid, attribute number) as PostgreSQL's
 * RowDescription gives them; a computed column (table oid 0) is nullable.
 */
export async function notNullColumns(client: pg.Client, fields: readonly { tableID: number; columnID: number }[]): Promise<Set<string>> {
  const tables = [...new Set(fields.map((f) => f.tableID).filter((id) => id !== 0))];
  if (tables.length === 0) return new Set();
  const result = await client.query<{ rel: string; num: string }>(
    `SELECT attrelid AS rel, attnum AS num FROM pg_catalog.pg_attribute WHERE attrelid = ANY($1::oid[]) AND attnum > 0 AND attnotnull`,
    [tables.map(String)],
  );
  return new Set(result.rows.map((r) => `${r.rel}:${r.num}`));
}

export async function currentSchema(client: pg.Client): Promise<string> {
  const result = await client.query<{ schema: string | null }>('SELECT current_schema() AS schema');
  const schema = result.rows[0]?.schema ?? null;
  if (schema === null) throw new Error('The session has no current schema (search_path names no existing schema): qualify table names');
  return schema;
}
