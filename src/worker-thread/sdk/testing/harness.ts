/**
 * What the source and sink harnesses share: the piscina pool of connectd's real task host
 * (workers/task-host.js, the daemon's own worker-thread entry), validation in it, and
 * {@link ConnectorRun}, the supervisor's half of a connector's life (Kafka Connect's Worker around a
 * WorkerConnector): start the connector, ask for its task configs, start a task for each, wait on
 * their messages, stop the tasks and then the connector within a deadline.
 */
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type {
  ConnectorHostRequest,
  ErrorInfo,
  FromConnector,
  HostResult,
  PluginConfigHostRequest,
  ToConnector,
  ValidateHostRequest,
  ValidateResult,
} from '../../../shared/protocol.js';
import type { TaskConfig } from '../connector.js';

/** The daemon's worker-thread entry, which hosts connectors and tasks. */
const TASK_HOST = new URL('../../../../workers/task-host.js', import.meta.url);

/** The thread pool the connector and its tasks run on: one thread, as a small worker. */
export function taskHostPool(): Piscina {
  return new Piscina({
    filename: TASK_HOST.href,
    minThreads: 1,
    maxThreads: 1,
    concurrentTasksPerWorker: 4096,
    idleTimeout: Number.POSITIVE_INFINITY,
    atomics: 'disabled',
  });
}

/**
 * Resolves once the pool's thread has loaded the task host (workers/task-host.js and the built-in
 * plugins: a second or more on a busy machine), by asking it for a built-in's config keys.
 */
export async function hostStarted(pool: Piscina): Promise<void> {
  const request: PluginConfigHostRequest = { kind: 'plugin-config', plugin: 'FileStreamSink', pluginPath: [] };
  await pool.run(request);
}

/** The framework's and the connector's validation of a config (Kafka Connect's PUT …/config/validate). */
export async function validateInHost(
  pool: Piscina,
  config: Readonly<Record<string, string>>,
  pluginPath: readonly string[],
): Promise<ValidateResult> {
  const request: ValidateHostRequest = { kind: 'validate', config: { ...config }, pluginPath };
  return (await pool.run(request)) as ValidateResult;
}

export interface RunOptions {
  /** The connector's config; `connector.class` names it (a built-in, or a class on pluginPath). */
  config: Readonly<Record<string, string>>;
  pluginPath?: readonly string[];
}

/** One hosted task, as its run sees it. */
export interface HostedTask {
  /** Resolves once the task's start() returned, or its host ended (a task that fails to start). */
  readonly started: Promise<void>;
  /** The framework's graceful stop of this task; resolves once its host ended. */
  stop(): Promise<void>;
}

/** A task's host run, started on the pool: its request, and what to do when the task fails. */
export interface TaskStart<R> {
  readonly id: number;
  readonly taskConfig: TaskConfig;
  readonly port: MessagePort;
  /** Settles when the host's run() ends: resolved when stopped, a failure recorded otherwise. */
  readonly done: Promise<void>;
  readonly request: R;
}

/** One run of a connector and its tasks, from start to stop. */
export abstract class ConnectorRun<T extends HostedTask> {
  readonly taskConfigs: TaskConfig[] = [];
  /** A task's run ended with this error: the task FAILED. */
  readonly taskFailures: { task: number; error: Error }[] = [];
  /** Task callbacks whose failure the framework only logs (commitRecord, commit, stop …). */
  readonly callbackFailures: { task: number; what: string; error: ErrorInfo }[] = [];
  connectorVersion = '';

  protected readonly pool: Piscina;
  protected readonly options: RunOptions;
  protected readonly tasks: T[] = [];
  #connector: { port: MessagePort; done: Promise<unknown> } | undefined;
  readonly #waiters = new Set<() => void>();

  constructor(pool: Piscina, options: RunOptions) {
    this.pool = pool;
    this.options = options;
  }

  get pluginPath(): readonly string[] {
    return this.options.pluginPath ?? [];
  }

  get connectorName(): string {
    return this.options.config.name ?? 'acceptance';
  }

