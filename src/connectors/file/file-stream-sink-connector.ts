/**
 * Kafka Connect's FileStreamSinkConnector (`org.apache.kafka.connect.file`), rebuilt on the SDK:
 * appends one line per record to a file. Which topics it reads is the framework's `topics` or
 * `topics.regex`; the connector itself has one key, `file`.
 *
 * Durability is the difference from Kafka's, which only flushes a PrintStream: `flush()` (called by
 * the default `preCommit()` before the framework commits offsets) writes what is buffered and
 * fsyncs the file, so every record whose offset is committed is on disk. Records put since the last
 * commit may be written again after a crash (at least once), never lost.
 *
 * Other differences: `file` is required (Kafka writes to standard output when it is unset); values
 * are rendered as `render-value.ts` says (text as is, structured values as JSON, where Kafka prints
 * Java's toString). A value containing a line end is written as is, as Kafka does: it then spans
 * several lines.
 *
 * Like Kafka's, `taskConfigs(maxTasks)` gives `tasks.max` identical tasks, all appending to the same
 * file. Each write holds whole lines only and the file is opened in append mode, so lines of
 * different tasks never mix within a line; their order across partitions is not defined.
 */
import { open, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { ConfigDef, SinkConnector, SinkTask, Validators } from '../../sdk/index.js';
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
  /** Output not yet written: whole chunks, then the text after the last one. */
  #chunks: Buffer[] = [];
  #text = '';
  #buffered = 0;

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
      this.#handle = await open(this.#file, 'a');
    } catch (err) {
      throw new Error(`FileStreamSinkTask: cannot open ${this.#file} for appending: ${(err as Error).message}`, { cause: err });
    }
    // A new file's directory entry must be on disk too, or a crash could lose the whole file.
    if (!existed) await syncDirectory(path.dirname(path.resolve(this.#file)));
  }

  async put(records: readonly SinkRecord[]): Promise<void> {
    for (const record of records) {
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
    this.#chunks = [];
    this.#text = '';
    this.#buffered = 0;
    try {
      // In append mode every write goes to the end; a short write is followed by the rest.
      for (let at = 0; at < data.length; ) at += (await handle.write(data, at, data.length - at)).bytesWritten;
    } catch (err) {
      throw new Error(`FileStreamSinkTask: writing ${this.#file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async #sync(): Promise<void> {
    try {
      await this.#requireOpen().sync();
    } catch (err) {
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
