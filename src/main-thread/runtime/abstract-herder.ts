/**
 * The lifecycle both herders share (Kafka Connect's AbstractHerder): starting a connector instance,
 * starting and restarting tasks, what happens when a task fails (the automatic restart with its
 * backoff), per-connector operation queues, and reading and changing offsets (KIP-875).
 *
 * StandaloneHerder and DistributedHerder differ only in where configs, target states, statuses and
 * assignments come from: memory, or the config and status topics and the cluster's assignment.
 * Keeping this in one place is the point: two copies of `taskFailed` had already drifted (one
 * logged the restart backoff, the other did not).
 */
import type { Logger } from 'pino';
import type { ConfigInfos } from '../../worker-thread/sdk/config-def.js';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import type { ErrorInfo } from '../../shared/protocol.js';
import { connectJson, offsetKey, parseOffsetKey } from '../../shared/offset-json.js';
import type { OffsetBackingStore } from '../storage/offset-backing-store.js';
import type { ConnectorTaskId } from '../storage/kafka-config-backing-store.js';
import type { ConfigProvider } from './config-providers.js';
import { HerderError, notFound } from './errors.js';
import {
  autoRestart,
  connectorStartConfig,
  restartDelay,
  sinkOffsetsFrom,
  sinkOffsetsView,
  sourceOffsetChanges,
  validateForPlugin,
  withWorkerDefaults,
} from './herder.js';
import type { ConnectorOffset, TargetState } from './herder.js';
import type { State } from './status.js';
import type { Worker } from './worker.js';
import type { WorkerConnector } from './worker-connector.js';
import type { WorkerSourceTask } from './worker-source-task.js';
import type { WorkerSinkTask } from './worker-sink-task.js';

/** A connector instance this worker runs, as a herder tracks it. */
export interface LocalConnector {
  readonly name: string;
  state: State;
  trace?: string;
  /** The running instance, from its start until it is stopped. */
  instance?: WorkerConnector;
}

/** A task this worker runs, as a herder tracks it. */
export interface LocalTask {
  state: State;
  trace?: string;
  handle?: WorkerSourceTask | WorkerSinkTask;
  /** Automatic restarts since the task last ran healthily. */
  consecutiveRestarts: number;
  restartTimer?: NodeJS.Timeout;
}

/** What starting a task needs to know beyond its LocalTask. */
export interface TaskStart {
  id: ConnectorTaskId;
  /** Source or sink: awaited within the start, so a failure to learn it fails the task. */
  type: 'source' | 'sink' | Promise<'source' | 'sink'>;
  /** The connector config with the worker's defaults, placeholders resolved. */
  effectiveConfig: Record<string, string>;
  /** The task's config, placeholders resolved. */
  taskConfig: TaskConfig;
  /** The connector's config as stored (its own `task.restart.on.failure`). */
  connectorConfig: Readonly<Record<string, string>>;
  /** Whether `task` is still the one the herder tracks for this id: a replaced one's news is dropped. */
  current: () => boolean;
  /** Queues a restart of the task on its connector's queue. */
  restart: () => void;
  /** Topics a source task writes to for the first time (KIP-558). */
  onTopicsUsed: (topics: readonly string[]) => void;
  /** Also told of every state change (the distributed herder writes it to the status topic). */
  report?: (state: State, trace: string | undefined) => void;
}

/** An operation that reached the head of its connector's queue after a DELETE of the connector. */
export class DeletedMeanwhile extends HerderError {
  constructor(name: string) {
    const { statusCode, code, message } = notFound(name);
    super(statusCode, code, message);
  }
}

export function errorInfo(err: unknown): ErrorInfo {
  const e = err as Error;
  return { name: e.name, message: e.message, stack: e.stack ?? e.message };
}

/** `o` with `trace` when there is one, as Kafka Connect's status shows it. */
export const withTrace = <T extends object>(o: T, trace?: string): T & { trace?: string } => (trace === undefined ? o : { ...o, trace });

/** `Connector`: what the herder tracks of a connector of this worker. */
export abstract class AbstractHerder<Connector extends LocalConnector> {
  protected readonly worker: Worker;
  protected readonly logger: Logger;
  protected readonly providers: ReadonlyMap<string, ConfigProvider>;
  protected readonly offsetStore: OffsetBackingStore;

  protected constructor(worker: Worker, offsetStore: OffsetBackingStore, logger: Logger, providers: ReadonlyMap<string, ConfigProvider>) {
    this.worker = worker;
    this.offsetStore = offsetStore;
    this.logger = logger;
    this.providers = providers;
  }

