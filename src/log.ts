/** Structured JSON logs (pino). Connector and task fields come from child loggers. */
import { destination as pinoDestination, pino } from 'pino';
import type { Logger } from 'pino';

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      // Secrets never reach a log line even if a caller passes a whole config.
      redact: { paths: ['*.password', '*["*.password"]', 'config["*.password"]'], censor: '[hidden]' },
    },
    destination ?? pinoDestination({ fd: 1, sync: false }),
  );
}
