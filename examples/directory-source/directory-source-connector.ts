/**
 * A worked example connector, written only against connectd's public SDK, imported as `connectd/sdk`
 * exactly as a third-party connector imports it (here a package self-reference: this file is inside
 * connectd's package). Every line of every file in a directory becomes a record. It shows the parts
 * a real source connector needs:
 *
 * - a ConfigDef (typed keys, defaults, validators, documentation);
 * - `taskConfigs(maxTasks)` spreading work (files) over tasks with `groupPartitions`;
 * - source partitions and offsets, so a restarted task resumes after the last committed line;
 * - a monitoring loop that notices new files and calls `requestTaskReconfiguration()`.
 *
 * Load it with `plugin.path=dist/examples/directory-source` and
 * `connector.class=DirectorySource`.
 */
import { readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConfigDef, Schema, SourceConnector, SourceRecord, SourceTask, Validators, groupPartitions } from 'connectd/sdk';
import type { ParsedConfig, TaskConfig } from 'connectd/sdk';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'directory',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Directory whose files are read, line by line.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'topic',
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'Topic to write the lines to.',
    validator: Validators.nonEmptyString(),
  })
  .define({
    name: 'file.suffix',
    type: 'STRING',
    default: '.txt',
    importance: 'MEDIUM',
    documentation: 'Only files whose name ends with this are read.',
  })
  .define({
    name: 'poll.interval.ms',
    type: 'INT',
    default: '1000',
    importance: 'LOW',
    documentation: 'How often the directory is listed for new files, and how long a task waits when it has nothing new.',
    validator: Validators.atLeast(10),
  })
  .define({
    name: 'batch.size',
    type: 'INT',
    default: '1000',
    importance: 'LOW',
    documentation: 'Most lines returned by one poll.',
    validator: Validators.atLeast(1),
  });

/** The task's share of the work travels in its task config under this key. */
const TASK_FILES = 'task.files';

function listFiles(config: ParsedConfig): string[] {
  const dir = config.getString('directory');
  const suffix = config.getString('file.suffix');
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort();
}

export class DirectorySourceConnector extends SourceConnector {
  #props: Readonly<Record<string, string>> = {};
  #config!: ParsedConfig;
  #files: string[] = [];
  #monitor: NodeJS.Timeout | undefined;

  version(): string {
    return '1.0.0';
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  start(props: Readonly<Record<string, string>>): void {
    this.#props = props;
    this.#config = CONFIG_DEF.parse(props);
    this.#files = listFiles(this.#config);
    // The dynamic-connector pattern: watch the source, and ask for new task configs when it changed.
    this.#monitor = setInterval(() => {
      try {
        const now = listFiles(this.#config);
        if (now.join('\n') !== this.#files.join('\n')) {
          this.#files = now;
          this.context.requestTaskReconfiguration();
        }
      } catch (err) {
        this.context.raiseError(err as Error);
      }
    }, this.#config.getInt('poll.interval.ms'));
  }

  taskClass(): new () => SourceTask {
    return DirectorySourceTask;
  }

  taskConfigs(maxTasks: number): TaskConfig[] {
    if (this.#files.length === 0) return [];
    return groupPartitions(this.#files, Math.min(this.#files.length, maxTasks)).map((files) => ({
      ...this.#props,
      [TASK_FILES]: files.join('/'),
    }));
  }

  stop(): void {
    clearInterval(this.#monitor);
  }
}

interface FileCursor {
  /** The source partition: one per file. Reused for every record, which the framework likes. */
  partition: { file: string };
  /** Byte position after the last line turned into a record, and that line's number. */
  position: number;
  line: number;
}

export class DirectorySourceTask extends SourceTask {
  #config!: ParsedConfig;
  #cursors: FileCursor[] = [];
  #stopping = new AbortController();

  version(): string {
    return '1.0.0';
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#config = CONFIG_DEF.parse(props);
    const files = (props[TASK_FILES] ?? '').split('/').filter((f) => f !== '');
    const partitions = files.map((file) => ({ file }));
    // Resume where the last committed offset of each file says.
    const offsets = await this.context.offsetStorageReader().offsets(partitions);
    this.#cursors = partitions.map((partition) => {
      const offset = offsets.get(partition);
      return { partition, position: Number(offset?.position ?? 0), line: Number(offset?.line ?? 0) };
    });
  }

  async poll(): Promise<SourceRecord[] | null> {
    const topic = this.#config.getString('topic');
    const dir = this.#config.getString('directory');
    const max = this.#config.getInt('batch.size');
    const records: SourceRecord[] = [];
    for (const cursor of this.#cursors) {
      if (records.length >= max) break;
      const lines = await readLinesFrom(path.join(dir, cursor.partition.file), cursor.position, max - records.length);
      for (const { text: line, end } of lines) {
        cursor.position = end;
        cursor.line++;
        records.push(
          new SourceRecord({
            sourcePartition: cursor.partition,
            // The byte position to resume from, and the line number for people reading offsets.
            sourceOffset: { position: cursor.position, line: cursor.line },
            topic,
            keySchema: Schema.STRING_SCHEMA,
            key: cursor.partition.file,
            valueSchema: Schema.STRING_SCHEMA,
            value: line,
          }),
        );
      }
    }
    if (records.length > 0) return records;
    // Nothing new: wait (or until stopped) instead of returning at once, so polling does not spin.
    await sleep(this.#config.getInt('poll.interval.ms'), undefined, { signal: this.#stopping.signal }).catch(() => undefined);
    return null;
  }

  stop(): void {
    this.#stopping.abort();
  }
}

const CHUNK = 64 * 1024;

/**
 * Up to `max` complete lines of a file from byte `position`, each with the position after its
 * newline. A last line without its newline is not complete yet: it is read on a later poll.
 */
async function readLinesFrom(file: string, position: number, max: number): Promise<{ text: string; end: number }[]> {
  const handle = await open(file, 'r');
  try {
    const lines: { text: string; end: number }[] = [];
    let pending = Buffer.alloc(0);
    let pendingStart = position;
    const chunk = Buffer.alloc(CHUNK);
    for (let at = position; lines.length < max;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK, at);
      if (bytesRead === 0) break;
      at += bytesRead;
      pending = Buffer.concat([pending, chunk.subarray(0, bytesRead)]);
      let newline: number;
      while (lines.length < max && (newline = pending.indexOf(10)) >= 0) {
        lines.push({ text: pending.subarray(0, newline).toString('utf8'), end: pendingStart + newline + 1 });
        pendingStart += newline + 1;
        pending = pending.subarray(newline + 1);
      }
    }
    return lines;
  } finally {
    await handle.close();
  }
}
