/**
 * What a source and a sink task's supervisor share (Kafka Connect's WorkerTask): the task's
 * identity and status, starting it in a worker thread on its own MessageChannel, and the one way a
 * task becomes FAILED. WorkerSourceTask and WorkerSinkTask add what they do with the records.
 *
 * Status transitions go through setState() only, so the herder hears every one of them; FAILED is
 * final for a task instance (a restart creates a new one).
 */
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import type { Logger } from 'pino';
import type { ErrorInfo } from '../../shared/protocol.js';
import { toErrorInfo } from '../../shared/protocol.js';
import type { State } from './status.js';

export interface WorkerTaskOptions {
  connectorName: string;
  taskId: number;
  pool: Piscina;
  logger: Logger;
  onStateChange: (state: State, error?: ErrorInfo) => void;
}

export abstract class WorkerTask<Metrics, FromTask, Request> {
  readonly connectorName: string;
  readonly taskId: number;
  readonly metrics: Metrics;
  state: State = 'UNASSIGNED';
  failure: ErrorInfo | undefined;
  /** The worker thread hosting the task, known once it started. */
  threadId: number | undefined;
  /** The task's version(), once started: the status shows it (KIP-891). */
  version: string | null = null;

  /** This side of the task's channel, once start() ran. */
  protected port: MessagePort | undefined;
  /** The task's run in its worker thread: settles when the task ended there. */
  protected run: Promise<void> | undefined;
  readonly #base: WorkerTaskOptions;
  #threadReplaced = false;

  protected constructor(opts: WorkerTaskOptions, metrics: Metrics) {
    this.#base = opts;
    this.connectorName = opts.connectorName;
    this.taskId = opts.taskId;
    this.metrics = metrics;
  }

  get label(): string {
    return `${this.connectorName}-${this.taskId}`;
  }

  /** Its thread is about to be terminated for another task's sake: its run's end is not its fault. */
  threadReplaced(): void {
    this.#threadReplaced = true;
  }

  /**
   * Runs the task in a worker thread, the far end of a new channel transferred with `request`;
   * resolves once the task's start() returned (the subclass calls `onStarted` on 'started') or the
   * run ended, so a task that fails while starting does not leave its caller waiting.
   */
  protected startThread(request: (port: MessagePort) => Request, onMessage: (msg: FromTask, onStarted: () => void) => void): Promise<void> {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    let onStarted!: () => void;
    const started = new Promise<void>((resolve) => (onStarted = resolve));
    port1.on('message', (msg: FromTask) => onMessage(msg, onStarted));
    this.run = (this.#base.pool.run(request(port2), { transferList: [port2] }) as Promise<unknown>).then(
      () => {
        this.onRunEnded();
        if (this.state !== 'FAILED') this.setState('UNASSIGNED');
      },
      (err: unknown) => {
        this.onRunEnded();
        this.fail(err);
      },
    );
    void this.run.then(onStarted);
    return started;
  }

  /** Called as the task's run ends, before its status changes. */
  protected onRunEnded(): void {}

  /** FAILED with `err`, unless it failed already; the subclass then lets go of what waits on it. */
  protected abstract fail(err: unknown): void;

  /** Records the failure and reports FAILED; false if the task had failed already. */
  protected markFailed(err: unknown): boolean {
    if (this.state === 'FAILED') return false;
    this.failure = toErrorInfo(err);
    if (this.#threadReplaced) {
      this.failure = {
        ...this.failure,
        code: 'CONNECTD_ERR_THREAD_REPLACED',
        message: `its worker thread was replaced (${this.failure.message})`,
      };
    }
    this.#base.logger.error({ err }, 'task failed');
    this.setState('FAILED', this.failure);
    return true;
  }

  protected setState(state: State, error?: ErrorInfo): void {
    this.state = state;
    this.#base.onStateChange(state, error);
  }
}

/** `promise`'s value, or undefined once `ms` passed first. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
