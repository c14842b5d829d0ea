import type { ConfigDef, ConfigValue } from './config-def.js';
import type { SinkTask } from './sink.js';
import type { RecordMetadata, SourceOffset, SourcePartition, SourceRecord } from './records.js';

/** Task and connector configurations cross thread boundaries as flat string maps, as in Kafka Connect. */
export type TaskConfig = Record<string, string>;

/** What a running connector may ask of the framework. */
export interface ConnectorContext {
  /**
   * The connector's input changed (a table or prefix appeared): the framework calls
   * `taskConfigs(maxTasks)` again and restarts the tasks whose configs changed.
   */
  requestTaskReconfiguration(): void;
  /** An unrecoverable error in a background thread of the connector: it is marked FAILED. */
  raiseError(error: Error): void;
  /**
   * Logs a warning on the worker's log, under the connector's name (connector code runs in a worker
   * thread; the log is the supervisor's). For what a user should act on, such as settings ignored.
   */
  warn(message: string): void;
}

/**
 * Lifecycle: `initialize(context)` → `start(props)` → any number of `taskConfigs(maxTasks)` →
 * `stop()`. The calls never overlap. Connector code runs in a worker thread, never on the
 * supervisor's thread, and must not load the Kafka client.
 *
 * Extend this class rather than implementing an interface: new optional hooks then arrive with
 * defaults and do not break existing connectors.
 */
export abstract class Connector {
  /** Set by `initialize`: what the running connector may ask of the framework. */
  protected context!: ConnectorContext;

  /** Called once, before `start`, with the connector's context (kept in `this.context`). */
  initialize(context: ConnectorContext): void {
    this.context = context;
  }

  /** The connector's version, shown in `GET /connector-plugins` and the connector's status. */
  abstract version(): string;
  /** The keys this connector understands; the framework validates `start`'s props with it. */
  abstract config(): ConfigDef;
  /**
   * Starts the connector with its configuration (already validated against `config()`). Start
   * background work, such as watching the source for changes, here.
   */
  abstract start(props: Readonly<Record<string, string>>): void | Promise<void>;
  /** The constructor of this connector's tasks. */
  abstract taskClass(): new () => SourceTask | SinkTask;
  /** At most `maxTasks` configurations, one per task to run. */
  abstract taskConfigs(maxTasks: number): TaskConfig[] | Promise<TaskConfig[]>;
  /** Stops the connector: ends what `start` began. Its tasks are stopped separately. */
  abstract stop(): void | Promise<void>;

  /**
   * Validates a configuration: every key of `config()` with its errors, recommended values and
   * visibility (Kafka Connect's Connector.validate). Override to add cross-key checks.
   */
  validate(props: Readonly<Record<string, string>>): Map<string, ConfigValue> {
    return this.config().validateAll(props);
  }
}

/** A connector whose tasks are {@link SourceTask}s: they read from an external system into Kafka. */
export abstract class SourceConnector extends Connector {
  abstract override taskClass(): new () => SourceTask;
}

/**
 * Reads offsets committed for this connector. Asynchronous, unlike Kafka Connect's: the offsets
 * live on the supervisor's thread and the answer crosses a channel.
 */
export interface OffsetStorageReader {
  /** The offset last committed for one source partition, or null if none was. */
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  /**
   * The offsets last committed for several source partitions (null for those without one), keyed
   * by the partition objects given.
   */
  offsets(partitions: readonly SourcePartition[]): Promise<Map<SourcePartition, SourceOffset | null>>;
}

/** What a running source task may ask of the framework. */
export interface SourceTaskContext {
  /** This task's configuration, as given to `start`. */
  configs(): Readonly<TaskConfig>;
  /** Reads the offsets committed for this connector's source partitions (where to resume). */
  offsetStorageReader(): OffsetStorageReader;
}

/**
 * A source task: polls records from the external system.
 *
 * Lifecycle: `initialize(context)` → `start(props)` → repeated `poll()` → `stop()`.
 * - `poll()` calls never overlap. The framework calls it again only when the task has credit, so
 *   a slow Kafka slows polling instead of growing memory. Return null or [] when nothing is ready,
 *   after waiting briefly yourself (the framework does not sleep between empty polls).
 * - `stop()` may be called while a `poll()` is pending: make that poll return soon.
 * - Ack contract: `commitRecord(record, metadata)` is called for a record only after Kafka
 *   acknowledged it AND its offset was persisted; `commit()` after each offset flush. Both are
 *   hints for sources that acknowledge upstream; the framework owns the offsets.
 */
export abstract class SourceTask {
  /** Set by `initialize`: what the running task may ask of the framework. */
  protected context!: SourceTaskContext;

  /** Called once, before `start`, with the task's context (kept in `this.context`). */
  initialize(context: SourceTaskContext): void {
    this.context = context;
  }

  /** The task's version (usually its connector's). */
  abstract version(): string;
  /**
   * Starts the task with one of its connector's `taskConfigs`. Read where to resume here, with
   * `this.context.offsetStorageReader()`.
   */
  abstract start(props: Readonly<TaskConfig>): void | Promise<void>;
  /**
   * The next records, or null (or []) when none are ready after waiting briefly. Never called
   * while a previous poll is pending; may be pending when `stop()` is called.
   */
  abstract poll(): Promise<SourceRecord[] | null>;
  /** Stops the task; a pending `poll()` should return soon. Never called before `start` returned. */
  abstract stop(): void | Promise<void>;

  /** Called after each offset flush. Default: nothing. */
  commit(): void | Promise<void> {}

  /**
   * Called per record once its offset is persisted. Tasks that do not override it cost the
   * framework nothing per record (the per-record metadata is not sent across threads).
   */
  commitRecord(_record: SourceRecord, _metadata: RecordMetadata | null): void | Promise<void> {}
}
