/**
 * Cast's value conversions (Kafka's Cast.castValueToType and the castToX methods): Java's
 * `Number.byteValue()`…`doubleValue()` narrowing, `Byte.parseByte`…`Double.parseDouble` and
 * `Boolean.parseBoolean` for strings, `toString()` for the string target.
 *
 * Kafka decides by the value's Java class. Here a schema says it; without one the JavaScript type
 * does, as elsewhere in connectd: a bigint is a Long, a number an Integer when it is an integer in
 * range, a Long when it is a larger safe integer, a Double otherwise.
 */
import { BigDecimal } from '../data/big-decimal.js';
import { DataException } from '../data/errors.js';
import { isPlainObject } from '../data/equality.js';
import {
  decimalToFloat32,
  decimalToIntN,
  decimalToLong,
  doubleToLong,
  javaDoubleToString,
  javaFloatToString,
} from '../data/java-numbers.js';
import { ConnectDate, Time, Timestamp } from '../data/logical-types.js';
import { LogicalTypeName, SchemaType } from '../data/schema.js';
import type { Schema } from '../data/schema.js';
import { Struct } from '../data/struct.js';
import { formatTemporal } from '../data/values-text.js';
import { typeName } from './util/requirements.js';

export const SUPPORTED_CAST_INPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
];
export const SUPPORTED_CAST_OUTPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
];

/** A value as the Java object Kafka would hold: its class decides each conversion. */
type JavaValue =
  | { readonly kind: 'integer'; readonly bits: 8 | 16 | 32 | 64; readonly value: bigint }
  | { readonly kind: 'float'; readonly bits: 32 | 64; readonly value: number }
  | { readonly kind: 'decimal'; readonly value: BigDecimal }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'date'; readonly value: Date };

/** ConnectSchema.schemaType(value.getClass()) for a schemaless value; null where Connect has no type. */
function inferType(value: unknown): SchemaType | null {
  switch (typeof value) {
    case 'number':
      if (!Number.isSafeInteger(value)) return SchemaType.FLOAT64;
      return value >= -2147483648 && value <= 2147483647 ? SchemaType.INT32 : SchemaType.INT64;
    case 'bigint':
      return SchemaType.INT64;
    case 'boolean':
      return SchemaType.BOOLEAN;
    case 'string':
      return SchemaType.STRING;
    default:
      break;
  }
  if (value instanceof Uint8Array) return SchemaType.BYTES;
  if (Array.isArray(value)) return SchemaType.ARRAY;
  if (value instanceof Map || isPlainObject(value)) return SchemaType.MAP;
  if (value instanceof Struct) return SchemaType.STRUCT;
  return null;
}

function asJavaValue(type: SchemaType, value: unknown): JavaValue {
  if (value instanceof BigDecimal) return { kind: 'decimal', value };
  if (value instanceof Date) return { kind: 'date', value };
  switch (type) {
    case SchemaType.INT8:
      return { kind: 'integer', bits: 8, value: BigInt(value as number) };
    case SchemaType.INT16:
      return { kind: 'integer', bits: 16, value: BigInt(value as number) };
    case SchemaType.INT32:
      return { kind: 'integer', bits: 32, value: BigInt(value as number) };
    case SchemaType.INT64:
      return { kind: 'integer', bits: 64, value: BigInt(value as number | bigint) };
    case SchemaType.FLOAT32:
      return { kind: 'float', bits: 32, value: value as number };
    case SchemaType.FLOAT64:
      return { kind: 'float', bits: 64, value: value as number };
    case SchemaType.BOOLEAN:
      return { kind: 'boolean', value: value as boolean };
    case SchemaType.STRING:
      return { kind: 'string', value: value as string };
    default:
      return { kind: 'bytes', value: value as Uint8Array };
  }
}

/** Cast's encodeLogicalType: a Date, Time or Timestamp as its INT32/INT64 encoding, for a non-string target. */
function encodeLogicalType(schema: Schema, value: unknown): unknown {
  switch (schema.name) {
    case LogicalTypeName.DATE:
      return ConnectDate.fromLogical(schema, value as Date);
    case LogicalTypeName.TIME:
      return Time.fromLogical(schema, value as Date);
    case LogicalTypeName.TIMESTAMP:
      return Timestamp.fromLogical(schema, value as Date);
    default:
      return value;
  }
}

/** Thrown where Java throws NumberFormatException; castValueToType reports it as Kafka does. */
class NumberFormatError extends Error {}

/** Kafka's Cast.castValueToType: `value` (of `schema`, or schemaless when null) as `targetType`. */
export function castValueToType(schema: Schema | null, value: unknown, targetType: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema === null ? inferType(value) : schema.type;
  if (inferred === null)
    throw new DataException(
      `Cast transformation was passed a value of type ${typeName(value)} which is not supported by Connect's data API`,
    );
  if (!SUPPORTED_CAST_INPUT_TYPES.includes(inferred)) {
    throw new DataException(
      `Cast transformation does not support casting from ${inferred}; supported types are [${SUPPORTED_CAST_INPUT_TYPES.join(', ')}]`,
    );
  }
  let encoded: unknown = value;
  let encodedType = inferred;
  if (schema !== null && schema.name !== null && targetType !== SchemaType.STRING) {
    encoded = encodeLogicalType(schema, value);
    if (encoded !== value) encodedType = typeof encoded === 'bigint' ? SchemaType.INT64 : SchemaType.INT32;
  }
  const java = asJavaValue(encodedType, encoded);
  try {
    return castTo(targetType, java);
  } catch (err) {
    if (err instanceof NumberFormatError)
      throw new DataException(`Value (${String(encoded)}) was out of range for requested data type`, { cause: err });
    throw err;
  }
}

