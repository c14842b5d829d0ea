/**
 * The Herder of a distributed worker (Kafka Connect's DistributedHerder): connector configs, task
 * configs and target states live in the config topic, statuses in the status topic, source offsets
 * in the offsets topic; the ClusterCoordinator says which connector instances and tasks this worker
 * runs. Design and argument: docs/design/2026-11-25-distributed-mode.md.
 *
 * - Reads answer from this worker's view of the topics.
 * - Config writes (create, update, delete, pause, resume, stop) go to the config topic from the
 *   worker that took the request; every worker reads them and applies what concerns its own units.
 *   A change in the set of units (a connector created, deleted, stopped or resumed, a task count
 *   changed) makes the leader rebalance the cluster.
 * - The worker that runs a connector instance asks it for task configs and writes them (with
 *   placeholders restored, as Kafka Connect's reverseTransform) when they changed; the workers that
 *   run those tasks restart them with the new configs.
 * - Restarting one connector or task runs on the worker that owns it: another worker answers with
 *   ForwardRequest and the REST layer forwards the call. A restart with `includeTasks`/`onlyFailed`
 *   is a restart request in the config topic, which every worker applies to its own units.
 * - At a rebalance every unit stops (source tasks commit their offsets) before any unit of the next
 *   generation starts anywhere; a new owner reads the offsets topic to its end before starting.
 *
 * Every operation on one connector's units on this worker runs in order on that connector's queue.
 */
import { knownSecrets } from '../../config/secrets.js';
import type { Logger } from 'pino';
import type { TaskConfig } from '../../../worker-thread/sdk/connector.js';
import type { GroupMembershipOptions } from '../../kafka/group-membership.js';
import type {
  ConnectorProperties,
  ConnectorTaskId,
  KafkaConfigBackingStore,
  RestartRequest,
} from '../../storage/kafka-config-backing-store.js';
import type { KafkaStatusBackingStore, StatusState } from '../../storage/kafka-status-backing-store.js';
import type { KafkaOffsetBackingStore } from '../../storage/kafka-offset-backing-store.js';
import { resolveConfig } from '../config-providers.js';
import type { ConfigProvider } from '../config-providers.js';
import { ForwardRequest, HerderError, alreadyExists, notFound, rebalanceUnderway, taskNotFound } from '../errors.js';
import { maskConfig, notStopped, reverseTransform, sameConfig, unmaskConfig, validateConnector } from '../herder.js';
import type { ConnectorInfo, ConnectorOffset, ConnectorStateInfo, Herder, RestartOptions, TargetState } from '../herder.js';
import { AbstractHerder, errorInfo, withTrace } from '../abstract-herder.js';
import type { LocalConnector, LocalTask } from '../abstract-herder.js';
import { aliasesFor } from '../../../shared/plugins.js';
import type { ErrorInfo } from '../../../shared/protocol.js';
import type { State } from '../status.js';
import type { Worker } from '../worker.js';
import type { WorkerConnector } from '../worker-connector.js';
import { ClusterCoordinator } from './cluster-coordinator.js';
import type { ClusterAssignment } from './cluster-coordinator.js';
import type { WorkerAssignment } from './assignor.js';

export interface DistributedHerderOptions {
  worker: Worker;
  configStore: KafkaConfigBackingStore;
  statusStore: KafkaStatusBackingStore;
  offsetStore: KafkaOffsetBackingStore;
  /** Group membership: `group.id`, the membership topic, session settings. */
  membership: Omit<GroupMembershipOptions, 'workerId'>;
  /** This worker's REST URL as the other workers reach it. */
  url: string;
  logger: Logger;
  providers?: ReadonlyMap<string, ConfigProvider>;
  /** See ClusterCoordinatorOptions.assignmentTimeoutMs. */
  assignmentTimeoutMs?: number;
}

/** A connector instance this worker runs in the current generation. */
interface DistributedConnector extends LocalConnector {
  /** The generation it was started in: its status writes carry it. */
  generation: number;
  /** The stored config it runs with. */
  config: ConnectorProperties;
}

/** A task this worker runs in the current generation. */
interface DistributedTask extends LocalTask {
  id: ConnectorTaskId;
  /** The generation it was started in: its status writes carry it. */
  generation: number;
  /** The stored task config and connector config it runs with. */
  taskConfig: ConnectorProperties;
  connectorConfig: ConnectorProperties;
}

/** What validation learnt about a connector config: its secrets and its kind. */
interface ConnectorMeta {
  configJson: string;
  passwordKeys: Set<string>;
  type: 'source' | 'sink';
}

const unitKey = (id: ConnectorTaskId): string => `${id.connector}-${id.task}`;

/** `<connector>-<n>` → its id (connector names may contain dashes: the task number is after the last). */
function parseUnit(unit: string): ConnectorTaskId {
  const dash = unit.lastIndexOf('-');
  return { connector: unit.slice(0, dash), task: Number(unit.slice(dash + 1)) };
}

