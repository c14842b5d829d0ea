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
import type { OffsetBackingStore } from '../storage/offset-backing-store.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import { alreadyExists, notFound, taskNotFound } from './errors.js';
import type { ConfigProvider } from './config-providers.js';
import { maskConfig, notStopped, reverseTransform, sameConfig, unmaskConfig, validateConnector } from './herder.js';
import type { ConnectorInfo, ConnectorOffset, ConnectorStateInfo, Herder, RestartOptions, TargetState } from './herder.js';
import { AbstractHerder, DeletedMeanwhile, errorInfo, withTrace } from './abstract-herder.js';
import type { LocalConnector, LocalTask } from './abstract-herder.js';
import type { ErrorInfo } from '../../shared/protocol.js';
import type { State } from './status.js';
import type { Worker } from './worker.js';
import type { WorkerConnector } from './worker-connector.js';

export { CONNECTOR_CONFIG_DEF } from '../../shared/connector-config.js';

/** A connector of this worker: its config and target state (kept in memory) and its running units. */
interface StandaloneConnector extends LocalConnector {
  /** Source or sink, from the connector's task class (known from validation). */
  type: 'source' | 'sink';
  config: Record<string, string>;
  effectiveConfig: Record<string, string>;
  targetState: TargetState;
  taskConfigs: TaskConfig[];
  tasks: Map<number, LocalTask>;
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

export class StandaloneHerder extends AbstractHerder<StandaloneConnector> implements Herder {
  readonly #connectors = new Map<string, StandaloneConnector>();
  #stopping = false;

  /** `providers`: the worker's enabled config providers (`config.providers`), none by default. */
  constructor(worker: Worker, offsetStore: OffsetBackingStore, logger: Logger, providers: ReadonlyMap<string, ConfigProvider> = new Map()) {
    super(worker, offsetStore, logger, providers);
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

  #masked(entry: StandaloneConnector, config: Record<string, string>): Record<string, string> {
    return maskConfig(entry.passwordKeys, config);
  }

  activeTopics(name: string): string[] {
    return [...this.#entry(name).activeTopics].sort();
  }

  resetActiveTopics(name: string): void {
    const entry = this.#entry(name);
    entry.activeTopics.clear();
    for (const task of entry.tasks.values())
      if (task.handle !== undefined && 'forgetUsedTopics' in task.handle) task.handle.forgetUsedTopics();
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

  status(name: string): ConnectorStateInfo {
    const entry = this.#entry(name);
    const workerId = this.worker.workerId;
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

  taskStatus(name: string, task: number): ConnectorStateInfo['tasks'][number] {
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
    const entry: StandaloneConnector = {
      type: connectorType,
      passwordKeys,
      activeTopics: new Set(),
      version: null,
      name,
      config: { ...config },
      effectiveConfig: this.effectiveConfig(config),
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
    return validateConnector(this.worker, this.providers, rawConfig);
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
        existing.effectiveConfig = this.effectiveConfig(next);
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

  protected storedConfig(name: string): Record<string, string> {
    return this.#entry(name).config;
  }

  protected offsetsTarget(name: string): Promise<{ type: 'source' | 'sink'; effectiveConfig: () => Record<string, string> }> {
    const entry = this.#entry(name);
    return Promise.resolve({ type: entry.type, effectiveConfig: () => entry.effectiveConfig });
  }

  protected isStopping(): boolean {
    return this.#stopping;
  }

  protected targetStateOf(entry: StandaloneConnector): TargetState {
    return entry.targetState;
  }

  /**
   * KIP-875 PATCH/DELETE offsets: only while STOPPED, so no task of the connector can commit over
   * them. `offsets` null resets every partition.
   */
  async alterOffsets(name: string, offsets: ConnectorOffset[] | null): Promise<void> {
    const entry = this.#entry(name);
    await this.#enqueue(entry, async () => {
      if (entry.targetState !== 'STOPPED' || entry.tasks.size > 0) throw notStopped(name);
      await this.changeOffsets(name, entry.type, entry.effectiveConfig, offsets);
    });
  }

  pauseConnector(name: string): Promise<void> {
    const entry = this.#entry(name);
    return this.#enqueue(entry, async () => {
      if (entry.targetState === 'STOPPED') return;
      entry.targetState = 'PAUSED';
      if (entry.state === 'RUNNING') entry.state = 'PAUSED';
      for (const task of entry.tasks.values()) task.handle?.pause();
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
      for (const task of entry.tasks.values()) task.handle?.resume();
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
        await entry.instance?.stop(this.worker.config.taskShutdownGracefulTimeoutMs);
        entry.instance = undefined;
        if (await this.#startConnectorInstance(entry)) await this.#reconfigure(entry);
      }
      for (const id of tasks) await this.#restartTask(entry, id);
    });
  }

  restartTask(name: string, task: number): Promise<void> {
    const entry = this.#entry(name);
    const local = entry.tasks.get(task);
    if (local === undefined) throw taskNotFound(name, task);
    local.state = 'RESTARTING';
    return this.#enqueue(entry, () => this.#restartTask(entry, task));
  }

  /** Stops every task (drain, commit) and every connector, for shutdown. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await Promise.all([...this.#connectors.values()].map((entry) => this.#enqueue(entry, () => this.#shutDown(entry), 'skip')));
    for (const entry of this.#connectors.values()) if (entry.state !== 'FAILED') entry.state = 'UNASSIGNED';
  }

  // ---- internals -------------------------------------------------------------------------

  #entry(name: string): StandaloneConnector {
    const entry = this.#connectors.get(name);
    if (entry === undefined || entry.deleted) throw notFound(name);
    return entry;
  }

  /**
   * Runs `op` after every operation queued before it, unless the connector was deleted meanwhile:
   * then it rejects with 404 (DeletedMeanwhile), or with `ifDeleted` 'skip' resolves doing nothing.
   */
  #enqueue(entry: StandaloneConnector, op: () => Promise<void>, ifDeleted: 'notFound' | 'skip' = 'notFound'): Promise<void> {
    const { run, tail } = this.chain(entry.queue, entry.name, () => {
      if (!entry.deleted) return op();
      if (ifDeleted === 'notFound') throw new DeletedMeanwhile(entry.name);
      return Promise.resolve();
    });
    entry.queue = tail;
    return run;
  }

