/**
 * Logs: pino, one JSON object per line, with `connector` and `task` fields from child loggers
 * (`logger.child({ connector, task })`). On a terminal (log.format=auto) or with log.format=pretty,
 * the same records are printed for people: `12:00:01.234 INFO  [connector/task] message key=value`.
 * Secret values never reach a line, whatever a caller passes (see config/secrets.ts), nor the
 * daemon's stdout and stderr when plugin code prints them ({@link redactProcessOutput}).
 */
import { destination as pinoDestination, pino } from 'pino';
import type { DestinationStream, Logger } from 'pino';
import { knownSecrets, maskSecrets } from './config/secrets.js';
import type { LogFormat } from './config/worker-config.js';

export interface LoggerOptions {
  /** Default `auto`: pretty when the destination is a terminal. */
  format?: LogFormat;
  /** Colours in pretty output; default: when the destination is a terminal. */
  colors?: boolean;
}

export function createLogger(level: string, destination?: NodeJS.WritableStream, opts: LoggerOptions = {}): Logger {
  const target = destination ?? process.stdout;
  const isTerminal = (target as { isTTY?: boolean }).isTTY === true;
  const pretty = opts.format === 'pretty' || ((opts.format ?? 'auto') === 'auto' && isTerminal);
  let stream: DestinationStream;
  if (pretty) stream = new PrettyStream(target, opts.colors ?? isTerminal);
  else stream = destination ?? pinoDestination({ fd: 1, sync: false });
  return pino(
    {
      level,
      base: { pid: process.pid },
      // The one rule (config/secrets.ts): secret keys' values masked in the fields of a record and
      // of a child logger, then every known secret value redacted from the whole line — its
      // message, its error's message and stack — as it is written.
      formatters: {
        log: (object) => maskSecrets(object) as Record<string, unknown>,
        bindings: (bindings) => maskSecrets(bindings) as Record<string, unknown>,
      },
      hooks: { streamWrite: (line) => knownSecrets.redactJsonLine(line) },
    },
    stream,
  );
}

const REDACTING = Symbol('connectd.redactingWrite');
type WriteCallback = (err?: Error | null) => void;
type Write = (chunk: string | Uint8Array, encoding?: BufferEncoding | WriteCallback, cb?: WriteCallback) => boolean;

/**
 * Redacts by value (config/secrets.ts) what reaches the daemon's stdout and stderr without the
 * logger: plugin code calling console.log or console.error runs in a worker thread, whose output
 * Node pipes into the main thread's process.stdout and process.stderr, one chunk per write (a
 * console call is one write). A secret a plugin writes in pieces, over several writes, is not
 * found. The logger's own lines are redacted as they are written and reach fd 1 directly.
 */
export function redactProcessOutput(streams: readonly NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    const target = stream as NodeJS.WriteStream & { [REDACTING]?: true };
    if (target[REDACTING]) continue;
    target[REDACTING] = true;
    const write = stream.write.bind(stream) as Write;
    const redacting: Write = (chunk, encoding, cb) => {
      const callback = typeof encoding === 'function' ? encoding : cb;
      const text =
        typeof chunk === 'string'
          ? typeof encoding === 'string' && encoding !== 'utf8' && encoding !== 'utf-8'
            ? null
            : chunk
          : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
      if (text === null || !knownSecrets.leaks(text)) return write(chunk, encoding, cb);
      return write(knownSecrets.redact(text), 'utf8', callback);
    };
    stream.write = redacting;
  }
}

const LEVELS: Readonly<Record<number, [string, string]>> = {
  10: ['TRACE', '\x1b[90m'],
  20: ['DEBUG', '\x1b[36m'],
  30: ['INFO ', '\x1b[32m'],
  40: ['WARN ', '\x1b[33m'],
  50: ['ERROR', '\x1b[31m'],
  60: ['FATAL', '\x1b[35m'],
};
const OMITTED = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'connector', 'task', 'err']);

/** Formats pino's JSON lines for a terminal. */
class PrettyStream implements DestinationStream {
  readonly #out: NodeJS.WritableStream;
  readonly #colors: boolean;

  constructor(out: NodeJS.WritableStream, colors: boolean) {
    this.#out = out;
    this.#colors = colors;
  }

  write(line: string): void {
    this.#out.write(formatPretty(line, this.#colors));
  }
}

export function formatPretty(line: string, colors = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const paint = (code: string, text: string): string => (colors ? `${code}${text}\x1b[0m` : text);
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const [levelName, levelColor] = LEVELS[record.level as number] ?? [String(record.level), ''];
  const text = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v));
  const where =
    record.connector === undefined ? '' : ` [${text(record.connector)}${record.task === undefined ? '' : `/${text(record.task)}`}]`;
  const fields = Object.entries(record)
    .filter(([k]) => !OMITTED.has(k))
    .map(([k, v]) => `${paint('\x1b[90m', `${k}=`)}${text(v)}`);
  let out = `${paint('\x1b[90m', time)} ${paint(levelColor, levelName)}${where} ${record.msg === undefined ? '' : text(record.msg)}${fields.length > 0 ? ` ${fields.join(' ')}` : ''}\n`;
  const err = record.err as { stack?: string; message?: string } | undefined;
  if (err !== undefined) out += `${(err.stack ?? err.message ?? JSON.stringify(err)).replace(/^/gm, '    ')}\n`;
  return out;
}
