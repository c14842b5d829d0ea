/**
 * Kafka Connect's FileStreamSinkConnector (`org.apache.kafka.connect.file`), rebuilt on the SDK:
 * appends one line per record to a file. Which topics it reads is the framework's `topics` or
 * `topics.regex`; the connector itself has one key, `file`.
 *
 * Durability is the difference from Kafka's, which only flushes a PrintStream: `flush()` (called by
 * the default `preCommit()` before the framework commits offsets) writes what is buffered and
 * fsyncs the file, so every record whose offset is committed is on disk. Records put since the last
 * commit may be written again after a crash (at least once), never lost. A crash in the middle of
 * a write (SIGKILL, the OOM killer) can leave the file ending inside a line: a task cuts such a torn
 * tail when it starts (so an existing file that does not end with a line end loses its unfinished
 * last line), and the records it held come again.
 *
 * Other differences: `file` is required (Kafka writes to standard output when it is unset); values
 * are rendered as `render-value.ts` says (text as is, structured values as JSON, where Kafka prints
 * Java's toString). A value containing a line end is written as is, as Kafka does: it then spans
 * several lines.
 *
 * Like Kafka's, `taskConfigs(maxTasks)` gives `tasks.max` identical tasks, all appending to the same
 * file. Each write holds whole lines only and the file is opened in append mode, so lines of
 * different tasks never mix within a line; their order across partitions is not defined.
 *
 * A failed write (ENOSPC, EIO) loses nothing and tears no line, and the task stays RUNNING:
 * - What was not written stays buffered. A partial write is cut back to its last complete line
 *   (ftruncate of the torn tail, only if the file still ends with exactly those bytes, i.e. no other
 *   task appended since), so the file never shows a torn line, even if the process dies while the
 *   disk is still full, and the buffer keeps the rest from that line on.
 * - The write is retried: a put() that had to write throws RetriableException (the framework puts
 *   the same records again later and reads nothing new meanwhile, so the buffer stays bounded); a
 *   failed flush() makes the framework rewind to the last committed offsets, as Kafka Connect's
 *   WorkerSinkTask does after preCommit throws. Either way records come again that this task has
 *   already buffered or written: after a failed write, a record of a partition below the offset it
 *   had reached there is skipped, until that partition's redelivery catches up.
 * - A failed fsync is different: what it covered may not be on disk, so nothing is skipped after
 *   it; the redelivered records are written again (at least once, never lost).
 */
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ConfigDef, RetriableException, SinkConnector, SinkTask, Validators } from '../../sdk/index.js';
import type { SinkRecord, TaskConfig, TopicPartition } from '../../sdk/index.js';
import { renderValue } from './render-value.js';

const VERSION = '0.1.0';

/** Buffered output is written once it reaches this many bytes (about: text is counted in chars). */
const WRITE_THRESHOLD = 1024 * 1024;

export const FILE_STREAM_SINK_CONFIG = new ConfigDef().define({
  name: 'file',
  type: 'STRING',
  importance: 'HIGH',
  validator: Validators.nonEmptyString(),
  documentation:
    'Destination filename: created if missing, appended to, one line per record. Required (Kafka Connect writes to standard output when it is unset; connectd does not). A relative path is relative to the working directory of connectd.',
});

export class FileStreamSinkConnector extends SinkConnector {
  #props: Readonly<Record<string, string>> = {};

  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return FILE_STREAM_SINK_CONFIG;
  }
  start(props: Readonly<Record<string, string>>): void {
    FILE_STREAM_SINK_CONFIG.parse(props, 'configuration of FileStreamSinkConnector');
    this.#props = props;
  }
  taskClass(): new () => SinkTask {
    return FileStreamSinkTask;
  }
  taskConfigs(maxTasks: number): TaskConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.#props }));
  }
  stop(): void {}
}

