/**
 * Standalone mode's offset store: one JSON file (`offset.storage.file.filename`), rewritten whole
 * on each flush through a temp file, fsync and rename, so a crash leaves either the old or the new
 * file and never a torn one. Kafka Connect's own file is a Java-serialized HashMap that nothing
 * else can read; this one is plain JSON holding the same keys and values as its offsets topic.
 */
import { open, readFile, rename, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { OffsetBackingStore } from './offset-backing-store.js';

/**
 * The offsets file cannot be used: `corrupt` (not a connectd offsets file) or unreadable (`corrupt`
 * false: permissions, a directory…). Restarting cannot fix either: the daemon exits with
 * EXIT_DATA_ERROR (src/cli/problems.ts), which systemd does not restart.
 */
export class OffsetsFileError extends Error {
  readonly code = 'CONNECTD_ERR_OFFSETS_FILE';
  constructor(
    message: string,
    readonly corrupt: boolean,
  ) {
    super(message);
    this.name = 'OffsetsFileError';
  }
}

interface OffsetFile {
  version: 1;
  /** [key, value] pairs: the offsets topic's key and value JSON, embedded as JSON. */
  offsets: [unknown, unknown][];
}

export class FileOffsetBackingStore implements OffsetBackingStore {
  readonly #file: string;
  readonly #data = new Map<string, string>();
  #writing: Promise<void> = Promise.resolve();

  constructor(file: string) {
    this.#file = path.resolve(file);
  }

  async start(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.#file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new OffsetsFileError(`offset.storage.file.filename=${this.#file}: cannot read it (${(err as Error).message})`, false);
    }
    let parsed: OffsetFile | null;
    try {
      parsed = JSON.parse(text) as OffsetFile | null;
    } catch (err) {
      throw new OffsetsFileError(`offset.storage.file.filename=${this.#file}: not a connectd offsets file (${(err as Error).message})`, true);
    }
    if (parsed?.version !== 1 || !Array.isArray(parsed.offsets)) {
      throw new OffsetsFileError(`offset.storage.file.filename=${this.#file}: unsupported offsets file version ${String(parsed?.version)}`, true);
    }
    for (const entry of parsed.offsets as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new OffsetsFileError(`offset.storage.file.filename=${this.#file}: not a [key, value] pair: ${JSON.stringify(entry)}`, true);
      }
      this.#data.set(JSON.stringify(entry[0]), JSON.stringify(entry[1]));
    }
  }

  get(keys: readonly string[]): (string | null)[] {
    return keys.map((k) => this.#data.get(k) ?? null);
  }

  entries(): Iterable<[string, string]> {
    return [...this.#data];
  }

  set(entries: ReadonlyMap<string, string | null>): Promise<void> {
    for (const [k, v] of entries) {
      if (v === null) this.#data.delete(k);
      else this.#data.set(k, v);
    }
    // Writes are serialised; each writes the whole map as it stands, so none is lost.
    const write = this.#writing.then(() => this.#writeFile());
    this.#writing = write.catch(() => undefined);
    return write;
  }

  async stop(): Promise<void> {
    await this.#writing;
  }

  async #writeFile(): Promise<void> {
    // One entry per line: compact like the offsets topic's records, still readable with `less`.
    const lines = [...this.#data].map(([k, v]) => `  [${k},${v}]`);
    const text = `{"version":1,"offsets":[\n${lines.join(',\n')}\n]}\n`;
    await mkdir(path.dirname(this.#file), { recursive: true });
    const tmp = `${this.#file}.tmp-${process.pid}`;
    const handle = await open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      await rename(tmp, this.#file);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    const dir = await open(path.dirname(this.#file), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}
