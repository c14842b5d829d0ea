/**
 * Distributed mode's status store: Kafka Connect's KafkaStatusBackingStore, on the compacted topic
 * `status.storage.topic`, in its record formats (Kafka 4.1; docs/design/2026-11-25-kafka-stores.md):
 *
 *   status-connector-<name>            {"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":3,"version":null}
 *   status-task-<name>-<n>             same fields
 *   status-topic-<topic>:connector-<name>
 *                                      {"topic":{"name":"<topic>","connector":"<name>","task":1,"discoverTimestamp":<ms>}}
 *
 * A DESTROYED status and a topic reset are tombstones. `version` (the plugin version, KIP-891) came
 * with Kafka 4.1; older records lack it and read as null.
 *
 * As in Kafka Connect, a status written here becomes visible only when it is read back from the topic
 * (after `readToEnd()`), so every worker's view comes from the topic in the same order. The
 * `putSafe` variants skip a write that would overwrite a status written by another worker in a
 * newer generation (Kafka Connect's putSafe rules; they narrow, not close, the window for conflicts).
 */
import type { Logger } from 'pino';
import { quoteJson } from '../../worker-thread/data/json/json-text.js';
import { storeLog } from '../kafka/kafka-based-log.js';
import type { KafkaBasedLog, LogRecord, StoreTopicOptions } from '../kafka/kafka-based-log.js';
import { parseTaskKey } from './kafka-config-backing-store.js';
import type { ConnectorTaskId } from './kafka-config-backing-store.js';

/** Kafka Connect's AbstractStatus.State. */
export type StatusState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'DESTROYED' | 'RESTARTING' | 'STOPPED';
const STATES: readonly string[] = ['UNASSIGNED', 'RUNNING', 'PAUSED', 'FAILED', 'DESTROYED', 'RESTARTING', 'STOPPED'];

interface AbstractStatus {
  state: StatusState;
  /** The failure's stack trace, or null. */
  trace: string | null;
  /** The worker that wrote the status, `host:port`. */
  workerId: string;
  /** The group generation the worker was in when it wrote the status. */
  generation: number;
  /** The connector plugin's version (Kafka 4.1), or null. */
  version: string | null;
}

export interface ConnectorStatus extends AbstractStatus {
  connector: string;
}

export interface TaskStatus extends AbstractStatus {
  id: ConnectorTaskId;
}

/** KIP-558: a topic a connector's task used. */
export interface TopicStatus {
  topic: string;
  connector: string;
  task: number;
  discoverTimestamp: number;
}

export const CONNECTOR_STATUS_PREFIX = 'status-connector-';
export const TASK_STATUS_PREFIX = 'status-task-';
export const TOPIC_STATUS_PREFIX = 'status-topic-';
export const TOPIC_STATUS_SEPARATOR = ':connector-';

export const connectorStatusKey = (connector: string): string => CONNECTOR_STATUS_PREFIX + connector;
export const taskStatusKey = (id: ConnectorTaskId): string => `${TASK_STATUS_PREFIX}${id.connector}-${id.task}`;
export const topicStatusKey = (connector: string, topic: string): string =>
  TOPIC_STATUS_PREFIX + topic + TOPIC_STATUS_SEPARATOR + connector;

const quoteOrNull = (s: string | null): string => (s === null ? 'null' : quoteJson(s));

/** The value of a connector or task status record; null (a tombstone) for DESTROYED. */
export function statusValue(status: AbstractStatus): string | null {
  if (status.state === 'DESTROYED') return null;
  return `{"state":"${status.state}","trace":${quoteOrNull(status.trace)},"worker_id":${quoteJson(status.workerId)},"generation":${status.generation},"version":${quoteOrNull(status.version)}}`;
}

export function topicStatusValue(status: TopicStatus): string {
  return `{"topic":{"name":${quoteJson(status.topic)},"connector":${quoteJson(status.connector)},"task":${status.task},"discoverTimestamp":${status.discoverTimestamp}}}`;
}

/** `status-task-<connector>-<n>` → its id, or null. As Kafka Connect's parseConnectorTaskId. */
export function parseTaskStatusKey(key: string): ConnectorTaskId | null {
  return key.startsWith(TASK_STATUS_PREFIX) ? parseTaskKey(key.slice('status-'.length)) : null;
}

/** `status-topic-<topic>:connector-<connector>` → its parts, or null. */
export function parseTopicStatusKey(key: string): { topic: string; connector: string } | null {
  const separator = key.indexOf(TOPIC_STATUS_SEPARATOR, TOPIC_STATUS_PREFIX.length);
  if (!key.startsWith(TOPIC_STATUS_PREFIX) || separator < 0) return null;
  const topic = key.slice(TOPIC_STATUS_PREFIX.length, separator);
  const connector = key.slice(separator + TOPIC_STATUS_SEPARATOR.length);
  return topic === '' || connector === '' ? null : { topic, connector };
}

