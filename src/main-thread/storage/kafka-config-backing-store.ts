/**
 * Distributed mode's config store: Kafka Connect's KafkaConfigBackingStore, on the one-partition
 * compacted topic `config.storage.topic`, in its record formats (keys as plain strings, values the
 * JSON its JsonConverter writes with schemas.enable=false; docs/design/2026-11-25-kafka-stores.md):
 *
 *   connector-<name>          {"properties":{…}}                 tombstone: connector deleted
 *   task-<name>-<n>           {"properties":{…}}                 applied only with the next commit
 *   commit-<name>             {"tasks":<n>}                      applies the buffered task configs
 *   target-state-<name>       {"state":"PAUSED","state.v2":"STOPPED"}   (state: what pre-3.5 workers understand)
 *   restart-connector-<name>  {"include-tasks":false,"only-failed":true}
 *   session-key               {"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":<ms>}
 *
 * Task configs are written as Kafka Connect writes them — every task-* record, read back, then the
 * commit — and read as it reads them: buffered until their commit arrives, and applied only if the
 * commit finds task configs 0..n-1 (compaction can remove some; the connector is then "inconsistent"
 * until its tasks are written again). `tasks-fencing-*` (exactly-once source) and `logger-cluster-*`
 * records are recognised and not used; other keys are logged and skipped. Like Kafka Connect, the
 * store expects one writer of connector and task configs at a time (the herder's leader).
 */
import type { Logger } from 'pino';
import { quoteJson } from '../../worker-thread/data/json/json-text.js';
import { storeLog } from '../kafka/kafka-based-log.js';
import type { KafkaBasedLog, LogRecord, StoreTopicOptions } from '../kafka/kafka-based-log.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
const TARGET_STATES: readonly string[] = ['STARTED', 'PAUSED', 'STOPPED'];

export interface ConnectorTaskId {
  connector: string;
  task: number;
}

/** KIP-745: restart the connector and, with includeTasks, its tasks (only the failed ones with onlyFailed). */
export interface RestartRequest {
  connector: string;
  onlyFailed: boolean;
  includeTasks: boolean;
}

/** KIP-507: the key the leader distributes to sign requests between workers. */
export interface SessionKey {
  key: Uint8Array;
  algorithm: string;
  creationTimestamp: number;
}

export type ConnectorProperties = Readonly<Record<string, string>>;

/** Kafka Connect's ConfigBackingStore.UpdateListener. Called only after start() finished reading the topic. */
export interface ConfigUpdateListener {
  onConnectorConfigUpdate?(connector: string): void;
  onConnectorConfigRemove?(connector: string): void;
  /** The tasks whose configs a commit applied (empty when the commit found them incomplete). */
  onTaskConfigUpdate?(tasks: ConnectorTaskId[]): void;
  /** Not called for a connector without config, nor when a tombstone removes the state. */
  onConnectorTargetStateChange?(connector: string): void;
  onSessionKeyUpdate?(key: SessionKey): void;
  onRestartRequest?(request: RestartRequest): void;
  /** A connectd cluster record (`connectd-*`: membership and assignments), with its offset. */
  onConnectdRecord?(key: string, value: unknown, offset: number): void;
}

export const CONNECTOR_PREFIX = 'connector-';
export const TASK_PREFIX = 'task-';
export const COMMIT_TASKS_PREFIX = 'commit-';
export const TARGET_STATE_PREFIX = 'target-state-';
export const RESTART_PREFIX = 'restart-connector-';
export const TASK_COUNT_RECORD_PREFIX = 'tasks-fencing-';
export const LOGGER_CLUSTER_PREFIX = 'logger-cluster-';
export const SESSION_KEY_KEY = 'session-key';
/** connectd's own records (distributed membership and assignments); Kafka Connect skips them. */
export const CONNECTD_PREFIX = 'connectd-';

export const taskKey = (id: ConnectorTaskId): string => `${TASK_PREFIX}${id.connector}-${id.task}`;

/** `task-<connector>-<n>` → its id (the connector name may hold dashes), or null. As Kafka Connect's parseTaskId. */
export function parseTaskKey(key: string): ConnectorTaskId | null {
  const parts = key.split('-');
  if (parts.length < 3 || !/^[+-]?\d+$/.test(parts[parts.length - 1]!)) return null;
  const task = Number(parts[parts.length - 1]);
  if (!Number.isSafeInteger(task) || task > 2 ** 31 - 1 || task < -(2 ** 31)) return null;
  return { connector: parts.slice(1, -1).join('-'), task };
}

