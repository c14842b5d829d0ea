/**
 * Standalone mode's offset store: one JSON file (`offset.storage.file.filename`), rewritten whole
 * on each flush through a temp file, fsync and rename, so a crash leaves either the old or the new
 * file and never a torn one. Kafka Connect's own file is a Java-serialized HashMap that nothing
 * else can read; this one is plain JSON holding the same keys and values as its offsets topic.
 *
 * Keys are compared by their text, so the file must give back exactly the text the runtime looks
 * up: offsetKey + connectJson's (Jackson's escapes, `\uD83D\uDCE6` for 📦, see canonicalOffsetJson),
 * never JSON.stringify's (the raw character), or a connector or source partition with a character outside the BMP or a control
 * character starts again from nothing after a restart. Versions before 2026-12-07 read keys back
 * with JSON.stringify, so their files may hold both forms of one key: the later entry wins, which
 * in such a file is always the Jackson form (see start()).
 *
 * A failed write (ENOSPC, EIO) leaves the previous file as it was and no temp file behind; the
 * values stay in memory (as Kafka Connect's MemoryOffsetBackingStore keeps them) and the caller's
 * commit fails, so the runtime commits them again at its next flush, with whatever came since.
 */
import { open, readFile, readdir, rename, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { canonicalOffsetJson } from '../../shared/offset-json.js';
import type { OffsetBackingStore } from './offset-backing-store.js';

/**
 * The offsets file cannot be used: `corrupt` (not a connectd offsets file) or unreadable (`corrupt`
 * false: permissions, a directory…). Restarting cannot fix either: the daemon exits with
 * EXIT_DATA_ERROR (src/main-thread/cli/problems.ts), which systemd does not restart.
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
    await this.#removeStaleTempFiles();
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
      throw new OffsetsFileError(
        `offset.storage.file.filename=${this.#file}: not a connectd offsets file (${(err as Error).message})`,
        true,
      );
    }
    if (parsed?.version !== 1 || !Array.isArray(parsed.offsets)) {
      throw new OffsetsFileError(
        `offset.storage.file.filename=${this.#file}: unsupported offsets file version ${String(parsed?.version)}`,
        true,
      );
    }
    for (const entry of parsed.offsets as unknown[]) {
      if (!Array.isArray(entry) || entry.length !== 2) {
        throw new OffsetsFileError(`offset.storage.file.filename=${this.#file}: not a [key, value] pair: ${JSON.stringify(entry)}`, true);
      }
      // Back to the runtime's canonical text: a file of an older version may hold a key as
      // JSON.stringify wrote it (the raw 📦) and again as connectJson does (`\uD83D\uDCE6`). Those
      // versions loaded the stringify form, which nothing ever looked up or wrote again, and
      // appended the Jackson form on the next commit, so the later entry is the newer offset: a
      // later entry replaces an earlier one, as when the map was written.
      this.#data.set(canonicalOffsetJson(entry[0]), canonicalOffsetJson(entry[1]));
    }
  }

  /**
   * Removes `<file>.tmp-<pid>` files of a process that no longer runs (killed between writing its
   * temp file and renaming it): only this store's own naming pattern, and never the temp file of
   * a live process other than this one (two daemons sharing one offsets file is a mistake, but
   * deleting its file under it would turn that mistake into a failed commit there).
   */
  async #removeStaleTempFiles(): Promise<void> {
    const dir = path.dirname(this.#file);
    const prefix = `${path.basename(this.#file)}.tmp-`;
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      if (!name.startsWith(prefix)) continue;
      const pidText = name.slice(prefix.length);
      if (!/^[1-9][0-9]{0,9}$/.test(pidText)) continue;
      const pid = Number(pidText);
      if (pid !== process.pid && processExists(pid)) continue;
      await unlink(path.join(dir, name)).catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      });
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
    try {
      const handle = await open(tmp, 'w', 0o600);
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, this.#file);
    } catch (err) {
      // ENOSPC or EIO part-way: the old file is untouched; the partial temp file would hold the
      // space the next attempt needs, and outlive us.
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

/** Whether a process with this pid runs (EPERM: it does, as another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