function castTo(target: SchemaType, v: JavaValue): unknown {
  switch (target) {
    case SchemaType.INT8:
      return Number(integerValue(v, 8, () => parseJavaInteger(stringOf(v), 8)));
    case SchemaType.INT16:
      return Number(integerValue(v, 16, () => parseJavaInteger(stringOf(v), 16)));
    case SchemaType.INT32:
      return Number(integerValue(v, 32, () => parseJavaInteger(stringOf(v), 32)));
    case SchemaType.INT64:
      return integerValue(v, 64, () => parseJavaInteger(stringOf(v), 64));
    case SchemaType.FLOAT32:
      return floatValue(v, 32);
    case SchemaType.FLOAT64:
      return floatValue(v, 64);
    case SchemaType.BOOLEAN:
      switch (v.kind) {
        case 'boolean':
          return v.value;
        case 'string':
          return v.value.toLowerCase() === 'true';
        case 'bytes':
        case 'date':
          throw unexpected(v);
        default:
          return integerValue(v, 64, () => 0n) !== 0n;
      }
    case SchemaType.STRING:
      return castToString(v);
    default:
      throw new DataException(`${target} is not supported in the Cast transformation.`);
  }
}

const stringOf = (v: JavaValue): string => (v as { value: string }).value;

function unexpected(v: JavaValue): DataException {
  return new DataException(`Unexpected type in Cast transformation: ${typeName(v.value)}`);
}

/** Number.byteValue()/shortValue()/intValue()/longValue() of the value, or the string parsed. */
function integerValue(v: JavaValue, bits: 8 | 16 | 32 | 64, parse: () => bigint): bigint {
  switch (v.kind) {
    case 'integer':
      return BigInt.asIntN(bits, v.value);
    case 'float':
      // (byte) and (short) of a float narrow through int, as the JLS says.
      return BigInt.asIntN(bits, bits === 64 ? doubleToLong(v.value) : BigInt.asIntN(32, doubleToLong(saturate32(v.value))));
    case 'decimal':
      return bits === 64 ? decimalToLong(v.value) : decimalToIntN(v.value, bits);
    case 'boolean':
      return v.value ? 1n : 0n;
    case 'string':
      return parse();
    default:
      throw unexpected(v);
  }
}

/** Java's (int) of a double saturates at the int range. */
function saturate32(d: number): number {
  if (Number.isNaN(d)) return 0;
  return Math.max(-2147483648, Math.min(2147483647, Math.trunc(d)));
}

function floatValue(v: JavaValue, bits: 32 | 64): number {
  switch (v.kind) {
    case 'integer':
      if (bits === 64) return Number(v.value);
      // (float) of a long rounds once; Math.fround(Number(x)) could round twice past 2^53.
      return v.value >= -(2n ** 53n) && v.value <= 2n ** 53n ? Math.fround(Number(v.value)) : decimalToFloat32(v.value.toString());
    case 'float':
      return bits === 32 ? Math.fround(v.value) : v.value;
    case 'decimal':
      return bits === 32 ? decimalToFloat32(v.value.toString()) : v.value.toNumber();
    case 'boolean':
      return v.value ? 1 : 0;
    case 'string':
      return parseJavaFloatingPoint(v.value, bits);
    default:
      throw unexpected(v);
  }
}

function castToString(v: JavaValue): string {
  switch (v.kind) {
    case 'integer':
      return v.value.toString();
    case 'float':
      return v.bits === 32 ? javaFloatToString(v.value) : javaDoubleToString(v.value);
    case 'decimal':
      return v.value.toString();
    case 'boolean':
      return String(v.value);
    case 'string':
      return v.value;
    case 'bytes':
      return Buffer.from(v.value.buffer, v.value.byteOffset, v.value.byteLength).toString('base64');
    case 'date':
      return formatTemporal(v.value);
  }
}

const INTEGER_TEXT = /^[+-]?\d+$/;

/** Byte.parseByte, Short.parseShort, Integer.parseInt, Long.parseLong (ASCII digits). */
function parseJavaInteger(text: string, bits: 8 | 16 | 32 | 64): bigint {
  if (!INTEGER_TEXT.test(text)) throw new NumberFormatError(`For input string: "${text}"`);
  const value = BigInt(text);
  if (BigInt.asIntN(bits, value) !== value) throw new NumberFormatError(`Value out of range. Value:"${text}"`);
  return value;
}

const JAVA_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?$/;
const JAVA_SPECIAL = /^[+-]?(?:NaN|Infinity)$/;
const JAVA_HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)[fFdD]?$/;

/** Float.parseFloat / Double.parseDouble: Java's grammar, surrounding whitespace trimmed, rounded once to the target. */
function parseJavaFloatingPoint(raw: string, bits: 32 | 64): number {
  let start = 0;
  let end = raw.length;
  while (start < end && raw.charCodeAt(start) <= 0x20) start++;
  while (end > start && raw.charCodeAt(end - 1) <= 0x20) end--;
  const text = raw.slice(start, end);
  if (JAVA_SPECIAL.test(text)) return Number(text);
  if (JAVA_DECIMAL.test(text)) {
    const plain = text.replace(/[fFdD]$/, '');
    return bits === 32 ? decimalToFloat32(plain) : Number(plain);
  }
  const hex = JAVA_HEX.exec(text);
  if (hex !== null && `${hex[2]}${hex[3]}` !== '') {
    const [, sign = '', whole = '', fraction = '', exponent = '0'] = hex;
    const mantissa = parseInt(`${whole}${fraction}` || '0', 16);
    const d = (sign === '-' ? -1 : 1) * mantissa * 2 ** (Number(exponent) - 4 * fraction.length);
    return bits === 32 ? Math.fround(d) : d;
  }
  throw new NumberFormatError(text === '' ? 'empty String' : `For input string: "${text}"`);
}
