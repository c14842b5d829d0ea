/**
 * Kafka Connect's default header converter, `org.apache.kafka.connect.storage.SimpleHeaderConverter`:
 * a header value is written as the UTF-8 of Values.convertToString (`hello`, `42`, `1.5`, `true`,
 * base64 for bytes, `[1,2]`, `{"a":1}`, ISO 8601 for Date/Time/Timestamp), and read back with
 * Values.parseString, which infers the schema from the text (`42` → INT8, `1.5` → FLOAT32,
 * `2024-01-15` → Date, `[1,2]` → ARRAY of INT8). See values.ts for the full rules and their quirks.
 *
 * Gaps and differences, all deliberate:
 * - the schema of a written value is lost: a FLOAT64 1.0 written as `1.0` reads back as INT8 1, and a
 *   BYTES value as a STRING of base64 (Kafka behaves the same way);
 * - a header whose text Kafka cannot parse falls back to BYTES with the raw bytes; Kafka logs a
 *   warning then, this converter has no logger and stays silent;
 * - the text `null` reads as SchemaAndValue.NULL where Kafka returns a null reference.
 */
import { ConfigDef } from '../sdk/config-def.js';
import type { HeaderConverter } from './converter.js';
import { Schema, SchemaAndValue, SchemaType } from './schema.js';
import { convertToString, parseString } from './values.js';

const utf8 = new TextEncoder();
// Like Java's new String(bytes, UTF_8): invalid sequences become U+FFFD.
const utf8Decoder = new TextDecoder();

export class SimpleHeaderConverter implements HeaderConverter {
  config(): ConfigDef {
    return new ConfigDef();
  }

  configure(): void {}

  /** A string header without a schema (or with a STRING one) is written as itself. */
  utf8Of(schema: Schema | null, value: unknown): string | undefined {
    return typeof value === 'string' && (schema === null || schema.type === SchemaType.STRING) ? value : undefined;
  }

  fromConnectHeader(_topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    const text = convertToString(schema, value);
    return text === null ? null : utf8.encode(text);
  }

  toConnectHeader(_topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return SchemaAndValue.NULL;
    try {
      return parseString(utf8Decoder.decode(value)) ?? SchemaAndValue.NULL;
    } catch {
      return new SchemaAndValue(Schema.BYTES_SCHEMA, value);
    }
  }

  close(): void {}
}
