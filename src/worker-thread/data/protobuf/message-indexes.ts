/**
 * Confluent's Protobuf wire format (`io.confluent.kafka.serializers.protobuf`, MessageIndexes):
 *
 *     byte 0: magic 0 | bytes 1-4: schema id, big-endian | message indexes | protobuf binary
 *
 * A registered .proto file may hold several messages, so the bytes say which one the value is: the
 * path of indexes from the file's top-level messages down through nested ones (`[1, 0]` is the first
 * message nested in the file's second message). It is written as a count, then each index, all as
 * zig-zag varints (Kafka's ByteUtils.writeVarint). The path `[0]`, by far the most common, is written
 * as the single byte 0 (a count of zero), which is why a reader takes an empty list as `[0]`.
 */
import { DataException } from '../errors.js';

export const MAGIC_BYTE = 0;
/** Magic byte and schema id. */
export const WIRE_HEADER_BYTES = 5;

function zigZagVarint(value: number, out: number[]): void {
  let v = ((value << 1) ^ (value >> 31)) >>> 0;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/** The message-index bytes of a path; `[0]` is the single byte 0. */
export function encodeMessageIndexes(indexes: readonly number[]): Uint8Array {
  if (indexes.length === 1 && indexes[0] === 0) return Uint8Array.of(0);
  const out: number[] = [];
  zigZagVarint(indexes.length, out);
  for (const index of indexes) zigZagVarint(index, out);
  return Uint8Array.from(out);
}

/** Reads one zig-zag varint of at most 5 bytes (a 32-bit value), as Kafka's ByteUtils.readVarint. */
function readZigZagVarint(bytes: Uint8Array, at: { offset: number }): number {
  let value = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (at.offset >= bytes.length) throw new DataException('the message indexes end early (truncated message)');
    const b = bytes[at.offset++]!;
    value |= (b & 0x7f) << shift;
    if ((b & 0x80) === 0) return (value >>> 1) ^ -(value & 1);
  }
  throw new DataException('a message index is not a valid varint (more than 5 bytes)');
}

/**
 * The message path at `offset` (after the magic byte and id) and where the protobuf binary starts.
 * Throws a DataException for a negative or absurd count or index.
 */
export function decodeMessageIndexes(bytes: Uint8Array, offset: number): { indexes: number[]; offset: number } {
  const at = { offset };
  const count = readZigZagVarint(bytes, at);
  if (count === 0) return { indexes: [0], offset: at.offset };
  if (count < 0 || count > bytes.length - at.offset) throw new DataException(`invalid message index count ${count}`);
  const indexes: number[] = [];
  for (let i = 0; i < count; i++) {
    const index = readZigZagVarint(bytes, at);
    if (index < 0) throw new DataException(`invalid message index ${index}`);
    indexes.push(index);
  }
  return { indexes, offset: at.offset };
}
