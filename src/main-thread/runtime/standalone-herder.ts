/**
 * The Herder for standalone mode (Kafka Connect's StandaloneHerder): keeps connector configs and
 * their target states (STARTED, PAUSED, STOPPED), starts each connector, asks it for task configs,
 * starts its tasks, restarts what is asked to restart, and reports status.
 *
 * Every operation on one connector runs in order on that connector's queue, so a pause never
 * overtakes the start it follows and a reconfiguration never races a delete. As Kafka Connect's
 * synchronized StandaloneHerder re-checks that the connector still exists, an operation that runs
 * after a DELETE of its connector does nothing and answers 404: nothing may start a connector that
 * is no longer listed, because nothing could stop it again.
 */
import type { Logger } from 'pino';
import type { ConfigInfos } from '../../worker-thread/sdk/config-def.js';
import type { OffsetBackingStore } from '../storage/offset-backing-store.js';
import { connectJson, offsetKey, parseOffsetKey } from '../../shared/offset-json.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import { HerderError, alreadyExists, notFound, taskNotFound } from './errors.js';
import type { ConfigProvider } from './config-providers.js';
import {
  autoRestart,
  connectorStartConfig,
  maskConfig,
  notStopped,
  restartDelay,
  reverseTransform,
  sameConfig,
  sinkOffsetsFrom,
  sinkOffsetsView,
  sourceOffsetChanges,
  unmaskConfig,
  validateConnector,
  validateForPlugin,
  withWorkerDefaults,
} from './herder.js';
import type { ConnectorInfo, ConnectorOffset, ConnectorStatus, Herder, RestartOptions, TargetState } from './herder.js';
import type { ErrorInfo } from '../../shared/protocol.js';
import type { State } from './status.js';
import type { Worker } from './worker.js';
import type { WorkerConnector } from './worker-connector.js';
import type { WorkerSourceTask } from './worker-source-task.js';
import type { WorkerSinkTask } from './worker-sink-task.js';

export { CONNECTOR_CONFIG_DEF } from '../../shared/connector-config.js';
export type { ConnectorInfo, ConnectorOffset, ConnectorStatus, RestartOptions, TargetState } from './herder.js';

interface TaskSlot {
  state: State;
  trace?: string;
  handle?: WorkerSourceTask | WorkerSinkTask;
  /** Automatic restarts since the task last ran healthily. */
  consecutiveRestarts: number;
  restartTimer?: NodeJS.Timeout;
}

interface ConnectorEntry {
  name: string;
  /** Source or sink, from the connector's task class (known from validation). */
  type: 'source' | 'sink';
  config: Record<string, string>;
  effectiveConfig: Record<string, string>;
  targetState: TargetState;
  state: State;
  trace?: string;
  connector?: WorkerConnector;
  taskConfigs: TaskConfig[];
  tasks: Map<number, TaskSlot>;
  /** The connector's operation queue (see the file comment). */
  queue: Promise<void>;
  /** Set by the DELETE as it runs; every operation queued behind it then finds the connector gone. */
  deleted: boolean;
  /** Keys whose values are secrets: the connector's PASSWORD keys and client secrets. */
  passwordKeys: Set<string>;
  /** Topics the connector's tasks wrote to since the last reset (KIP-558). */
  activeTopics: Set<string>;
  /** The connector's version() from its last start (kept while STOPPED, as Kafka Connect shows it). */
  version: string | null;
}

/** An operation that reached the head of its connector's queue after a DELETE of the connector. */
class DeletedMeanwhile extends HerderError {
  constructor(name: string) {
    const { statusCode, code, message } = notFound(name);
    super(statusCode, code, message);
  }
}

export class StandaloneHerder implements Herder {
  readonly #worker: Worker;
  readonly #logger: Logger;
  readonly #offsetStore: OffsetBackingStore;
  readonly #connectors = new Map<string, ConnectorEntry>();
  #stopping = false;

  readonly #providers: ReadonlyMap<string, ConfigProvider>;

  /** `providers`: the worker's enabled config providers (`config.providers`), none by default. */
  constructor(worker: Worker, offsetStore: OffsetBackingStore, logger: Logger, providers: ReadonlyMap<string, ConfigProvider> = new Map()) {
    this.#worker = worker;
    this.#offsetStore = offsetStore;
    this.#logger = logger;
    this.#providers = providers;
  }

