/**
 * Headers that transforms add (InsertHeader, HeaderFrom). Kafka Connect keeps a header as a schema
 * and a Connect value, and the header converter turns it into bytes when the record is produced.
 * A connectd record's header carries text or bytes only (src/worker-thread/sdk/records.ts), so a transform writes
 * the text Kafka Connect's default header converter, SimpleHeaderConverter, would write for the
 * schema and value (Values.convertToString: `42`, `1.5`, `true`, base64 for bytes, `[1,2]`,
 * `{"a":1}`, ISO 8601 for dates). With SimpleHeaderConverter configured (the default) the bytes on
 * the wire are Kafka Connect's; another header converter sees that text instead of the typed value.
 */
import { DataException } from '../../data/errors.js';
import type { Schema } from '../../data/schema.js';
import { convertToString } from '../../data/values.js';
import type { Header } from '../../sdk/records.js';

/** A header for `key` holding `value` of `schema` (null for schemaless), as ConnectHeaders.add(key, value, schema). */
export function connectHeader(key: string, schema: Schema | null, value: unknown): Header {
  // ConnectHeaders.checkSchemaMatches
  if ((value === null || value === undefined) && schema !== null && !schema.isOptional) {
    throw new DataException(`A null value requires an optional schema but was ${String(schema)}`);
  }
  return { key, value: convertToString(schema, value) };
}