/** `status.storage.topic`, `.partitions` (Kafka Connect's default 5), `.replication.factor` (3). */
export type KafkaStatusBackingStoreOptions = StoreTopicOptions;

export const STATUS_STORAGE_DEFAULT_PARTITIONS = 5;
export const STATUS_STORAGE_DEFAULT_REPLICATION_FACTOR = 3;

/** Whether `status` may overwrite `current` under Kafka Connect's putSafe rules. */
export function canWriteSafely(current: AbstractStatus | undefined, status: AbstractStatus): boolean {
  return current === undefined || current.workerId === status.workerId || current.generation <= status.generation;
}

export class KafkaStatusBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #logger: Logger;
  readonly #startTimeoutMs: number;
  readonly #connectors = new Map<string, ConnectorStatus>();
  /** connector → task → status. */
  readonly #tasks = new Map<string, Map<number, TaskStatus>>();
  /** connector → topic → status. */
  readonly #topics = new Map<string, Map<string, TopicStatus>>();

  constructor(options: KafkaStatusBackingStoreOptions) {
    this.#logger = options.logger.child({ store: 'statuses' });
    this.#startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.#log = storeLog(
      options,
      {
        clientId: 'connectd-statuses',
        partitions: STATUS_STORAGE_DEFAULT_PARTITIONS,
        replicationFactor: STATUS_STORAGE_DEFAULT_REPLICATION_FACTOR,
      },
      (record) => this.#onRecord(record),
      this.#logger,
    );
  }

  async start(): Promise<void> {
    await this.#log.start(this.#startTimeoutMs);
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  /** Reads every status written so far. */
  readToEnd(timeoutMs?: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs);
  }

  /** Writes a connector's status; resolves when Kafka acknowledged it. */
  async putConnector(status: ConnectorStatus): Promise<void> {
    checkStatus(`connector ${status.connector}`, status);
    await this.#send(connectorStatusKey(status.connector), statusValue(status));
  }

  /** Writes unless another worker wrote this connector's status in a newer generation; true when written. */
  async putConnectorSafe(status: ConnectorStatus): Promise<boolean> {
    if (!canWriteSafely(this.#connectors.get(status.connector), status)) return false;
    await this.putConnector(status);
    return true;
  }

  async putTask(status: TaskStatus): Promise<void> {
    checkStatus(`task ${status.id.connector}-${status.id.task}`, status);
    await this.#send(taskStatusKey(status.id), statusValue(status));
  }

  async putTaskSafe(status: TaskStatus): Promise<boolean> {
    if (!canWriteSafely(this.#tasks.get(status.id.connector)?.get(status.id.task), status)) return false;
    await this.putTask(status);
    return true;
  }

  async putTopic(status: TopicStatus): Promise<void> {
    await this.#send(topicStatusKey(status.connector, status.topic), topicStatusValue(status));
  }

  /** Forgets that the connector used the topic (a tombstone). */
  async deleteTopic(connector: string, topic: string): Promise<void> {
    await this.#send(topicStatusKey(connector, topic), null);
  }

  getConnector(connector: string): ConnectorStatus | undefined {
    return this.#connectors.get(connector);
  }

  getTask(id: ConnectorTaskId): TaskStatus | undefined {
    return this.#tasks.get(id.connector)?.get(id.task);
  }

  /** The connector's task statuses, in task order. */
  getAllTasks(connector: string): TaskStatus[] {
    return [...(this.#tasks.get(connector)?.values() ?? [])].sort((a, b) => a.id.task - b.id.task);
  }

  getTopic(connector: string, topic: string): TopicStatus | undefined {
    return this.#topics.get(connector)?.get(topic);
  }

  getAllTopics(connector: string): TopicStatus[] {
    return [...(this.#topics.get(connector)?.values() ?? [])];
  }

  /** Connectors with a status. */
  connectors(): string[] {
    return [...this.#connectors.keys()];
  }

  async #send(key: string, value: string | null): Promise<void> {
    try {
      await this.#log.send(key, value);
    } catch (err) {
      throw new Error(`writing status ${key} to topic ${this.#log.topic} failed: ${(err as Error).message}`, { cause: err });
    }
  }

  #onRecord(record: LogRecord): void {
    const key = record.key?.toString('utf8') ?? '';
    if (key.startsWith(CONNECTOR_STATUS_PREFIX)) this.#readConnectorStatus(key, record.value);
    else if (key.startsWith(TASK_STATUS_PREFIX)) this.#readTaskStatus(key, record.value);
    else if (key.startsWith(TOPIC_STATUS_PREFIX)) this.#readTopicStatus(key, record.value);
    else this.#logger.warn({ key, offset: record.offset, partition: record.partition }, 'status record with an unknown key skipped');
  }

  #readConnectorStatus(key: string, value: Buffer | null): void {
    const connector = key.slice(CONNECTOR_STATUS_PREFIX.length);
    if (connector === '') {
      this.#logger.warn({ key }, 'connector status record skipped: no connector name');
      return;
    }
    if (value === null) {
      // Removing a connector's status removes its tasks' as well, as in Kafka Connect.
      this.#connectors.delete(connector);
      this.#tasks.delete(connector);
      return;
    }
    const parsed = this.#parseStatus(key, value);
    if (parsed !== undefined) this.#connectors.set(connector, { connector, ...parsed });
  }

  #readTaskStatus(key: string, value: Buffer | null): void {
    const id = parseTaskStatusKey(key);
    if (id === null) {
      this.#logger.warn({ key }, 'task status record skipped: the key is not status-task-<connector>-<n>');
      return;
    }
    if (value === null) {
      this.#tasks.get(id.connector)?.delete(id.task);
      return;
    }
    const parsed = this.#parseStatus(key, value);
    if (parsed !== undefined) setNested(this.#tasks, id.connector, id.task, { id, ...parsed });
  }

  #readTopicStatus(key: string, value: Buffer | null): void {
    const parts = parseTopicStatusKey(key);
    if (parts === null) {
      this.#logger.warn({ key }, 'topic status record skipped: the key is not status-topic-<topic>:connector-<connector>');
      return;
    }
    if (value === null) {
      this.#topics.get(parts.connector)?.delete(parts.topic);
      return;
    }
    let inner: unknown;
    try {
      inner = (JSON.parse(value.toString('utf8')) as { topic?: unknown } | null)?.topic;
    } catch {
      inner = undefined;
    }
    const t = inner as Record<string, unknown> | undefined;
    if (
      typeof t !== 'object' ||
      t === null ||
      typeof t.name !== 'string' ||
      typeof t.connector !== 'string' ||
      !Number.isInteger(t.task) ||
      !Number.isSafeInteger(t.discoverTimestamp)
    ) {
      this.#logger.warn({ key }, 'topic status record skipped: not {"topic":{"name","connector","task","discoverTimestamp"}}');
      return;
    }
    setNested(this.#topics, parts.connector, parts.topic, {
      topic: t.name,
      connector: t.connector,
      task: t.task as number,
      discoverTimestamp: t.discoverTimestamp as number,
    });
  }

  #parseStatus(key: string, value: Buffer): AbstractStatus | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(value.toString('utf8'));
    } catch {
      parsed = undefined;
    }
    const s = parsed as Record<string, unknown> | undefined;
    if (
      typeof s !== 'object' ||
      s === null ||
      typeof s.state !== 'string' ||
      !STATES.includes(s.state) ||
      typeof s.worker_id !== 'string' ||
      !Number.isInteger(s.generation) ||
      (s.trace !== undefined && s.trace !== null && typeof s.trace !== 'string') ||
      (s.version !== undefined && s.version !== null && typeof s.version !== 'string')
    ) {
      this.#logger.warn({ key }, 'status record skipped: not {"state","trace","worker_id","generation","version"}');
      return undefined;
    }
    return {
      state: s.state as StatusState,
      trace: s.trace ?? null,
      workerId: s.worker_id,
      generation: s.generation as number,
      version: s.version ?? null,
    };
  }
}

function setNested<K1, K2, V>(map: Map<K1, Map<K2, V>>, outer: K1, inner: K2, value: V): void {
  let nested = map.get(outer);
  if (nested === undefined) map.set(outer, (nested = new Map()));
  nested.set(inner, value);
}

function checkStatus(what: string, status: AbstractStatus): void {
  if (!STATES.includes(status.state))
    throw new Error(`${what}: state must be one of ${STATES.join(', ')}, got ${JSON.stringify(status.state)}`);
  if (typeof status.workerId !== 'string' || status.workerId === '') throw new Error(`${what}: workerId must be the worker's host:port`);
  if (!Number.isInteger(status.generation) || status.generation < -(2 ** 31) || status.generation > 2 ** 31 - 1) {
    throw new Error(`${what}: generation must be a 32-bit integer, got ${String(status.generation)}`);
  }
}
