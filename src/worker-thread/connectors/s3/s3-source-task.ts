/**
 * A task of the S3 source connector: reads its share of the source partitions (key prefixes),
 * taking turns between them, each in key order from its committed offset.
 *
 * Records: the value per `object.format`; the key per `key.mode`; headers `s3.key` (the object's
 * key) and, for `lines` and `jsonl`, `s3.line` (the line number, from 1); no timestamp (Kafka
 * stamps the record when it is produced).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Schema, SourceRecord, SourceTask } from '../../sdk/index.js';
import type { Header, SourcePartition, TaskConfig } from '../../sdk/index.js';
import type { ObjectStore } from './object-store.js';
import { PartitionReader, parseOffset } from './partition-reader.js';
import type { ObjectUnit } from './partition-reader.js';
import { decodeSpecs } from './prefix-discovery.js';
import { openStore, parseSettings } from './s3-source-config.js';
import type { S3SourceSettings } from './s3-source-config.js';

export const VERSION = '0.1.0';

/** A task's share of the partitions travels in its task config under this key (JSON). */
export const TASK_PARTITIONS = 'task.partitions';

/** Keys listed per request: S3's maximum. */
const LIST_PAGE_SIZE = 1000;
/** Attempts to reopen an object whose download broke off before the task fails. */
const REOPEN_ATTEMPTS = 3;

interface Source {
  readonly partition: SourcePartition;
  readonly reader: PartitionReader;
}

export class S3SourceTask extends SourceTask {
  #settings!: S3SourceSettings;
  #store: ObjectStore | undefined;
  #sources: Source[] = [];
  /** The source whose turn it is to be read first. */
  #turn = 0;
  #stopping = new AbortController();
  #polling: Promise<unknown> | undefined;
  /** A unit that could not become a record, after records that could: thrown at the next poll. */
  #failure: Error | undefined;

  version(): string {
    return VERSION;
  }

  async start(props: Readonly<TaskConfig>): Promise<void> {
    this.#settings = parseSettings(props, 'S3 source task configuration');
    const specs = decodeSpecs(props[TASK_PARTITIONS]);
    this.#store = await openStore(this.#settings);
    const partitions = specs.map((spec) => ({
      bucket: this.#settings.bucket,
      prefix: spec.prefix,
      ...(spec.delimiter === undefined ? {} : { delimiter: spec.delimiter }),
    }));
    const offsets = await this.context.offsetStorageReader().offsets(partitions);
    const options = {
      format: this.#settings.format,
      compression: this.#settings.compression,
      changedPolicy: this.#settings.changedPolicy,
      listPageSize: LIST_PAGE_SIZE,
      idleListIntervalMs: this.#settings.pollIntervalMs,
      reopenAttempts: REOPEN_ATTEMPTS,
    };
    this.#sources = specs.map((spec, i) => {
      const partition = partitions[i]!;
      return { partition, reader: new PartitionReader(this.#store!, spec, parseOffset(offsets.get(partition)), options) };
    });
  }

  poll(): Promise<SourceRecord[] | null> {
    const polling = this.#poll();
    this.#polling = polling.catch(() => undefined);
    return polling;
  }

  async #poll(): Promise<SourceRecord[] | null> {
    if (this.#failure !== undefined) throw this.#failure;
    const max = this.#settings.batchSize;
    const records: SourceRecord[] = [];
    // Each source in turn, starting with the one after the last that gave records, so all advance.
    for (let n = 0; n < this.#sources.length && records.length < max && !this.#stopping.signal.aborted; n++) {
      const source = this.#sources[(this.#turn + n) % this.#sources.length]!;
      const units = await source.reader.read(max - records.length);
      for (const unit of units) {
        let record;
        try {
          record = this.#toRecord(source.partition, unit);
        } catch (err) {
          // The records before it go out (and their offsets commit), so a restart begins at this unit.
          if (records.length === 0) throw err;
          this.#failure = err as Error;
          return records;
        }
        if (record !== null) records.push(record);
      }
      if (units.length > 0) this.#turn = (this.#turn + n + 1) % this.#sources.length;
    }
    if (records.length > 0) return records;
    // Nothing new anywhere: wait (or until stopped) rather than spin; readers list again after the interval.
    await sleep(this.#settings.pollIntervalMs, undefined, { signal: this.#stopping.signal }).catch(() => undefined);
    return null;
  }

  async stop(): Promise<void> {
    this.#stopping.abort();
    // Let a poll under way finish with the streams it is reading, then close them.
    await this.#polling;
    for (const source of this.#sources) source.reader.close();
    this.#store?.close();
  }

  #toRecord(partition: SourcePartition, unit: ObjectUnit): SourceRecord | null {
    const { format, keyMode, topic } = this.#settings;
    const { key: objectKey, line } = unit.offset;
    let valueSchema: Schema | null;
    let value: unknown;
    if (format === 'lines') {
      valueSchema = Schema.STRING_SCHEMA;
      value = unit.bytes.toString('utf8');
    } else if (format === 'jsonl') {
      const text = unit.bytes.toString('utf8');
      if (text.trim() === '') return null;
      valueSchema = null;
      try {
        value = JSON.parse(text) as unknown;
      } catch (err) {
        throw new Error(
          `${this.#store!.description}/${objectKey} line ${line}: not JSON (${(err as Error).message}); object.format=jsonl needs one JSON value per line`,
          { cause: err },
        );
      }
    } else {
      valueSchema = Schema.BYTES_SCHEMA;
      value = unit.bytes;
    }
    const headers: Header[] = [{ key: 's3.key', value: objectKey }];
    if (format !== 'bytes') headers.push({ key: 's3.line', value: String(line) });
    const key = keyMode === 'none' ? null : keyMode === 'object-key-line' && format !== 'bytes' ? `${objectKey}:${line}` : objectKey;
    return new SourceRecord({
      sourcePartition: partition,
      sourceOffset: { ...unit.offset },
      topic,
      keySchema: key === null ? null : Schema.STRING_SCHEMA,
      key,
      valueSchema,
      value,
      headers,
    });
  }
}
