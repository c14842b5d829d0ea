/**
 * Tells the file source when its file may have changed, so that a caught-up task waits for a
 * notification instead of reading its file again every second (an fs read through the libuv pool
 * per poll: with 100 idle file sources, most of an idle worker's CPU).
 *
 * `fs.watch` (inotify on Linux) on the file once it is open: the watch follows the inode, as the
 * task's open handle does, so an append, a truncation or a rename is noticed for the very file the
 * task reads. Until the file exists, its directory is watched for its name instead.
 *
 * A notification is only a hint to read. Nothing is watched, and the task reads every poll as
 * Kafka's does, where a watch cannot be set up (inotify's limits reached, a directory that does not
 * exist) or would not see every write: on a network or FUSE file system inotify sees only this
 * host's writes. A watched file is still read now and then, as a watch can miss a change (an inotify
 * queue overflow).
 */
import { watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { atIdleTick } from './idle-ticker.js';

/**
 * statfs(2) types of the Linux file systems that other hosts write to, where inotify does not see
 * their writes: NFS, SMB, SMB2, CIFS, FUSE (sshfs, virtiofs, Docker Desktop's shares), 9p (WSL,
 * VM shares), Ceph, AFS, Coda, VirtualBox shared folders, Lustre, GFS2, OCFS2.
 */
const REMOTE_FILE_SYSTEMS: ReadonlySet<number> = new Set([
  0x6969, 0x517b, 0xfe534d42, 0xff534d42, 0x65735546, 0x01021997, 0x00c36400, 0x5346414f, 0x73757245, 0x786f4256, 0x0bd00bd0, 0x01161970,
  0x7461636f,
]);

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
  /** Set once the file's folder turned out to be on a remote file system: never watched then. */
  #remote = false;

  constructor(file: string) {
    this.#file = file;
    this.#name = path.basename(file);
  }

  /** What is watched now: the file, its directory (the file does not exist yet), or nothing. */
  get watched(): Watched {
    return this.#watched;
  }

  /** Watches the file itself (call it once the file is open); false when it cannot be watched. */
  watchFile(): Promise<boolean> {
    return this.#watch('file', this.#file, () => true);
  }

  /** Watches the file's directory for its name (while the file does not exist); false when it cannot be watched. */
  watchDirectory(): Promise<boolean> {
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
   * false at the first idle tick after `deadline` (a `performance.now()` time) or when `signal` aborts.
   */
  wait(deadline: number, signal: AbortSignal): Promise<boolean> {
    if (this.#changed) return Promise.resolve(true);
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (changed: boolean): void => {
        cancelExpiry();
        signal.removeEventListener('abort', onAbort);
        this.#wake = null;
        resolve(changed);
      };
      const onAbort = (): void => done(false);
      const cancelExpiry = atIdleTick(deadline, () => done(false));
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

  async #watch(kind: Exclude<Watched, null>, target: string, relevant: (name: string | null) => boolean): Promise<boolean> {
    if (this.#watched === kind) return true;
    this.close();
    if (this.#remote) return false;
    if (process.platform === 'linux') {
      try {
        this.#remote = REMOTE_FILE_SYSTEMS.has((await statfs(target)).type);
      } catch {
        // Not there (yet): nothing to watch.
        return false;
      }
      if (this.#remote) return false;
    }
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