  /** Starts the connector, asks for `maxTasks` task configs and starts a task for each. */
  async start(maxTasks: number): Promise<void> {
    const config = { ...this.options.config };
    const { port1, port2 } = new MessageChannel();
    const request: ConnectorHostRequest = {
      kind: 'connector',
      connectorName: this.connectorName,
      config,
      port: port2,
      pluginPath: this.pluginPath,
    };
    const done = this.pool.run(request, { transferList: [port2] });
    this.#connector = { port: port1, done };
    const first = await nextMessage<FromConnector>(port1, done, (m) => m.t === 'started');
    if (first.t === 'started') this.connectorVersion = first.version;
    port1.postMessage({ t: 'task-configs', id: 1, maxTasks } satisfies ToConnector);
    const answer = await nextMessage<FromConnector>(port1, done, (m) => m.t === 'task-configs');
    if (answer.t !== 'task-configs') throw new Error('unreachable');
    if (answer.error !== undefined)
      throw Object.assign(new Error(`taskConfigs(${maxTasks}) threw ${answer.error.name}: ${answer.error.message}`), {
        cause: answer.error,
      });
    for (const taskConfig of answer.configs ?? []) this.taskConfigs.push(taskConfig);
    for (let id = 0; id < this.taskConfigs.length; id++) this.tasks.push(this.startTask(id, this.taskConfigs[id]!));
    await Promise.all(this.tasks.map((t) => t.started));
  }

  /** Starts task `id` in the host: build its request with {@link hostTask}. */
  protected abstract startTask(id: number, taskConfig: TaskConfig): T;

  /** Runs a task's host request on the pool; a run that rejects is recorded as the task's failure. */
  protected hostTask<R extends { port: MessagePort }>(
    id: number,
    taskConfig: TaskConfig,
    makeRequest: (port: MessagePort) => R,
  ): TaskStart<R> {
    const { port1, port2 } = new MessageChannel();
    const request = makeRequest(port2);
    const done = (this.pool.run(request, { transferList: [port2] }) as Promise<HostResult>).then(
      () => undefined,
      (err: unknown) => {
        this.taskFailures.push({ task: id, error: err instanceof Error ? err : new Error(String(err)) });
        this.changed();
      },
    );
    return { id, taskConfig, port: port1, done, request };
  }

  /**
   * Resolves once `predicate` holds (checked after every message), or rejects after `timeoutMs`
   * saying it waited for `what` (a function: read when the wait times out, to say what it saw).
   */
  async waitFor(what: string | (() => string), predicate: () => boolean, timeoutMs: number): Promise<void> {
    if (predicate()) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (!predicate()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }

  /**
   * Stops the tasks (each as the framework does), waits for each task host to end, then stops the
   * connector. Resolves to false if that took longer than `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<boolean> {
    const stopped = (async () => {
      await Promise.all(this.tasks.map((t) => t.stop()));
      if (this.#connector !== undefined) {
        this.#connector.port.postMessage({ t: 'stop' } satisfies ToConnector);
        await this.#connector.done;
        this.#connector.port.close();
      }
    })();
    return (await withDeadline(stopped, timeoutMs)) !== TIMED_OUT;
  }

  /** Something a waiter may be waiting for happened: check them all. */
  protected changed(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

export const TIMED_OUT: unique symbol = Symbol('timed out');

/** `work`'s result, or TIMED_OUT once `timeoutMs` passed first. */
export async function withDeadline<T>(work: Promise<T>, timeoutMs: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs)));
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first message on `port` that `accept` takes; rejects if the host's run ends first. */
export function nextMessage<M>(port: MessagePort, done: Promise<unknown>, accept: (m: M) => boolean): Promise<M> {
  return new Promise<M>((resolve, reject) => {
    const onMessage = (msg: M): void => {
      if (!accept(msg)) return;
      port.off('message', onMessage);
      resolve(msg);
    };
    port.on('message', onMessage);
    done.then(
      () => reject(new Error('the host ended before answering')),
      (err: unknown) => {
        port.off('message', onMessage);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