function propertiesValue(properties: ConnectorProperties): string {
  return `{"properties":{${Object.entries(properties)
    .map(([k, v]) => `${quoteJson(k)}:${quoteJson(v)}`)
    .join(',')}}}`;
}

/** The value of a `connector-<name>` or `task-<name>-<n>` record. */
export const connectorConfigValue = propertiesValue;
export const taskConfigValue = propertiesValue;
export const tasksCommitValue = (taskCount: number): string => `{"tasks":${taskCount}}`;
/** Kafka Connect's TARGET_STATE_V1: `state` falls back to PAUSED for STOPPED, which older workers do not know. */
export const targetStateValue = (state: TargetState): string =>
  `{"state":"${state === 'STOPPED' ? 'PAUSED' : state}","state.v2":"${state}"}`;
export const restartRequestValue = (request: RestartRequest): string =>
  `{"include-tasks":${request.includeTasks},"only-failed":${request.onlyFailed}}`;
export const sessionKeyValue = (key: SessionKey): string =>
  `{"key":"${Buffer.from(key.key).toString('base64')}","algorithm":${quoteJson(key.algorithm)},"creation-timestamp":${key.creationTimestamp}}`;

/** A consistent copy of the store's state (Kafka Connect's ClusterConfigState). */
export class ClusterConfigState {
  /** The offset after the last config record read; -1 before any. */
  readonly offset: number;
  readonly sessionKey: SessionKey | null;
  readonly #taskCounts: ReadonlyMap<string, number>;
  readonly #connectorConfigs: ReadonlyMap<string, ConnectorProperties>;
  readonly #targetStates: ReadonlyMap<string, TargetState>;
  readonly #taskConfigs: ReadonlyMap<string, ReadonlyMap<number, ConnectorProperties>>;
  readonly #inconsistent: ReadonlySet<string>;

  constructor(state: {
    offset: number;
    sessionKey: SessionKey | null;
    taskCounts: ReadonlyMap<string, number>;
    connectorConfigs: ReadonlyMap<string, ConnectorProperties>;
    targetStates: ReadonlyMap<string, TargetState>;
    taskConfigs: ReadonlyMap<string, ReadonlyMap<number, ConnectorProperties>>;
    inconsistent: ReadonlySet<string>;
  }) {
    this.offset = state.offset;
    this.sessionKey = state.sessionKey;
    this.#taskCounts = state.taskCounts;
    this.#connectorConfigs = state.connectorConfigs;
    this.#targetStates = state.targetStates;
    this.#taskConfigs = state.taskConfigs;
    this.#inconsistent = state.inconsistent;
  }

  connectors(): string[] {
    return [...this.#connectorConfigs.keys()];
  }

  contains(connector: string): boolean {
    return this.#connectorConfigs.has(connector);
  }

  connectorConfig(connector: string): ConnectorProperties | undefined {
    return this.#connectorConfigs.get(connector);
  }

  targetState(connector: string): TargetState | undefined {
    return this.#targetStates.get(connector);
  }

  /** The task count of the connector's last commit (0 when none). */
  taskCount(connector: string): number {
    return this.#taskCounts.get(connector) ?? 0;
  }

  /** The connector's tasks as committed; none while its task configs are inconsistent. */
  tasks(connector: string): ConnectorTaskId[] {
    if (this.#inconsistent.has(connector)) return [];
    return Array.from({ length: this.taskCount(connector) }, (_, task) => ({ connector, task }));
  }

  taskConfig(id: ConnectorTaskId): ConnectorProperties | undefined {
    return this.#taskConfigs.get(id.connector)?.get(id.task);
  }

  /** The configs of tasks(connector), in task order. */
  taskConfigs(connector: string): ConnectorProperties[] {
    return this.tasks(connector).map((id) => this.taskConfig(id)!);
  }

  /** Connectors whose last commit found task configs missing (compaction); their tasks must be written again. */
  inconsistentConnectors(): string[] {
    return [...this.#inconsistent];
  }
}

/** `config.storage.topic` and `.replication.factor` (Kafka Connect's default 3); the topic has one partition. */
export interface KafkaConfigBackingStoreOptions extends Omit<StoreTopicOptions, 'partitions'> {
  /** Bound on each write, acknowledgement and read-back included (Kafka Connect: 30 s). */
  writeTimeoutMs?: number;
}

export const CONFIG_STORAGE_DEFAULT_REPLICATION_FACTOR = 3;

type JsonObject = Record<string, unknown>;

class WriteTimeout extends Error {}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) <= 2 ** 31 - 1;
}

export class KafkaConfigBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #logger: Logger;
  readonly #startTimeoutMs: number;
  readonly #writeTimeoutMs: number;
  readonly #listeners: ConfigUpdateListener[] = [];
  #started = false;

