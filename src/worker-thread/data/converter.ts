/**
 * The converter contracts, after Kafka Connect's `org.apache.kafka.connect.storage.Converter` and
 * `HeaderConverter`. A Converter turns a record's key or value (a schema and a value) into the bytes
 * written to Kafka and back; a HeaderConverter does the same for one header value.
 *
 * Lifecycle: construct, `configure` once, then any number of conversions, then `close`. Conversions
 * never overlap: each task owns its converters, and a task converts its records one at a time on its
 * worker thread. A converter may keep caches (JsonConverter keeps schemas) but must not depend on
 * being called for one topic only.
 *
 * Nulls: `fromConnectData` may return null (a tombstone when it is the value; Kafka Connect's
 * converters do so when schema and value are both null), and `toConnectData(topic, null)` reads a
 * tombstone, usually as SchemaAndValue.NULL or the converter's schema with a null value.
 *
 * Waiting: Kafka's converters block while they ask another system (Confluent's AvroConverter asks
 * Schema Registry for a schema's id). A connectd worker thread hosts several tasks, so a converter
 * must not block it: `fromConnectData` and `toConnectData` may return a Promise instead, and only
 * when they must wait (a cache miss). Once the answer is cached they return synchronously again, so
 * the per-record path of a known schema makes no Promise. A caller checks the result
 * (`instanceof Promise`) and awaits only then, and awaits it before calling the same converter
 * again: conversions still never overlap. A Promise rejects with what the call would have thrown (a
 * DataException); a value that does not fit its schema is still thrown at once. A converter that
 * never waits (every built-in one except AvroConverter) returns no Promise, and its class type says
 * so (SyncConverter). HeaderConverters never wait.
 */
import { ConfigDef, ValidString } from '../sdk/config-def.js';
import type { Schema, SchemaAndValue } from './schema.js';

/** The record's headers, for converters that read or need them (Kafka passes its Headers). */
export type ConverterHeaders = readonly { readonly key: string; readonly value: unknown }[];

/** Turns a record's key or value into the bytes written to Kafka, and back (see the module comment). */
export interface Converter {
  /**
   * `configs` are the converter's own keys, the `key.converter.`/`value.converter.` prefix removed
   * (e.g. `schemas.enable`). Throws a ConfigException naming every invalid key.
   */
  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void;
  /**
   * The bytes of a key or value; `schema` null for schemaless data. Throws a DataException when the
   * value does not fit. A Promise only when the converter must wait for another system (see above).
   */
  fromConnectData(
    topic: string,
    schema: Schema | null,
    value: unknown,
    headers?: ConverterHeaders,
  ): Uint8Array | null | Promise<Uint8Array | null>;
  /**
   * The schema and value of a key's or value's bytes. Throws a DataException for bytes it cannot
   * read. A Promise only when the converter must wait for another system (see above).
   */
  toConnectData(topic: string, value: Uint8Array | null, headers?: ConverterHeaders): SchemaAndValue | Promise<SchemaAndValue>;
  /** The keys `configure` understands. */
  config(): ConfigDef;
  /** Releases what the converter holds (clients, caches); no conversion follows. */
  close(): void;
  /**
   * Optional fast path: when `fromConnectData(topic, schema, value)` would be exactly the UTF-8 of a
   * string, that string (the framework then writes it straight into the batch, without an
   * intermediate byte array); otherwise undefined.
   */
  utf8Of?(schema: Schema | null, value: unknown): string | undefined;
}

/** A converter that never waits: its conversions return their result, never a Promise. */
export interface SyncConverter extends Converter {
  fromConnectData(topic: string, schema: Schema | null, value: unknown, headers?: ConverterHeaders): Uint8Array | null;
  toConnectData(topic: string, value: Uint8Array | null, headers?: ConverterHeaders): SchemaAndValue;
}

/** Turns one header value into bytes and back (Kafka Connect's HeaderConverter). */
export interface HeaderConverter {
  /** `configs` are the header converter's own keys (prefix `header.converter.` removed). */
  configure(configs: Readonly<Record<string, string>>): void;
  /** The bytes of header `headerKey`'s value; `schema` null for schemaless data. */
  fromConnectHeader(topic: string, headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null;
  /** The schema and value of header `headerKey`'s bytes. */
  toConnectHeader(topic: string, headerKey: string, value: Uint8Array | null): SchemaAndValue;
  /** The keys `configure` understands. */
  config(): ConfigDef;
  /** Releases what the header converter holds; no conversion follows. */
  close(): void;
  /** As Converter.utf8Of, for `fromConnectHeader`. */
  utf8Of?(schema: Schema | null, value: unknown): string | undefined;
}

/** Kafka's ConverterType: what `converter.type` says a converter converts. */
export type ConverterType = 'key' | 'value' | 'header';

/**
 * A ConfigDef with `converter.type`, which every converter's config has (Kafka's
 * ConverterConfig.newConfigDef); `configure(configs, isKey)` sets it.
 */
export function converterConfigDef(): ConfigDef {
  return new ConfigDef().define({
    name: CONVERTER_TYPE_CONFIG,
    type: 'STRING',
    validator: ValidString.in('key', 'value', 'header'),
    importance: 'LOW',
    documentation: 'How this converter will be used.',
  });
}

export const CONVERTER_TYPE_CONFIG = 'converter.type';

/** `configs` with `converter.type` set for a key or value converter, as Kafka's configure(configs, isKey) does. */
export function withConverterType(configs: Readonly<Record<string, string>>, isKey: boolean): Record<string, string> {
  return { ...configs, [CONVERTER_TYPE_CONFIG]: isKey ? 'key' : 'value' };
}
