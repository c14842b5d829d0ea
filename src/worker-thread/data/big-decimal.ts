/**
 * The value of Kafka Connect's Decimal logical type: an exact decimal number `unscaled × 10^-scale`,
 * as Java's `java.math.BigDecimal`. JavaScript has no decimal type and a double would lose digits
 * (a NUMERIC(38,10) column does not fit one), so the unscaled value is a bigint.
 *
 * Only what converters and connectors need is here: parsing and printing exactly as Java does (the
 * JsonConverter's `decimal.format=NUMERIC` writes `BigDecimal.toString()`), equality, comparison and
 * exact rescaling. It is not an arithmetic library.
 */
import { DataException } from './errors.js';

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

const POW10_CACHE: bigint[] = [];
/** 10^n as a bigint (n ≥ 0). */
export function pow10(n: number): bigint {
  if (n < 64) {
    let cached = POW10_CACHE[n];
    if (cached === undefined) {
      cached = 10n ** BigInt(n);
      POW10_CACHE[n] = cached;
    }
    return cached;
  }
  return 10n ** BigInt(n);
}

/**
 * An exact decimal number, as Java's BigDecimal: an unscaled bigint and a scale. The value of a
 * {@link Decimal} logical type.
 */
export class BigDecimal {
  /** The digits, as an integer: 2.22 is 222 with scale 2. */
  readonly unscaled: bigint;
  /** Digits after the decimal point; negative for multiples of powers of ten (1.23E+4 is 123 with scale -2). */
  readonly scale: number;

  constructor(unscaled: bigint, scale = 0) {
    if (typeof unscaled !== 'bigint') throw new TypeError(`BigDecimal: the unscaled value must be a bigint, not ${typeof unscaled}`);
    if (!Number.isInteger(scale) || scale < INT32_MIN || scale > INT32_MAX) {
      throw new RangeError(`BigDecimal: the scale must be a 32-bit integer, not ${scale}`);
    }
    this.unscaled = unscaled;
    this.scale = scale;
  }

  /**
   * Parses Java's `new BigDecimal(String)` syntax: an optional sign, digits with an optional point,
   * an optional exponent (`-1.5`, `1.`, `.5`, `1.23E+4`). The scale follows the text: "2.20" has
   * scale 2, as in Java. Throws a DataException for anything else.
   */
  static parse(text: string): BigDecimal {
    const parsed = parseDecimal(text);
    if (parsed === undefined) throw new DataException(`Invalid decimal number: ${JSON.stringify(text)}`);
    return parsed;
  }

  /** Like {@link parse}, but undefined instead of an exception. */
  static tryParse(text: string): BigDecimal | undefined {
    return parseDecimal(text);
  }

  /** The number of decimal digits of the unscaled value (1 for zero), as Java's precision(). */
  precision(): number {
    const u = this.unscaled < 0n ? -this.unscaled : this.unscaled;
    return u.toString().length;
  }

  /** -1, 0 or 1: the sign of the value. */
  signum(): number {
    return this.unscaled === 0n ? 0 : this.unscaled < 0n ? -1 : 1;
  }

  /**
   * Java's `BigDecimal.toString()`: plain notation when the scale is not negative and the number is
   * not smaller than 10^-6, scientific notation (`1E-10`, `1.23E+4`) otherwise.
   */
  toString(): string {
    const negative = this.unscaled < 0n;
    const coefficient = (negative ? -this.unscaled : this.unscaled).toString();
    const adjusted = -this.scale + (coefficient.length - 1);
    let text: string;
    if (this.scale >= 0 && adjusted >= -6) {
      text = plain(coefficient, this.scale);
    } else {
      text = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
      if (adjusted !== 0) text += adjusted > 0 ? `E+${adjusted}` : `E${adjusted}`;
    }
    return negative ? `-${text}` : text;
  }

  /** Without an exponent, as Java's `toPlainString()`. */
  toPlainString(): string {
    const negative = this.unscaled < 0n;
    const coefficient = (negative ? -this.unscaled : this.unscaled).toString();
    const text = this.scale >= 0 ? plain(coefficient, this.scale) : coefficient === '0' ? '0' : coefficient + '0'.repeat(-this.scale);
    return negative ? `-${text}` : text;
  }

  /** The nearest double. */
  toNumber(): number {
    return Number(this.toString());
  }

  /** JSON.stringify writes the exact text, not a rounded number. */
  toJSON(): string {
    return this.toString();
  }

  /** Java's `equals`: the same value and the same scale (2.2 and 2.20 differ; see compareTo). */
  equals(other: unknown): boolean {
    return other instanceof BigDecimal && other.unscaled === this.unscaled && other.scale === this.scale;
  }

