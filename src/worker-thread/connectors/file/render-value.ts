/**
 * How the file sink writes a record's value as one line. Kafka's FileStreamSinkTask prints
 * `record.value()` with Java's toString(); connectd keeps that for text and numbers and writes JSON
 * for structured values, which a reader of the file can parse:
 *
 * | value                                  | written                                            |
 * |----------------------------------------|----------------------------------------------------|
 * | null (a tombstone)                     | `null`, as Kafka prints it                         |
 * | string                                 | the string, as is                                  |
 * | number, bigint, boolean                | its text; a FLOAT32/FLOAT64 whole number as `1.0`  |
 * | Uint8Array (BYTES)                     | the bytes, as is (Kafka prints `[B@1b6d3586`)      |
 * | BigDecimal (Decimal)                   | its text, e.g. `12.50`                             |
 * | Date (Date, Time, Timestamp)           | ISO 8601 in UTC                                    |
 * | Struct, Map, object, array             | one line of JSON (Kafka prints `Struct{a=1}`)      |
 *
 * Inside JSON: a Struct is an object with every field in schema order (null included); a map's keys
 * become strings; bytes are base64 (as the JsonConverter writes them); a Decimal is a JSON number; a
 * Date an ISO 8601 string; NaN and ±Infinity, which JSON has no number for, are strings.
 */
import { BigDecimal, SchemaType, Struct } from '../../sdk/index.js';
import type { Schema } from '../../sdk/index.js';

/** The line for a record value, without its line end: text, or raw bytes for a BYTES value. */
export function renderValue(value: unknown, schema: Schema | null): string | Uint8Array {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'number') return numberText(value, schema);
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return value.toISOString();
  return json(value, schema);
}

const isFloat = (schema: Schema | null): boolean => schema?.type === SchemaType.FLOAT32 || schema?.type === SchemaType.FLOAT64;

function numberText(value: number, schema: Schema | null): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  const text = String(value);
  // Java prints a double 1 as "1.0"; the schema says when a whole number is a double.
  return isFloat(schema) && /^-?\d+$/.test(text) ? `${text}.0` : text;
}

function json(value: unknown, schema: Schema | null): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'number':
      return Number.isFinite(value) ? numberText(value, schema) : JSON.stringify(numberText(value, schema));
    default:
      break;
  }
  if (value instanceof Struct) {
    const fields = value.schema.fields().map((f) => `${JSON.stringify(f.name)}:${json(value.get(f), f.schema)}`);
    return `{${fields.join(',')}}`;
  }
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64'));
  if (value instanceof BigDecimal) return value.toString();
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const itemSchema = schema?.valueSchema ?? null;
  if (Array.isArray(value)) return `[${value.map((item) => json(item, itemSchema)).join(',')}]`;
  const entries = value instanceof Map ? [...(value as Map<unknown, unknown>).entries()] : Object.entries(value as Record<string, unknown>);
  const keySchema = schema?.keySchema ?? null;
  return `{${entries.map(([k, v]) => `${JSON.stringify(keyText(k, keySchema))}:${json(v, itemSchema)}`).join(',')}}`;
}

/** A map key as a JSON object's key: text as is, anything else as it would be written. */
function keyText(key: unknown, schema: Schema | null): string {
  if (typeof key === 'string') return key;
  const rendered = renderValue(key, schema);
  return typeof rendered === 'string'
    ? rendered
    : Buffer.from(rendered.buffer, rendered.byteOffset, rendered.byteLength).toString('base64');
}
