/**
 * Reads one source partition — the objects under one prefix — in key order, object by object,
 * and knows where it is: the key, the entity tag and the position of the last unit it returned,
 * which become the source offset of that unit's record.
 *
 * Offsets and resuming (the `S3Offset` below):
 * - `eof: true` — the object was read to its end: resume by listing after `key` (StartAfter).
 * - else — resume inside `key`, after line `line`, at byte `position` of the decoded object:
 *   a Range request from `position` for a plain object; from the start, decompressing and skipping
 *   `position` bytes, for a gzip one (or when the server ignores Range).
 * - The object must still have entity tag `etag`. If it was overwritten since, `changedPolicy`
 *   says what to do: `reread` it from its first line (its new content is read whole; lines the
 *   old version shared with it are produced again), or `skip` it and go on with the next key.
 *   A deleted object is skipped.
 * Objects are listed with StartAfter: an object whose key sorts before one already read is never
 * read. Name objects so that new ones sort last within their prefix (timestamps, sequence numbers).
 */
import type { SourceOffset } from '../../sdk/index.js';
import { ObjectLines, openDecoded, readWhole } from './object-reader.js';
import type { Compression } from './object-reader.js';
import type { ObjectStore, ObjectSummary } from './object-store.js';

export type ObjectFormat = 'lines' | 'jsonl' | 'bytes';
export type ChangedPolicy = 'reread' | 'skip';

/** One source partition: every object under `prefix`, or with `delimiter`, only those directly under it. */
export interface PartitionSpec {
  readonly prefix: string;
  readonly delimiter?: string | undefined;
}

/** The source offset of a record (flat primitives, as Kafka Connect requires). */
export interface S3Offset {
  readonly key: string;
  readonly etag: string;
  /** The record's line in the object, from 1 (`bytes`: 0). */
  readonly line: number;
  /** Byte position after the record's line in the decoded object (`bytes`: the object's length). */
  readonly position: number;
  /** This was the object's last record. */
  readonly eof: boolean;
  readonly gzip: boolean;
}

/** A line (or, for `bytes`, a whole object) with where it came from and where it ends. */
export interface ObjectUnit {
  readonly bytes: Buffer;
  readonly offset: S3Offset;
}

export interface PartitionReaderOptions {
  readonly format: ObjectFormat;
  readonly compression: Compression;
  readonly changedPolicy: ChangedPolicy;
  /** Keys per listing request. */
  readonly listPageSize: number;
  /** After a listing found nothing new, the next is not before this many ms. */
  readonly idleListIntervalMs: number;
  /** Attempts to reopen an object whose download broke off, before the error is thrown. */
  readonly reopenAttempts: number;
  readonly now?: () => number;
}

/** Reads an offset stored by this connector; null if absent or not of this shape. */
export function parseOffset(offset: SourceOffset | null | undefined): S3Offset | null {
  if (offset === null || offset === undefined) return null;
  const { key, etag, line, position, eof, gzip } = offset;
  if (typeof key !== 'string' || typeof etag !== 'string') return null;
  return { key, etag, line: Number(line ?? 0), position: Number(position ?? 0), eof: eof === true, gzip: gzip === true };
}

interface Current {
  readonly key: string;
  readonly lines: ObjectLines;
  /** Where the last returned line ended: where to reopen after a broken download. */
  line: number;
  position: number;
  failures: number;
}

export class PartitionReader {
  readonly spec: PartitionSpec;
  readonly #store: ObjectStore;
  readonly #options: PartitionReaderOptions;
  readonly #now: () => number;
  /** Listed objects not read yet, in key order. */
  #pending: ObjectSummary[] = [];
  /** The last key read or skipped: listings start after it. */
  #lastKey: string | undefined;
  #current: Current | null = null;
  #resume: S3Offset | null;
  #idleUntil = 0;

  constructor(store: ObjectStore, spec: PartitionSpec, committed: S3Offset | null, options: PartitionReaderOptions) {
    this.#store = store;
    this.spec = spec;
    this.#options = options;
    this.#now = options.now ?? Date.now;
    this.#resume = committed;
    if (committed !== null) this.#lastKey = committed.key;
  }

