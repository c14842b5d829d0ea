/**
 * Errors a connector may throw to tell the framework how to treat a failure, after Kafka Connect's
 * `org.apache.kafka.connect.errors`:
 * - `RetriableException` (`CONNECTD_ERR_RETRIABLE`): the operation may succeed if tried again. A
 *   sink task's `put` that throws it gets the same records again (after `context.timeout(ms)` when
 *   the task set one); in converters and transforms it is retried within `errors.retry.timeout`.
 * - `ConnectException` (`CONNECTD_ERR_CONNECT`): a failure the framework cannot retry; the task fails.
 */
export class ConnectException extends Error {
  readonly code: string = 'CONNECTD_ERR_CONNECT';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectException';
  }
}

export class RetriableException extends ConnectException {
  override readonly code: string = 'CONNECTD_ERR_RETRIABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetriableException';
  }
}

/**
 * Whether an error asks to be retried. Duck-typed on `code` (and the name, for errors built against
 * another copy of the SDK), so a plugin's RetriableException is recognised too.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof RetriableException) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { code, name } = err as { code?: unknown; name?: unknown };
  return code === 'CONNECTD_ERR_RETRIABLE' || name === 'RetriableException';
}
