/**
 * The Herder for standalone mode (Kafka Connect's StandaloneHerder): keeps the connector configs
 * given on the command line (and, later, by REST), starts each connector, asks it for task configs,
 * starts its tasks, and reports status. Reconfiguration requests from a connector re-run
 * `taskConfigs` and restart the tasks when their configs changed.
 */
import type { Logger } from 'pino';
import { ConfigDef, Validators } from '../sdk/config-def.js';
import type { TaskConfig } from '../sdk/connector.js';
import type { ErrorInfo } from './protocol.js';
import type { State, StatusSnapshot } from './status.js';
import type { Worker } from './worker.js';
import type { WorkerConnector } from './worker-connector.js';
import type { WorkerSourceTask } from './worker-source-task.js';

/** Framework keys every connector config has (Kafka Connect's ConnectorConfig). */
export const CONNECTOR_CONFIG_DEF = new ConfigDef()
  .define({
    name: 'name',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Globally unique name of the connector.',
    validator: (_n, v) => {
      const s = String(v ?? '');
      if (s.trim() === '') return 'String must be non-empty';
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u001f\u007f-\u009f]/.test(s)) return 'String may not contain control characters';
      if (s.includes('/')) return 'String may not contain "/" (it could not be addressed in the REST API)';
      return undefined;
    },
  })
  .define({ name: 'connector.class', type: 'STRING', importance: 'HIGH', documentation: 'Connector class: full name or alias.', validator: Validators.nonEmptyString() })
  .define({ name: 'tasks.max', type: 'INT', default: '1', importance: 'HIGH', documentation: 'Maximum number of tasks.', validator: Validators.atLeast(1) })
  .define({ name: 'key.converter', type: 'CLASS', default: null, importance: 'LOW', documentation: 'Overrides the worker key converter.' })
  .define({ name: 'value.converter', type: 'CLASS', default: null, importance: 'LOW', documentation: 'Overrides the worker value converter.' });

interface ConnectorEntry {
  name: string;
  config: Record<string, string>;
  effectiveConfig: Record<string, string>;
  state: State;
  trace?: string;
  connector?: WorkerConnector;
  taskConfigs: TaskConfig[];
  tasks: Map<number, { state: State; trace?: string; handle?: WorkerSourceTask }>;
  reconfiguring: Promise<void>;
}

export interface ConnectorStatus {
  name: string;
  connector: { state: State; worker_id: string; trace?: string };
  tasks: { id: number; state: State; worker_id: string; trace?: string }[];
  type: 'source';
}

export class StandaloneHerder {
  readonly #worker: Worker;
  readonly #logger: Logger;
  readonly #connectors = new Map<string, ConnectorEntry>();
  #stopping = false;

  constructor(worker: Worker, logger: Logger) {
    this.#worker = worker;
    this.#logger = logger;
  }