  // ---- where the two modes differ ---------------------------------------------------------

  /** Whether stop() began: then nothing restarts any more. */
  protected abstract isStopping(): boolean;

  /** The connector's config as stored (404 if there is no such connector). */
  protected abstract storedConfig(name: string): Record<string, string>;

  /** The connector's kind and its effective config, for its offsets. */
  protected abstract offsetsTarget(name: string): Promise<{ type: 'source' | 'sink'; effectiveConfig: () => Record<string, string> }>;

  /** The connector's target state as this herder knows it. */
  protected abstract targetStateOf(local: Connector): TargetState | undefined;

  /** Records a connector's new state (and reports it, where statuses are stored). */
  protected abstract setConnectorState(local: Connector, state: State, error?: ErrorInfo): void;

  abstract putConnectorConfig(name: string, config: Record<string, string>): Promise<{ created: boolean }>;

  // ---- requests answered alike --------------------------------------------------------------

  /** PUT /connector-plugins/{plugin}/config/validate: Kafka Connect's ConfigInfos, errors and all. */
  validateForPlugin(plugin: string, config: Record<string, string>): Promise<ConfigInfos> {
    return validateForPlugin(this.worker, this.providers, plugin, config);
  }

  /** Kafka Connect's PATCH /connectors/{name}/config: merge; a null value removes the key. */
  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<void> {
    const stored = this.storedConfig(name);
    if (patch.name !== undefined && patch.name !== name) {
      throw new HerderError(
        400,
        'CONNECTD_ERR_BAD_REQUEST',
        `Connector name configuration (${String(patch.name)}) doesn't match connector name in the URL (${name})`,
      );
    }
    const merged: Record<string, string> = { ...stored };
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
    const { type, effectiveConfig } = await this.offsetsTarget(name);
    if (type === 'sink') return sinkOffsetsView(await this.worker.sinkOffsets(name, effectiveConfig()));
    await this.readOffsetsToEnd();
    return this.#sourceOffsets(name);
  }

  /** Makes the offset store show every offset written so far (other workers' included). */
  protected readOffsetsToEnd(): Promise<void> {
    return Promise.resolve();
  }