  #offset = -1;
  #sessionKey: SessionKey | null = null;
  readonly #connectorConfigs = new Map<string, ConnectorProperties>();
  readonly #targetStates = new Map<string, TargetState>();
  readonly #taskCounts = new Map<string, number>();
  readonly #taskConfigs = new Map<string, Map<number, ConnectorProperties>>();
  /** Task configs read but not yet committed, per connector. */
  readonly #deferredTaskConfigs = new Map<string, Map<number, ConnectorProperties>>();
  readonly #inconsistent = new Set<string>();
  /** The newest value of each connectd cluster record, also those read before start() ended. */
  readonly #connectdRecords = new Map<string, { value: unknown; offset: number }>();

  constructor(options: KafkaConfigBackingStoreOptions) {
    this.#logger = options.logger.child({ store: 'configs' });
    this.#startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 30_000;
    this.#log = storeLog(
      { ...options, partitions: 1 },
      { clientId: 'connectd-configs', partitions: 1, replicationFactor: CONFIG_STORAGE_DEFAULT_REPLICATION_FACTOR },
      (record) => this.#onRecord(record),
      this.#logger,
    );
  }

  /** Listeners hear of records in the order they were added (the cluster coordinator, then the herder). */
  addUpdateListener(listener: ConfigUpdateListener): void {
    this.#listeners.push(listener);
  }

  /** Reads the whole topic; listeners hear only of records read after that. */
  async start(): Promise<void> {
    await this.#log.start(this.#startTimeoutMs);
    if (this.#log.partitionCount > 1) {
      await this.#log.stop();
      throw new Error(
        `config.storage.topic=${this.#log.topic}: the topic must have a single partition to keep connector configurations consistent, but it has ${this.#log.partitionCount}`,
      );
    }
    this.#started = true;
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  snapshot(): ClusterConfigState {
    const taskConfigs = new Map<string, ReadonlyMap<number, ConnectorProperties>>();
    for (const [connector, tasks] of this.#taskConfigs) taskConfigs.set(connector, new Map(tasks));
    return new ClusterConfigState({
      offset: this.#offset,
      sessionKey: this.#sessionKey,
      taskCounts: new Map(this.#taskCounts),
      connectorConfigs: new Map(this.#connectorConfigs),
      targetStates: new Map(this.#targetStates),
      taskConfigs,
      inconsistent: new Set(this.#inconsistent),
    });
  }

  contains(connector: string): boolean {
    return this.#connectorConfigs.has(connector);
  }

  /** The newest connectd cluster record of `key` read so far (e.g. the last assignment, for its generation). */
  connectdRecord(key: string): { value: unknown; offset: number } | undefined {
    return this.#connectdRecords.get(key);
  }

  /** Reads every record written so far (Kafka Connect's refresh). */
  refresh(timeoutMs = this.#writeTimeoutMs): Promise<void> {
    return this.#log.readToEnd(timeoutMs);
  }

  /** Writes the connector's config (after its target state, when given) and reads it back. */
  async putConnectorConfig(connector: string, properties: ConnectorProperties, targetState?: TargetState): Promise<void> {
    checkConnectorName(connector);
    checkProperties(`connector ${connector}: properties`, properties);
    if (targetState !== undefined) checkTargetState(targetState);
    const records: [string, string][] = [];
    if (targetState !== undefined) records.push([TARGET_STATE_PREFIX + connector, targetStateValue(targetState)]);
    records.push([CONNECTOR_PREFIX + connector, connectorConfigValue(properties)]);
    await this.#write(`the config of connector ${connector}`, records, true);
  }

  /** Deletes the connector: tombstones for its config and its target state, read back. */
  async removeConnectorConfig(connector: string): Promise<void> {
    checkConnectorName(connector);
    await this.#write(
      `the removal of connector ${connector}`,
      [
        [CONNECTOR_PREFIX + connector, null],
        [TARGET_STATE_PREFIX + connector, null],
      ],
      true,
    );
  }

  /** Writes every task config, reads them back, then the commit that applies them, and reads that back. */
  async putTaskConfigs(connector: string, configs: readonly ConnectorProperties[]): Promise<void> {
    checkConnectorName(connector);
    configs.forEach((config, task) => checkProperties(`connector ${connector}: task ${task} config`, config));
    const deadline = Date.now() + this.#writeTimeoutMs;
    const what = `the task configs of connector ${connector}`;
    await this.#withDeadline(this.#log.readToEnd(this.#remaining(deadline)), deadline, what);
    await this.#withDeadline(
      Promise.all(configs.map((config, task) => this.#log.send(taskKey({ connector, task }), taskConfigValue(config)))),
      deadline,
      what,
    );
    if (configs.length > 0) await this.#withDeadline(this.#log.readToEnd(this.#remaining(deadline)), deadline, what);
    await this.#withDeadline(this.#log.send(COMMIT_TASKS_PREFIX + connector, tasksCommitValue(configs.length)), deadline, what);
    await this.#withDeadline(this.#log.readToEnd(this.#remaining(deadline)), deadline, what);
  }

  /** Writes a target state; resolves once Kafka acknowledged it (not read back, as in Kafka Connect). */
  async putTargetState(connector: string, state: TargetState): Promise<void> {
    checkConnectorName(connector);
    checkTargetState(state);
    await this.#write(`the target state of connector ${connector}`, [[TARGET_STATE_PREFIX + connector, targetStateValue(state)]], false);
  }

  async putRestartRequest(request: RestartRequest): Promise<void> {
    checkConnectorName(request.connector);
    await this.#write(
      `the restart request for connector ${request.connector}`,
      [[RESTART_PREFIX + request.connector, restartRequestValue(request)]],
      true,
    );
  }

  async putSessionKey(key: SessionKey): Promise<void> {
    if (!Number.isSafeInteger(key.creationTimestamp))
      throw new Error(`session key: creationTimestamp must be an integer (ms since the epoch), got ${String(key.creationTimestamp)}`);
    await this.#write('the session key', [[SESSION_KEY_KEY, sessionKeyValue(key)]], true);
  }

  /** Writes a connectd cluster record (key `connectd-…`, a JSON value); resolves with its offset once acknowledged. */
  async putConnectdRecord(key: string, value: unknown): Promise<number> {
    if (!key.startsWith(CONNECTD_PREFIX)) throw new Error(`a connectd record's key must start with ${CONNECTD_PREFIX}, got ${key}`);
    const deadline = Date.now() + this.#writeTimeoutMs;
    const position = await this.#withDeadline(this.#log.send(key, JSON.stringify(value)), deadline, `the cluster record ${key}`);
    return position.offset;
  }

  async #write(what: string, records: [string, string | null][], readBack: boolean): Promise<void> {
    const deadline = Date.now() + this.#writeTimeoutMs;
    await this.#withDeadline(Promise.all(records.map(([key, value]) => this.#log.send(key, value))), deadline, what);
    if (readBack) await this.#withDeadline(this.#log.readToEnd(this.#remaining(deadline)), deadline, what);
  }

  #remaining(deadline: number): number {
    return Math.max(1, deadline - Date.now());
  }

  async #withDeadline<T>(work: Promise<T>, deadline: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WriteTimeout(`writing ${what} to topic ${this.#log.topic} timed out after ${this.#writeTimeoutMs} ms`)),
        this.#remaining(deadline),
      );
    });
    try {
      return await Promise.race([work, expired]);
    } catch (err) {
      if (err instanceof WriteTimeout) throw err;
      throw new Error(`writing ${what} to topic ${this.#log.topic} failed: ${(err as Error).message}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  #onRecord(record: LogRecord): void {
    const key = record.key?.toString('utf8');
    if (key === undefined) {
      this.#logger.error({ offset: record.offset }, 'config record without a key skipped');
      return;
    }
    let value: unknown = null;
    if (record.value !== null) {
      try {
        value = JSON.parse(record.value.toString('utf8'));
      } catch (err) {
        this.#logger.error({ key, offset: record.offset, err: (err as Error).message }, 'config record whose value is not JSON skipped');
        return;
      }
    }
    this.#offset = record.offset + 1;
    if (key.startsWith(TARGET_STATE_PREFIX)) this.#readTargetState(key.slice(TARGET_STATE_PREFIX.length), value);
    else if (key.startsWith(CONNECTOR_PREFIX)) this.#readConnectorConfig(key.slice(CONNECTOR_PREFIX.length), value);
    else if (key.startsWith(TASK_PREFIX)) this.#readTaskConfig(key, value);
    else if (key.startsWith(COMMIT_TASKS_PREFIX)) this.#readTasksCommit(key.slice(COMMIT_TASKS_PREFIX.length), value);
    else if (key.startsWith(RESTART_PREFIX)) this.#readRestartRequest(key.slice(RESTART_PREFIX.length), value);
    else if (key === SESSION_KEY_KEY) this.#readSessionKey(value);
    else if (key.startsWith(CONNECTD_PREFIX)) {
      this.#connectdRecords.set(key, { value, offset: record.offset });
      this.#notify((l) => l.onConnectdRecord?.(key, value, record.offset));
    } else if (key.startsWith(TASK_COUNT_RECORD_PREFIX) || key.startsWith(LOGGER_CLUSTER_PREFIX))
      this.#logger.debug({ key }, 'config record not used by connectd');
    else this.#logger.error({ key }, 'config record with an unknown key skipped');
  }

  #notify(call: (listener: ConfigUpdateListener) => void): void {
    if (!this.#started) return;
    for (const listener of this.#listeners) {
      try {
        call(listener);
      } catch (err) {
        this.#logger.error({ err: (err as Error).message }, 'a config update listener failed');
      }
    }
  }

  #readTargetState(connector: string, value: unknown): void {
    if (value === null) {
      this.#targetStates.delete(connector);
      // A connector that still has a config always has a target state.
      if (this.#connectorConfigs.has(connector)) this.#targetStates.set(connector, 'STARTED');
      return;
    }
    if (!isObject(value)) {
      this.#logger.error({ connector }, 'target state record skipped: not a JSON object');
      return;
    }
    // Written by an older worker when state.v2 is missing (or not a string).
    const state = typeof value['state.v2'] === 'string' ? value['state.v2'] : value.state;
    if (typeof state !== 'string' || !TARGET_STATES.includes(state)) {
      this.#logger.error({ connector, state }, 'target state record skipped: not STARTED, PAUSED or STOPPED');
      return;
    }
    const changed = this.#targetStates.get(connector) !== state;
    this.#targetStates.set(connector, state as TargetState);
    if (changed && this.#connectorConfigs.has(connector)) this.#notify((l) => l.onConnectorTargetStateChange?.(connector));
  }

  #readConnectorConfig(connector: string, value: unknown): void {
    if (value === null) {
      this.#connectorConfigs.delete(connector);
      this.#taskCounts.delete(connector);
      this.#taskConfigs.delete(connector);
      this.#deferredTaskConfigs.delete(connector);
      this.#inconsistent.delete(connector);
      this.#notify((l) => l.onConnectorConfigRemove?.(connector));
      return;
    }
    const properties = this.#readProperties(`connector ${connector}`, value);
    if (properties === undefined) return;
    this.#connectorConfigs.set(connector, properties);
    // Connectors created before target states existed start out STARTED.
    if (!this.#targetStates.has(connector)) this.#targetStates.set(connector, 'STARTED');
    this.#notify((l) => l.onConnectorConfigUpdate?.(connector));
  }

  #readTaskConfig(key: string, value: unknown): void {
    const id = parseTaskKey(key);
    if (id === null) {
      this.#logger.error({ key }, 'task config record skipped: the key is not task-<connector>-<n>');
      return;
    }
    if (value === null) {
      this.#logger.error({ key }, 'task config record skipped: unexpected tombstone');
      return;
    }
    const properties = this.#readProperties(`task ${id.connector}-${id.task}`, value);
    if (properties === undefined) return;
    let deferred = this.#deferredTaskConfigs.get(id.connector);
    if (deferred === undefined) this.#deferredTaskConfigs.set(id.connector, (deferred = new Map()));
    deferred.set(id.task, properties);
  }

  #readTasksCommit(connector: string, value: unknown): void {
    if (!isObject(value) || !isInt32(value.tasks)) {
      this.#logger.error({ connector }, 'task commit record skipped: not {"tasks":<int>}');
      return;
    }
    const taskCount = value.tasks;
    const deferred = this.#deferredTaskConfigs.get(connector);
    const updated: ConnectorTaskId[] = [];
    let complete = true;
    // Only tasks 0..n-1 must be there: compaction can leave configs of a former, larger task set.
    for (let task = 0; task < taskCount; task++) if (!deferred?.has(task)) complete = false;
    if (!complete) {
      this.#logger.debug(
        { connector, taskCount },
        'task commit with an incomplete set of task configs (compaction?): connector marked inconsistent',
      );
      this.#inconsistent.add(connector);
    } else {
      if (deferred !== undefined) {
        let applied = this.#taskConfigs.get(connector);
        if (applied === undefined) this.#taskConfigs.set(connector, (applied = new Map()));
        for (const [task, properties] of deferred) {
          applied.set(task, properties);
          updated.push({ connector, task });
        }
      }
      this.#inconsistent.delete(connector);
    }
    // Even unapplied, these are stale now: the next commit needs a fresh, complete set.
    this.#deferredTaskConfigs.delete(connector);
    this.#taskCounts.set(connector, taskCount);
    this.#notify((l) => l.onTaskConfigUpdate?.(updated));
  }

  #readRestartRequest(connector: string, value: unknown): void {
    if (!isObject(value)) {
      this.#logger.error({ connector }, 'restart request record skipped: not a JSON object');
      return;
    }
    // Kafka Connect reads a missing or malformed flag as false.
    const request: RestartRequest = { connector, onlyFailed: value['only-failed'] === true, includeTasks: value['include-tasks'] === true };
    this.#notify((l) => l.onRestartRequest?.(request));
  }

  #readSessionKey(value: unknown): void {
    if (
      !isObject(value) ||
      typeof value.key !== 'string' ||
      typeof value.algorithm !== 'string' ||
      !Number.isSafeInteger(value['creation-timestamp'])
    ) {
      this.#logger.error('session key record skipped: not {"key":<base64>,"algorithm":<string>,"creation-timestamp":<long>}');
      return;
    }
    const key: SessionKey = {
      key: new Uint8Array(Buffer.from(value.key, 'base64')),
      algorithm: value.algorithm,
      creationTimestamp: value['creation-timestamp'] as number,
    };
    this.#sessionKey = key;
    this.#notify((l) => l.onSessionKeyUpdate?.(key));
  }

  /** The `properties` map of a connector or task record; undefined (logged) when malformed. Null values are left out. */
  #readProperties(what: string, value: unknown): ConnectorProperties | undefined {
    const properties = isObject(value) ? value.properties : undefined;
    if (!isObject(properties)) {
      this.#logger.error({ what }, 'config record skipped: "properties" is not a JSON object');
      return undefined;
    }
    const result: Record<string, string> = {};
    for (const [k, v] of Object.entries(properties)) {
      if (typeof v === 'string') result[k] = v;
      else if (v !== null) {
        this.#logger.error({ what, property: k }, 'config record skipped: a property value is not a string');
        return undefined;
      }
    }
    return Object.freeze(result);
  }
}

function checkConnectorName(connector: string): void {
  if (typeof connector !== 'string' || connector === '')
    throw new Error(`connector name must be a non-empty string, got ${JSON.stringify(connector)}`);
}

function checkTargetState(state: string): void {
  if (!TARGET_STATES.includes(state))
    throw new Error(`target state must be one of ${TARGET_STATES.join(', ')}, got ${JSON.stringify(state)}`);
}

function checkProperties(what: string, properties: unknown): void {
  if (!isObject(properties)) throw new Error(`${what} must be an object of string values`);
  for (const [k, v] of Object.entries(properties)) {
    if (typeof v !== 'string') throw new Error(`${what}: ${k} must be a string, got ${v === null ? 'null' : typeof v}`);
  }
}
