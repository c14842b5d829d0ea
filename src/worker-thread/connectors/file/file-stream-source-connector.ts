/**
 * Kafka Connect's FileStreamSourceConnector (`org.apache.kafka.connect.file`), rebuilt on the SDK:
 * every line of one file becomes a record, and the file is followed as it grows (`tail -f`).
 *
 * Compatible with Kafka Connect: the same config keys (`file`, `topic`, `batch.size`), the same
 * records (key null, value the line as a STRING-schema string), and the same offsets: source
 * partition `{"filename": <file as configured>}`, source offset `{"position": <byte position after
 * the line>}`, so offsets moved between the two resume at the same place for ASCII files.
 *
 * Where it differs, and why:
 * - `file` is required: Kafka Connect reads standard input when it is unset, which a daemon whose
 *   tasks run in worker threads has no use for.
 * - The position counts bytes. Kafka's task counts UTF-16 chars but seeks by bytes on restart, so
 *   it resumes at the wrong place in a file with non-ASCII text; connectd resumes exactly.
 * - The file is read in 1 MiB chunks and split with Buffer.indexOf, not a char at a time.
 * - At the end of the file, Kafka's task waits a second and checks again; connectd's waits for a
 *   change notification (`fs.watch`, file-change-watch.ts) and reads only then, so an idle task
 *   costs no file read a second, and a line appended during the wait is returned at once. A poll
 *   still returns null after about a second without new lines, as Kafka's does (1 to 1.25 s: idle
 *   polls end on a tick shared by the thread's tasks, idle-ticker.ts).
 *
 * Not handled, as in Kafka: truncation and rotation. A file cut shorter than the committed
 * position yields nothing until it grows past it again.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { ConfigDef, Schema, SourceConnector, SourceRecord, SourceTask, Validators } from '../../sdk/index.js';
import type { SourceOffset, SourcePartition, TaskConfig } from '../../sdk/index.js';
import { FileChangeWatch } from './file-change-watch.js';
import { LineReader } from './line-reader.js';

const VERSION = '0.1.0';

/** Kafka's FileStreamSourceTask.FILENAME_FIELD and POSITION_FIELD. */
export const FILENAME_FIELD = 'filename';
export const POSITION_FIELD = 'position';

/** How long a poll waits at the end of the file (or for the file to appear) before returning nothing (Kafka's task: 1 s). */
const IDLE_WAIT_MS = 1000;
/** A watched file is read again after this long even without a notification: a watch can miss a change (an inotify queue overflow). */
const UNNOTIFIED_REREAD_MS = 60_000;

const singleTopic = Validators.lambda(
  (_name, value) =>
    typeof value === 'string' && value.includes(',')
      ? 'must name exactly one topic: the file is written to one topic, in order'
      : undefined,
  () => 'a single topic name',
);

export const FILE_STREAM_SOURCE_CONFIG = new ConfigDef()
  .define({
    name: 'file',
    type: 'STRING',
    importance: 'HIGH',
    validator: Validators.nonEmptyString(),
    documentation:
      'Source filename: the file whose lines become records, followed as it grows. Required (Kafka Connect reads standard input when it is unset; connectd does not). A relative path is relative to the working directory of connectd.',
  })
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    validator: Validators.composite(Validators.nonEmptyString(), singleTopic),
    documentation: 'The topic to publish data to.',
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: '2000',
    importance: 'LOW',
    validator: Validators.atLeast(1),
    documentation: 'The maximum number of records the source task can read from the file each time it is polled.',
  });

