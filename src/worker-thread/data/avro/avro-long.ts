/**
 * The Avro long type with bigint values, for avsc (whose own long refuses anything past 2^53):
 * connectd's INT64 values are bigints (schema.ts), so every long keeps its 64 bits both ways.
 *
 * avsc hands the type the raw zig-zag varint bytes and writes back what it returns ("noUnpack"), so
 * the encoding is done here: small values with number arithmetic, the rest with bigints.
 */
import avro from 'avsc';
import type { Type } from 'avsc';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
/** Below 2^51 in magnitude, the zig-zag value fits a double exactly. */
const SMALL = 2n ** 51n;

/** The zig-zag varint bytes of a 64-bit integer, as Avro writes a long. */
export function encodeLong(n: bigint): Buffer {
  if (n > -SMALL && n < SMALL) {
    const v = Number(n);
    let z = v >= 0 ? v * 2 : -v * 2 - 1;
    let length = 1;
    for (let t = z; t >= 128; t = Math.floor(t / 128)) length++;
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length - 1; i++) {
      out[i] = (z % 128) | 0x80;
      z = Math.floor(z / 128);
    }
    out[length - 1] = z;
    return out;
  }
  let z = BigInt.asUintN(64, (n << 1n) ^ (n >> 63n));
  const bytes: number[] = [];
  while (z >= 0x80n) {
    bytes.push(Number(z & 0x7fn) | 0x80);
    z >>= 7n;
  }
  bytes.push(Number(z));
  return Buffer.from(bytes);
}

/** The 64-bit integer of zig-zag varint bytes. */
export function decodeLong(bytes: Uint8Array): bigint {
  if (bytes.length <= 7) {
    let z = 0;
    let scale = 1;
    for (const b of bytes) {
      z += (b & 0x7f) * scale;
      scale *= 128;
    }
    return BigInt(z % 2 === 0 ? z / 2 : -(z + 1) / 2);
  }
  let z = 0n;
  let shift = 0n;
  for (const b of bytes) {
    z |= BigInt(b & 0x7f) << shift;
    shift += 7n;
  }
  z = BigInt.asUintN(64, z);
  return (z >> 1n) ^ -(z & 1n);
}

/** avsc's long, with bigint values. Type.forSchema takes it through `LONG_TYPE_HOOK`. */
export const LONG_TYPE: Type = avro.types.LongType.__with(
  {
    fromBuffer: decodeLong,
    toBuffer: encodeLong,
    fromJSON: (value: unknown) => BigInt(value as number | bigint | string),
    toJSON: (value: bigint) => value,
    isValid: (value: unknown) => typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX,
    compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
  },
  true,
);

/**
 * A `typeHook` for Type.forSchema that makes every long (`"long"`, or `{"type":"long", …}` with
 * properties such as a logicalType, which avsc's registry option does not reach) connectd's.
 */
export function LONG_TYPE_HOOK(schema: unknown): Type | undefined {
  if (schema === 'long') return LONG_TYPE;
  if (typeof schema === 'object' && schema !== null && (schema as { type?: unknown }).type === 'long') return LONG_TYPE;
  return undefined;
}