  #sourceOffsets(name: string): ConnectorOffset[] {
    const result: ConnectorOffset[] = [];
    for (const [key, value] of this.offsetStore.entries()) {
      const parsed = parseOffsetKey(key);
      if (parsed?.connector === name) result.push({ partition: parsed.partition, offset: JSON.parse(value) as Record<string, unknown> });
    }
    return result;
  }

  /**
   * KIP-875 PATCH/DELETE offsets, once the caller checked the connector is STOPPED (no task of it
   * can commit over them). `offsets` null resets every partition.
   */
  protected async changeOffsets(
    name: string,
    type: 'source' | 'sink',
    effectiveConfig: Record<string, string>,
    offsets: ConnectorOffset[] | null,
  ): Promise<void> {
    if (type === 'sink') {
      if (offsets === null) await this.worker.resetSinkOffsets(name, effectiveConfig);
      else await this.worker.alterSinkOffsets(name, effectiveConfig, sinkOffsetsFrom(offsets));
      return;
    }
    let changes: Map<string, string | null>;
    if (offsets === null) {
      await this.readOffsetsToEnd();
      changes = new Map(this.#sourceOffsets(name).map(({ partition }) => [offsetKey(name, connectJson(partition)), null]));
    } else {
      changes = sourceOffsetChanges(name, offsets);
    }
    await this.offsetStore.set(changes);
  }

  // ---- the lifecycle ------------------------------------------------------------------------

  /**
   * Runs `op` on a connector's queue after `previous`; returns the operation and the queue's new
   * tail, which never rejects (a failed operation is logged, unless it found its connector deleted).
   */
  protected chain(previous: Promise<void>, connector: string, op: () => Promise<void>): { run: Promise<void>; tail: Promise<void> } {
    const run = previous.then(op);
    const tail = run.catch((err: unknown) => {
      if (!(err instanceof DeletedMeanwhile)) this.logger.error({ err, connector }, 'connector operation failed');
    });
    return { run, tail };
  }

  /** The config a connector or its tasks run with: the worker's converter defaults, placeholders resolved. */
  protected effectiveConfig(config: Readonly<Record<string, string>>): Record<string, string> {
    return withWorkerDefaults(this.worker, this.providers, config);
  }

  /**
   * Starts the connector instance with `config`; true once it runs, false if it failed (then it is
   * FAILED with its trace). `requestReconfiguration` is the connector's requestTaskReconfiguration().
   */
  protected async startConnectorInstance(
    local: Connector,
    config: Readonly<Record<string, string>>,
    requestReconfiguration: () => void,
  ): Promise<boolean> {
    const { connector, started } = this.worker.startConnector(
      local.name,
      connectorStartConfig(this.providers, config),
      requestReconfiguration,
      (error) => {
        if (this.ownsInstance(local, connector)) this.setConnectorState(local, 'FAILED', error);
      },
    );
    local.instance = connector;
    try {
      const version = await started;
      this.connectorStarted(local, connector);
      this.worker.startups.connectorSuccess++;
      this.setConnectorState(local, this.targetStateOf(local) === 'PAUSED' ? 'PAUSED' : 'RUNNING');
      this.logger.info({ connector: local.name, version }, 'connector started');
      return true;
    } catch (err) {
      this.worker.startups.connectorFailure++;
      this.setConnectorState(local, 'FAILED', errorInfo(err));
      return false;
    }
  }

  /** Whether a failure that `connector` reports while running still concerns `local`. */
  protected ownsInstance(_local: Connector, _connector: WorkerConnector): boolean {
    return true;
  }

  /** Called once the instance's start() returned, before its state is RUNNING (or PAUSED). */
  protected connectorStarted(_local: Connector, _connector: WorkerConnector): void {}

  /**
   * Starts `task` as a source or sink task. Its state changes update `task` while it is current;
   * FAILED leads to taskFailed(). Returns the state listener, or undefined if the start failed.
   */
  protected async startWorkerTask(task: LocalTask, start: TaskStart): Promise<((state: State, error?: ErrorInfo) => void) | undefined> {
    const { id } = start;
    // Known once awaited; a task that failed before that counts its restarts as a source task's.
    let type: 'source' | 'sink' = 'source';
    const onStateChange = (state: State, error?: ErrorInfo): void => {
      if (!start.current()) return;
      task.state = state;
      if (error !== undefined) task.trace = error.stack ?? error.message;
      else if (state === 'RUNNING') delete task.trace;
      start.report?.(state, task.trace);
      if (state === 'FAILED') this.#taskFailed(task, start, type, error);
    };
    try {
      type = await start.type;
      task.handle =
        type === 'sink'
          ? await this.worker.startSinkTask(id.connector, id.task, start.effectiveConfig, start.taskConfig, onStateChange)
          : await this.worker.startSourceTask(id.connector, id.task, start.effectiveConfig, start.taskConfig, onStateChange, (topics) =>
              start.onTopicsUsed(topics),
            );
    } catch (err) {
      onStateChange('FAILED', errorInfo(err));
      return undefined;
    }
    return onStateChange;
  }

  /** Stops the tasks (drain, commit) and cancels their pending automatic restarts. */
  protected async stopTasks(tasks: readonly LocalTask[]): Promise<void> {
    const handles = tasks.flatMap((task) => {
      clearTimeout(task.restartTimer);
      return task.handle ? [task.handle] : [];
    });
    await this.worker.stopTasks(handles);
  }

  /**
   * A task failed: one that lost its thread for another task's sake restarts at once; otherwise,
   * with `task.restart.on.failure`, it restarts after a backoff that doubles with each restart.
   */
  #taskFailed(task: LocalTask, start: TaskStart, type: 'source' | 'sink', error: ErrorInfo | undefined): void {
    if (this.isStopping()) return;
    const { connector, task: taskId } = start.id;
    const counted = (): void => {
      (type === 'sink' ? this.worker.sinkMetricsFor(connector, taskId) : this.worker.sourceMetricsFor(connector, taskId)).restarts++;
    };
    // A task that lost its thread because another task on it had to be abandoned did nothing wrong.
    if (error?.code === 'CONNECTD_ERR_THREAD_REPLACED') {
      counted();
      start.restart();
      return;
    }
    if (!autoRestart(this.worker, start.connectorConfig)) return;
    const delay = restartDelay(this.worker, task.consecutiveRestarts);
    task.consecutiveRestarts++;
    task.trace = `${task.trace ?? ''}\n(connectd: automatic restart ${task.consecutiveRestarts} in ${delay} ms)`;
    this.logger.warn(
      { connector, task: taskId, delayMs: delay, restart: task.consecutiveRestarts },
      'task failed; restarting it after a backoff',
    );
    task.restartTimer = setTimeout(() => {
      if (!start.current() || task.state !== 'FAILED') return;
      task.state = 'RESTARTING';
      counted();
      start.restart();
    }, delay);
    task.restartTimer.unref();
  }
}