export class FileStreamSinkTask extends SinkTask {
  #file = '';
  #handle: FileHandle | null = null;
  /** Output not yet written: whole chunks (the first may be what a failed write left), then the text after the last one. */
  #chunks: Buffer[] = [];
  #text = '';
  #buffered = 0;
  /** topic → partition → the offset after the last record buffered or written (original, as consumed). */
  readonly #reached = new Map<string, Map<number, number>>();
  /** After a failed write: topic → partition → records below this offset are already ours, so skipped when they come again. */
  #alreadyTaken: Map<string, Map<number, number>> | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#file = FILE_STREAM_SINK_CONFIG.parse(props, 'configuration of FileStreamSinkTask').getString('file');
    const existed = await stat(this.#file).then(
      () => true,
      () => false,
    );
    try {
      // a+ rather than a: after a partial write the task reads its own torn tail back before cutting it.
      this.#handle = await open(this.#file, 'a+');
    } catch (err) {
      throw new Error(`FileStreamSinkTask: cannot open ${this.#file} for appending: ${(err as Error).message}`, { cause: err });
    }
    // A new file's directory entry must be on disk too, or a crash could lose the whole file.
    if (!existed) await syncDirectory(path.dirname(path.resolve(this.#file)));
    else await this.#cutTornTail(this.#handle);
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    let topic: string | undefined;
    let reached: Map<number, number> | undefined;
    let taken: Map<number, number> | undefined;
    for (const record of records) {
      if (record.originalTopic !== topic) {
        topic = record.originalTopic;
        reached = this.#reached.get(topic);
        if (reached === undefined) this.#reached.set(topic, (reached = new Map()));
        taken = this.#alreadyTaken?.get(topic);
      }
      const partition = record.originalKafkaPartition;
      const offset = record.originalKafkaOffset;
      if (taken !== undefined) {
        const below = taken.get(partition);
        if (below !== undefined) {
          if (offset < below) continue;
          taken.delete(partition);
        }
      }
      reached!.set(partition, offset + 1);
      const line = renderValue(record.value, record.valueSchema);
      if (typeof line === 'string') {
        this.#text += `${line}\n`;
        this.#buffered += line.length + 1;
      } else {
        this.#chunks.push(Buffer.from(this.#text), Buffer.from(line.buffer, line.byteOffset, line.byteLength), Buffer.from('\n'));
        this.#text = '';
        this.#buffered += line.byteLength + 1;
      }
    }
    if (this.#buffered >= WRITE_THRESHOLD) await this.#write();
  }

  /** Writes everything put so far and fsyncs it: the offsets the framework then commits are safe. */
  override async flush(_currentOffsets: ReadonlyMap<TopicPartition, number>): Promise<void> {
    await this.#write();
    await this.#sync();
  }

  async stop(): Promise<void> {
    const handle = this.#handle;
    if (handle === null) return;
    try {
      // What was put after the last commit is written too, as Kafka's close() flushes its stream.
      await this.#write();
      await this.#sync();
    } finally {
      this.#handle = null;
      await handle.close();
    }
  }

  async #write(): Promise<void> {
    if (this.#buffered === 0) return;
    const handle = this.#requireOpen();
    if (this.#text !== '') this.#chunks.push(Buffer.from(this.#text));
    const data = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks);
    // Until the file has it, the buffer holds it.
    this.#chunks = [data];
    this.#text = '';
    let at = 0;
    try {
      // In append mode every write goes to the end; a short write is followed by the rest.
      while (at < data.length) at += (await handle.write(data, at, data.length - at)).bytesWritten;
    } catch (err) {
      const keepFrom = await this.#cutTornLine(handle, data, at);
      this.#chunks = [data.subarray(keepFrom)];
      this.#buffered = data.length - keepFrom;
      this.#alreadyTaken = new Map([...this.#reached].map(([topic, partitions]) => [topic, new Map(partitions)]));
      throw new RetriableException(
        `FileStreamSinkTask: writing ${this.#file}: ${(err as Error).message} (${this.#buffered} bytes kept to write again)`,
        { cause: err },
      );
    }
    this.#chunks = [];
    this.#buffered = 0;
  }

  /**
   * A write that failed after `written` bytes of `data` (whole lines) reached the file: removes the
   * torn last line from the file and says where in `data` to go on from. If the file no longer ends
   * with those bytes (another task appended after them) or cannot be cut, nothing is removed and the
   * rest goes on from `written`, so no byte is written twice.
   */
  async #cutTornLine(handle: FileHandle, data: Buffer, written: number): Promise<number> {
    const lineStart = written === 0 ? 0 : data.lastIndexOf(0x0a, written - 1) + 1;
    const torn = written - lineStart;
    if (torn === 0) return written;
    try {
      const { size } = await handle.stat();
      if (size < torn) return written;
      const tail = Buffer.alloc(torn);
      const { bytesRead } = await handle.read(tail, 0, torn, size - torn);
      if (bytesRead !== torn || !tail.equals(data.subarray(lineStart, written))) return written;
      await handle.truncate(size - torn);
      return lineStart;
    } catch {
      return written;
    }
  }

  /**
   * A process killed in the middle of a write leaves the file ending inside a line: Linux stops a
   * write() to a regular file at a page boundary once a fatal signal is pending (SIGKILL, the OOM
   * killer), whatever is left of the buffer unwritten. That write never completed, so no flush()
   * covered it and the framework committed none of its offsets: its records come again from the
   * last committed offsets, and the torn tail after the file's last line end is cut, or the next
   * line written would be glued to it.
   *
   * Same caveat as #cutTornLine: another task appending to the same file at this very moment (a task
   * restarted while its siblings run) could be seen mid-write; the size is read again just before
   * the cut, which narrows that to the instant between the two calls.
   */
  async #cutTornTail(handle: FileHandle): Promise<void> {
    const { size } = await handle.stat();
    if (size === 0) return;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    if (last[0] === 0x0a) return;
    // Back to the last line end (or the start of the file: a torn first line).
    let keep = 0;
    const chunk = Buffer.alloc(64 * 1024);
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - chunk.length);
      const { bytesRead } = await handle.read(chunk, 0, end - start, start);
      const at = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (at >= 0) {
        keep = start + at + 1;
        break;
      }
      end = start;
    }
    if ((await handle.stat()).size !== size) return;
    await handle.truncate(keep);
    await handle.sync();
  }

  async #sync(): Promise<void> {
    try {
      await this.#requireOpen().sync();
    } catch (err) {
      // What this fsync covered may be lost (Linux may drop the dirty pages it failed on and report
      // success next time): the records the framework puts again must be written again.
      this.#alreadyTaken = null;
      throw new Error(`FileStreamSinkTask: fsync of ${this.#file}: ${(err as Error).message}`, { cause: err });
    }
  }

  #requireOpen(): FileHandle {
    if (this.#handle === null) throw new Error(`FileStreamSinkTask: ${this.#file} is not open (the task was not started, or was stopped)`);
    return this.#handle;
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a directory (EINVAL); the file's own fsync still holds.
  } finally {
    await handle.close();
  }
}
