/**
 * A record batch (record-batch.ts) described for the binding's native `produceBatch`: where each
 * record's key, value and headers lie in the batch buffer, as rows of typed arrays. The supervisor
 * reads the buffer once with plain integer reads and builds no JS object per record; librdkafka
 * then copies the bytes straight out of the buffer.
 * Design: docs/design/2026-11-26-native-batch-produce.md.
 */
import { DROPPED_PARTITION, HEADER_BYTES, RECORD_FIXED_BYTES, assertRecordBatch } from '../../shared/record-batch.js';

/**
 * Int32 fields per record, in the binding's order: topic index, Kafka partition (-1: partitioner),
 * key offset, key length (-1: null), value offset, value length (-1: null), first header, header
 * count, opaque (the delivery report's handle on the record).
 */
export const LAYOUT_RECORD_FIELDS = 9;
/** Int32 fields per header: key offset, key length, value offset, value length. */
export const LAYOUT_HEADER_FIELDS = 4;
/** Where the opaque sits among a record's fields. */
export const LAYOUT_OPAQUE_FIELD = 8;

/** Told where each record's source offset lies (SubmittedBatch.locate), once per record, in order. */
export interface RecordLocator {
  locate(index: number, sourcePartition: number, offsetStart: number, offsetLength: number): void;
}

/**
 * The rows of the batch being produced. One instance serves every batch of a producer: only the
 * head of its queue is ever produced, and a batch is laid out when it becomes the head, so the
 * rows of a batch paused by QUEUE_FULL stay intact until it is done. Arrays only grow.
 */
export class RecordBatchLayout {
  records = new Int32Array(LAYOUT_RECORD_FIELDS * 1024);
  timestamps = new Float64Array(1024);
  headers = new Int32Array(LAYOUT_HEADER_FIELDS * 2048);
  /** Batch indexes of the records a transform dropped (not produced). */
  dropped = new Int32Array(64);
  droppedCount = 0;
  /** Records to produce: the batch's records minus the dropped ones, in batch order. */
  count = 0;
  data: Uint8Array = new Uint8Array(0);

  /**
   * Lays out `buffer`; each record's opaque is `opaqueBase + its index in the batch`. Returns the
   * number of records to produce.
   */
  fill(buffer: ArrayBuffer, opaqueBase: number, locator: RecordLocator): number {
    assertRecordBatch(buffer);
    const view = new DataView(buffer);
    const total = view.getUint32(4, true);
    if (this.timestamps.length < total) {
      this.records = new Int32Array(LAYOUT_RECORD_FIELDS * total);
      this.timestamps = new Float64Array(total);
    }
    // The header-key table: each key's bytes, once per batch.
    let tablePos = view.getUint32(8, true);
    const keyCount = view.getUint32(tablePos, true);
    tablePos += 4;
    const keyOffset = new Int32Array(keyCount);
    const keyLength = new Int32Array(keyCount);
    for (let k = 0; k < keyCount; k++) {
      keyLength[k] = view.getUint32(tablePos, true);
      keyOffset[k] = tablePos + 4;
      tablePos += 4 + keyLength[k]!;
    }

    const records = this.records;
    const timestamps = this.timestamps;
    let headers = this.headers;
    let headerRows = 0;
    let produced = 0;
    this.droppedCount = 0;
    let pos = HEADER_BYTES;
    for (let index = 0; index < total; index++) {
      const timestamp = view.getFloat64(pos, true);
      const partition = view.getInt32(pos + 8, true);
      const topicIndex = view.getUint32(pos + 12, true);
      const sourcePartition = view.getUint32(pos + 16, true);
      const keyLen = view.getInt32(pos + 20, true);
      const valueLen = view.getInt32(pos + 24, true);
      const offsetLength = view.getUint32(pos + 28, true);
      const headerCount = view.getUint32(pos + 32, true);
      pos += RECORD_FIXED_BYTES;
      const keyPos = pos;
      if (keyLen > 0) pos += keyLen;
      const valuePos = pos;
      if (valueLen > 0) pos += valueLen;
      locator.locate(index, sourcePartition, pos, offsetLength);
      pos += offsetLength;
      const firstHeader = headerRows;
      if (headerCount > 0) {
        if ((headerRows + headerCount) * LAYOUT_HEADER_FIELDS > headers.length) {
          const grown = new Int32Array(Math.max(headers.length * 2, (headerRows + headerCount) * LAYOUT_HEADER_FIELDS));
          grown.set(headers);
          headers = this.headers = grown;
        }
        for (let h = 0; h < headerCount; h++) {
          const key = view.getUint32(pos, true);
          const length = view.getInt32(pos + 4, true);
          pos += 8;
          const row = headerRows++ * LAYOUT_HEADER_FIELDS;
          headers[row] = keyOffset[key]!;
          headers[row + 1] = keyLength[key]!;
          // As on the per-record path: the client takes no null header value, an empty one is closest.
          headers[row + 2] = pos;
          headers[row + 3] = length < 0 ? 0 : length;
          if (length > 0) pos += length;
        }
      }
      if (partition === DROPPED_PARTITION) {
        if (this.droppedCount === this.dropped.length) {
          const grown = new Int32Array(this.dropped.length * 2);
          grown.set(this.dropped);
          this.dropped = grown;
        }
        this.dropped[this.droppedCount++] = index;
        headerRows = firstHeader;
        continue;
      }
      const row = produced * LAYOUT_RECORD_FIELDS;
      records[row] = topicIndex;
      records[row + 1] = partition;
      records[row + 2] = keyPos;
      records[row + 3] = keyLen;
      records[row + 4] = valuePos;
      records[row + 5] = valueLen;
      records[row + 6] = firstHeader;
      records[row + 7] = headerCount;
      records[row + LAYOUT_OPAQUE_FIELD] = opaqueBase + index;
      timestamps[produced] = timestamp;
      produced++;
    }
    this.count = produced;
    this.data = new Uint8Array(buffer);
    return produced;
  }
}