export class DistributedHerder extends AbstractHerder<DistributedConnector> implements Herder {
  readonly #configs: KafkaConfigBackingStore;
  readonly #statuses: KafkaStatusBackingStore;
  readonly #offsets: KafkaOffsetBackingStore;
  readonly #coordinator: ClusterCoordinator;
  readonly #connectors = new Map<string, DistributedConnector>();
  readonly #tasks = new Map<string, DistributedTask>();
  readonly #queues = new Map<string, Promise<void>>();
  readonly #meta = new Map<string, ConnectorMeta>();
  /** connector class → source or sink, from the plugins this worker has. */
  readonly #pluginTypes = new Map<string, 'source' | 'sink'>();
  /** KIP-558 topics this worker already recorded in the status topic, per connector. */
  readonly #topicsRecorded = new Map<string, Set<string>>();
  #generation = 0;
  #stopping = false;
  /** What start() is doing and since when (epoch ms), as Kafka Connect's tick-thread stage. */
  #startupStage = { description: 'awaiting startup', began: Date.now() };
  #startedResolve!: () => void;
  #startedReject!: (err: unknown) => void;
  /**
   * Settles when start() does: the config topic read to its end and the first join done. Until
   * then this worker's view of the cluster is empty or partial (a GET /connectors would answer [],
   * a write would find the config log not running): the REST API waits on it, as Kafka Connect's
   * requests wait in its herder thread's queue behind startServices() and the first ensureActive().
   */
  readonly started = new Promise<void>((resolve, reject) => {
    this.#startedResolve = resolve;
    this.#startedReject = reject;
  });

