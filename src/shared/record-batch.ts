/**
 * The binary form in which records cross from a task's worker thread to the supervisor: one
 * ArrayBuffer per poll, transferred (not cloned). Design: docs/design/2026-11-25-thread-protocol.md.
 *
 * Layout (little-endian), after a 12-byte header `u32 MAGIC, u32 recordCount, u32 headerKeyTable`, per record:
 *   f64 timestamp (NaN = none) | i32 kafkaPartition (-1 = partitioner, -2 = dropped) | u32 topicIndex
 *   u32 sourcePartitionIndex | i32 keyLength (-1 = null) | i32 valueLength (-1 = null)
 *   u32 offsetLength | u32 headerCount
 *   key bytes | value bytes | offset (UTF-8 JSON) | headers: (u32 headerKeyIndex, i32 valueLength, value)*
 * then the header-key table at `headerKeyTable`: u32 count, (u32 length, UTF-8 key)* — each key
 * once per batch, so the supervisor decodes no header key per record.
 * Topic names and source partitions (as JSON) travel beside the buffer in per-batch tables, so the
 * supervisor decodes no string per record. Offsets stay bytes until an offset flush picks one.
 */
import type { Converter, HeaderConverter, SyncConverter } from '../worker-thread/data/converters.js';
import type { SourceRecord } from '../worker-thread/sdk/records.js';
import { connectJson } from './offset-json.js';

export const BATCH_MAGIC = 0x43444232; // "CDB2"
/**
 * The Kafka partition of a record a transform dropped: it is not produced, but its source offset
 * still counts (Kafka Connect's recordDropped), so later offsets of its source partition commit.
 */
export const DROPPED_PARTITION = -2;

/** Most records in one batch (the producer addresses them with 16 bits); larger polls are split. */
export const MAX_BATCH_RECORDS = 1 << 16;
/** magic, record count, byte position of the header-key table. */
export const HEADER_BYTES = 12;
export const RECORD_FIXED_BYTES = 36;

export interface EncodedBatch {
  readonly count: number;
  /** Bytes of record payload (keys, values, headers): what the in-flight byte budget counts. */
  readonly payloadBytes: number;
  readonly topics: string[];
  readonly sourcePartitions: string[];
  readonly buffer: ArrayBuffer;
}

/**
 * Converts and encodes one poll's records. Throws (naming the record's topic) when a converter
 * rejects a value; nothing of the batch is sent then.
 *
 * With converters that never wait (SyncConverter: every built-in one but AvroConverter) the result
 * is the batch itself. A converter that has to wait (a schema registry lookup on a cache miss, see
 * the Converter contract) returns a Promise for that record; from there on the batch is converted
 * asynchronously, record by record and in order (each converter's conversion awaited before its
 * next one), and encodeBatch returns a Promise of the same batch. A batch whose conversions all
 * return synchronously takes the synchronous path: no Promise, no allocation per record beyond the
 * converted bytes.
 */
export function encodeBatch(
  records: readonly SourceRecord[],
  keyConverter: SyncConverter,
  valueConverter: SyncConverter,
  headerConverter?: HeaderConverter,
): EncodedBatch;
export function encodeBatch(
  records: readonly SourceRecord[],
  keyConverter: Converter,
  valueConverter: Converter,
  headerConverter?: HeaderConverter,
): EncodedBatch | Promise<EncodedBatch>;
export function encodeBatch(
  records: readonly SourceRecord[],
  keyConverter: Converter,
  valueConverter: Converter,
  headerConverter?: HeaderConverter,
): EncodedBatch | Promise<EncodedBatch> {
  const batch = new BatchBuilder(records.length, headerConverter);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const keySchema = record.keySchema ?? null;
    // A converter whose bytes are a string's UTF-8 hands over the string: it is written straight
    // into the batch, without an intermediate byte array.
    const key = keyConverter.utf8Of?.(keySchema, record.key) ?? keyConverter.fromConnectData(record.topic, keySchema, record.key);
    if (key instanceof Promise) return encodeRest(batch, records, i, key, undefined, keyConverter, valueConverter);
    const valueSchema = record.valueSchema ?? null;
    const value =
      valueConverter.utf8Of?.(valueSchema, record.value) ?? valueConverter.fromConnectData(record.topic, valueSchema, record.value);
    if (value instanceof Promise) return encodeRest(batch, records, i, key, value, keyConverter, valueConverter);
    batch.add(record, key, value);
  }
  return batch.write(records);
}

