/**
 * Distributed mode's offset store: Kafka Connect's KafkaOffsetBackingStore, on the compacted topic
 * `offset.storage.topic`. Records are exactly Kafka Connect's: key `["<connector>",{<partition>}]`,
 * value the offset JSON, a null value (tombstone) deletes, and the key's bytes pick the partition
 * as Java's default partitioner does (murmur2), so either runtime finds the other's offsets.
 *
 * The view `get`/`entries` answer from is built by reading the whole topic at start and then every
 * record as it arrives; another worker's writes appear after `readToEnd()`. This worker's own writes
 * appear as soon as Kafka acknowledged them: an older record of the same key consumed later (another
 * worker's, written before ours) does not hide the newer one.
 */
import { storeLog } from '../kafka/kafka-based-log.js';
import type { KafkaBasedLog, LogRecord, RecordPosition, StoreTopicOptions } from '../kafka/kafka-based-log.js';
import type { OffsetBackingStore } from './offset-backing-store.js';

/** `offset.storage.topic`, `.partitions` (Kafka Connect's default 25), `.replication.factor` (3). */
export type KafkaOffsetBackingStoreOptions = StoreTopicOptions;

export const OFFSET_STORAGE_DEFAULT_PARTITIONS = 25;
export const OFFSET_STORAGE_DEFAULT_REPLICATION_FACTOR = 3;

export class KafkaOffsetBackingStore implements OffsetBackingStore {
  readonly #log: KafkaBasedLog;
  readonly #startTimeoutMs: number;
  readonly #data = new Map<string, string>();
  /**
   * Keys this store wrote, with where Kafka put the newest such record, until the consumer reaches
   * it: records of the key below that offset are older and must not replace what was acknowledged.
   */
  readonly #acknowledgedAhead = new Map<string, RecordPosition>();

  constructor(options: KafkaOffsetBackingStoreOptions) {
    this.#startTimeoutMs = options.startTimeoutMs ?? 60_000;
    this.#log = storeLog(
      options,
      {
        clientId: 'connectd-offsets',
        partitions: OFFSET_STORAGE_DEFAULT_PARTITIONS,
        replicationFactor: OFFSET_STORAGE_DEFAULT_REPLICATION_FACTOR,
      },
      (record) => this.#onRecord(record),
      options.logger.child({ store: 'offsets' }),
    );
  }

  get topic(): string {
    return this.#log.topic;
  }

  async start(): Promise<void> {
    await this.#log.start(this.#startTimeoutMs);
  }

  /** Catches up with the topic: afterwards the view holds every record written before the call. */
  readToEnd(timeoutMs?: number): Promise<void> {
    return this.#log.readToEnd(timeoutMs);
  }

  get(keys: readonly string[]): (string | null)[] {
    return keys.map((k) => this.#data.get(k) ?? null);
  }

  entries(): Iterable<[string, string]> {
    return [...this.#data];
  }

  /**
   * Writes every entry (null: a tombstone) and resolves once Kafka acknowledged all of them; rejects
   * with the first failure once every record was answered. Records are handed to the producer in
   * call order and the producer is idempotent, so a later set of a key lands after an earlier one.
   */
  async set(entries: ReadonlyMap<string, string | null>): Promise<void> {
    const writes = [...entries].map(async ([key, value]) => {
      const position = await this.#log.send(key, value);
      this.#applyAcknowledged(key, value, position);
    });
    const results = await Promise.allSettled(writes);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure !== undefined) {
      const failed = results.filter((r) => r.status === 'rejected').length;
      throw new Error(
        `writing ${failed} of ${entries.size} offsets to topic ${this.#log.topic} failed: ${(failure.reason as Error).message}`,
      );
    }
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  #applyAcknowledged(key: string, value: string | null, position: RecordPosition): void {
    // Already consumed (the fetch beat the acknowledgement): the view holds it, or something newer.
    if (this.#log.consumedUpTo(position.partition) > position.offset) return;
    const ahead = this.#acknowledgedAhead.get(key);
    if (ahead !== undefined && ahead.partition === position.partition && ahead.offset > position.offset) return;
    this.#acknowledgedAhead.set(key, position);
    if (value === null) this.#data.delete(key);
    else this.#data.set(key, value);
  }

  #onRecord(record: LogRecord): void {
    // Kafka Connect ignores records without a key as well (they name no source partition).
    if (record.key === null) return;
    const key = record.key.toString('utf8');
    const ahead = this.#acknowledgedAhead.get(key);
    if (ahead !== undefined && ahead.partition === record.partition) {
      if (record.offset < ahead.offset) return;
      this.#acknowledgedAhead.delete(key);
    }
    if (record.value === null) this.#data.delete(key);
    else this.#data.set(key, record.value.toString('utf8'));
  }
}
