/**
 * The sd_notify protocol (systemd's Type=notify): datagrams of `KEY=VALUE` lines sent to the unix
 * socket named by $NOTIFY_SOCKET — READY=1 once the worker serves, STATUS=… along the way,
 * WATCHDOG=1 at half of $WATCHDOG_USEC, STOPPING=1 with EXTEND_TIMEOUT_USEC when a stop begins.
 *
 * Node's core has no unix datagram sockets; the `unix-dgram` package (a small native addon,
 * compiled at install like the Kafka binding, no download) sends them. It is loaded only when
 * $NOTIFY_SOCKET is set, so outside systemd nothing changes. Abstract sockets (`@name`) are not
 * supported by unix-dgram: systemd's own socket is a path (/run/systemd/notify).
 */
import { createRequire } from 'node:module';

interface UnixDgramSocket {
  send(buf: Buffer, offset: number, length: number, path: string, callback: (err?: Error) => void): void;
  close(): void;
  on(event: 'error', listener: (err: Error) => void): void;
}
interface UnixDgram {
  createSocket(type: 'unix_dgram'): UnixDgramSocket;
}

export interface NotifyLogger {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export class SystemdNotifier {
  readonly socketPath: string;
  /** Half of $WATCHDOG_USEC, when systemd's watchdog is on for this process. */
  readonly watchdogIntervalMs: number | null;
  readonly #unix: UnixDgram;
  readonly #logger: NotifyLogger | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #failed = false;

  private constructor(socketPath: string, unix: UnixDgram, watchdogIntervalMs: number | null, logger?: NotifyLogger) {
    this.socketPath = socketPath;
    this.#unix = unix;
    this.watchdogIntervalMs = watchdogIntervalMs;
    this.#logger = logger;
  }

  /** A notifier when systemd started this process with Type=notify (NOTIFY_SOCKET set), else null. */
  static fromEnvironment(env: Readonly<Record<string, string | undefined>> = process.env, logger?: NotifyLogger): SystemdNotifier | null {
    const socketPath = env.NOTIFY_SOCKET;
    if (socketPath === undefined || socketPath === '') return null;
    if (!socketPath.startsWith('/')) {
      logger?.error(
        { notifySocket: socketPath },
        'NOTIFY_SOCKET is not a filesystem path (abstract sockets are not supported): systemd will not hear that connectd is ready',
      );
      return null;
    }
    let unix: UnixDgram;
    try {
      unix = createRequire(import.meta.url)('unix-dgram') as UnixDgram;
    } catch (err) {
      logger?.error({ err }, 'cannot load unix-dgram: systemd will not hear that connectd is ready (reinstall with npm ci)');
      return null;
    }
    const usec = Number(env.WATCHDOG_USEC);
    const watchdogPid = env.WATCHDOG_PID ?? '';
    const forUs = watchdogPid === '' || Number(watchdogPid) === process.pid;
    const interval = Number.isFinite(usec) && usec > 0 && forUs ? Math.max(1, Math.floor(usec / 2000)) : null;
    return new SystemdNotifier(socketPath, unix, interval, logger);
  }

  /** Sends one notification; false (and a warning, once) when it could not be sent. */
  notify(fields: Readonly<Record<string, string | number>>): boolean {
    const text = Object.entries(fields)
      .map(([k, v]) => `${k}=${String(v).replace(/\n/g, ' ')}\n`)
      .join('');
    const message = Buffer.from(text);
    let error: Error | undefined;
    try {
      const socket = this.#unix.createSocket('unix_dgram');
      socket.on('error', (err) => (error ??= err));
      // unix-dgram calls back synchronously.
      socket.send(message, 0, message.length, this.socketPath, (err) => (error ??= err));
      socket.close();
    } catch (err) {
      error = err as Error;
    }
    if (error !== undefined && !this.#failed) {
      this.#failed = true;
      this.#logger?.warn({ err: error, notifySocket: this.socketPath }, 'cannot notify systemd');
    }
    return error === undefined;
  }

  ready(status: string): boolean {
    return this.notify({ READY: 1, STATUS: status, MAINPID: process.pid });
  }

  status(status: string): boolean {
    return this.notify({ STATUS: status });
  }

  /** A stop began; it may take up to `expectedMs`, which systemd adds to its stop timeout if needed. */
  stopping(status: string, expectedMs?: number): boolean {
    const fields: Record<string, string | number> = { STOPPING: 1, STATUS: status };
    if (expectedMs !== undefined) fields.EXTEND_TIMEOUT_USEC = Math.ceil(expectedMs * 1000);
    return this.notify(fields);
  }

  /**
   * Pings systemd's watchdog from this (the main) thread's event loop: a loop stalled for longer
   * than WatchdogSec gets the service restarted.
   */
  startWatchdog(): void {
    if (this.watchdogIntervalMs === null || this.#watchdog !== undefined) return;
    this.notify({ WATCHDOG: 1 });
    this.#watchdog = setInterval(() => this.notify({ WATCHDOG: 1 }), this.watchdogIntervalMs);
    this.#watchdog.unref();
  }

  stopWatchdog(): void {
    clearInterval(this.#watchdog);
    this.#watchdog = undefined;
  }
}
