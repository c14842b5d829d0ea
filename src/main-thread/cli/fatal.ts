/**
 * How the daemon dies: a start that fails, and an error nothing caught (Kafka Connect's
 * Connect.main logs "Stopping due to error" and exits 1). Either way it says why once, through
 * pino at FATAL and one line on stderr, releases what it holds (Kafka clients, worker threads, the
 * REST port) within a bound, and exits with a status systemd can act on (problems.ts): a process
 * that keeps running after its start failed holds its clients and is restarted by nobody.
 */
import type { Logger } from 'pino';
import { OffsetsFileError } from '../storage/file-offset-backing-store.js';
import { EXIT_DATA_ERROR, EXIT_FAILURE } from './problems.js';

/** A start-up step that failed, with what the operator reads: the key involved and the reason. */
export class StartupError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** Runs a start-up step; its failure becomes a StartupError with `describe`'s message. */
export async function startupStep<T>(step: () => Promise<T>, describe: (err: Error) => string): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof OffsetsFileError || err instanceof StartupError) throw err;
    throw new StartupError(describe(err as Error), { cause: err });
  }
}

/** The exit status and the stderr text for an error that ends the daemon. */
export function fatalReport(err: unknown): { code: number; text: string } {
  if (err instanceof OffsetsFileError) {
    const recovery = err.corrupt
      ? 'restore it from a backup, or move it aside to start with no committed offsets (source connectors then start from their beginning)'
      : "make it readable and writable by connectd's user, or point offset.storage.file.filename elsewhere";
    return {
      code: EXIT_DATA_ERROR,
      text: `connectd: cannot use the offsets file, not starting: ${err.message}\n  To recover: ${recovery}.\n`,
    };
  }
  if (err instanceof StartupError) return { code: EXIT_FAILURE, text: `connectd: not starting: ${err.message}\n` };
  const e = err as Error;
  return { code: EXIT_FAILURE, text: `connectd: fatal: ${e?.stack ?? String(err)}\n` };
}

let handler: ((err: unknown, origin: string) => void) | undefined;

/**
 * From now on, an uncaught exception or unhandled rejection anywhere on the main thread goes to
 * `onFatal` (which logs, releases and exits). Before a daemon has its logger, the default reports
 * on stderr and exits 1 at once. Worker threads have their own (workers/task-host.ts).
 */
export function onUncaught(onFatal: (err: unknown, origin: string) => void): void {
  if (handler === undefined) {
    process.on('uncaughtException', (err, origin) => handler!(err, origin));
    process.on('unhandledRejection', (reason) => handler!(reason, 'unhandledRejection'));
  }
  handler = onFatal;
}

/**
 * The daemon's fatal path: FATAL through pino, the report on stderr, `release` given at most
 * `releaseTimeoutMs`, then exit. Runs once; a second fatal error during the release only logs.
 */
export function fatalExit(
  logger: Logger,
  release: () => Promise<unknown>,
  releaseTimeoutMs: number,
): (err: unknown, origin: string) => void {
  let exiting = false;
  return (err, origin) => {
    if (exiting) {
      logger.error({ err, origin }, 'another error while stopping after a fatal error');
      return;
    }
    exiting = true;
    const { code, text } = fatalReport(err);
    logger.fatal({ err, origin }, 'connectd is stopping because of an error nothing handled');
    process.stderr.write(text);
    void releaseWithin(release, releaseTimeoutMs, logger).then(() => exitAfterFlush(logger, code));
  };
}

/** `release()`, but never longer than `timeoutMs`: a fatal path must end. False if it timed out. */
/**
 * A start that failed: logs it (FATAL, and a plain report on stderr for whoever started the
 * daemon), releases what the start had taken within `timeoutMs`, and gives the exit status.
 * A half-started daemon helps nobody.
 */
export async function failedStart(err: unknown, logger: Logger, release: () => Promise<unknown>, timeoutMs: number): Promise<number> {
  const { code, text } = fatalReport(err);
  logger.fatal({ err }, 'connectd could not start');
  process.stderr.write(text);
  await releaseWithin(release, timeoutMs, logger);
  return code;
}

export async function releaseWithin(release: () => Promise<unknown>, timeoutMs: number, logger: Logger): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const released = release().then(
    () => true,
    (err: unknown) => {
      logger.warn({ err }, 'releasing Kafka clients and worker threads failed');
      return true;
    },
  );
  const done = await Promise.race([released, timedOut]);
  clearTimeout(timer);
  if (!done) logger.warn({ timeoutMs }, 'releasing Kafka clients and worker threads did not finish in time; exiting anyway');
  return done;
}

/** Exits once pino wrote what it buffered (bounded: a stuck stdout must not keep us alive). */
export function exitAfterFlush(logger: Logger, code: number): void {
  const exit = (): never => process.exit(code);
  setTimeout(exit, 2000);
  try {
    logger.flush(() => exit());
  } catch {
    exit();
  }
}
