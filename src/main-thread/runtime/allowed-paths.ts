/**
 * Kafka's AllowedPaths (KIP-993, `org.apache.kafka.common.config.internals.AllowedPaths`): the
 * directories that connector configs may make the worker read or write. Guarantee: a path is
 * allowed only when it lies in an allowed directory both as written (with `..` resolved) and as
 * the kernel would open it (every symbolic link followed; for a file not created yet, the longest
 * prefix that exists), so neither `..`, a sibling with a longer name (`/data-evil` vs `/data`) nor
 * a symbolic link inside an allowed directory reaches out of it. Kafka compares the normalized
 * path only, and follows links without looking.
 *
 * Unlike Kafka's, an empty list allows nothing (Kafka: everything): whoever may POST a connector
 * config must not reach the worker's own files. `/` allows everything.
 *
 * Also here: which keys of the built-in connectors name a path (`file`, a `file://` bucket), checked
 * on the main thread when a config is validated and again when a connector or task starts.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { aliasesFor } from '../../shared/plugins.js';

export class AllowedPaths {
  /** The directories, normalized; empty: no path is allowed. */
  readonly dirs: readonly string[];
  /** The setting the list comes from, named in refusals (`allowed.paths`, `config.providers.file.param.allowed.paths`). */
  readonly setting: string;

  constructor(dirs: readonly string[], setting: string) {
    this.dirs = Object.freeze(dirs.map((d) => path.resolve(d)));
    this.setting = setting;
  }

  /** A comma-separated list of absolute directories; throws naming each entry that is not absolute. */
  static parse(text: string, setting: string): AllowedPaths {
    const entries = text
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e !== '');
    const relative = entries.filter((e) => !path.isAbsolute(e));
    if (relative.length > 0) throw new Error(`every entry must be an absolute directory; not absolute: ${relative.join(', ')}`);
    return new AllowedPaths(entries, setting);
  }

  /**
   * Why `file` may not be used, or undefined when it may. A relative path is relative to the
   * working directory, as the connectors and providers open it.
   */
  refusal(file: string): string | undefined {
    const hint = `; set ${this.setting} to allow it`;
    const shown = this.dirs.length === 0 ? 'none set' : this.dirs.join(',');
    const absolute = path.isAbsolute(file) ? file : `${process.cwd()}${path.sep}${file}`;
    if (!this.dirs.some((dir) => isUnder(path.resolve(absolute), dir))) return `not under ${this.setting} (${shown})${hint}`;
    let real: string;
    try {
      real = realPath(absolute);
    } catch (err) {
      return `cannot be resolved (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), so it cannot be checked against ${this.setting}`;
    }
    const realDirs = this.dirs.map((dir) => {
      try {
        return realPath(dir);
      } catch {
        return dir;
      }
    });
    if (!realDirs.some((dir) => isUnder(real, dir))) return `leads out of ${this.setting} (${shown}) through a symbolic link${hint}`;
    return undefined;
  }
}

/** Whether `file` is `dir` or below it, component by component (`/data-evil` is not below `/data`). */
function isUnder(file: string, dir: string): boolean {
  return file === dir || file.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep);
}

/**
 * The path the kernel would open: realpath() of the longest prefix that exists, the rest appended.
 * `..` is resolved by realpath where the path exists (after the link before it, as the kernel does:
 * `/data/link/..` is the link target's parent, not `/data`), lexically only in the part that does not.
 */
export function realPath(absolute: string): string {
  try {
    return realpathSync.native(absolute);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
  }
  const parent = path.dirname(absolute);
  if (parent === absolute) return absolute;
  return path.resolve(realPath(parent), path.basename(absolute));
}

/** The keys of built-in connectors that name a path, and the path each value names. */
interface PathKey {
  readonly key: string;
  /** The path a value names, or null when it names none (an S3 bucket, not a `file:` URL). */
  readonly pathOf: (value: string) => string | null;
}

const FILE_KEY: PathKey = { key: 'file', pathOf: (value) => (value.trim() === '' ? null : value) };
const BUCKET_KEY: PathKey = {
  key: 'bucket',
  // As LocalObjectStore opens it; a URL it cannot turn into a path is refused by the connector's own validator.
  pathOf: (value) => {
    if (!value.trim().startsWith('file:')) return null;
    try {
      return fileURLToPath(value.trim());
    } catch {
      return null;
    }
  },
};

const PATH_KEYS = new Map<string, readonly PathKey[]>();
for (const [names, keys] of [
  [['io.connectd.connectors.file.FileStreamSourceConnector', 'org.apache.kafka.connect.file.FileStreamSourceConnector'], [FILE_KEY]],
  [['io.connectd.connectors.file.FileStreamSinkConnector', 'org.apache.kafka.connect.file.FileStreamSinkConnector'], [FILE_KEY]],
  [['io.connectd.connectors.s3.S3SourceConnector'], [BUCKET_KEY]],
] as const) {
  // Every alias: plugin.path modules cannot take a built-in's names (plugins.ts), so these are exact.
  for (const name of names) for (const alias of aliasesFor(name)) PATH_KEYS.set(alias, keys);
}

/**
 * The path keys of a connector config (or of one of its task configs) that `allowed` refuses, as
 * config problems: `file="/etc/passwd": not under allowed.paths (/var/lib/connectd/data); set
 * allowed.paths to allow it`. Only built-in connectors are known; others are not checked.
 */
export function pathProblems(connectorClass: string, config: Readonly<Record<string, string>>, allowed: AllowedPaths): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const { key, pathOf } of PATH_KEYS.get(connectorClass.trim()) ?? []) {
    const value = config[key];
    const file = value === undefined ? null : pathOf(value);
    if (file === null) continue;
    const refusal = allowed.refusal(file);
    if (refusal !== undefined) problems.push({ name: key, value: value!, message: refusal });
  }
  return problems;
}