  connectorNames(): string[] {
    return [...this.#connectors.keys()].sort();
  }

  connectorInfo(name: string): { name: string; config: Record<string, string>; tasks: { connector: string; task: number }[]; type: 'source' } | undefined {
    const entry = this.#connectors.get(name);
    if (entry === undefined) return undefined;
    return { name, config: entry.config, tasks: entry.taskConfigs.map((_, task) => ({ connector: name, task })), type: 'source' };
  }

  connectorStates(): { name: string; state: State }[] {
    return [...this.#connectors.values()].map((e) => ({ name: e.name, state: e.state }));
  }

  status(name: string): ConnectorStatus | undefined {
    const entry = this.#connectors.get(name);
    if (entry === undefined) return undefined;
    const workerId = this.#worker.workerId;
    const withTrace = <T extends object>(o: T, trace?: string): T & { trace?: string } => (trace === undefined ? o : { ...o, trace });
    return {
      name,
      connector: withTrace({ state: entry.state, worker_id: workerId }, entry.trace),
      tasks: [...entry.tasks.entries()].sort(([a], [b]) => a - b).map(([id, t]) => withTrace({ id, state: t.state, worker_id: workerId }, t.trace)),
      type: 'source',
    };
  }

  taskStatus(name: string, task: number): StatusSnapshot | undefined {
    const t = this.#connectors.get(name)?.tasks.get(task);
    if (t === undefined) return undefined;
    return t.trace === undefined ? { state: t.state, workerId: this.#worker.workerId } : { state: t.state, workerId: this.#worker.workerId, trace: t.trace };
  }

  /** Validates and starts a connector. Throws ConfigException (every problem named) on bad config. */
  async putConnectorConfig(config: Record<string, string>): Promise<void> {
    const parsed = CONNECTOR_CONFIG_DEF.parse(config, `configuration of connector ${config.name ?? '(no name)'}`);
    const name = parsed.getString('name');
    if (this.#connectors.has(name)) throw new Error(`connector ${name} already exists`);
    const entry: ConnectorEntry = {
      name,
      config: { ...config },
      effectiveConfig: this.#withWorkerDefaults(config),
      state: 'UNASSIGNED',
      taskConfigs: [],
      tasks: new Map(),
      reconfiguring: Promise.resolve(),
    };
    this.#connectors.set(name, entry);
    const { connector, started } = this.#worker.startConnector(
      name,
      entry.effectiveConfig,
      () => this.#requestReconfiguration(entry),
      (error) => this.#connectorFailed(entry, error),
    );
    entry.connector = connector;
    try {
      const version = await started;
      entry.state = 'RUNNING';
      this.#logger.info({ connector: name, version }, 'connector started');
    } catch (err) {
      this.#connectorFailed(entry, { name: 'Error', message: (err as Error).message, stack: (err as Error).stack ?? (err as Error).message });
      return;
    }
    await this.#reconfigure(entry, parsed.getInt('tasks.max'));
  }

  /** Converter keys: the connector's own when it names a converter, else the worker's defaults. */
  #withWorkerDefaults(config: Record<string, string>): Record<string, string> {
    const effective: Record<string, string> = {};
    const defaults = this.#worker.config.converterDefaults;
    for (const prefix of ['key.converter', 'value.converter']) {
      if (config[prefix] !== undefined) continue;
      for (const [k, v] of Object.entries(defaults)) if (k === prefix || k.startsWith(`${prefix}.`)) effective[k] = v;
    }
    effective['key.converter'] ??= this.#worker.config.keyConverter;
    effective['value.converter'] ??= this.#worker.config.valueConverter;
    return { ...effective, ...config };
  }

  #requestReconfiguration(entry: ConnectorEntry): void {
    if (this.#stopping || entry.state !== 'RUNNING') return;
    const maxTasks = Number(entry.config['tasks.max'] ?? '1');
    entry.reconfiguring = entry.reconfiguring.then(() => this.#reconfigure(entry, maxTasks));
  }

  async #reconfigure(entry: ConnectorEntry, maxTasks: number): Promise<void> {
    if (entry.connector === undefined || this.#stopping) return;
    let configs: TaskConfig[];
    try {
      configs = await entry.connector.taskConfigs(maxTasks);
    } catch (err) {
      this.#connectorFailed(entry, { name: 'Error', message: (err as Error).message, stack: (err as Error).stack ?? '' });
      return;
    }
    if (sameConfigs(configs, entry.taskConfigs) && entry.tasks.size === configs.length) return;
    // Tasks whose configs changed restart; in this first version that is all of them.
    const running = [...entry.tasks.values()].flatMap((t) => (t.handle ? [t.handle] : []));
    await this.#worker.stopTasks(running);
    entry.tasks.clear();
    entry.taskConfigs = configs;
    await Promise.all(configs.map((taskConfig, id) => this.#startTask(entry, id, taskConfig)));
  }

  async #startTask(entry: ConnectorEntry, id: number, taskConfig: TaskConfig): Promise<void> {
    const slot: { state: State; trace?: string; handle?: WorkerSourceTask } = { state: 'UNASSIGNED' };
    entry.tasks.set(id, slot);
    const onStateChange = (state: State, error?: ErrorInfo): void => {
      slot.state = state;
      if (error !== undefined) slot.trace = error.stack ?? error.message;
      else if (state === 'RUNNING') delete slot.trace;
      if (state === 'FAILED') this.#logger.error({ connector: entry.name, task: id, error: error?.message }, 'task failed');
    };
    slot.handle = await this.#worker.startSourceTask(entry.name, id, entry.effectiveConfig, taskConfig, onStateChange);
  }

  #connectorFailed(entry: ConnectorEntry, error: ErrorInfo): void {
    entry.state = 'FAILED';
    entry.trace = error.stack ?? error.message;
    this.#logger.error({ connector: entry.name, error: error.message }, 'connector failed');
  }

  /** Stops every task (drain, commit) and every connector. */
  async stop(): Promise<void> {
    this.#stopping = true;
    const tasks = [...this.#connectors.values()].flatMap((e) => [...e.tasks.values()].flatMap((t) => (t.handle ? [t.handle] : [])));
    await this.#worker.stopTasks(tasks);
    await Promise.all([...this.#connectors.values()].map((e) => e.connector?.stop(this.#worker.config.taskShutdownGracefulTimeoutMs) ?? Promise.resolve()));
    for (const entry of this.#connectors.values()) {
      if (entry.state !== 'FAILED') entry.state = 'UNASSIGNED';
    }
  }
}

function sameConfigs(a: readonly TaskConfig[], b: readonly TaskConfig[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((config, i) => {
    const other = b[i]!;
    const keys = Object.keys(config);
    return keys.length === Object.keys(other).length && keys.every((k) => config[k] === other[k]);
  });
}
