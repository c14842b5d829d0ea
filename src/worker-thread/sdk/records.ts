/**
 * Records as connector code sees them. Names follow Kafka Connect's `org.apache.kafka.connect.source`
 * so that a Kafka Connect author finds what they expect.
 */
import type { Schema } from '../data/schema.js';

/** A source partition: where in the external system a stream of records comes from (a file, a table). */
export type SourcePartition = Readonly<Record<string, string | number | boolean | null>>;

/** A position in a source partition. Only primitive values, as Kafka Connect's OffsetUtils requires. */
export type SourceOffset = Readonly<Record<string, string | number | boolean | null>>;

/** A header value as it is handed to the header converter: text, raw bytes, or null. */
export type HeaderValue = string | Uint8Array | null;

/** A Kafka record header: a key and a value. */
export interface Header {
  readonly key: string;
  readonly value: HeaderValue;
}

/** The fields of a new {@link SourceRecord}, as given to its constructor. */
export interface SourceRecordInit {
  sourcePartition: SourcePartition;
  sourceOffset: SourceOffset;
  topic: string;
  /** Kafka partition; null or absent lets the producer's partitioner choose (by key). */
  kafkaPartition?: number | null;
  /** The key's schema; null or absent for a schemaless key (the converter then infers what it can). */
  keySchema?: Schema | null;
  key?: unknown;
  /** The value's schema; null or absent for a schemaless value. */
  valueSchema?: Schema | null;
  value: unknown;
  /** Milliseconds since the epoch; null or absent lets Kafka stamp the record. */
  timestamp?: number | null;
  headers?: readonly Header[];
}

/**
 * A record produced by a SourceTask. The framework converts key and value with the connector's
 * converters, with `keySchema`/`valueSchema` (a Struct needs its schema; a JsonConverter with
 * schemas.enable writes the schema into every message), produces the result to Kafka, and commits
 * `sourceOffset` for `sourcePartition` once this record and every record polled before it from the
 * same source partition have been acknowledged by Kafka.
 */
export class SourceRecord {
  readonly sourcePartition: SourcePartition;
  readonly sourceOffset: SourceOffset;
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: readonly Header[];

  constructor(init: SourceRecordInit) {
    this.sourcePartition = init.sourcePartition;
    this.sourceOffset = init.sourceOffset;
    this.topic = init.topic;
    this.kafkaPartition = init.kafkaPartition ?? null;
    this.keySchema = init.keySchema ?? null;
    this.key = init.key ?? null;
    this.valueSchema = init.valueSchema ?? null;
    this.value = init.value;
    this.timestamp = init.timestamp ?? null;
    this.headers = init.headers ?? [];
  }
}

/** Where Kafka stored a record: given to `SourceTask.commitRecord`. */
export interface RecordMetadata {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