  constructor(opts: DistributedHerderOptions) {
    super(opts.worker, opts.offsetStore, opts.logger, opts.providers ?? new Map());
    this.#configs = opts.configStore;
    this.#statuses = opts.statusStore;
    this.#offsets = opts.offsetStore;
    this.#coordinator = new ClusterCoordinator({
      membership: opts.membership,
      workerId: opts.worker.workerId,
      url: opts.url,
      configStore: opts.configStore,
      logger: opts.logger.child({ component: 'cluster' }),
      assignmentTimeoutMs: opts.assignmentTimeoutMs,
      onRevoke: () => this.#stopAll(),
      onAssignment: (mine, assignment) => void this.#apply(mine, assignment),
    });
  }

  get coordinator(): ClusterCoordinator {
    return this.#coordinator;
  }

  /** The stage start() is in, while it runs (Kafka Connect's words for the same stages). */
  get startupStage(): { description: string; began: number } {
    return { ...this.#startupStage };
  }

  /** Reads the config and status topics, then joins the cluster. Resolves once joined, not once assigned. */
  async start(): Promise<void> {
    // Nobody may be waiting on `started`: its rejection is the caller's to handle through start().
    this.started.catch(() => undefined);
    try {
      this.#startupStage = { description: 'initializing and reading to the end of internal topics', began: Date.now() };
      await this.#startServices();
      this.#startupStage = { description: 'ensuring membership in the cluster', began: Date.now() };
      await this.#coordinator.start();
      this.#startedResolve();
    } catch (err) {
      this.#startedReject(err);
      throw err;
    }
  }

  async #startServices(): Promise<void> {
    for (const plugin of await this.worker.listConnectorPlugins()) {
      if (plugin.type !== 'source' && plugin.type !== 'sink') continue;
      for (const alias of aliasesFor(plugin.class)) this.#pluginTypes.set(alias, plugin.type);
    }
    await this.#statuses.start();
    // Generations continue above every status written so far (also by Kafka Connect's workers):
    // status writes of a lower generation by another worker are refused.
    let newest = 0;
    for (const connector of this.#statuses.connectors()) {
      newest = Math.max(
        newest,
        this.#statuses.getConnector(connector)?.generation ?? 0,
        ...this.#statuses.getAllTasks(connector).map((s) => s.generation),
      );
    }
    this.#coordinator.atLeastGeneration(newest);
    await this.#configs.start();
    this.#configs.addUpdateListener({
      onConnectorConfigUpdate: (name) => this.#onConnectorConfig(name),
      onConnectorConfigRemove: (name) => this.#onConnectorRemoved(name),
      onTaskConfigUpdate: (ids) => this.#onTaskConfigs(ids),
      onConnectorTargetStateChange: (name) => this.#onTargetState(name),
      onRestartRequest: (request) => this.#onRestartRequest(request),
    });
  }

  /**
   * Stops this worker's units (source tasks commit), leaves the group, closes the stores. Bounded:
   * what follows the units' stop only lets go of Kafka clients (offsets are committed by then), and
   * a client that stopped delivering (issue 13) would hold it for ever, so each step gets
   * `offset.flush.timeout.ms` and is then left behind, with a WARN.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    // Requests still waiting for the start are released (no-op once settled), as Kafka Connect's halt() fails its queue.
    this.#startedReject(new Error('Worker is shutting down'));
    await this.#stopAll();
    const closeMs = this.worker.config.offsetFlushTimeoutMs;
    await this.#boundedStopStep('leaving the cluster', closeMs, this.#coordinator.stop());
    await this.#boundedStopStep('closing the config store', closeMs, this.#configs.stop());
    await this.#boundedStopStep('closing the status store', closeMs, this.#statuses.stop());
  }

  /** Waits for a step of the stop at most `timeoutMs`; a step that fails or is left behind is logged. */
  async #boundedStopStep(what: string, timeoutMs: number, step: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const finished = await Promise.race([
      step.then(
        () => true,
        (err: unknown) => {
          this.logger.warn({ err }, `stopping: ${what} failed`);
          return true;
        },
      ),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!finished) this.logger.warn({ timeoutMs }, `stopping: ${what} did not finish within offset.flush.timeout.ms; going on without it`);
  }

  /** The assignment this worker runs, or undefined during a rebalance. */
  get assignment(): ClusterAssignment | undefined {
    return this.#coordinator.assignment;
  }

  // ---- reads -----------------------------------------------------------------------------

  connectorNames(): string[] {
    return this.#configs.snapshot().connectors().sort();
  }

  #stored(name: string): ConnectorProperties {
    const config = this.#configs.snapshot().connectorConfig(name);
    if (config === undefined) throw notFound(name);
    return config;
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> {
    const config = this.#stored(name);
    const meta = await this.#metaFor(name, config);
    const tasks = this.#configs
      .snapshot()
      .tasks(name)
      .map((id) => ({ connector: name, task: id.task }));
    return { name, config: maskConfig(meta.passwordKeys, config), tasks, type: meta.type };
  }

  async connectorConfig(name: string): Promise<Record<string, string>> {
    const config = this.#stored(name);
    return maskConfig((await this.#metaFor(name, config)).passwordKeys, config);
  }

  async taskInfos(name: string): Promise<{ id: { connector: string; task: number }; config: TaskConfig }[]> {
    const config = this.#stored(name);
    const { passwordKeys } = await this.#metaFor(name, config);
    return this.#configs
      .snapshot()
      .taskConfigs(name)
      .map((taskConfig, task) => ({ id: { connector: name, task }, config: maskConfig(passwordKeys, { ...taskConfig }) }));
  }

  async status(name: string): Promise<ConnectorStateInfo> {
    const config = this.#stored(name);
    const { type } = await this.#metaFor(name, config);
    const tasks = this.#configs
      .snapshot()
      .tasks(name)
      .map((id) => this.taskStatus(name, id.task));
    const local = this.#connectors.get(name);
    if (local !== undefined)
      return {
        name,
        connector: withTrace(
          { state: local.state, worker_id: this.worker.workerId, version: local.instance?.version ?? null },
          local.trace,
        ),
        tasks,
        type,
      };
    const stored = this.#statuses.getConnector(name);
    const connector =
      stored === undefined
        ? { state: 'UNASSIGNED' as State, worker_id: this.#ownerOf('connectors', name) ?? '', version: null }
        : withTrace({ state: stored.state as State, worker_id: stored.workerId, version: stored.version }, stored.trace ?? undefined);
    return { name, connector, tasks, type };
  }

  taskStatus(name: string, task: number): ConnectorStateInfo['tasks'][number] {
    this.#stored(name);
    const id = { connector: name, task };
    if (task >= this.#configs.snapshot().taskCount(name)) throw taskNotFound(name, task);
    const local = this.#tasks.get(unitKey(id));
    if (local !== undefined)
      return {
        id: task,
        state: local.state,
        worker_id: this.worker.workerId,
        version: local.handle?.version ?? null,
        ...(local.trace === undefined ? {} : { trace: local.trace }),
      };
    const stored = this.#statuses.getTask(id);
    if (stored === undefined) return { id: task, state: 'UNASSIGNED', worker_id: this.#ownerOf('tasks', unitKey(id)) ?? '', version: null };
    return {
      id: task,
      state: stored.state as State,
      worker_id: stored.workerId,
      version: stored.version,
      ...(stored.trace === null ? {} : { trace: stored.trace }),
    };
  }

  activeTopics(name: string): string[] {
    this.#stored(name);
    return this.#statuses
      .getAllTopics(name)
      .map((t) => t.topic)
      .sort();
  }

  async resetActiveTopics(name: string): Promise<void> {
    this.#stored(name);
    await Promise.all(this.#statuses.getAllTopics(name).map((t) => this.#statuses.deleteTopic(name, t.topic)));
    this.#topicsRecorded.delete(name);
    for (const local of this.#tasks.values()) {
      if (local.id.connector === name && local.handle !== undefined && 'forgetUsedTopics' in local.handle) local.handle.forgetUsedTopics();
    }
  }

  /** Tasks running on this worker (Kafka Connect's worker task-count). */
  taskCount(): number {
    return this.#tasks.size;
  }

  connectorStates(): { name: string; state: State }[] {
    return [...this.#connectors.values()].map((c) => ({ name: c.name, state: c.state }));
  }

  /** Connector instances and tasks this worker runs, for the rebalance metrics. */
  assignedCounts(): { connectors: number; tasks: number } {
    return { connectors: this.#connectors.size, tasks: this.#tasks.size };
  }

  // ---- writes ----------------------------------------------------------------------------

  async createConnector(config: Record<string, string>, initialState: TargetState = 'STARTED'): Promise<void> {
    const name = config.name ?? '';
    await this.#configs.refresh();
    if (this.#configs.contains(name)) throw alreadyExists(name);
    const validated = await validateConnector(this.worker, this.providers, config);
    this.#remember(name, config, validated);
    await this.#configs.refresh();
    if (this.#configs.contains(name)) throw alreadyExists(name);
    await this.#configs.putConnectorConfig(name, { ...config }, initialState);
    this.logger.info({ connector: name, initialState }, 'connector created');
  }

  async putConnectorConfig(name: string, config: Record<string, string>): Promise<{ created: boolean }> {
    await this.#configs.refresh();
    const existing = this.#configs.snapshot().connectorConfig(name);
    if (existing === undefined) {
      await this.createConnector({ ...config, name });
      return { created: true };
    }
    const { passwordKeys } = await this.#metaFor(name, existing);
    const next = unmaskConfig(passwordKeys, existing, { ...config, name });
    this.#remember(name, next, await validateConnector(this.worker, this.providers, next));
    await this.#configs.putConnectorConfig(name, next);
    return { created: false };
  }

  async deleteConnector(name: string): Promise<void> {
    await this.#configs.refresh();
    this.#stored(name);
    await this.#configs.removeConnectorConfig(name);
    this.#meta.delete(name);
    // KIP-558: the connector's active topics go with it.
    await Promise.all(this.#statuses.getAllTopics(name).map((topic) => this.#statuses.deleteTopic(name, topic.topic)));
  }

  /** As in standalone: pausing a STOPPED connector leaves it STOPPED (resume starts it). */
  async pauseConnector(name: string): Promise<void> {
    await this.#configs.refresh();
    if (this.#configs.snapshot().targetState(name) === 'STOPPED') return;
    await this.#putTargetState(name, 'PAUSED');
  }

  async resumeConnector(name: string): Promise<void> {
    await this.#putTargetState(name, 'STARTED');
  }

  /** KIP-875 stop: no task configs (Kafka Connect writes an empty set), then STOPPED. */
  async stopConnector(name: string): Promise<void> {
    await this.#configs.refresh();
    this.#stored(name);
    // On the connector's queue: a reconfiguration of its instance here either wrote its task
    // configs before these writes or sees STOPPED after them, never writes them in between.
    await this.#enqueue(name, async () => {
      await this.#configs.putTaskConfigs(name, []);
      await this.#putTargetState(name, 'STOPPED');
    });
  }

  async #putTargetState(name: string, state: TargetState): Promise<void> {
    await this.#configs.refresh();
    this.#stored(name);
    await this.#configs.putTargetState(name, state);
    await this.#configs.refresh();
  }

  /**
   * The plain restart runs on the worker that owns the connector instance (forwarded there). With
   * `includeTasks` or `onlyFailed` it is a restart request in the config topic, which every worker
   * applies to the units it runs (Kafka Connect's KIP-745).
   */
  async restartConnector(name: string, opts: RestartOptions): Promise<void> {
    this.#stored(name);
    if (opts.includeTasks || opts.onlyFailed) {
      await this.#configs.putRestartRequest({ connector: name, includeTasks: opts.includeTasks, onlyFailed: opts.onlyFailed });
      return;
    }
    const local = this.#connectors.get(name);
    if (local === undefined) throw this.#forwardTo('connectors', name, `connector ${name}`);
    await this.#enqueue(name, () => this.#restartConnectorInstance(name));
  }

  async restartTask(name: string, task: number): Promise<void> {
    this.#stored(name);
    const id = { connector: name, task };
    if (task >= this.#configs.snapshot().taskCount(name)) throw taskNotFound(name, task);
    const local = this.#tasks.get(unitKey(id));
    if (local === undefined) throw this.#forwardTo('tasks', unitKey(id), `task ${unitKey(id)}`);
    local.state = 'RESTARTING';
    await this.#enqueue(name, () => this.#restartTask(id));
  }

  /** The unit's owner, to forward to; 409 while a rebalance leaves it unknown. */
  #forwardTo(kind: 'connectors' | 'tasks', unit: string, what: string): HerderError {
    const owner = this.#ownerOf(kind, unit);
    const url = owner === undefined ? undefined : this.assignment?.urls[owner];
    if (url === undefined || owner === this.worker.workerId) return rebalanceUnderway();
    return new ForwardRequest(url, what);
  }

  /** The worker the current assignment gives a connector instance or a task (`<connector>-<n>`). */
  #ownerOf(kind: 'connectors' | 'tasks', unit: string): string | undefined {
    const assignment = this.assignment;
    if (assignment === undefined) return undefined;
    for (const [worker, units] of Object.entries(assignment.assignments)) if (units[kind].includes(unit)) return worker;
    return undefined;
  }

  protected storedConfig(name: string): Record<string, string> {
    return this.#stored(name);
  }

  protected async offsetsTarget(name: string): Promise<{ type: 'source' | 'sink'; effectiveConfig: () => Record<string, string> }> {
    const config = this.#stored(name);
    const { type } = await this.#metaFor(name, config);
    return { type, effectiveConfig: () => this.effectiveConfig(config) };
  }

  protected override readOffsetsToEnd(): Promise<void> {
    return this.#offsets.readToEnd();
  }

  /** KIP-875 alter/reset: only while STOPPED and without task configs (Kafka Connect's check). */
  async alterOffsets(name: string, offsets: ConnectorOffset[] | null): Promise<void> {
    await this.#configs.refresh();
    const config = this.#stored(name);
    const snapshot = this.#configs.snapshot();
    if (snapshot.targetState(name) !== 'STOPPED' || snapshot.taskCount(name) > 0) throw notStopped(name);
    const { type } = await this.#metaFor(name, config);
    await this.changeOffsets(name, type, this.effectiveConfig(config), offsets);
  }

  protected isStopping(): boolean {
    return this.#stopping;
  }

  protected targetStateOf(local: DistributedConnector): TargetState | undefined {
    return this.#configs.snapshot().targetState(local.name);
  }

  // ---- connector facts -------------------------------------------------------------------

  #remember(
    name: string,
    config: Readonly<Record<string, string>>,
    validated: { passwordKeys: Set<string>; connectorType: 'source' | 'sink' },
  ): void {
    this.#meta.set(name, { configJson: JSON.stringify(config), passwordKeys: validated.passwordKeys, type: validated.connectorType });
  }

  /** The connector's secrets and kind, learnt from its plugin (in a worker thread) once per config. */
  async #metaFor(name: string, config: ConnectorProperties): Promise<ConnectorMeta> {
    const configJson = JSON.stringify(config);
    const known = this.#meta.get(name);
    if (known?.configJson === configJson) return known;
    const cls = config['connector.class'] ?? '';
    let meta: ConnectorMeta = { configJson, passwordKeys: new Set(), type: this.#pluginTypes.get(cls) ?? 'source' };
    try {
      const result = await this.worker.validateConnectorConfig(resolveConfig({ ...config }, this.providers).config);
      meta = { configJson, passwordKeys: new Set(result.passwordKeys), type: result.connectorType };
    } catch (err) {
      this.logger.warn(
        { connector: name, err: (err as Error).message },
        'connector plugin could not describe the config; only well-known secret keys are masked',
      );
    }
    this.#meta.set(name, meta);
    return meta;
  }

  // ---- running this worker's units -------------------------------------------------------

  #enqueue(connector: string, op: () => Promise<void>): Promise<void> {
    const { run, tail } = this.chain(this.#queues.get(connector) ?? Promise.resolve(), connector, op);
    this.#queues.set(connector, tail);
    return run;
  }

  /** A new generation: start this worker's share (every other member stopped its old units first). */
  async #apply(mine: WorkerAssignment, assignment: ClusterAssignment): Promise<void> {
    this.logger.info(
      { generation: assignment.generation, leader: assignment.leader, connectors: mine.connectors, tasks: mine.tasks },
      'rebalance: assignment applied',
    );
    // The previous owners committed their offsets before they released these tasks; read them.
    await this.#offsets
      .readToEnd()
      .catch((err: unknown) => this.logger.error({ err }, 'reading the offsets topic before starting tasks failed'));
    if (this.#stopping || this.#coordinator.assignment !== assignment) return;
    this.#generation = assignment.generation;
    // A start still queued when the next rebalance begins must not run: the generation moved on.
    const current = (): boolean => !this.#stopping && this.#coordinator.assignment === assignment;
    const started: Promise<void>[] = [];
    for (const name of mine.connectors) started.push(this.#enqueue(name, async () => (current() ? this.#startConnector(name) : undefined)));
    for (const unit of mine.tasks) {
      const id = parseUnit(unit);
      started.push(this.#enqueue(id.connector, async () => (current() ? this.#startTask(id) : undefined)));
    }
    await Promise.allSettled(started);
  }

  /** Revocation (and shutdown): every unit of this worker stops; source tasks commit their offsets. */
  async #stopAll(): Promise<void> {
    // Every connector with a queue: a start queued but not yet run is stopped (or skipped) too.
    const names = new Set([...this.#queues.keys(), ...this.#connectors.keys(), ...[...this.#tasks.values()].map((t) => t.id.connector)]);
    await Promise.allSettled([...names].map((name) => this.#enqueue(name, () => this.#stopUnitsOf(name, () => true))));
  }

  /** Stops the connector's units here that `which` selects (the instance is selected by its name). */
  async #stopUnitsOf(name: string, which: (unit: string) => boolean, finalState: StatusState = 'UNASSIGNED'): Promise<void> {
    const tasks = [...this.#tasks.values()].filter((t) => t.id.connector === name && which(unitKey(t.id)));
    for (const t of tasks) clearTimeout(t.restartTimer);
    await this.worker.stopTasks(tasks.flatMap((t) => (t.handle === undefined ? [] : [t.handle])));
    // Written before the work moves on, so no late write of this worker overtakes the next owner's.
    const reports: Promise<void>[] = [];
    for (const t of tasks) {
      this.#tasks.delete(unitKey(t.id));
      reports.push(this.#reportTask(t.id, finalState, undefined, t.generation));
    }
    const local = this.#connectors.get(name);
    if (local !== undefined && which(name)) {
      await local.instance?.stop(this.worker.config.taskShutdownGracefulTimeoutMs);
      this.#connectors.delete(name);
      reports.push(this.#reportConnector(name, finalState, undefined, local.generation));
    }
    // A worker that stops waits for them at most offset.flush.timeout.ms: a status store producer
    // that stopped delivering after a broker outage (issue 13) held its stop for minutes.
    if (this.#stopping)
      await this.#boundedStopStep(`writing the final statuses of ${name}`, this.worker.config.offsetFlushTimeoutMs, Promise.all(reports));
    else await Promise.all(reports);
  }

  async #startConnector(name: string): Promise<void> {
    const snapshot = this.#configs.snapshot();
    const config = snapshot.connectorConfig(name);
    if (config === undefined || this.#connectors.has(name)) return;
    const local: DistributedConnector = { name, generation: this.#generation, state: 'UNASSIGNED', config };
    this.#connectors.set(name, local);
    if (snapshot.targetState(name) === 'STOPPED') {
      this.setConnectorState(local, 'STOPPED');
      return;
    }
    if (await this.#startConnectorInstance(local)) await this.#reconfigure(name);
  }

  #startConnectorInstance(local: DistributedConnector): Promise<boolean> {
    return this.startConnectorInstance(local, local.config, () => void this.#enqueue(local.name, () => this.#reconfigure(local.name)));
  }

  /** A failure of an instance this worker no longer runs (stopped, or replaced at a rebalance) is not its connector's. */
  protected override ownsInstance(local: DistributedConnector, connector: WorkerConnector): boolean {
    return this.#connectors.get(local.name) === local && local.instance === connector;
  }

  async #restartConnectorInstance(name: string): Promise<void> {
    const local = this.#connectors.get(name);
    if (local === undefined) return;
    await local.instance?.stop(this.worker.config.taskShutdownGracefulTimeoutMs);
    local.instance = undefined;
    local.config = this.#configs.snapshot().connectorConfig(name) ?? local.config;
    if (this.#configs.snapshot().targetState(name) === 'STOPPED') {
      this.setConnectorState(local, 'STOPPED');
      return;
    }
    this.setConnectorState(local, 'RESTARTING');
    if (await this.#startConnectorInstance(local)) await this.#reconfigure(name);
  }

  /** Asks the connector for task configs and writes them when they differ from the stored ones. */
  async #reconfigure(name: string): Promise<void> {
    const local = this.#connectors.get(name);
    const snapshot = this.#configs.snapshot();
    if (local?.instance === undefined || this.#stopping || local.state === 'FAILED' || snapshot.targetState(name) === 'STOPPED') return;
    let configs: TaskConfig[];
    try {
      configs = await local.instance.taskConfigs(Number(local.config['tasks.max'] ?? '1'));
    } catch (err) {
      this.setConnectorState(local, 'FAILED', errorInfo(err));
      return;
    }
    // Stopped or deleted meanwhile (by a REST call on any worker)? Then these configs must not be
    // written: a STOPPED connector would list tasks that nothing runs.
    await this.#configs.refresh();
    const now = this.#configs.snapshot();
    if (
      this.#connectors.get(name) !== local ||
      local.instance === undefined ||
      now.connectorConfig(name) === undefined ||
      now.targetState(name) === 'STOPPED'
    )
      return;
    const effective = this.effectiveConfig(local.config);
    const stored = configs.map((c) => reverseTransform(local.config, effective, c));
    const current = now.taskConfigs(name);
    if (current.length === stored.length && current.every((c, i) => sameConfig(c, stored[i]!))) return;
    this.logger.info({ connector: name, tasks: stored.length }, 'task configs changed; writing them');
    await this.#configs.putTaskConfigs(name, stored);
  }

  async #startTask(id: ConnectorTaskId, previous?: DistributedTask): Promise<void> {
    const snapshot = this.#configs.snapshot();
    const connectorConfig = snapshot.connectorConfig(id.connector);
    const taskConfig = snapshot.taskConfig(id);
    const key = unitKey(id);
    // Not for a task the connector no longer has, nor of a connector stopped meanwhile.
    if (connectorConfig === undefined || taskConfig === undefined || this.#stopping) return;
    if (id.task >= snapshot.taskCount(id.connector) || snapshot.targetState(id.connector) === 'STOPPED') return;
    if (this.#tasks.has(key) && this.#tasks.get(key) !== previous) return;
    const local: DistributedTask = {
      id,
      generation: this.#generation,
      state: 'UNASSIGNED',
      taskConfig,
      connectorConfig,
      consecutiveRestarts: previous?.consecutiveRestarts ?? 0,
    };
    this.#tasks.set(key, local);
    const onStateChange = await this.startWorkerTask(local, {
      id,
      effectiveConfig: this.effectiveConfig(connectorConfig),
      taskConfig: resolveConfig({ ...taskConfig }, this.providers).config,
      type: this.#metaFor(id.connector, connectorConfig).then((meta) => meta.type),
      connectorConfig,
      current: () => this.#tasks.get(key) === local,
      restart: () => void this.#enqueue(id.connector, () => this.#restartTask(id)),
      onTopicsUsed: (topics) => this.#recordTopics(id, topics),
      report: (state, trace) => void this.#reportTask(id, state, trace, local.generation),
    });
    if (onStateChange !== undefined && this.#configs.snapshot().targetState(id.connector) === 'PAUSED') {
      local.handle!.pause();
      onStateChange('PAUSED');
    }
  }

  async #restartTask(id: ConnectorTaskId): Promise<void> {
    const local = this.#tasks.get(unitKey(id));
    if (local === undefined) return;
    await this.stopTasks([local]);
    await this.#startTask(id, local);
  }

  // ---- config changes read from the config topic ------------------------------------------

  /** A new connector config: its instance here restarts with it; its tasks here restart with it. */
  #onConnectorConfig(name: string): void {
    const config = this.#configs.snapshot().connectorConfig(name);
    if (config === undefined) return;
    const local = this.#connectors.get(name);
    if (local !== undefined && !sameConfig(local.config, config)) void this.#enqueue(name, () => this.#restartConnectorInstance(name));
    for (const t of this.#tasks.values()) {
      if (t.id.connector === name && !sameConfig(t.connectorConfig, config)) void this.#enqueue(name, () => this.#restartTask(t.id));
    }
  }

  /** Deleted: its units here stop, and their statuses go (DESTROYED is a tombstone, as in Kafka Connect). */
  #onConnectorRemoved(name: string): void {
    this.#meta.delete(name);
    void this.#enqueue(name, () => this.#stopUnitsOf(name, () => true, 'DESTROYED'));
    // The queue goes once it is idle. Not from within the operation: an operation queued behind
    // it would then run beside the next one queued (a start of the re-created connector, say).
    const tail = this.#queues.get(name)!;
    void tail.then(() => {
      if (this.#queues.get(name) === tail) this.#queues.delete(name);
    });
  }

  /** Committed task configs: the tasks here whose config changed restart with the new one. */
  #onTaskConfigs(ids: ConnectorTaskId[]): void {
    const snapshot = this.#configs.snapshot();
    // Task configs that a reconfiguration on another worker wrote after a stop: the connector's
    // owner takes them back, so a STOPPED connector lists no task.
    for (const name of new Set(ids.map((id) => id.connector))) {
      if (!this.#connectors.has(name) || snapshot.targetState(name) !== 'STOPPED' || snapshot.taskCount(name) === 0) continue;
      void this.#enqueue(name, async () => {
        await this.#configs.refresh();
        const now = this.#configs.snapshot();
        if (now.connectorConfig(name) !== undefined && now.targetState(name) === 'STOPPED' && now.taskCount(name) > 0)
          await this.#configs.putTaskConfigs(name, []);
      });
    }
    for (const id of ids) {
      const local = this.#tasks.get(unitKey(id));
      const config = snapshot.taskConfig(id);
      if (local === undefined) continue;
      if (config === undefined) void this.#enqueue(id.connector, () => this.#stopUnitsOf(id.connector, (u) => u === unitKey(id)));
      else if (!sameConfig(local.taskConfig, config)) void this.#enqueue(id.connector, () => this.#restartTask(id));
    }
  }

  /** PAUSED and STARTED apply in place; STOPPED stops the units here (the leader rebalances as well). */
  #onTargetState(name: string): void {
    const state = this.#configs.snapshot().targetState(name);
    void this.#enqueue(name, async () => {
      const local = this.#connectors.get(name);
      const tasks = [...this.#tasks.values()].filter((t) => t.id.connector === name);
      if (state === 'STOPPED') {
        await this.#stopUnitsOf(name, (u) => u !== name);
        if (local !== undefined) {
          await local.instance?.stop(this.worker.config.taskShutdownGracefulTimeoutMs);
          local.instance = undefined;
          this.setConnectorState(local, 'STOPPED');
        }
        return;
      }
      if (state === 'PAUSED') {
        if (local !== undefined && local.state === 'RUNNING') this.setConnectorState(local, 'PAUSED');
        for (const t of tasks) {
          t.handle?.pause();
          if (t.state === 'RUNNING') {
            t.state = 'PAUSED';
            void this.#reportTask(t.id, 'PAUSED', undefined, t.generation);
          }
        }
        return;
      }
      if (local !== undefined && local.state === 'PAUSED') this.setConnectorState(local, 'RUNNING');
      if (local !== undefined && local.state === 'STOPPED') {
        // Resumed from STOPPED on the same worker: start the instance, which writes task configs.
        if (await this.#startConnectorInstance(local)) await this.#reconfigure(name);
      }
      for (const t of tasks) {
        t.handle?.resume();
        if (t.state === 'PAUSED') {
          t.state = 'RUNNING';
          void this.#reportTask(t.id, 'RUNNING', undefined, t.generation);
        }
      }
    });
  }

  /** KIP-745: restart this worker's units of the connector that the request selects. */
  #onRestartRequest(request: RestartRequest): void {
    const name = request.connector;
    void this.#enqueue(name, async () => {
      const local = this.#connectors.get(name);
      if (local !== undefined && (!request.onlyFailed || local.state === 'FAILED')) await this.#restartConnectorInstance(name);
      if (!request.includeTasks) return;
      const tasks = [...this.#tasks.values()].filter((t) => t.id.connector === name && (!request.onlyFailed || t.state === 'FAILED'));
      for (const t of tasks) {
        t.state = 'RESTARTING';
        void this.#reportTask(t.id, 'RESTARTING', undefined, t.generation);
      }
      for (const t of tasks) await this.#restartTask(t.id);
    });
  }

  // ---- statuses ---------------------------------------------------------------------------

  protected setConnectorState(local: DistributedConnector, state: State, error?: ErrorInfo): void {
    local.state = state;
    if (error !== undefined) local.trace = error.stack ?? error.message;
    else delete local.trace;
    if (state === 'FAILED') this.logger.error({ connector: local.name, error: error?.message }, 'connector failed');
    void this.#reportConnector(local.name, state, local.trace, local.generation);
  }

  #reportConnector(connector: string, state: StatusState, trace: string | undefined, generation: number): Promise<void> {
    // The status topic is read by every worker and any consumer: no secret value in a trace.
    const version = this.#connectors.get(connector)?.instance?.version ?? null;
    const status = {
      connector,
      state,
      trace: trace === undefined ? null : knownSecrets.redact(trace),
      workerId: this.worker.workerId,
      generation,
      version,
    };
    return this.#statuses.putConnectorSafe(status).then(
      () => undefined,
      (err: unknown) => this.logger.warn({ err, connector }, 'writing the connector status failed'),
    );
  }

  #reportTask(id: ConnectorTaskId, state: StatusState, trace: string | undefined, generation: number): Promise<void> {
    const version = this.#tasks.get(unitKey(id))?.handle?.version ?? null;
    const status = {
      id,
      state,
      trace: trace === undefined ? null : knownSecrets.redact(trace),
      workerId: this.worker.workerId,
      generation,
      version,
    };
    return this.#statuses.putTaskSafe(status).then(
      () => undefined,
      (err: unknown) => this.logger.warn({ err, task: unitKey(id) }, 'writing the task status failed'),
    );
  }

  /** KIP-558: the topics a task writes to, recorded once each in the status topic. */
  #recordTopics(id: ConnectorTaskId, topics: readonly string[]): void {
    let recorded = this.#topicsRecorded.get(id.connector);
    if (recorded === undefined) this.#topicsRecorded.set(id.connector, (recorded = new Set()));
    for (const topic of topics) {
      if (recorded.has(topic) || this.#statuses.getTopic(id.connector, topic) !== undefined) continue;
      recorded.add(topic);
      this.#statuses
        .putTopic({ topic, connector: id.connector, task: id.task, discoverTimestamp: Date.now() })
        .catch((err: unknown) => this.logger.warn({ err, topic }, 'recording an active topic failed'));
    }
  }
}
