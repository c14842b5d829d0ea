/**
 * Splits a stream of byte chunks into lines, keeping the byte position after each line so a reader
 * can resume right after it. Lines end at `\n`; a `\r` before it is dropped (CRLF files); the
 * newline is not part of the line. Bytes are only copied when a line spans chunks.
 */

export interface Line {
  /** The line's bytes, without its line ending. Valid until the next push(). */
  readonly bytes: Buffer;
  /** Byte position just after this line's `\n` (or the end of the stream for a last unterminated line). */
  readonly end: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class LineSplitter {
  /** Bytes of an unfinished line carried over from earlier chunks. */
  #carry: Buffer[] = [];
  #carryLength = 0;
  /** Byte position of the next byte to be pushed. */
  #position: number;

  /** `position`: the byte position of the first byte that will be pushed (when resuming mid-object). */
  constructor(position = 0) {
    this.#position = position;
  }

  /** The byte position after the last byte pushed. */
  get position(): number {
    return this.#position;
  }

  /** Bytes pushed that are not part of a complete line yet. */
  get pendingBytes(): number {
    return this.#carryLength;
  }

  /** The complete lines `chunk` finishes, in order. */
  push(chunk: Uint8Array): Line[] {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const chunkStart = this.#position;
    this.#position += buffer.length;
    const lines: Line[] = [];
    let from = 0;
    for (let newline = buffer.indexOf(NEWLINE, from); newline !== -1; newline = buffer.indexOf(NEWLINE, from)) {
      let bytes = buffer.subarray(from, newline);
      if (this.#carryLength > 0) {
        this.#carry.push(bytes);
        bytes = Buffer.concat(this.#carry, this.#carryLength + bytes.length);
        this.#carry = [];
        this.#carryLength = 0;
      }
      lines.push({ bytes: withoutCarriageReturn(bytes), end: chunkStart + newline + 1 });
      from = newline + 1;
    }
    if (from < buffer.length) {
      // Keep a copy: the caller may reuse the chunk's memory.
      const rest = Buffer.from(buffer.subarray(from));
      this.#carry.push(rest);
      this.#carryLength += rest.length;
    }
    return lines;
  }

  /** At the end of the stream: the last line if it had no `\n`, else null. */
  end(): Line | null {
    if (this.#carryLength === 0) return null;
    const bytes = Buffer.concat(this.#carry, this.#carryLength);
    this.#carry = [];
    this.#carryLength = 0;
    return { bytes: withoutCarriageReturn(bytes), end: this.#position };
  }
}

function withoutCarriageReturn(bytes: Buffer): Buffer {
  return bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.subarray(0, bytes.length - 1) : bytes;
}