/** The rest of a batch once a converter had to wait: record `from` on, each conversion awaited. */
async function encodeRest(
  batch: BatchBuilder,
  records: readonly SourceRecord[],
  from: number,
  firstKey: Uint8Array | string | null | Promise<Uint8Array | null>,
  firstValue: Promise<Uint8Array | null> | undefined,
  keyConverter: Converter,
  valueConverter: Converter,
): Promise<EncodedBatch> {
  for (let i = from; i < records.length; i++) {
    const record = records[i]!;
    const key = await (i === from ? firstKey : keyConverter.fromConnectData(record.topic, record.keySchema ?? null, record.key));
    const value = await (i === from && firstValue !== undefined
      ? firstValue
      : valueConverter.fromConnectData(record.topic, record.valueSchema ?? null, record.value));
    batch.add(record, key, value);
  }
  return batch.write(records);
}

/** One batch being encoded: the converted records (`add`, in order), then the buffer (`write`). */
class BatchBuilder {
  readonly #count: number;
  readonly #headerConverter: HeaderConverter | undefined;
  // Header values through the header converter (Kafka Connect's SimpleHeaderConverter by default),
  // in record order; without one, strings go as UTF-8 and bytes as they are.
  readonly #headerValues: (string | Uint8Array | null)[] = [];
  readonly #keys: (Uint8Array | string | null)[];
  readonly #values: (Uint8Array | string | null)[];
  readonly #offsets: string[];
  readonly #topicIndex = new Map<string, number>();
  /** Header keys, each once per batch: records refer to them by index (no key string per header). */
  readonly #headerKeyIndex = new Map<string, number>();
  readonly #headerKeys: string[] = [];
  readonly #headerKeyRefs: number[] = [];
  readonly #topics: string[] = [];
  // Tasks usually reuse one partition object per source partition: look it up by identity first.
  readonly #partitionByIdentity = new Map<object, number>();
  readonly #partitionByJson = new Map<string, number>();
  readonly #sourcePartitions: string[] = [];
  readonly #recordTopic: Uint32Array;
  readonly #recordPartition: Uint32Array;
  #added = 0;
  /** Fixed header plus the header-key table's count; records and table entries add to it. */
  #size = HEADER_BYTES + 4;
  #payloadBytes = 0;

  constructor(count: number, headerConverter: HeaderConverter | undefined) {
    this.#count = count;
    this.#headerConverter = headerConverter;
    this.#keys = new Array<Uint8Array | string | null>(count);
    this.#values = new Array<Uint8Array | string | null>(count);
    this.#offsets = new Array<string>(count);
    this.#recordTopic = new Uint32Array(count);
    this.#recordPartition = new Uint32Array(count);
  }

  add(record: SourceRecord, key: Uint8Array | string | null, value: Uint8Array | string | null): void {
    const i = this.#added++;
    let t = this.#topicIndex.get(record.topic);
    if (t === undefined) {
      t = this.#topics.length;
      this.#topics.push(record.topic);
      this.#topicIndex.set(record.topic, t);
    }
    this.#recordTopic[i] = t;

    let p = this.#partitionByIdentity.get(record.sourcePartition);
    if (p === undefined) {
      const json = connectJson(record.sourcePartition);
      p = this.#partitionByJson.get(json);
      if (p === undefined) {
        p = this.#sourcePartitions.length;
        this.#sourcePartitions.push(json);
        this.#partitionByJson.set(json, p);
      }
      this.#partitionByIdentity.set(record.sourcePartition, p);
    }
    this.#recordPartition[i] = p;

    this.#keys[i] = key;
    this.#values[i] = value;
    const offset = connectJson(record.sourceOffset);
    this.#offsets[i] = offset;
    let recordPayload = byteLength(key) + byteLength(value);
    const headerConverter = this.#headerConverter;
    for (const header of record.headers) {
      const converted =
        headerConverter === undefined
          ? header.value
          : (headerConverter.utf8Of?.(null, header.value) ??
            headerConverter.fromConnectHeader(record.topic, header.key, null, header.value));
      this.#headerValues.push(converted);
      let keyIndex = this.#headerKeyIndex.get(header.key);
      if (keyIndex === undefined) {
        keyIndex = this.#headerKeys.length;
        this.#headerKeys.push(header.key);
        this.#headerKeyIndex.set(header.key, keyIndex);
        // The table entry: worst case 3 UTF-8 bytes per UTF-16 unit.
        this.#size += 4 + header.key.length * 3;
      }
      this.#headerKeyRefs.push(keyIndex);
      recordPayload += header.key.length + headerValueSize(converted);
      // Worst case 3 UTF-8 bytes per UTF-16 unit for string values; the slack is not payload.
      this.#size += 8 + (typeof converted === 'string' ? converted.length * 3 : headerValueSize(converted));
    }
    this.#payloadBytes += recordPayload;
    this.#size += RECORD_FIXED_BYTES + byteLength(key) + byteLength(value) + offset.length * 3;
  }

