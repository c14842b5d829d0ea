/**
 * The sink half of the connector API, after Kafka Connect's `org.apache.kafka.connect.sink`.
 * A sink task receives batches of records consumed from Kafka and writes them to an external
 * system. The sink runtime (consumer groups, offset commits, dead letter queues) is built on this
 * contract; connector authors can write against it now.
 */
import type { Schema } from '../data/schema.js';
import type { ConnectorContext, TaskConfig } from './connector.js';
import { Connector } from './connector.js';
import type { Header } from './records.js';

/** A Kafka topic partition. */
export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Kafka's timestamp types: how a record's timestamp was set. */
export type TimestampType = 'NoTimestampType' | 'CreateTime' | 'LogAppendTime';

/** The fields of a new {@link SinkRecord}, as given to its constructor. */
export interface SinkRecordInit {
  topic: string;
  kafkaPartition: number;
  kafkaOffset: number;
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value: unknown;
  timestamp?: number | null;
  timestampType?: TimestampType;
  headers?: readonly Header[];
  /** Where the record was consumed from, before any transform renamed its topic or partition. */
  originalTopic?: string;
  originalKafkaPartition?: number;
  originalKafkaOffset?: number;
}

/** A record consumed from Kafka, converted and transformed, handed to `SinkTask.put`. */
export class SinkRecord {
  readonly topic: string;
  readonly kafkaPartition: number;
  readonly kafkaOffset: number;
  readonly keySchema: Schema | null;
  readonly key: unknown;
  readonly valueSchema: Schema | null;
  readonly value: unknown;
  readonly timestamp: number | null;
  readonly timestampType: TimestampType;
  readonly headers: readonly Header[];
  readonly originalTopic: string;
  readonly originalKafkaPartition: number;
  readonly originalKafkaOffset: number;

  constructor(init: SinkRecordInit) {
    this.topic = init.topic;
    this.kafkaPartition = init.kafkaPartition;
    this.kafkaOffset = init.kafkaOffset;
    this.keySchema = init.keySchema ?? null;
    this.key = init.key ?? null;
    this.valueSchema = init.valueSchema ?? null;
    this.value = init.value;
    this.timestamp = init.timestamp ?? null;
    this.timestampType = init.timestampType ?? (init.timestamp === undefined || init.timestamp === null ? 'NoTimestampType' : 'CreateTime');
    this.headers = init.headers ?? [];
    this.originalTopic = init.originalTopic ?? init.topic;
    this.originalKafkaPartition = init.originalKafkaPartition ?? init.kafkaPartition;
    this.originalKafkaOffset = init.originalKafkaOffset ?? init.kafkaOffset;
  }
}

/** Reports a record the task could not write; with a dead letter queue it goes there (KIP-610). */
export interface ErrantRecordReporter {
  /** Resolves once the report is durable (e.g. written to the dead letter queue). */
  report(record: SinkRecord, error: Error): Promise<void>;
}

/** What a sink task may ask of the framework. */
export interface SinkTaskContext {
  /** This task's configuration, as given to `start`. */
  configs(): Readonly<TaskConfig>;
  /** Rewinds (or skips) consumption of partitions to the given offsets. */
  offset(offsets: ReadonlyMap<TopicPartition, number>): void;
  /** Rewinds (or skips) consumption of one partition to the given offset. */
  offset(partition: TopicPartition, offset: number): void;
  /** Asks for `put` to be retried after `timeoutMs` when it threw a retriable error. */
  timeout(timeoutMs: number): void;
  /** The partitions currently assigned to this task. */
  assignment(): readonly TopicPartition[];
  /** Stops consuming from these partitions (`put` gets none of their records) until `resume`. */
  pause(...partitions: TopicPartition[]): void;
  /** Consumes from paused partitions again. */
  resume(...partitions: TopicPartition[]): void;
  /** Asks for an offset commit as soon as possible. */
  requestCommit(): void;
  /** Null when the connector has no error handling configured (errors.tolerance=none, no DLQ). */
  errantRecordReporter(): ErrantRecordReporter | null;
}

/**
 * A sink task. Lifecycle: `initialize(context)` → `start(props)` → `open(partitions)` on
 * assignment → repeated `put(records)` → `preCommit(currentOffsets)` before each offset commit →
 * `close(partitions)` on revocation → `stop()`. Calls never overlap.
 *
 * Ack contract: offsets are committed to Kafka only up to what `preCommit` returns; the default
 * calls `flush(currentOffsets)` and returns them, meaning "everything put so far is durable".
 */
export abstract class SinkTask {
  /** Set by `initialize`: what the running task may ask of the framework. */
  protected context!: SinkTaskContext;

  /** Called once, before `start`, with the task's context (kept in `this.context`). */
  initialize(context: SinkTaskContext): void {
    this.context = context;
  }

  /** The task's version (usually its connector's). */
  abstract version(): string;
  /** Starts the task with one of its connector's `taskConfigs`. */
  abstract start(props: Readonly<TaskConfig>): void | Promise<void>;
  /** Writes (or buffers) records. Throw a RetriableException-like error to have them redelivered. */
  abstract put(records: readonly SinkRecord[]): void | Promise<void>;
  /** Stops the task; ends a `put` that is waiting to be retried. */
  abstract stop(): void | Promise<void>;

  /** Makes everything put so far durable. Default: nothing to do. */
  flush(_currentOffsets: ReadonlyMap<TopicPartition, number>): void | Promise<void> {}

  /** The offsets safe to commit; default: flush, then all of `currentOffsets`. */
  async preCommit(currentOffsets: ReadonlyMap<TopicPartition, number>): Promise<ReadonlyMap<TopicPartition, number>> {
    await this.flush(currentOffsets);
    return currentOffsets;
  }

  /** These partitions were assigned to the task (open writers for them here). Default: nothing. */
  open(_partitions: readonly TopicPartition[]): void | Promise<void> {}
  /** These partitions were revoked from the task (close their writers here). Default: nothing. */
  close(_partitions: readonly TopicPartition[]): void | Promise<void> {}
}

/** A connector whose tasks are {@link SinkTask}s: they write records consumed from Kafka to an external system. */
export abstract class SinkConnector extends Connector {
  abstract override taskClass(): new () => SinkTask;
}

export type { ConnectorContext };
