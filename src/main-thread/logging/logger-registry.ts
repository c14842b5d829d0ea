/**
 * Named loggers with levels changeable at run time, for Kafka Connect's `/admin/loggers` API
 * (KIP-495). Names are hierarchical like log4j's: setting `connectd.task` sets every logger named
 * `connectd.task` or `connectd.task.<anything>`; setting `root` sets them all.
 *
 * pino children copy their parent's level when created and never follow it afterwards, so the
 * registry keeps every logger it handed out and sets levels on them directly.
 */
import type { Logger } from 'pino';

/** log4j's level names, as the REST API speaks them, and pino's. */
const LEVELS: Readonly<Record<string, string>> = {
  FATAL: 'fatal',
  ERROR: 'error',
  WARN: 'warn',
  INFO: 'info',
  DEBUG: 'debug',
  TRACE: 'trace',
  OFF: 'silent',
};

export interface LoggerLevel {
  level: string;
  /** When the level was last set through the API (ms since epoch), null if never. */
  last_modified: number | null;
}

export class LoggerRegistry {
  readonly #root: Logger;
  readonly #loggers = new Map<string, Set<Logger>>();
  /** Levels set through the API, by logger name (what GET /admin/loggers lists, as Kafka Connect). */
  readonly #explicit = new Map<string, LoggerLevel>();

  constructor(root: Logger) {
    this.#root = root;
  }

  /** A logger named `name` (bound as field `logger`), with the level its name inherits. */
  get(name: string, bindings: Record<string, unknown> = {}): Logger {
    const logger = this.#root.child({ logger: name, ...bindings });
    logger.level = this.#effectiveLevel(name);
    let set = this.#loggers.get(name);
    if (set === undefined) {
      set = new Set();
      this.#loggers.set(name, set);
    }
    set.add(logger);
    return logger;
  }

  /** Stops tracking a logger that is no longer used (e.g. a stopped task's). */
  release(name: string, logger: Logger): void {
    this.#loggers.get(name)?.delete(logger);
  }

  /**
   * Every logger in use, every level set through the API, and `root`, each with its effective
   * level: as Kafka Connect's Loggers.allLevels lists every logger log4j knows (last_modified null
   * for those never set through the API).
   */
  levels(): Record<string, LoggerLevel> {
    const names = new Set(['root', ...this.#explicit.keys()]);
    for (const [name, loggers] of this.#loggers) if (loggers.size > 0) names.add(name);
    const out: Record<string, LoggerLevel> = {};
    for (const name of [...names].sort()) out[name] = this.level(name)!;
    return out;
  }

  /** The level of one logger, or undefined when no such logger exists or was set. */
  level(name: string): LoggerLevel | undefined {
    const explicit = this.#explicit.get(name);
    if (explicit !== undefined) return explicit;
    if (name === 'root') return { level: toLog4j(this.#root.level), last_modified: null };
    return this.#loggers.has(name) ? { level: toLog4j(this.#effectiveLevel(name)), last_modified: null } : undefined;
  }

  /**
   * Sets the level of `name` and every logger below it; returns the names of the loggers changed
   * (Kafka Connect's response body). Throws RangeError for an unknown level.
   */
  setLevel(name: string, level: string): string[] {
    const pinoLevel = LEVELS[level.toUpperCase()];
    if (pinoLevel === undefined) throw new RangeError(`Invalid log level '${level}' (valid: ${Object.keys(LEVELS).join(', ')})`);
    const now = Date.now();
    const all = name === 'root';
    // A more general setting overrides the more specific ones under it, as in Kafka Connect.
    for (const explicitName of [...this.#explicit.keys()]) if (all || below(explicitName, name)) this.#explicit.delete(explicitName);
    this.#explicit.set(name, { level: level.toUpperCase(), last_modified: now });
    if (all) this.#root.level = pinoLevel;
    const affected = all ? ['root'] : [];
    for (const [loggerName, loggers] of this.#loggers) {
      if (!all && !below(loggerName, name)) continue;
      for (const logger of loggers) logger.level = pinoLevel;
      if (loggers.size > 0 && !affected.includes(loggerName)) affected.push(loggerName);
    }
    if (!affected.includes(name)) affected.push(name);
    return affected.sort();
  }

  #effectiveLevel(name: string): string {
    // The most specific explicit setting that covers this name, else the root's.
    let best: string | undefined;
    for (const explicitName of this.#explicit.keys()) {
      if (explicitName !== 'root' && below(name, explicitName) && (best === undefined || explicitName.length > best.length))
        best = explicitName;
    }
    return best === undefined ? this.#root.level : LEVELS[this.#explicit.get(best)!.level]!;
  }
}

/** Whether `name` is `parent` or below it in the dotted hierarchy. */
function below(name: string, parent: string): boolean {
  return name === parent || name.startsWith(`${parent}.`);
}

function toLog4j(pinoLevel: string): string {
  return Object.entries(LEVELS).find(([, p]) => p === pinoLevel)?.[0] ?? pinoLevel.toUpperCase();
}