  /** Resolves once no DELETE of `name` is under way (its name is free or taken by a new connector). */
  async #deletionOf(name: string): Promise<void> {
    for (let entry = this.#connectors.get(name); entry?.deleted === true; entry = this.#connectors.get(name)) await entry.queue;
  }

  async #startConnector(entry: StandaloneConnector): Promise<void> {
    if (!(await this.#startConnectorInstance(entry))) return;
    await this.#reconfigure(entry);
  }

  /** Starts the connector instance; false if it failed (then it is FAILED with its trace). */
  async #startConnectorInstance(entry: StandaloneConnector): Promise<boolean> {
    // The worker stops: herder.stop() already shut this connector down, or will find it stopped.
    if (this.#stopping) return false;
    return this.startConnectorInstance(entry, entry.config, () => this.#requestReconfiguration(entry));
  }

  protected override connectorStarted(entry: StandaloneConnector, connector: WorkerConnector): void {
    // Kept while STOPPED, as Kafka Connect shows it.
    entry.version = connector.version;
    for (const key of connector.passwordKeys) entry.passwordKeys.add(key);
  }

  protected setConnectorState(entry: StandaloneConnector, state: State, error?: ErrorInfo): void {
    entry.state = state;
    if (error !== undefined) entry.trace = error.stack ?? error.message;
    else delete entry.trace;
    if (state === 'FAILED') this.logger.error({ connector: entry.name, error: error?.message }, 'connector failed');
  }

  #requestReconfiguration(entry: StandaloneConnector): void {
    if (this.#stopping || entry.deleted) return;
    void this.#enqueue(entry, () => this.#reconfigure(entry), 'skip');
  }

  /** Asks the connector for task configs; restarts only the tasks whose config changed. */
  async #reconfigure(entry: StandaloneConnector): Promise<void> {
    if (entry.instance === undefined || this.#stopping || entry.targetState === 'STOPPED' || entry.state === 'FAILED') return;
    let configs: TaskConfig[];
    try {
      configs = await entry.instance.taskConfigs(Number(entry.config['tasks.max'] ?? '1'));
    } catch (err) {
      this.setConnectorState(entry, 'FAILED', errorInfo(err));
      return;
    }
    const changed: number[] = [];
    for (let id = 0; id < Math.max(configs.length, entry.taskConfigs.length); id++) {
      const before = entry.taskConfigs[id];
      const after = configs[id];
      if (before === undefined || after === undefined || !sameConfig(before, after) || !entry.tasks.has(id)) changed.push(id);
    }
    if (changed.length === 0) return;
    this.logger.info({ connector: entry.name, tasks: configs.length, restarted: changed }, 'task configs changed');
    await this.stopTasks(changed.flatMap((id) => entry.tasks.get(id) ?? []));
    for (const id of changed) entry.tasks.delete(id);
    entry.taskConfigs = configs;
    await Promise.all(changed.filter((id) => id < configs.length).map((id) => this.#startTask(entry, id)));
  }

  async #startTask(entry: StandaloneConnector, id: number, previous?: LocalTask): Promise<void> {
    const task: LocalTask = { state: 'UNASSIGNED', consecutiveRestarts: previous?.consecutiveRestarts ?? 0 };
    entry.tasks.set(id, task);
    const started = await this.startWorkerTask(task, {
      id: { connector: entry.name, task: id },
      type: entry.type,
      effectiveConfig: entry.effectiveConfig,
      taskConfig: entry.taskConfigs[id]!,
      connectorConfig: entry.config,
      current: () => !entry.deleted && entry.tasks.get(id) === task,
      restart: () => void this.#enqueue(entry, () => this.#restartTask(entry, id), 'skip'),
      onTopicsUsed: (topics) => {
        for (const topic of topics) entry.activeTopics.add(topic);
      },
    });
    if (started !== undefined && entry.targetState === 'PAUSED') task.handle!.pause();
  }

  async #restartTask(entry: StandaloneConnector, id: number): Promise<void> {
    const task = entry.tasks.get(id);
    if (task === undefined || entry.targetState === 'STOPPED' || entry.taskConfigs[id] === undefined) return;
    await this.stopTasks([task]);
    await this.#startTask(entry, id, task);
  }

  /** Stops the connector's tasks (drain, commit) and its instance; forgets the tasks. */
  async #shutDown(entry: StandaloneConnector): Promise<void> {
    await this.stopTasks([...entry.tasks.values()]);
    await entry.instance?.stop(this.worker.config.taskShutdownGracefulTimeoutMs);
    entry.instance = undefined;
    entry.tasks.clear();
    entry.taskConfigs = [];
  }
}