export class FileStreamSourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};

  version(): string {
    return VERSION;
  }
  config(): ConfigDef {
    return FILE_STREAM_SOURCE_CONFIG;
  }
  start(props: Readonly<Record<string, string>>): void {
    FILE_STREAM_SOURCE_CONFIG.parse(props, 'configuration of FileStreamSourceConnector');
    this.#props = props;
  }
  taskClass(): new () => SourceTask {
    return FileStreamSourceTask;
  }
  /** One task whatever `tasks.max` says: a file is one ordered stream (as in Kafka). */
  taskConfigs(_maxTasks: number): TaskConfig[] {
    return [{ ...this.#props }];
  }
  stop(): void {}
}

export class FileStreamSourceTask extends SourceTask {
  #file = '';
  #topic = '';
  #batchSize = 2000;
  /** The source partition, one object shared by every record (the framework keys offsets by it). */
  #partition: SourcePartition = {};
  #handle: FileHandle | null = null;
  #reader: LineReader | null = null;
  #stopping = new AbortController();
  #polling = false;
  #changes = new FileChangeWatch('');
  /** When the file was last read (performance.now()), and whether that read reached its end. */
  #lastReadAt = 0;
  #caughtUp = false;

  version(): string {
    return VERSION;
  }

  start(props: Readonly<TaskConfig>): void {
    const config = FILE_STREAM_SOURCE_CONFIG.parse(props, 'configuration of FileStreamSourceTask');
    this.#file = config.getString('file');
    this.#topic = config.getString('topic');
    this.#batchSize = config.getInt('batch.size');
    this.#partition = { [FILENAME_FIELD]: this.#file };
    this.#changes = new FileChangeWatch(this.#file);
  }

  async poll(): Promise<SourceRecord[] | null> {
    const stopping = this.#stopping.signal;
    if (stopping.aborted) return null;
    this.#polling = true;
    try {
      const idleUntil = performance.now() + IDLE_WAIT_MS;
      for (;;) {
        if (this.#mustRead()) {
          const records = await this.#readLines();
          if (stopping.aborted) return null;
          if (records.length > 0) return records;
        }
        // At the end of the file, or the file is not there yet: wait for a change, so that polling
        // does not spin; a poll that saw none for IDLE_WAIT_MS returns nothing, as Kafka's does.
        if (performance.now() >= idleUntil || !(await this.#changes.wait(idleUntil, stopping))) return null;
      }
    } catch (err) {
      throw new Error(`FileStreamSourceTask: reading ${this.#file}: ${(err as Error).message}`, { cause: err });
    } finally {
      this.#polling = false;
      if (stopping.aborted) await this.#close();
    }
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    // A pending poll closes the file (and its watch) itself when it returns.
    if (!this.#polling) await this.#close();
  }

  /** Whether the file may hold lines not read yet. Unwatched (no watch could be set up), every poll reads, as Kafka's task does. */
  #mustRead(): boolean {
    if (!this.#caughtUp || this.#changes.watched === null) return true;
    return this.#changes.takeChange() || performance.now() - this.#lastReadAt >= UNNOTIFIED_REREAD_MS;
  }

  /** The complete lines after the position, up to batch.size; none while the file does not exist. */
  async #readLines(): Promise<SourceRecord[]> {
    let reader = this.#reader;
    if (reader === null) {
      // The directory is watched before the file is looked for: a file created in between is notified.
      if (this.#changes.watched === null) await this.#changes.watchDirectory();
      this.#changes.takeChange();
      reader = await this.#open();
      if (reader === null) {
        // Nothing to read until the file appears.
        this.#caughtUp = true;
        this.#lastReadAt = performance.now();
        return [];
      }
      // Watched before it is read: a line appended after the read below is notified.
      await this.#changes.watchFile();
    }
    this.#changes.takeChange();
    this.#lastReadAt = performance.now();
    const records: SourceRecord[] = [];
    // Kafka stamps each record with the time it was read; one clock read per poll is enough.
    const now = Date.now();
    const count = await reader.read(this.#batchSize, (line, position) => {
      records.push(
        new SourceRecord({
          sourcePartition: this.#partition,
          sourceOffset: { [POSITION_FIELD]: position },
          topic: this.#topic,
          valueSchema: Schema.STRING_SCHEMA,
          value: line,
          timestamp: now,
        }),
      );
    });
    // Fewer lines than asked for: the end of the file, for now.
    this.#caughtUp = count < this.#batchSize;
    return records;
  }

  /** Opens the file at the committed position; null while the file does not exist (Kafka waits for it too). */
  async #open(): Promise<LineReader | null> {
    let handle: FileHandle;
    try {
      handle = await open(this.#file, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    try {
      const position = committedPosition(this.#file, await this.context.offsetStorageReader().offset(this.#partition));
      this.#handle = handle;
      this.#reader = new LineReader(handle, position);
      return this.#reader;
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async #close(): Promise<void> {
    this.#changes.close();
    const handle = this.#handle;
    this.#handle = null;
    this.#reader = null;
    await handle?.close();
  }
}

/** Where to resume: the committed position, or the start of the file when nothing was committed. */
function committedPosition(file: string, offset: SourceOffset | null): number {
  const position = offset?.[POSITION_FIELD] ?? null;
  if (position === null) return 0;
  if (typeof position !== 'number' || !Number.isSafeInteger(position) || position < 0) {
    // Kafka's "Offset position is the incorrect type", with what and where.
    throw new Error(
      `the committed offset of ${JSON.stringify({ [FILENAME_FIELD]: file })} has ${POSITION_FIELD}=${JSON.stringify(position)}: it must be a non-negative integer (a byte position)`,
    );
  }
  return position;
}
