/**
 * The binary form in which consumed records cross from the supervisor to a sink task's worker
 * thread: one ArrayBuffer per batch, transferred (not cloned). The supervisor copies each consumed
 * message's key, value and headers into it once; the worker reads them as views, converts them and
 * builds SinkRecords there. Imported on both sides: it must not load the Kafka client.
 *
 * Layout (little-endian), after an 8-byte header `u32 MAGIC, u32 recordCount`, per record:
 *   f64 offset | f64 timestamp (NaN = none) | i32 partition | u16 topicIndex | u8 timestampType
 *   u8 0 | i32 keyLength (-1 = null) | i32 valueLength (-1 = null) | u32 headerCount
 *   key bytes | value bytes | headers: (u16 keyLength, UTF-8 key, i32 valueLength (-1 = null), value)*
 * Topic names travel beside the buffer in a per-batch table.
 */
import type { TimestampType } from '../worker-thread/sdk/sink.js';

export const SINK_BATCH_MAGIC = 0x43534231; // "CSB1"
const HEADER_BYTES = 8;
const RECORD_FIXED_BYTES = 36;

const TIMESTAMP_TYPES: readonly TimestampType[] = ['NoTimestampType', 'CreateTime', 'LogAppendTime'];

/** What the supervisor takes from each consumed message (librdkafka's message shape, narrowed). */
export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: number;
  key?: Uint8Array | string | null;
  value: Uint8Array | null;
  timestamp?: number;
  /** 0 none, 1 create time, 2 log append time (librdkafka's rd_kafka_timestamp_type_t). */
  timestampType?: number;
  /** librdkafka's header form: one single-key object per header, in order. */
  headers?: readonly Record<string, Uint8Array | string | null>[];
  size?: number;
}

export interface EncodedSinkBatch {
  readonly count: number;
  /** Key, value and header bytes: what the in-flight byte budget counts. */
  readonly payloadBytes: number;
  readonly topics: string[];
  readonly buffer: ArrayBuffer;
}

function bytesOf(v: Uint8Array | string | null | undefined): Uint8Array | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

export function encodeSinkBatch(messages: readonly ConsumedMessage[]): EncodedSinkBatch {
  const topics: string[] = [];
  const topicIndex = new Map<string, number>();
  let size = HEADER_BYTES;
  let payloadBytes = 0;
  const headerKeys: Buffer[][] = [];
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    if (!topicIndex.has(m.topic)) {
      topicIndex.set(m.topic, topics.length);
      topics.push(m.topic);
    }
    const key = bytesOf(m.key);
    const payload = (key?.byteLength ?? 0) + (m.value?.byteLength ?? 0);
    size += RECORD_FIXED_BYTES + payload;
    payloadBytes += payload;
    const keys: Buffer[] = [];
    for (const header of m.headers ?? []) {
      for (const [k, v] of Object.entries(header)) {
        const kb = Buffer.from(k, 'utf8');
        keys.push(kb);
        const vb = bytesOf(v);
        size += 2 + kb.byteLength + 4 + (vb?.byteLength ?? 0);
        payloadBytes += kb.byteLength + (vb?.byteLength ?? 0);
      }
    }
    headerKeys.push(keys);
  }
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  view.setUint32(0, SINK_BATCH_MAGIC, true);
  view.setUint32(4, messages.length, true);
  let pos = HEADER_BYTES;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const key = bytesOf(m.key);
    view.setFloat64(pos, m.offset, true);
    view.setFloat64(pos + 8, m.timestamp === undefined || m.timestamp < 0 ? Number.NaN : m.timestamp, true);
    view.setInt32(pos + 16, m.partition, true);
    view.setUint16(pos + 20, topicIndex.get(m.topic)!, true);
    view.setUint8(pos + 22, m.timestampType ?? (m.timestamp === undefined ? 0 : 1));
    view.setInt32(pos + 24, key === null ? -1 : key.byteLength, true);
    view.setInt32(pos + 28, m.value === null ? -1 : m.value.byteLength, true);
    const keys = headerKeys[i]!;
    view.setUint32(pos + 32, keys.length, true);
    pos += RECORD_FIXED_BYTES;
    if (key !== null) {
      bytes.set(key, pos);
      pos += key.byteLength;
    }
    if (m.value !== null) {
      bytes.set(m.value, pos);
      pos += m.value.byteLength;
    }
    let h = 0;
    for (const header of m.headers ?? []) {
      for (const v of Object.values(header)) {
        const kb = keys[h++]!;
        view.setUint16(pos, kb.byteLength, true);
        bytes.set(kb, pos + 2);
        pos += 2 + kb.byteLength;
        const vb = bytesOf(v);
        view.setInt32(pos, vb === null ? -1 : vb.byteLength, true);
        pos += 4;
        if (vb !== null) {
          bytes.set(vb, pos);
          pos += vb.byteLength;
        }
      }
    }
  }
  return { count: messages.length, payloadBytes, topics, buffer };
}

/** One record of a sink batch, as views into the batch's buffer. */
export interface DecodedSinkRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number | null;
  timestampType: TimestampType;
  key: Uint8Array | null;
  value: Uint8Array | null;
  headers: { key: string; value: Uint8Array | null }[];
}

export function decodeSinkBatch(buffer: ArrayBuffer, topics: readonly string[]): DecodedSinkRecord[] {
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  if (view.getUint32(0, true) !== SINK_BATCH_MAGIC) throw new Error('not a sink batch (bad magic)');
  const count = view.getUint32(4, true);
  const out = new Array<DecodedSinkRecord>(count);
  const decoder = new TextDecoder();
  let pos = HEADER_BYTES;
  for (let i = 0; i < count; i++) {
    const offset = view.getFloat64(pos, true);
    const ts = view.getFloat64(pos + 8, true);
    const partition = view.getInt32(pos + 16, true);
    const topic = topics[view.getUint16(pos + 20, true)]!;
    const timestampType = TIMESTAMP_TYPES[view.getUint8(pos + 22)] ?? 'NoTimestampType';
    const keyLength = view.getInt32(pos + 24, true);
    const valueLength = view.getInt32(pos + 28, true);
    const headerCount = view.getUint32(pos + 32, true);
    pos += RECORD_FIXED_BYTES;
    const key = keyLength < 0 ? null : bytes.subarray(pos, pos + keyLength);
    pos += Math.max(0, keyLength);
    const value = valueLength < 0 ? null : bytes.subarray(pos, pos + valueLength);
    pos += Math.max(0, valueLength);
    const headers: DecodedSinkRecord['headers'] = [];
    for (let h = 0; h < headerCount; h++) {
      const kl = view.getUint16(pos, true);
      const hk = decoder.decode(bytes.subarray(pos + 2, pos + 2 + kl));
      pos += 2 + kl;
      const vl = view.getInt32(pos, true);
      pos += 4;
      headers.push({ key: hk, value: vl < 0 ? null : bytes.subarray(pos, pos + vl) });
      pos += Math.max(0, vl);
    }
    out[i] = { topic, partition, offset, timestamp: Number.isNaN(ts) ? null : ts, timestampType, key, value, headers };
  }
  return out;
}