  /** Up to `max` units; [] when nothing new is there now (listing again only after the idle interval). */
  async read(max: number): Promise<ObjectUnit[]> {
    const units: ObjectUnit[] = [];
    if (this.#resume !== null) {
      const resume = this.#resume;
      this.#resume = null;
      if (!resume.eof) await this.#reopen(resume);
    }
    while (units.length < max) {
      if (this.#current !== null) {
        units.push(...(await this.#readCurrent(max - units.length)));
        continue;
      }
      const next = await this.#nextObject();
      if (next === null) break;
      if (this.#options.format === 'bytes') {
        const unit = await this.#readWhole(next);
        if (unit !== null) units.push(unit);
      } else {
        await this.#open(next.key, 0, 0, undefined, undefined);
      }
    }
    return units;
  }

  close(): void {
    this.#current?.lines.destroy();
    this.#current = null;
  }

  async #nextObject(): Promise<ObjectSummary | null> {
    if (this.#pending.length === 0) {
      if (this.#now() < this.#idleUntil) return null;
      const page = await this.#store.list({
        prefix: this.spec.prefix,
        startAfter: this.#lastKey,
        delimiter: this.spec.delimiter,
        maxKeys: this.#options.listPageSize,
      });
      this.#pending = [...page.objects];
      if (this.#pending.length === 0) {
        this.#idleUntil = this.#now() + this.#options.idleListIntervalMs;
        return null;
      }
    }
    const next = this.#pending.shift()!;
    this.#lastKey = next.key;
    return next;
  }

  /** Resumes inside the object of an offset, as the policy says when it changed. */
  async #reopen(offset: S3Offset): Promise<void> {
    if (this.#options.format === 'bytes') return; // a whole object is one record: its offset always has eof
    const opened = await this.#open(offset.key, offset.line, offset.position, offset.etag, offset.gzip);
    if (opened === 'changed' && this.#options.changedPolicy === 'reread') await this.#open(offset.key, 0, 0, undefined, undefined);
  }

  async #open(
    key: string,
    line: number,
    position: number,
    etag: string | undefined,
    gzip: boolean | undefined,
  ): Promise<'opened' | 'missing' | 'changed'> {
    const decoded = await openDecoded(this.#store, key, { ifMatch: etag, position, gzip, compression: this.#options.compression });
    if (typeof decoded === 'string') return decoded;
    this.#current = { key, lines: new ObjectLines(decoded, position, line), line, position, failures: 0 };
    return 'opened';
  }

  async #readCurrent(max: number): Promise<ObjectUnit[]> {
    const current = this.#current!;
    let lines;
    try {
      lines = await current.lines.read(max);
    } catch (err) {
      // A download that broke off (a reset connection, a server that timed us out while the task
      // had no credit): read on from the last line returned, if the object is still the same.
      current.lines.destroy();
      this.#current = null;
      if (current.failures >= this.#options.reopenAttempts)
        throw new Error(`reading ${this.#store.description}/${current.key} after line ${current.line}: ${(err as Error).message}`, {
          cause: err,
        });
      const reopened = await this.#open(current.key, current.line, current.position, current.lines.etag, current.lines.gzip);
      if (reopened === 'opened') this.#current!.failures = current.failures + 1;
      else if (reopened === 'changed' && this.#options.changedPolicy === 'reread')
        await this.#open(current.key, 0, 0, undefined, undefined);
      return [];
    }
    const { etag, gzip } = current.lines;
    const units = lines.map((l) => ({
      bytes: l.bytes,
      offset: { key: current.key, etag, line: l.line, position: l.end, eof: l.last, gzip },
    }));
    const lastLine = lines.at(-1);
    if (lastLine !== undefined) {
      current.line = lastLine.line;
      current.position = lastLine.end;
      current.failures = 0;
    }
    if (current.lines.done) {
      current.lines.destroy();
      this.#current = null;
    }
    return units;
  }

  async #readWhole(object: ObjectSummary): Promise<ObjectUnit | null> {
    const whole = await readWhole(this.#store, object.key, this.#options.compression, object.etag);
    // Changed or deleted between the listing and now: read the version there is now, if any.
    const result = whole === 'changed' ? await readWhole(this.#store, object.key, this.#options.compression) : whole;
    if (typeof result === 'string') return null;
    return {
      bytes: result.bytes,
      offset: { key: object.key, etag: result.etag, line: 0, position: result.bytes.length, eof: true, gzip: result.gzip },
    };
  }
}
