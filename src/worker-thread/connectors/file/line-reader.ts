/**
 * Reads complete lines from a file that may still be growing, in big chunks, and tells the byte
 * position after each line: what the file source commits as its offset.
 *
 * Line ends are Kafka's FileStreamSourceTask's: `\n`, `\r\n`, and a lone `\r`. A `\r` that is the
 * last byte read so far ends nothing yet (the `\n` of a `\r\n` may still be on its way), and a last
 * line without its end is held until the end arrives, so a writer caught mid-line is never split.
 * Lines are decoded as UTF-8 only once complete; a line end is an ASCII byte, which never occurs
 * inside a multi-byte UTF-8 sequence, so a chunk boundary cannot cut a character in two.
 */
import type { FileHandle } from 'node:fs/promises';

const LF = 0x0a;
const CR = 0x0d;

/** Receives one line (without its end) and the byte position just after its end. */
export type LineHandler = (line: string, endPosition: number) => void;

export class LineReader {
  readonly #handle: FileHandle;
  /** Bytes read but not yet returned as lines live in `#buffer[#start, #end)`. */
  #buffer: Buffer;
  #start = 0;
  #end = 0;
  /** The file position of `#buffer[#start]`: after the last line returned. */
  #position: number;

  /**
   * @param position the byte position to start from, after a line end (a committed offset)
   * @param chunkSize bytes per read; the buffer grows past it only for a longer line
   */
  constructor(handle: FileHandle, position: number, chunkSize = 1024 * 1024) {
    this.#handle = handle;
    this.#position = position;
    this.#buffer = Buffer.allocUnsafe(chunkSize);
  }

  /** The byte position after the last line returned. */
  get position(): number {
    return this.#position;
  }

  /**
   * Hands up to `max` complete lines to `onLine`, reading the file as far as needed, and returns how
   * many it handed. Fewer than `max` means the end of the file (for now) was reached.
   */
  async read(max: number, onLine: LineHandler): Promise<number> {
    let count = this.#extract(max, onLine);
    while (count < max && (await this.#fill())) count += this.#extract(max - count, onLine);
    return count;
  }

  #extract(max: number, onLine: LineHandler): number {
    // A view ending at the data, so indexOf never looks at stale bytes past it.
    const data = this.#buffer.subarray(0, this.#end);
    let start = this.#start;
    let count = 0;
    // Most files have no CR at all: one scan per call finds that out, then only LFs are searched.
    let cr = data.indexOf(CR, start);
    while (count < max) {
      if (cr !== -1 && cr < start) cr = data.indexOf(CR, start);
      const lf = data.indexOf(LF, start);
      let lineEnd: number;
      let next: number;
      if (cr !== -1 && (lf === -1 || cr < lf)) {
        if (cr + 1 >= data.length) break;
        lineEnd = cr;
        next = data[cr + 1] === LF ? cr + 2 : cr + 1;
      } else if (lf !== -1) {
        lineEnd = lf;
        next = lf + 1;
      } else {
        break;
      }
      this.#position += next - start;
      onLine(data.toString('utf8', start, lineEnd), this.#position);
      start = next;
      count++;
    }
    this.#start = start;
    return count;
  }

  /** Reads more of the file after the bytes held; false at the end of the file. */
  async #fill(): Promise<boolean> {
    const held = this.#end - this.#start;
    if (this.#start > 0) {
      this.#buffer.copy(this.#buffer, 0, this.#start, this.#end);
      this.#start = 0;
      this.#end = held;
    }
    if (this.#end === this.#buffer.length) {
      // A line longer than the buffer: grow it, as Kafka's task doubles its char buffer.
      const bigger = Buffer.allocUnsafe(this.#buffer.length * 2);
      this.#buffer.copy(bigger, 0, 0, this.#end);
      this.#buffer = bigger;
    }
    const { bytesRead } = await this.#handle.read(this.#buffer, this.#end, this.#buffer.length - this.#end, this.#position + held);
    this.#end += bytesRead;
    return bytesRead > 0;
  }
}
