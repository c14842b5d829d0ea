/**
 * Table and column names in SQL: always quoted, checked, and parsed from the qualified forms users
 * write in configs (`users`, `public.users`, `"My.Table"`). Values never go through here: they are
 * statement parameters.
 */
import { ConnectException } from './errors.js';

/** PostgreSQL truncates longer identifiers (NAMEDATALEN - 1 bytes), which would silently rename. */
const MAX_IDENTIFIER_BYTES = 63;

/** A quoted SQL identifier: every name the connectors put in SQL goes through here. */
export function quoteIdent(name: string): string {
  if (name === '' || name.includes('\u0000'))
    throw new ConnectException(`Invalid SQL identifier ${JSON.stringify(name)}: empty or containing a NUL character`);
  if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
    throw new ConnectException(
      `SQL identifier ${JSON.stringify(name)} is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes and would be truncated`,
    );
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** A table, schema-qualified. */
export interface TableId {
  readonly schema: string;
  readonly table: string;
}

export function quoteTable(id: TableId): string {
  return `${quoteIdent(id.schema)}.${quoteIdent(id.table)}`;
}

/** `schema.table`, unquoted: how Confluent's offsets (and people) name a table. */
export function tableName(id: TableId): string {
  return `${id.schema}.${id.table}`;
}

/**
 * Splits a possibly qualified, possibly quoted name (`users`, `public.users`, `"My.Table"`,
 * `"s"."t"`) into its parts. Unquoted parts keep their case: every name is quoted in SQL.
 */
export function parseQualifiedName(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  for (;;) {
    let part = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated quoted identifier in ${JSON.stringify(text)}`);
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            part += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        part += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== '.') part += text[i++];
    }
    if (part === '') throw new Error(`empty name part in ${JSON.stringify(text)}`);
    parts.push(part);
    if (i >= text.length) return parts;
    if (text[i] !== '.') throw new Error(`expected "." after a quoted identifier in ${JSON.stringify(text)}`);
    i++;
  }
}
