/**
 * The contracts of single message transforms and predicates, after Kafka Connect's
 * `org.apache.kafka.connect.transforms.Transformation` and `...transforms.predicates.Predicate`, and
 * the record they work on.
 *
 * Lifecycle of both: construct, `configure` once with the plugin's own keys (the `transforms.<alias>.`
 * or `predicates.<alias>.` prefix removed, and for a transformation without `predicate` and `negate`),
 * then any number of `apply`/`test` calls, then `close`. Calls never overlap: a chain belongs to one
 * task and runs on that task's worker thread, one record at a time. Instances may keep caches (the
 * schema transforms keep the schemas they built), so an instance is never shared between tasks.
 */
import type { Schema } from '../data/schema.js';
import type { ConfigDef } from '../sdk/config-def.js';
import type { Header } from '../sdk/records.js';
import { SourceRecord } from '../sdk/records.js';
import { SinkRecord } from '../sdk/sink.js';

/**
 * What a transform reads of a record: Kafka Connect's ConnectRecord. SourceRecord and SinkRecord
 * both fit; a transform returns the same kind of record it was given (see {@link newRecord}).
 */
export interface ConnectRecord {
  readonly topic: string;
  readonly kafkaPartition: number | null;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly headers: readonly Header[];
}

export interface Transformation {
  /** Throws a ConfigException naming each invalid key (its name without the alias prefix). */
  configure(configs: Readonly<Record<string, string>>): void;
  /** The transformed record (a new one: records are immutable), or null to drop it. */
  apply<R extends ConnectRecord>(record: R): R | null;
  /** The keys `configure` understands, for validation and the REST plugin endpoints. */
  config(): ConfigDef;
  close(): void;
}

export interface Predicate {
  configure(configs: Readonly<Record<string, string>>): void;
  test(record: ConnectRecord): boolean;
  config(): ConfigDef;
  close(): void;
}

/** What a transform may change: Kafka's ConnectRecord.newRecord arguments. */
export interface RecordChanges {
  topic?: string;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  headers?: readonly Header[];
}

/**
 * Kafka's `record.newRecord(...)`: a record of the same kind with some attributes replaced; what a
 * source record carries beyond them (source partition and offset) and what a sink record carries
 * (Kafka offset, timestamp type, the original topic, partition and offset) is kept. A record of
 * another class keeps its prototype and every own property.
 */
export function newRecord<R extends ConnectRecord>(record: R, changes: RecordChanges): R {
  const next = {
    topic: changes.topic ?? record.topic,
    keySchema: 'keySchema' in changes ? (changes.keySchema ?? null) : record.keySchema,
    key: 'key' in changes ? changes.key : record.key,
    valueSchema: 'valueSchema' in changes ? (changes.valueSchema ?? null) : record.valueSchema,
    value: 'value' in changes ? changes.value : record.value,
    headers: changes.headers ?? record.headers,
  };
  if (record instanceof SourceRecord) {
    return new SourceRecord({
      sourcePartition: record.sourcePartition,
      sourceOffset: record.sourceOffset,
      kafkaPartition: record.kafkaPartition,
      timestamp: record.timestamp,
      ...next,
    }) as ConnectRecord as R;
  }
  if (record instanceof SinkRecord) {
    return new SinkRecord({
      kafkaPartition: record.kafkaPartition,
      kafkaOffset: record.kafkaOffset,
      timestamp: record.timestamp,
      timestampType: record.timestampType,
      originalTopic: record.originalTopic,
      originalKafkaPartition: record.originalKafkaPartition,
      originalKafkaOffset: record.originalKafkaOffset,
      ...next,
    }) as ConnectRecord as R;
  }
  return Object.assign(Object.create(Object.getPrototypeOf(record) as object | null) as R, record, next);
}

/** A short description of a record for error messages: where it goes, never its key or value. */
export function describeRecord(record: ConnectRecord): string {
  const kind = (record as { constructor?: { name?: string } }).constructor?.name ?? 'ConnectRecord';
  return `${kind}{topic='${record.topic}', kafkaPartition=${record.kafkaPartition}, timestamp=${record.timestamp}}`;
}
