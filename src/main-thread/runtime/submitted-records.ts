/**
 * Kafka Connect's SubmittedRecords, per source task, on the supervisor's thread: which source offsets
 * may be committed, given acknowledgements that arrive out of order across Kafka partitions.
 *
 * Rule: for each source partition, the committable offset is that of the latest record such that it
 * and every record polled before it from the same source partition were acknowledged by Kafka.
 *
 * Costs: an ack is a flag and a counter. When the oldest batch becomes fully acknowledged it is
 * folded at once — its last offset per source partition kept, its buffer dropped — so memory stays
 * bounded by the task's in-flight credit, not by the offset flush interval. The walk over partly
 * acknowledged batches runs once per offset flush.
 */
import { decodeOffsetJson } from '../../shared/record-batch.js';
import type { ReleasedBatch } from '../../shared/protocol.js';

export class SubmittedBatch {
  readonly id: number;
  readonly count: number;
  readonly payloadBytes: number;
  readonly sourcePartitions: readonly string[];
  /** Filled by the producer as it walks the batch. */
  readonly sourcePartitionIndex: Uint32Array;
  readonly offsetStart: Uint32Array;
  readonly offsetLength: Uint32Array;
  readonly lastIndexOfPartition: Int32Array;
  readonly acked: Uint8Array;
  /** Where Kafka stored each record; kept only when the task wants commitRecord. */
  readonly kafkaPartitions: Int32Array | undefined;
  readonly kafkaOffsets: Float64Array | undefined;
  buffer: ArrayBuffer;
  pending: number;
  /** performance.now() when the batch reached the supervisor. */
  readonly receivedAt = performance.now();
  /** performance.now() (this thread's clock) when the task's poll() returned the batch's records. */
  readonly polledAt: number;

  constructor(
    id: number,
    count: number,
    payloadBytes: number,
    buffer: ArrayBuffer,
    sourcePartitions: readonly string[],
    keepMetadata: boolean,
    polledAt = this.receivedAt,
  ) {
    this.polledAt = Math.min(polledAt, this.receivedAt);
    this.id = id;
    this.count = count;
    this.payloadBytes = payloadBytes;
    this.buffer = buffer;
    this.sourcePartitions = sourcePartitions;
    this.sourcePartitionIndex = new Uint32Array(count);
    this.offsetStart = new Uint32Array(count);
    this.offsetLength = new Uint32Array(count);
    this.lastIndexOfPartition = new Int32Array(sourcePartitions.length).fill(-1);
    this.acked = new Uint8Array(count);
    this.pending = count;
    if (keepMetadata) {
      this.kafkaPartitions = new Int32Array(count).fill(-1);
      this.kafkaOffsets = new Float64Array(count).fill(-1);
    }
  }

  /** Notes where record `index`'s source offset lies; called once per record, in order. */
  locate(index: number, sourcePartition: number, offsetStart: number, offsetLength: number): void {
    this.sourcePartitionIndex[index] = sourcePartition;
    this.offsetStart[index] = offsetStart;
    this.offsetLength[index] = offsetLength;
    this.lastIndexOfPartition[sourcePartition] = index;
  }

  /** Kafka acknowledged record `index`; returns true when that completes the batch. */
  ack(index: number, partition: number, offset: number): boolean {
    if (this.acked[index] === 1) return false;
    this.acked[index] = 1;
    if (this.kafkaPartitions !== undefined) {
      this.kafkaPartitions[index] = partition;
      this.kafkaOffsets![index] = offset;
    }
    return --this.pending === 0;
  }

  offsetJson(index: number): string | null {
    const length = this.offsetLength[index]!;
    return length === 0 ? null : decodeOffsetJson(this.buffer, this.offsetStart[index]!, length);
  }
}

/** What one offset flush persists, and what it hands back to the task once persisted. */
export interface CommitSnapshot {
  /** Source partition (JSON) → offset (JSON): what is committable now (may repeat an unchanged offset). */
  readonly offsets: Map<string, string>;
  readonly released: ReleasedBatch[];
}

export class SubmittedRecords {
  /** Batches not yet folded, in submission order. */
  readonly #batches: SubmittedBatch[] = [];
  #folded = new Map<string, string>();
  #released: ReleasedBatch[] = [];

  submit(batch: SubmittedBatch): void {
    this.#batches.push(batch);
  }

  /** Records submitted and not yet acknowledged. */
  inFlightRecords(): number {
    let n = 0;
    for (const b of this.#batches) n += b.pending;
    return n;
  }

  /** Folds the fully acknowledged batches at the head. Call when a batch completes. */
  foldCompleted(): void {
    let n = 0;
    for (const batch of this.#batches) {
      if (batch.pending !== 0) break;
      for (let p = 0; p < batch.sourcePartitions.length; p++) {
        const last = batch.lastIndexOfPartition[p]!;
        const offset = last >= 0 ? batch.offsetJson(last) : null;
        if (offset !== null) this.#folded.set(batch.sourcePartitions[p]!, offset);
      }
      const released: ReleasedBatch = { id: batch.id };
      if (batch.kafkaPartitions !== undefined) {
        released.kafkaPartitions = batch.kafkaPartitions;
        released.kafkaOffsets = batch.kafkaOffsets!;
      }
      this.#released.push(released);
      n++;
    }
    if (n > 0) this.#batches.splice(0, n);
  }

  /**
   * Takes what can be committed now. Hand it back with `restore` if persisting it fails, so the
   * next flush tries again and nothing is skipped.
   */
  takeSnapshot(): CommitSnapshot {
    const offsets = this.#folded;
    const released = this.#released;
    this.#folded = new Map();
    this.#released = [];
    const blocked = new Set<string>();
    for (const batch of this.#batches) {
      const last = new Int32Array(batch.sourcePartitions.length).fill(-1);
      const partitionBlocked = batch.sourcePartitions.map((p) => blocked.has(p));
      for (let i = 0; i < batch.count; i++) {
        const p = batch.sourcePartitionIndex[i]!;
        if (partitionBlocked[p]) continue;
        if (batch.acked[i] === 1) last[p] = i;
        else partitionBlocked[p] = true;
      }
      for (let p = 0; p < last.length; p++) {
        const key = batch.sourcePartitions[p]!;
        const offset = last[p]! >= 0 ? batch.offsetJson(last[p]!) : null;
        if (offset !== null) offsets.set(key, offset);
        if (partitionBlocked[p]) blocked.add(key);
      }
    }
    return { offsets, released };
  }

  /** Puts back a snapshot whose persistence failed; newer folds win over its offsets. */
  restore(snapshot: CommitSnapshot): void {
    for (const [key, offset] of snapshot.offsets) if (!this.#folded.has(key)) this.#folded.set(key, offset);
    this.#released = [...snapshot.released, ...this.#released];
  }
}