  write(records: readonly SourceRecord[]): EncodedBatch {
    const count = this.#count;
    const keys = this.#keys;
    const values = this.#values;
    const offsets = this.#offsets;
    const headerValues = this.#headerValues;
    const recordTopic = this.#recordTopic;
    const recordPartition = this.#recordPartition;
    const buffer = new ArrayBuffer(this.#size);
    // One Buffer view for the whole batch: strings are written at an offset, with no view per write.
    const bytes = Buffer.from(buffer);
    const view = new DataView(buffer);
    view.setUint32(0, BATCH_MAGIC, true);
    view.setUint32(4, count, true);
    let pos = HEADER_BYTES;
    let headerIndex = 0;
    for (let i = 0; i < count; i++) {
      const record = records[i]!;
      view.setFloat64(pos, record.timestamp ?? Number.NaN, true);
      view.setInt32(pos + 8, record.kafkaPartition ?? -1, true);
      view.setUint32(pos + 12, recordTopic[i]!, true);
      view.setUint32(pos + 16, recordPartition[i]!, true);
      view.setUint32(pos + 32, record.headers.length, true);
      const recordStart = pos;
      pos += RECORD_FIXED_BYTES;
      const keyLength = writeValue(bytes, pos, keys[i]!);
      view.setInt32(recordStart + 20, keyLength, true);
      if (keyLength > 0) pos += keyLength;
      const valueLength = writeValue(bytes, pos, values[i]!);
      view.setInt32(recordStart + 24, valueLength, true);
      if (valueLength > 0) pos += valueLength;
      const written = bytes.write(offsets[i]!, pos);
      view.setUint32(recordStart + 28, written, true);
      pos += written;
      for (let h = 0; h < record.headers.length; h++) {
        view.setUint32(pos, this.#headerKeyRefs[headerIndex]!, true);
        const n = writeValue(bytes, pos + 8, headerValues[headerIndex++]!);
        view.setInt32(pos + 4, n, true);
        pos += 8 + (n > 0 ? n : 0);
      }
    }
    view.setUint32(8, pos, true);
    view.setUint32(pos, this.#headerKeys.length, true);
    pos += 4;
    for (const key of this.#headerKeys) {
      const n = bytes.write(key, pos + 4);
      view.setUint32(pos, n, true);
      pos += 4 + n;
    }
    return { count, payloadBytes: this.#payloadBytes, topics: this.#topics, sourcePartitions: this.#sourcePartitions, buffer };
  }
}

function headerValueSize(value: string | Uint8Array | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? value.length : value.byteLength;
}

/** Exact size of a key or value in the batch: what the in-flight byte budget counts. */
function byteLength(value: string | Uint8Array | null): number {
  if (value === null) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
}

/** Writes a key, value or header value at `pos`; returns its length, or -1 for null. */
function writeValue(bytes: Buffer, pos: number, value: string | Uint8Array | null): number {
  if (value === null) return -1;
  if (typeof value === 'string') return value.length === 0 ? 0 : bytes.write(value, pos);
  bytes.set(value, pos);
  return value.byteLength;
}

/** Throws unless `buffer` starts like a batch of this format. */
export function assertRecordBatch(buffer: ArrayBuffer): void {
  if (buffer.byteLength < HEADER_BYTES || new DataView(buffer).getUint32(0, true) !== BATCH_MAGIC) {
    throw new Error('record batch: bad magic (not a connectd batch, or a protocol version mismatch)');
  }
}

/** One decoded header, as the Kafka client's produce() takes it: `{ [key]: value }`. */
export type ProducerHeader = Record<string, Buffer>;

/**
 * Walks a batch on the supervisor's thread. Fields describe the current record after `next()`;
 * key and value are views into the batch buffer (no copy: the Kafka client copies on produce).
 */
export class RecordBatchReader {
  readonly count: number;
  index = -1;
  timestamp: number | undefined = undefined;
  kafkaPartition = -1;
  topicIndex = 0;
  sourcePartitionIndex = 0;
  key: Buffer | null = null;
  value: Buffer | null = null;
  /** Byte range of the record's source offset JSON within the buffer. */
  offsetStart = 0;
  offsetLength = 0;
  headers: ProducerHeader[] | undefined = undefined;

  readonly #buffer: ArrayBuffer;
  readonly #view: DataView;
  #pos = HEADER_BYTES;

  /** The batch's header keys, decoded once. */
  readonly #headerKeys: string[] = [];

  constructor(buffer: ArrayBuffer) {
    this.#buffer = buffer;
    this.#view = new DataView(buffer);
    assertRecordBatch(buffer);
    this.count = this.#view.getUint32(4, true);
    let pos = this.#view.getUint32(8, true);
    const keys = this.#view.getUint32(pos, true);
    pos += 4;
    for (let k = 0; k < keys; k++) {
      const length = this.#view.getUint32(pos, true);
      this.#headerKeys.push(Buffer.from(buffer, pos + 4, length).toString('utf8'));
      pos += 4 + length;
    }
  }

  next(): boolean {
    if (this.index + 1 >= this.count) return false;
    this.index++;
    const view = this.#view;
    let pos = this.#pos;
    const ts = view.getFloat64(pos, true);
    this.timestamp = Number.isNaN(ts) ? undefined : ts;
    this.kafkaPartition = view.getInt32(pos + 8, true);
    this.topicIndex = view.getUint32(pos + 12, true);
    this.sourcePartitionIndex = view.getUint32(pos + 16, true);
    const keyLength = view.getInt32(pos + 20, true);
    const valueLength = view.getInt32(pos + 24, true);
    const offsetLength = view.getUint32(pos + 28, true);
    const headerCount = view.getUint32(pos + 32, true);
    pos += RECORD_FIXED_BYTES;
    if (keyLength < 0) this.key = null;
    else {
      this.key = Buffer.from(this.#buffer, pos, keyLength);
      pos += keyLength;
    }
    if (valueLength < 0) this.value = null;
    else {
      this.value = Buffer.from(this.#buffer, pos, valueLength);
      pos += valueLength;
    }
    this.offsetStart = pos;
    this.offsetLength = offsetLength;
    pos += offsetLength;
    if (headerCount === 0) this.headers = undefined;
    else {
      const headers: ProducerHeader[] = [];
      for (let h = 0; h < headerCount; h++) {
        const key = this.#headerKeys[view.getUint32(pos, true)]!;
        const valueLen = view.getInt32(pos + 4, true);
        pos += 8;
        // The Kafka client takes no null header value: an empty value is the closest it can carry.
        const headerValue = valueLen < 0 ? Buffer.alloc(0) : Buffer.from(this.#buffer, pos, valueLen);
        if (valueLen > 0) pos += valueLen;
        headers.push({ [key]: headerValue });
      }
      this.headers = headers;
    }
    this.#pos = pos;
    return true;
  }
}

const utf8Decoder = new TextDecoder();

/** Decodes the source offset JSON stored at `[start, start+length)` of a batch buffer. */
export function decodeOffsetJson(buffer: ArrayBuffer, start: number, length: number): string {
  return utf8Decoder.decode(new Uint8Array(buffer, start, length));
}
