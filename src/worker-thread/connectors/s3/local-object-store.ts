/**
 * A local directory as a bucket (`bucket=file:///path/to/dir`): for the demo, for tests, and for
 * people without S3. An object's key is its path below the directory with `/` separators.
 *
 * - Files and folders whose name starts with `.` are not listed: write a file under a dot-name
 *   and rename it into place when it is complete, as objects in S3 only ever appear whole.
 * - The entity tag is weak, from the file's size and modification time (nanoseconds): a rewritten
 *   file gets a new one, as an overwritten S3 object does. Computing a digest would mean reading
 *   every file at every listing.
 * - Byte ranges are served directly (a read from an offset).
 * - Nothing outside the directory is served: a key whose file a symbolic link places elsewhere is
 *   missing, and a prefix whose folder does is empty. The worker's `allowed.paths` admits the
 *   directory, so a link inside it must not reach further (docs/security.md, "Paths").
 */
import { createReadStream } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareKeys } from './object-store.js';
import type { ListPage, ListRequest, ObjectStore, ObjectSummary, OpenRequest, OpenResult } from './object-store.js';

const DEFAULT_MAX_KEYS = 1000;

export class LocalObjectStore implements ObjectStore {
  readonly description: string;
  readonly #root: string;

  /** `url`: a file: URL of a directory (file:///data/in). */
  constructor(url: string) {
    this.#root = fileURLToPath(url);
    this.description = url;
  }

  async list(request: ListRequest): Promise<ListPage> {
    const root = await stat(this.#root).catch(() => null);
    if (root === null || !root.isDirectory()) throw new Error(`${this.description}: no such directory`);
    const maxKeys = request.maxKeys ?? DEFAULT_MAX_KEYS;
    // Walk only the folder the prefix is in: "logs/2024-" lives in logs/.
    const folder = request.prefix.includes('/') ? request.prefix.slice(0, request.prefix.lastIndexOf('/') + 1) : '';
    const after = request.continuationToken ?? request.startAfter;
    const keys = (await this.#walk(folder)).filter(
      (k) => k.key.startsWith(request.prefix) && (after === undefined || compareKeys(k.key, after) > 0),
    );
    keys.sort((a, b) => compareKeys(a.key, b.key));
    const objects: ObjectSummary[] = [];
    const prefixes: string[] = [];
    let last: string | undefined;
    for (const entry of keys) {
      if (objects.length + prefixes.length >= maxKeys) {
        return { objects, prefixes, nextContinuationToken: last };
      }
      const delimiterAt = request.delimiter ? entry.key.indexOf(request.delimiter, request.prefix.length) : -1;
      if (delimiterAt >= 0) {
        const common = entry.key.slice(0, delimiterAt + request.delimiter!.length);
        if (prefixes.at(-1) !== common) prefixes.push(common);
        // Continue after the whole rolled-up prefix, as S3 does.
        last = `${common}\u{10FFFF}`;
        continue;
      }
      objects.push(entry.summary);
      last = entry.key;
    }
    return { objects, prefixes };
  }

  async open(key: string, request: OpenRequest = {}): Promise<OpenResult> {
    const file = path.resolve(this.#root, key);
    if (!file.startsWith(this.#root + path.sep)) return 'missing';
    if (!(await this.#inside(file))) return 'missing';
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') return 'missing';
      throw err;
    }
    try {
      const stats = await handle.stat({ bigint: true });
      const etag = weakEtag(stats.size, stats.mtimeNs);
      if (request.ifMatch !== undefined && request.ifMatch !== etag) {
        await handle.close();
        return 'changed';
      }
      const start = Math.min(request.fromByte ?? 0, Number(stats.size));
      // The stream owns the handle from here on and closes it when it ends or is destroyed.
      const body = createReadStream('', { fd: handle, start, highWaterMark: 64 * 1024, autoClose: true });
      return { etag, start, body, destroy: () => body.destroy() };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  close(): void {}

  /** Whether `file`, every symbolic link followed, is still below the directory (itself resolved). */
  async #inside(file: string): Promise<boolean> {
    const [root, real] = await Promise.all([realpath(this.#root).catch(() => this.#root), realpath(file).catch(() => null)]);
    // A file that is gone is missing anyway; opening it will say so.
    return real === null || real === root || real.startsWith(root + path.sep);
  }

  async #walk(folder: string): Promise<{ key: string; summary: ObjectSummary }[]> {
    const found: { key: string; summary: ObjectSummary }[] = [];
    const visit = async (relative: string): Promise<void> => {
      if (!(await this.#inside(path.join(this.#root, relative)))) return;
      let entries;
      try {
        entries = await readdir(path.join(this.#root, relative), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        const key = `${relative}${entry.name}`;
        if (entry.isDirectory()) await visit(`${key}/`);
        else if (entry.isFile()) {
          const stats = await stat(path.join(this.#root, key), { bigint: true }).catch(() => null);
          if (stats === null) continue; // removed meanwhile
          found.push({ key, summary: { key, etag: weakEtag(stats.size, stats.mtimeNs), size: Number(stats.size) } });
        }
      }
    };
    await visit(folder);
    return found;
  }
}

function weakEtag(size: bigint, mtimeNs: bigint): string {
  return `W/"${size.toString(16)}-${mtimeNs.toString(16)}"`;
}
