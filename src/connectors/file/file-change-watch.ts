/**
 * Tells the file source when its file may have changed, so that a caught-up task waits for a
 * notification instead of reading its file again every second (an fs read through the libuv pool
 * per poll: with 100 idle file sources, most of an idle worker's CPU).
 *
 * `fs.watch` (inotify on Linux) on the file once it is open: the watch follows the inode, as the
 * task's open handle does, so an append, a truncation or a rename is noticed for the very file the
 * task reads. Until the file exists, its directory is watched for its name instead.
 *
 * A notification is only a hint to read: the task reads anyway when no watch could be set up (no
 * inotify, its limits reached, a directory that does not exist), and every so often when watched,
 * because a watch can miss changes (writes from another host on a network file system, an inotify
 * queue overflow).
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import path from 'node:path';

export type Watched = 'file' | 'directory' | null;

export class FileChangeWatch {
  readonly #file: string;
  readonly #name: string;
  #watcher: FSWatcher | null = null;
  #watched: Watched = null;
  /** Set by any notification since the last `takeChange()`; a new watch starts as a change. */
  #changed = true;
  /** Resolves the pending `wait()`, if any. */
  #wake: (() => void) | null = null;

  constructor(file: string) {
    this.#file = file;
    this.#name = path.basename(file);
  }

  /** What is watched now: the file, its directory (the file does not exist yet), or nothing. */
  get watched(): Watched {
    return this.#watched;
  }

  /** Watches the file itself (call it once the file is open); false when it cannot be watched. */
  watchFile(): boolean {
    return this.#watch('file', this.#file, () => true);
  }

  /** Watches the file's directory for its name (while the file does not exist); false when it cannot be watched. */
  watchDirectory(): boolean {
    // Linux names the entry; a platform that does not (null) may have created it.
    return this.#watch('directory', path.dirname(this.#file), (name) => name === null || name === this.#name);
  }

  /** Whether anything was notified since the last call (or the watch began); forgets it. */
  takeChange(): boolean {
    const changed = this.#changed;
    this.#changed = false;
    return changed;
  }

  /**
   * Resolves true at the next notification (at once when one came since the last `takeChange()`),
   * false after `ms` or when `signal` aborts.
   */
  wait(ms: number, signal: AbortSignal): Promise<boolean> {
    if (this.#changed) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.#wake = null;
        resolve(changed);
      };
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#wake = () => done(true);
    });
  }

  /** Stops watching. A pending `wait()` still ends by its timeout or its signal. */
  close(): void {
    this.#watcher?.close();
    this.#watcher = null;
    this.#watched = null;
  }

  #watch(kind: Exclude<Watched, null>, target: string, relevant: (name: string | null) => boolean): boolean {
    if (this.#watched === kind) return true;
    this.close();
    let watcher: FSWatcher;
    try {
      // Not persistent: a watch must not keep a worker thread alive.
      watcher = watch(target, { persistent: false }, (_event, name) => {
        if (relevant(name)) this.#notify();
      });
    } catch {
      // ENOENT (no such directory), ENOSPC (inotify's watch limit), ENOSYS: the task polls instead.
      return false;
    }
    watcher.on('error', () => {
      // The watch is broken (its target gone on some platforms): poll from now on, starting now.
      if (this.#watcher === watcher) this.close();
      this.#notify();
    });
    this.#watcher = watcher;
    this.#watched = kind;
    // Whatever changed before the watch began was not notified: the first wait reads.
    this.#changed = true;
    return true;
  }

  #notify(): void {
    this.#changed = true;
    this.#wake?.();
  }
}
