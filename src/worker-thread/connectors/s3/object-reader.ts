/**
 * Reads one object as a stream of lines (or whole), from a byte position: a Range request when the
 * object is stored plain, decompress-and-skip when it is gzip (a byte range of a gzip stream cannot
 * be decompressed) or when the server ignored the range. Never holds more than a chunk plus the
 * lines asked for in memory, except in `readWhole`.
 */
import { Readable, pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { LineSplitter } from './line-splitter.js';
import type { ObjectStore } from './object-store.js';

/** `auto`: gzip when the object starts with gzip's magic bytes (1f 8b). */
export type Compression = 'auto' | 'gzip' | 'none';

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

export interface DecodedObject {
  readonly etag: string;
  readonly gzip: boolean;
  /** The decoded bytes from the requested position on. */
  readonly chunks: AsyncIterator<Buffer>;
  destroy(): void;
}

export interface OpenAt {
  /** Only this version of the object (its entity tag); absent: whichever is there now. */
  readonly ifMatch?: string | undefined;
  /** Position in the decoded bytes to start from (0: the start). */
  readonly position: number;
  /** Whether the object is gzip, when known from the offset: only a plain object can be range-read. */
  readonly gzip?: boolean | undefined;
  readonly compression: Compression;
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  if (typeof chunk === 'string') return Buffer.from(chunk);
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

async function* prepend(first: Buffer[], rest: AsyncIterator<Uint8Array>): AsyncGenerator<Buffer> {
  yield* first;
  for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield toBuffer(next.value);
}

async function* skipBytes(count: number, source: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  let left = count;
  for (let next = await source.next(); next.done !== true; next = await source.next()) {
    const chunk = next.value;
    if (left >= chunk.length) {
      left -= chunk.length;
      continue;
    }
    yield left > 0 ? chunk.subarray(left) : chunk;
    left = 0;
  }
  if (left > 0) throw new RangeError(`the object ended ${left} bytes before the position to resume from`);
}

/** Opens `key` decoded, from `at.position`; 'missing' or 'changed' as ObjectStore.open says. */
export async function openDecoded(store: ObjectStore, key: string, at: OpenAt): Promise<DecodedObject | 'missing' | 'changed'> {
  if (at.position > 0 && (at.gzip === false || at.compression === 'none')) {
    const opened = await store.open(key, { ifMatch: at.ifMatch, fromByte: at.position });
    if (typeof opened === 'string') return opened;
    const raw = opened.body[Symbol.asyncIterator]();
    const chunks = prepend([], raw);
    return {
      etag: opened.etag,
      gzip: false,
      // A server that ignores Range sends the whole object: skip to the position ourselves.
      chunks: opened.start < at.position ? skipBytes(at.position - opened.start, chunks) : chunks,
      destroy: () => opened.destroy(),
    };
  }
  // From the start: find out whether it is gzip, and skip to the position in the decoded bytes.
  const opened = await store.open(key, { ifMatch: at.ifMatch });
  if (typeof opened === 'string') return opened;
  const raw = opened.body[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headLength = 0;
  try {
    while (headLength < 2) {
      const next = await raw.next();
      if (next.done === true) break;
      const chunk = toBuffer(next.value);
      head.push(chunk);
      headLength += chunk.length;
    }
  } catch (err) {
    opened.destroy();
    throw err;
  }
  const start = head.length === 0 ? Buffer.alloc(0) : Buffer.concat(head);
  const magic = start.length >= 2 && start[0] === GZIP_MAGIC_0 && start[1] === GZIP_MAGIC_1;
  const gzip = at.compression === 'gzip' || (at.compression === 'auto' && magic);
  const bytes = prepend(start.length === 0 ? [] : [start], raw);
  if (!gzip) {
    return { etag: opened.etag, gzip, chunks: at.position > 0 ? skipBytes(at.position, bytes) : bytes, destroy: () => opened.destroy() };
  }
  const source = Readable.from(bytes, { objectMode: false });
  const gunzip = createGunzip();
  // pipeline() destroys the gunzip stream with a source or decompression error, so iterating it throws.
  pipeline(source, gunzip, () => undefined);
  const decoded = (gunzip as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  return {
    etag: opened.etag,
    gzip,
    chunks: at.position > 0 ? skipBytes(at.position, decoded) : decoded,
    destroy: () => {
      gunzip.destroy();
      source.destroy();
      opened.destroy();
    },
  };
}

/** The whole object, decoded (the `bytes` format: one record per object). */
export async function readWhole(
  store: ObjectStore,
  key: string,
  compression: Compression,
  ifMatch?: string,
): Promise<{ etag: string; gzip: boolean; bytes: Buffer } | 'missing' | 'changed'> {
  const decoded = await openDecoded(store, key, { ifMatch, position: 0, compression });
  if (typeof decoded === 'string') return decoded;
  try {
    const parts: Buffer[] = [];
    for (let next = await decoded.chunks.next(); next.done !== true; next = await decoded.chunks.next()) parts.push(next.value);
    return { etag: decoded.etag, gzip: decoded.gzip, bytes: Buffer.concat(parts) };
  } finally {
    decoded.destroy();
  }
}

export interface ObjectLine {
  readonly bytes: Buffer;
  /** 1 for the object's first line. */
  readonly line: number;
  /** Byte position after the line in the decoded bytes: where to resume after it. */
  readonly end: number;
  /** The object's last line. */
  readonly last: boolean;
}

/** The lines of one decoded object from a position, with one line of lookahead so the last is known. */
export class ObjectLines {
  readonly etag: string;
  readonly gzip: boolean;
  readonly #decoded: DecodedObject;
  readonly #splitter: LineSplitter;
  #queue: { bytes: Buffer; end: number }[] = [];
  #ended = false;
  #line: number;

  /** `line`: the number of the line before `position` (0 at the start). */
  constructor(decoded: DecodedObject, position: number, line: number) {
    this.etag = decoded.etag;
    this.gzip = decoded.gzip;
    this.#decoded = decoded;
    this.#splitter = new LineSplitter(position);
    this.#line = line;
  }

  /** True once every line was returned. */
  get done(): boolean {
    return this.#ended && this.#queue.length === 0;
  }

  /** Up to `max` lines; fewer only at the end of the object. */
  async read(max: number): Promise<ObjectLine[]> {
    // One more than asked for, so that the last line of the object is known as such.
    while (!this.#ended && this.#queue.length <= max) {
      const next = await this.#decoded.chunks.next();
      if (next.done === true) {
        const tail = this.#splitter.end();
        if (tail !== null) this.#queue.push({ bytes: Buffer.from(tail.bytes), end: tail.end });
        this.#ended = true;
      } else {
        for (const line of this.#splitter.push(next.value)) this.#queue.push(line);
      }
    }
    const taken = this.#queue.splice(0, max);
    return taken.map((l, i) => ({
      bytes: l.bytes,
      line: ++this.#line,
      end: l.end,
      last: this.#ended && this.#queue.length === 0 && i === taken.length - 1,
    }));
  }

  destroy(): void {
    this.#decoded.destroy();
  }
}
