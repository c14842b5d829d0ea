/**
 * The supervisor's half of one connector (Kafka Connect's WorkerConnector): the connector instance
 * runs in a worker thread; this side asks it for task configs and hears its reconfiguration
 * requests and errors.
 */
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { TaskConfig } from '../../worker-thread/sdk/connector.js';
import type { ConnectorHostRequest, ErrorInfo, FromConnector, ToConnector } from '../../shared/protocol.js';
import { toErrorInfo } from '../../shared/protocol.js';

export interface WorkerConnectorOptions {
  name: string;
  config: Record<string, string>;
  pluginPath: readonly string[];
  pool: Piscina;
  onReconfigurationRequest: () => void;
  onFailure: (error: ErrorInfo) => void;
  /** A warning the connector logs (ConnectorContext.warn). */
  onWarning: (message: string) => void;
}

export class WorkerConnector {
  readonly name: string;
  readonly #opts: WorkerConnectorOptions;
  #port: MessagePort | undefined;
  #run: Promise<void> | undefined;
  #nextId = 0;
  readonly #pending = new Map<number, { resolve: (c: TaskConfig[]) => void; reject: (e: Error) => void }>();
  #ended = false;

  constructor(opts: WorkerConnectorOptions) {
    this.name = opts.name;
    this.#opts = opts;
  }

  /** Keys the connector declares PASSWORD (known once it started). */
  passwordKeys: readonly string[] = [];
  /** The connector's version(), once started: the status shows it (KIP-891). */
  version: string | null = null;

  /** Resolves with its version once the connector's start() returned; rejects with its error. */
  start(): Promise<string> {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    const request: ConnectorHostRequest = {
      kind: 'connector',
      connectorName: this.name,
      config: this.#opts.config,
      pluginPath: this.#opts.pluginPath,
      port: port2,
    };
    return new Promise<string>((resolve, reject) => {
      let started = false;
      port1.on('message', (msg: FromConnector) => {
        switch (msg.t) {
          case 'started':
            started = true;
            this.passwordKeys = msg.passwordKeys;
            this.version = msg.version;
            resolve(msg.version);
            break;
          case 'task-configs': {
            const pending = this.#pending.get(msg.id);
            this.#pending.delete(msg.id);
            if (msg.error) pending?.reject(Object.assign(new Error(msg.error.message), { stack: msg.error.stack }));
            else pending?.resolve(msg.configs ?? []);
            break;
          }
          case 'request-reconfiguration':
            this.#opts.onReconfigurationRequest();
            break;
          case 'raise-error':
            this.#opts.onFailure(msg.error);
            break;
          case 'warn':
            this.#opts.onWarning(msg.message);
            break;
        }
      });
      this.#run = (this.#opts.pool.run(request, { transferList: [port2] }) as Promise<unknown>)
        .then(
          () => undefined,
          (err: unknown) => {
            const info = toErrorInfo(err);
            if (!started) reject(err instanceof Error ? err : new Error(info.message));
            else this.#opts.onFailure(info);
          },
        )
        .finally(() => {
          this.#ended = true;
          port1.close();
          for (const p of this.#pending.values()) p.reject(new Error(`connector ${this.name} is no longer running`));
          this.#pending.clear();
        });
    });
  }

  taskConfigs(maxTasks: number): Promise<TaskConfig[]> {
    if (this.#ended || this.#port === undefined) return Promise.reject(new Error(`connector ${this.name} is not running`));
    const id = this.#nextId++;
    const answer = new Promise<TaskConfig[]>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#send({ t: 'task-configs', id, maxTasks });
    return answer;
  }

  async stop(timeoutMs: number): Promise<void> {
    if (this.#ended) return;
    this.#send({ t: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.#run, new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  #send(msg: ToConnector): void {
    this.#port?.postMessage(msg);
  }
}