  // ---- reads -----------------------------------------------------------------------------

  connectorNames(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  /** Kafka Connect's ConnectorInfo; secret values masked. */
  connectorInfo(name: string): ConnectorInfo {
    const entry = this.#entry(name);
    return {
      name,
      config: this.#masked(entry, entry.config),
      tasks: entry.taskConfigs.map((_, task) => ({ connector: name, task })),
      type: entry.type,
    };
  }

  /** The connector's config with secret values masked (as Kafka Connect's validate output shows them). */
  connectorConfig(name: string): Record<string, string> {
    const entry = this.#entry(name);
    return this.#masked(entry, entry.config);
  }

  #masked(entry: ConnectorEntry, config: Record<string, string>): Record<string, string> {
    return maskConfig(entry.passwordKeys, config);
  }

  activeTopics(name: string): string[] {
    return [...this.#entry(name).activeTopics].sort();
  }

  resetActiveTopics(name: string): void {
    const entry = this.#entry(name);
    entry.activeTopics.clear();
    for (const slot of entry.tasks.values())
      if (slot.handle !== undefined && 'forgetUsedTopics' in slot.handle) slot.handle.forgetUsedTopics();
  }

  /** Kafka Connect's TaskInfo list: `[{id: {connector, task}, config}]`. */
  taskInfos(name: string): { id: { connector: string; task: number }; config: TaskConfig }[] {
    const entry = this.#entry(name);
    return entry.taskConfigs.map((config, task) => ({
      id: { connector: name, task },
      config: this.#masked(entry, reverseTransform(entry.config, entry.effectiveConfig, config)),
    }));
  }

  /** Tasks assigned to this worker (Kafka Connect's worker task-count). */
  taskCount(): number {
    let n = 0;
    for (const entry of this.#connectors.values()) n += entry.tasks.size;
    return n;
  }

  connectorStates(): { name: string; state: State }[] {
    return [...this.#connectors.values()].map((e) => ({ name: e.name, state: e.state }));
  }

  status(name: string): ConnectorStatus {
    const entry = this.#entry(name);
    const workerId = this.#worker.workerId;
    const withTrace = <T extends object>(o: T, trace?: string): T & { trace?: string } => (trace === undefined ? o : { ...o, trace });
    return {
      name,
      // Kafka Connect 4.1 (KIP-891): the plugin's version after worker_id, null while not known.
      connector: withTrace({ state: entry.state, worker_id: workerId, version: entry.version }, entry.trace),
      tasks: [...entry.tasks.entries()]
        .sort(([a], [b]) => a - b)
        .map(([id, t]) => withTrace({ id, state: t.state, worker_id: workerId, version: t.handle?.version ?? null }, t.trace)),
      type: entry.type,
    };
  }

  taskStatus(name: string, task: number): ConnectorStatus['tasks'][number] {
    const found = this.status(name).tasks.find((t) => t.id === task);
    if (found === undefined) throw taskNotFound(name, task);
    return found;
  }

  targetState(name: string): TargetState {
    return this.#entry(name).targetState;
  }

  // ---- writes ----------------------------------------------------------------------------

  /**
   * Creates a connector, validated first (ConfigException names every problem). Resolves once it
   * reached its initial state (its tasks started, unless the initial state is STOPPED).
   */
  async createConnector(config: Record<string, string>, initialState: TargetState = 'STARTED'): Promise<void> {
    const name = config.name ?? '';
    await this.#deletionOf(name);
    if (this.#connectors.has(name)) throw alreadyExists(name);
    const { passwordKeys, connectorType } = await this.#validated(config);
    await this.#deletionOf(name);
    if (this.#connectors.has(name)) throw alreadyExists(name);
    const entry: ConnectorEntry = {
      type: connectorType,
      passwordKeys,
      activeTopics: new Set(),
      version: null,
      name,
      config: { ...config },
      effectiveConfig: this.#withWorkerDefaults(config),
      targetState: initialState,
      state: initialState === 'STOPPED' ? 'STOPPED' : 'UNASSIGNED',
      taskConfigs: [],
      tasks: new Map(),
      queue: Promise.resolve(),
      deleted: false,
    };
    this.#connectors.set(name, entry);
    if (initialState !== 'STOPPED') await this.#enqueue(entry, () => this.#startConnector(entry));
  }

  /**
   * Validates a connector config: the framework's keys here, the connector's own keys (and that its
   * class exists) in a worker thread. Throws ConfigException with every problem; returns the
   * connector's PASSWORD keys.
   */
  async validate(rawConfig: Record<string, string>): Promise<Set<string>> {
    return (await this.#validated(rawConfig)).passwordKeys;
  }

  #validated(rawConfig: Record<string, string>): Promise<{ passwordKeys: Set<string>; connectorType: 'source' | 'sink' }> {
    return validateConnector(this.#worker, this.#providers, rawConfig);
  }

  /** PUT /connector-plugins/{plugin}/config/validate: Kafka Connect's ConfigInfos, errors and all. */
  validateForPlugin(plugin: string, config: Record<string, string>): Promise<ConfigInfos> {
    return validateForPlugin(this.#worker, this.#providers, plugin, config);
  }

  /**
   * Kafka Connect's PUT /connectors/{name}/config: creates the connector, or replaces its whole
   * config and restarts it. A secret sent back as the mask keeps its stored value.
   */
  async putConnectorConfig(name: string, config: Record<string, string>): Promise<{ created: boolean }> {
    const existing = this.#connectors.get(name);
    if (existing === undefined || existing.deleted) {
      await this.createConnector({ ...config, name });
      return { created: true };
    }
    const next = unmaskConfig(existing.passwordKeys, existing.config, { ...config, name });
    const { passwordKeys, connectorType } = await this.#validated(next);
    try {
      await this.#enqueue(existing, async () => {
        await this.#shutDown(existing);
        existing.type = connectorType;
        existing.config = next;
        existing.effectiveConfig = this.#withWorkerDefaults(next);
        existing.passwordKeys = passwordKeys;
        if (existing.targetState !== 'STOPPED') await this.#startConnector(existing);
      });
    } catch (err) {
      // Deleted while this config was validated: as in Kafka Connect, the PUT then creates it.
      if (err instanceof DeletedMeanwhile) return this.putConnectorConfig(name, config);
      throw err;
    }
    return { created: false };
  }

  /** Kafka Connect's PATCH /connectors/{name}/config: merge; a null value removes the key. */
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<void> {
    const entry = this.#entry(name);
    if (patch.name !== undefined && patch.name !== name) {
      throw new HerderError(
        400,
        'CONNECTD_ERR_BAD_REQUEST',
        `Connector name configuration (${String(patch.name)}) doesn't match connector name in the URL (${name})`,
      );
    }
    const merged: Record<string, string> = { ...entry.config };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete merged[k];
      else merged[k] = v;
    }
    await this.putConnectorConfig(name, merged);
  }

  /**
   * The connector's committed offsets (KIP-875 GET /connectors/{name}/offsets): a source's from the
   * offset store; a sink's from its consumer group, as `{kafka_topic, kafka_partition}` →
   * `{kafka_offset}` like Kafka Connect's SinkUtils.
   */
  async offsets(name: string): Promise<ConnectorOffset[]> {
    const entry = this.#entry(name);
    if (entry.type === 'sink') {
      return sinkOffsetsView(await this.#worker.sinkOffsets(name, entry.effectiveConfig));
    }
    return this.#sourceOffsets(name);
  }

  #sourceOffsets(name: string): ConnectorOffset[] {
    const result: ConnectorOffset[] = [];
    for (const [key, value] of this.#offsetStore.entries()) {
      const parsed = parseOffsetKey(key);
      if (parsed?.connector === name) result.push({ partition: parsed.partition, offset: JSON.parse(value) as Record<string, unknown> });
    }
    return result;
  }

  /**
   * KIP-875 PATCH/DELETE offsets: only while STOPPED, so no task of the connector can commit over
   * them. `offsets` null resets every partition.
   */
  async alterOffsets(name: string, offsets: ConnectorOffset[] | null): Promise<void> {
    const entry = this.#entry(name);
    await this.#enqueue(entry, async () => {
      if (entry.targetState !== 'STOPPED' || entry.tasks.size > 0) throw notStopped(name);
      let changes = new Map<string, string | null>();
      if (offsets === null) {
        if (entry.type === 'sink') {
          await this.#worker.resetSinkOffsets(name, entry.effectiveConfig);
          return;
        }
        for (const { partition } of this.#sourceOffsets(name)) changes.set(offsetKey(name, connectJson(partition)), null);
      } else if (entry.type === 'sink') {
        await this.#worker.alterSinkOffsets(name, entry.effectiveConfig, sinkOffsetsFrom(offsets));
        return;
      } else {
        changes = sourceOffsetChanges(name, offsets);
      }
      await this.#offsetStore.set(changes);
    });
  }

  pauseConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    return this.#enqueue(entry, async () => {
      if (entry.targetState === 'STOPPED') return;
      entry.targetState = 'PAUSED';
      if (entry.state === 'RUNNING') entry.state = 'PAUSED';
      for (const slot of entry.tasks.values()) slot.handle?.pause();
    });
  }

  resumeConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    return this.#enqueue(entry, async () => {
      const wasStopped = entry.targetState === 'STOPPED';
      entry.targetState = 'STARTED';
      if (wasStopped) {
        await this.#startConnector(entry);
        return;
      }
      if (entry.state === 'PAUSED') entry.state = 'RUNNING';
      for (const slot of entry.tasks.values()) slot.handle?.resume();
    });
  }

  /** Kafka Connect's STOPPED (KIP-875): tasks shut down and forgotten, connector stopped, offsets kept. */
  stopConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    return this.#enqueue(entry, async () => {
      entry.targetState = 'STOPPED';
      await this.#shutDown(entry);
      entry.state = 'STOPPED';
      delete entry.trace;
    });
  }

  async deleteConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    await this.#enqueue(entry, async () => {
      entry.deleted = true;
      try {
        await this.#shutDown(entry);
      } finally {
        // Within the operation (and even if the shutdown failed): by the time anything queued
        // behind it runs, the name is free.
        if (this.#connectors.get(name) === entry) this.#connectors.delete(name);
      }
    });
  }

  /**
   * Kafka Connect's restart: the connector instance unless `onlyFailed` and it is not FAILED; with
   * `includeTasks`, its tasks too (with `onlyFailed`, only the FAILED ones).
   */
  restartConnector(name: string, opts: RestartOptions): Promise<void> {
    const entry = this.#entry(name);
    const restartConnector = !opts.onlyFailed || entry.state === 'FAILED';
    const tasks = opts.includeTasks
      ? [...entry.tasks.entries()].filter(([, t]) => !opts.onlyFailed || t.state === 'FAILED').map(([id]) => id)
      : [];
    if (restartConnector) entry.state = 'RESTARTING';
    for (const id of tasks) entry.tasks.get(id)!.state = 'RESTARTING';
    return this.#enqueue(entry, async () => {
      if (entry.targetState === 'STOPPED') {
        // Stopped meanwhile: nothing to restart, and the RESTARTING shown above is not true.
        if (restartConnector) entry.state = 'STOPPED';
        return;
      }
      if (restartConnector) {
        await entry.connector?.stop(this.#worker.config.taskShutdownGracefulTimeoutMs);
        entry.connector = undefined;
        if (await this.#startConnectorInstance(entry)) await this.#reconfigure(entry);
      }
      for (const id of tasks) await this.#restartTask(entry, id);
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    const entry = this.#entry(name);
    const slot = entry.tasks.get(task);
    if (slot === undefined) throw taskNotFound(name, task);
    slot.state = 'RESTARTING';
    return this.#enqueue(entry, () => this.#restartTask(entry, task));
  }

  /** Stops every task (drain, commit) and every connector, for shutdown. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#connectors.values()].map((entry) => this.#enqueue(entry, () => this.#shutDown(entry), 'skip')));
    for (const entry of this.#connectors.values()) if (entry.state !== 'FAILED') entry.state = 'UNASSIGNED';
  }

  // ---- internals -------------------------------------------------------------------------

  #entry(name: string): ConnectorEntry {
    const entry = this.#connectors.get(name);
    if (entry === undefined || entry.deleted) throw notFound(name);
    return entry;
  }

  /**
   * Runs `op` after every operation queued before it, unless the connector was deleted meanwhile:
   * then it rejects with 404 (DeletedMeanwhile), or with `ifDeleted` 'skip' resolves doing nothing.
   */
  #enqueue(entry: ConnectorEntry, op: () => Promise<void>, ifDeleted: 'notFound' | 'skip' = 'notFound'): Promise<void> {
    const run = entry.queue.then(() => {
      if (!entry.deleted) return op();
      if (ifDeleted === 'notFound') throw new DeletedMeanwhile(entry.name);
      return undefined;
    });
    entry.queue = run.catch((err: unknown) => {
      if (!(err instanceof DeletedMeanwhile)) this.#logger.error({ err, connector: entry.name }, 'connector operation failed');
    });
    return run;
  }

  /** Resolves once no DELETE of `name` is under way (its name is free or taken by a new connector). */
  async #deletionOf(name: string): Promise<void> {
    for (let entry = this.#connectors.get(name); entry?.deleted === true; entry = this.#connectors.get(name)) await entry.queue;
  }

  #withWorkerDefaults(config: Record<string, string>): Record<string, string> {
    return withWorkerDefaults(this.#worker, this.#providers, config);
  }

  async #startConnector(entry: ConnectorEntry): Promise<void> {
    if (!(await this.#startConnectorInstance(entry))) return;
    await this.#reconfigure(entry);
  }

  /** Starts the connector instance; false if it failed (then it is FAILED with its trace). */
  async #startConnectorInstance(entry: ConnectorEntry): Promise<boolean> {
    // The worker stops: herder.stop() already shut this connector down, or will find it stopped.
    if (this.#stopping) return false;
    const { connector, started } = this.#worker.startConnector(
      entry.name,
      connectorStartConfig(this.#providers, entry.config),
      () => this.#requestReconfiguration(entry),
      (error) => this.#connectorFailed(entry, error),
    );
    entry.connector = connector;
    try {
      const version = await started;
      entry.version = version;
      this.#worker.startups.connectorSuccess++;
      entry.state = entry.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING';
      for (const key of connector.passwordKeys) entry.passwordKeys.add(key);
      delete entry.trace;
      this.#logger.info({ connector: entry.name, version }, 'connector started');
      return true;
    } catch (err) {
      const e = err as Error;
      this.#worker.startups.connectorFailure++;
      this.#connectorFailed(entry, { name: e.name, message: e.message, stack: e.stack ?? e.message });
      return false;
    }
  }

  #requestReconfiguration(entry: ConnectorEntry): void {
    if (this.#stopping || entry.deleted) return;
    void this.#enqueue(entry, () => this.#reconfigure(entry), 'skip');
  }

  /** Asks the connector for task configs; restarts only the tasks whose config changed. */
  async #reconfigure(entry: ConnectorEntry): Promise<void> {
    if (entry.connector === undefined || this.#stopping || entry.targetState === 'STOPPED' || entry.state === 'FAILED') return;
    let configs: TaskConfig[];
    try {
      configs = await entry.connector.taskConfigs(Number(entry.config['tasks.max'] ?? '1'));
    } catch (err) {
      const e = err as Error;
      this.#connectorFailed(entry, { name: e.name, message: e.message, stack: e.stack ?? e.message });
      return;
    }
    const changed: number[] = [];
    for (let id = 0; id < Math.max(configs.length, entry.taskConfigs.length); id++) {
      const before = entry.taskConfigs[id];
      const after = configs[id];
      if (before === undefined || after === undefined || !sameConfig(before, after) || !entry.tasks.has(id)) changed.push(id);
    }
    if (changed.length === 0) return;
    this.#logger.info({ connector: entry.name, tasks: configs.length, restarted: changed }, 'task configs changed');
    const stopping = changed.flatMap((id) => {
      const slot = entry.tasks.get(id);
      clearTimeout(slot?.restartTimer);
      return slot?.handle ? [slot.handle] : [];
    });
    await this.#worker.stopTasks(stopping);
    for (const id of changed) entry.tasks.delete(id);
    entry.taskConfigs = configs;
    await Promise.all(changed.filter((id) => id < configs.length).map((id) => this.#startTask(entry, id)));
  }

  async #startTask(entry: ConnectorEntry, id: number, previous?: TaskSlot): Promise<void> {
    const slot: TaskSlot = { state: 'UNASSIGNED', consecutiveRestarts: previous?.consecutiveRestarts ?? 0 };
    entry.tasks.set(id, slot);
    const onStateChange = (state: State, error?: ErrorInfo): void => {
      if (entry.tasks.get(id) !== slot) return;
      slot.state = state;
      if (error !== undefined) slot.trace = error.stack ?? error.message;
      else if (state === 'RUNNING') delete slot.trace;
      if (state === 'FAILED') this.#taskFailed(entry, id, slot, error);
    };
    try {
      slot.handle =
        entry.type === 'sink'
          ? await this.#worker.startSinkTask(entry.name, id, entry.effectiveConfig, entry.taskConfigs[id]!, onStateChange)
          : await this.#worker.startSourceTask(entry.name, id, entry.effectiveConfig, entry.taskConfigs[id]!, onStateChange, (topics) => {
              for (const topic of topics) entry.activeTopics.add(topic);
            });
    } catch (err) {
      const e = err as Error;
      onStateChange('FAILED', { name: e.name, message: e.message, stack: e.stack ?? e.message });
      return;
    }
    if (entry.targetState === 'PAUSED') slot.handle.pause();
  }

  async #restartTask(entry: ConnectorEntry, id: number): Promise<void> {
    const slot = entry.tasks.get(id);
    if (slot === undefined || entry.targetState === 'STOPPED' || entry.taskConfigs[id] === undefined) return;
    clearTimeout(slot.restartTimer);
    if (slot.handle) await this.#worker.stopTasks([slot.handle]);
    await this.#startTask(entry, id, slot);
  }

  #taskFailed(entry: ConnectorEntry, id: number, slot: TaskSlot, error: ErrorInfo | undefined): void {
    if (this.#stopping || entry.deleted) return;
    // A task that lost its thread because another task on it had to be abandoned did nothing wrong.
    if (error?.code === 'CONNECTD_ERR_THREAD_REPLACED') {
      (entry.type === 'sink' ? this.#worker.sinkMetricsFor(entry.name, id) : this.#worker.metricsFor(entry.name, id)).restarts++;
      void this.#enqueue(entry, () => this.#restartTask(entry, id), 'skip');
      return;
    }
    if (!autoRestart(this.#worker, entry.config)) return;
    const delay = restartDelay(this.#worker, slot.consecutiveRestarts);
    slot.consecutiveRestarts++;
    slot.trace = `${slot.trace ?? ''}\n(connectd: automatic restart ${slot.consecutiveRestarts} in ${delay} ms)`;
    this.#logger.warn(
      { connector: entry.name, task: id, delayMs: delay, restart: slot.consecutiveRestarts },
      'task failed; restarting it after a backoff',
    );
    slot.restartTimer = setTimeout(() => {
      if (entry.tasks.get(id) !== slot || slot.state !== 'FAILED') return;
      slot.state = 'RESTARTING';
      (entry.type === 'sink' ? this.#worker.sinkMetricsFor(entry.name, id) : this.#worker.metricsFor(entry.name, id)).restarts++;
      void this.#enqueue(entry, () => this.#restartTask(entry, id), 'skip');
    }, delay);
    slot.restartTimer.unref();
  }

  #connectorFailed(entry: ConnectorEntry, error: ErrorInfo): void {
    entry.state = 'FAILED';
    entry.trace = error.stack ?? error.message;
    this.#logger.error({ connector: entry.name, error: error.message }, 'connector failed');
  }

  /** Stops the connector's tasks (drain, commit) and its instance; forgets the tasks. */
  async #shutDown(entry: ConnectorEntry): Promise<void> {
    const handles = [...entry.tasks.values()].flatMap((slot) => {
      clearTimeout(slot.restartTimer);
      return slot.handle ? [slot.handle] : [];
    });
    await this.#worker.stopTasks(handles);
    await entry.connector?.stop(this.#worker.config.taskShutdownGracefulTimeoutMs);
    entry.connector = undefined;
    entry.tasks.clear();
    entry.taskConfigs = [];
  }
}
