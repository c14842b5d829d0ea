/**
 * The `$Key` and `$Value` variants of Kafka's transforms differ only in which half of the record they
 * read and replace (Kafka's abstract operatingSchema/operatingValue/newRecord); a RecordPart says which.
 */
import type { Schema } from '../../data/schema.js';
import type { Header } from '../../sdk/records.js';
import { newRecord } from '../transformation.js';
import type { ConnectRecord } from '../transformation.js';

export interface RecordPart {
  readonly name: 'Key' | 'Value';
  schema(record: ConnectRecord): Schema | null;
  value(record: ConnectRecord): unknown;
  /** A new record with this part replaced (and the headers, when given). */
  with<R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers?: readonly Header[]): R;
}

export const KEY: RecordPart = Object.freeze({
  name: 'Key',
  schema: (record: ConnectRecord) => record.keySchema,
  value: (record: ConnectRecord) => record.key,
  with: <R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers?: readonly Header[]): R =>
    newRecord(record, { keySchema: schema, key: value, ...(headers === undefined ? {} : { headers }) }),
});

export const VALUE: RecordPart = Object.freeze({
  name: 'Value',
  schema: (record: ConnectRecord) => record.valueSchema,
  value: (record: ConnectRecord) => record.value,
  with: <R extends ConnectRecord>(record: R, schema: Schema | null, value: unknown, headers?: readonly Header[]): R =>
    newRecord(record, { valueSchema: schema, value, ...(headers === undefined ? {} : { headers }) }),
});
