/**
 * Kafka Connect's error handling (KIP-298) on the worker-thread side: RetryWithToleranceOperator
 * runs one stage of one record (a conversion, a transformation), retries it while it throws a
 * RetriableException within `errors.retry.timeout`, and then either tolerates the failure
 * (`errors.tolerance=all`: the record is skipped and reported) or fails the task
 * (`errors.tolerance=none`: "Tolerance exceeded in error handler"). Reports (log, dead letter
 * queue) are written by the supervisor, which holds the record's original bytes and the producer.
 *
 * Imported on both sides of the thread boundary: it must not load the Kafka client.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectException, isRetriable } from '../worker-thread/sdk/errors.js';

/** Kafka Connect's Stage: where in a record's processing an error happened (`__connect.errors.stage`). */
export type Stage =
  | 'TASK_POLL'
  | 'TASK_PUT'
  | 'TRANSFORMATION'
  | 'KEY_CONVERTER'
  | 'VALUE_CONVERTER'
  | 'HEADER_CONVERTER'
  | 'KAFKA_PRODUCE'
  | 'KAFKA_CONSUME';

export interface ErrorHandlingConfig {
  tolerance: 'none' | 'all';
  /** -1: retry for ever; 0: no retries. */
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
  logIncludeMessages: boolean;
  /** '' when there is no dead letter queue. */
  dlqTopic: string;
  dlqReplicationFactor: number;
  dlqContextHeaders: boolean;
}

/** The error handling keys of a connector config (already validated by its ConfigDef). */
export function errorHandlingConfig(config: Readonly<Record<string, string>>): ErrorHandlingConfig {
  const num = (key: string, dflt: number): number => {
    const text = config[key]?.trim();
    return text === undefined || text === '' ? dflt : Number(text);
  };
  const bool = (key: string): boolean => config[key]?.trim().toLowerCase() === 'true';
  return {
    tolerance: config['errors.tolerance']?.trim().toLowerCase() === 'all' ? 'all' : 'none',
    retryTimeoutMs: num('errors.retry.timeout', 0),
    retryDelayMaxMs: num('errors.retry.delay.max.ms', 60000),
    logEnable: bool('errors.log.enable'),
    logIncludeMessages: bool('errors.log.include.messages'),
    dlqTopic: config['errors.deadletterqueue.topic.name']?.trim() ?? '',
    dlqReplicationFactor: num('errors.deadletterqueue.topic.replication.factor', 3),
    dlqContextHeaders: bool('errors.deadletterqueue.context.headers.enable'),
  };
}

/** Whether tolerated failures need reporting to the supervisor (to log them or write the DLQ). */
export function reportsErrors(config: ErrorHandlingConfig): boolean {
  return config.logEnable || config.dlqTopic !== '';
}

/** The task fails: the first error was not tolerated (Kafka Connect's message and cause). */
export class ToleranceExceededError extends ConnectException {
  override readonly code: string = 'CONNECTD_ERR_TOLERANCE_EXCEEDED';
  constructor(
    readonly stage: Stage,
    readonly className: string,
    cause: unknown,
  ) {
    super(
      `Tolerance exceeded in error handler (stage ${stage}, class ${className}): ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'ToleranceExceededError';
  }
}

/** A tolerated failure: the record is skipped and reported. */
export interface ToleratedFailure {
  stage: Stage;
  className: string;
  error: unknown;
}

/** Kafka Connect's RetryWithToleranceOperator.RETRIES_DELAY_MIN_MS. */
const RETRIES_DELAY_MIN_MS = 300;

export const SKIPPED: unique symbol = Symbol('skipped');
export type Skipped = typeof SKIPPED;

export class RetryWithToleranceOperator {
  /** Counters the supervisor turns into Kafka Connect's task-error-metrics. */
  retries = 0;
  /** The failure behind the last SKIPPED result. */
  lastFailure: ToleratedFailure | undefined;

  constructor(
    readonly config: ErrorHandlingConfig,
    private readonly now: () => number = Date.now,
  ) {}

  get toleratesAll(): boolean {
    return this.config.tolerance === 'all';
  }

  /**
   * Runs `operation` for one record's `stage`. Returns its result, or SKIPPED when it failed and
   * the failure is tolerated (then `lastFailure` says why). Throws ToleranceExceededError when it is
   * not. Returns a Promise only when the operation did, or when a retry has to wait.
   */
  execute<T>(stage: Stage, className: string, operation: () => T | Promise<T>): T | Skipped | Promise<T | Skipped> {
    let result: T | Promise<T>;
    try {
      result = operation();
    } catch (err) {
      return this.#failed(stage, className, operation, err, this.now(), 0);
    }
    if (result instanceof Promise) return result.catch((err: unknown) => this.#failed(stage, className, operation, err, this.now(), 0));
    return result;
  }

  #failed<T>(
    stage: Stage,
    className: string,
    operation: () => T | Promise<T>,
    err: unknown,
    startedAt: number,
    attempt: number,
  ): T | Skipped | Promise<T | Skipped> {
    if (isRetriable(err) && this.#mayRetry(startedAt)) return this.#retry(stage, className, operation, startedAt, attempt + 1);
    if (!this.toleratesAll) throw new ToleranceExceededError(stage, className, err);
    this.lastFailure = { stage, className, error: err };
    return SKIPPED;
  }

  #mayRetry(startedAt: number): boolean {
    const timeout = this.config.retryTimeoutMs;
    return timeout < 0 || (timeout > 0 && this.now() - startedAt < timeout);
  }

  async #retry<T>(
    stage: Stage,
    className: string,
    operation: () => T | Promise<T>,
    startedAt: number,
    attempt: number,
  ): Promise<T | Skipped> {
    this.retries++;
    await sleep(this.#backoff(startedAt, attempt));
    try {
      return await operation();
    } catch (err) {
      return this.#failed(stage, className, operation, err, startedAt, attempt);
    }
  }

  /**
   * Kafka Connect's backoff: 300 ms doubling per attempt, capped at errors.retry.delay.max.ms (with
   * jitter once capped), and never past the retry deadline.
   */
  #backoff(startedAt: number, attempt: number): number {
    let delay = RETRIES_DELAY_MIN_MS * 2 ** Math.min(attempt - 1, 30);
    if (delay > this.config.retryDelayMaxMs)
      delay = this.config.retryDelayMaxMs + Math.floor(Math.random() * this.config.retryDelayMaxMs * 0.1);
    const timeout = this.config.retryTimeoutMs;
    if (timeout >= 0) delay = Math.max(0, Math.min(delay, startedAt + timeout - this.now()));
    return delay;
  }
}