  /** -1, 0 or 1, comparing values only: 2.2 and 2.20 compare equal. */
  compareTo(other: BigDecimal): number {
    const [a, b] = alignScales(this, other);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  /**
   * The same value with another scale, as Java's `setScale(newScale)` without a rounding mode: exact
   * or an error. A Decimal schema fixes the scale, so a value must be rescaled to fit it.
   */
  setScale(newScale: number): BigDecimal {
    if (newScale === this.scale) return this;
    if (newScale > this.scale) return new BigDecimal(this.unscaled * pow10(newScale - this.scale), newScale);
    const divisor = pow10(this.scale - newScale);
    if (this.unscaled % divisor !== 0n) {
      throw new DataException(`Rounding necessary: ${this.toString()} has more than ${newScale} digits after the point`);
    }
    return new BigDecimal(this.unscaled / divisor, newScale);
  }
}

function plain(coefficient: string, scale: number): string {
  if (scale === 0) return coefficient;
  if (coefficient.length > scale)
    return `${coefficient.slice(0, coefficient.length - scale)}.${coefficient.slice(coefficient.length - scale)}`;
  return `0.${'0'.repeat(scale - coefficient.length)}${coefficient}`;
}

function alignScales(a: BigDecimal, b: BigDecimal): [bigint, bigint] {
  if (a.scale === b.scale) return [a.unscaled, b.unscaled];
  return a.scale > b.scale ? [a.unscaled, b.unscaled * pow10(a.scale - b.scale)] : [a.unscaled * pow10(b.scale - a.scale), b.unscaled];
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;

function parseDecimal(text: string): BigDecimal | undefined {
  let i = 0;
  const n = text.length;
  let negative = false;
  const first = text.charCodeAt(0);
  if (first === 45 /* - */ || first === 43 /* + */) {
    negative = first === 45;
    i++;
  }
  const intStart = i;
  while (i < n && text.charCodeAt(i) >= DIGIT_0 && text.charCodeAt(i) <= DIGIT_9) i++;
  let digits = text.slice(intStart, i);
  let fractionDigits = 0;
  if (i < n && text.charCodeAt(i) === 46 /* . */) {
    i++;
    const fracStart = i;
    while (i < n && text.charCodeAt(i) >= DIGIT_0 && text.charCodeAt(i) <= DIGIT_9) i++;
    fractionDigits = i - fracStart;
    digits += text.slice(fracStart, i);
  }
  if (digits.length === 0) return undefined;
  let exponent = 0;
  if (i < n && (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69) /* e E */) {
    i++;
    let expNegative = false;
    if (i < n && (text.charCodeAt(i) === 45 || text.charCodeAt(i) === 43)) {
      expNegative = text.charCodeAt(i) === 45;
      i++;
    }
    const expStart = i;
    while (i < n && text.charCodeAt(i) >= DIGIT_0 && text.charCodeAt(i) <= DIGIT_9) i++;
    if (i === expStart) return undefined;
    const expDigits = text.slice(expStart, i).replace(/^0+(?=\d)/, '');
    // Java rejects exponents beyond an int; a long string of digits would not fit a double either.
    if (expDigits.length > 10) return undefined;
    exponent = Number(expDigits) * (expNegative ? -1 : 1);
  }
  if (i !== n) return undefined;
  const scale = fractionDigits - exponent;
  if (scale < INT32_MIN || scale > INT32_MAX) return undefined;
  const unscaled = BigInt(digits);
  return new BigDecimal(negative ? -unscaled : unscaled, scale);
}

/**
 * The minimal big-endian two's-complement bytes of `value`, as Java's `BigInteger.toByteArray()`:
 * what the Decimal logical type stores (0 is one zero byte, 128 is 00 80, -1 is ff).
 */
export function toTwosComplement(value: bigint): Uint8Array {
  let length = 1;
  // The smallest length whose signed range holds the value.
  while (value < -(1n << BigInt(8 * length - 1)) || value >= 1n << BigInt(8 * length - 1)) length++;
  let v = BigInt.asUintN(8 * length, value);
  const bytes = new Uint8Array(length);
  for (let i = length - 1; i >= 0; i--) {
    bytes[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return bytes;
}

/** The signed integer of big-endian two's-complement bytes, as Java's `new BigInteger(byte[])`. */
export function fromTwosComplement(bytes: Uint8Array): bigint {
  if (bytes.byteLength === 0) throw new DataException('Zero length BigInteger: a Decimal needs at least one byte');
  let hex = '';
  for (const b of bytes) hex += b < 16 ? `0${b.toString(16)}` : b.toString(16);
  const unsigned = BigInt(`0x${hex}`);
  return BigInt.asIntN(8 * bytes.byteLength, unsigned);
}
