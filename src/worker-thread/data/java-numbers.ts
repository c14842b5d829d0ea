/**
 * Numbers printed and narrowed exactly as Java does, because Kafka Connect's formats are Java's:
 * JsonConverter writes a FLOAT64 1.0 as `1.0` and 1e21 as `1.0E21` (Jackson uses Double.toString),
 * SimpleHeaderConverter and StringConverter print values with toString(), and reading JSON into an
 * INT8 schema narrows like a Java cast.
 */
import { BigDecimal, pow10 } from './big-decimal.js';

/**
 * Java's `Double.toString(d)`: the shortest digits that read back as `d` (never fewer than two
 * significant digits, so 1.0 and 4.9E-324, where JavaScript prints 1 and 5e-324), plain notation
 * for 10^-3 ≤ |d| < 10^7, computerized scientific notation otherwise.
 *
 * This is the JDK 19+ specification (Raffaello Giulietti's algorithm). JDK 17, which the test vectors
 * were made with, agrees except for rare doubles where it prints a digit more than needed; the
 * vectors' random sample measures how rare (see test/unit/data/java-numbers.test.ts).
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument is the shortest decimal that reads back (ECMA-262 Number::toString).
  let digits = splitExponential(Math.abs(d).toExponential());
  // Java never prints fewer than two significant digits: it takes the closest two-digit decimal,
  // which reads back too (it is at least as close as the one-digit one), e.g. 4.9E-324.
  if (digits.digits.length === 1) digits = closestAt(Math.abs(d), 2, (text) => Number(text) === Math.abs(d)) ?? digits;
  return formatJava(digits, d);
}

/** Java's `Float.toString(f)` for the float32 nearest to `f`, with the rules of {@link javaDoubleToString}. */
export function javaFloatToString(f: number): string {
  const x = Math.fround(f);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return formatJava(shortestFloatDigits(Math.abs(x)), x);
}

interface Digits {
  /** Significant digits without trailing zeros, e.g. "123". */
  readonly digits: string;
  /** The decimal exponent of the first digit: 1.23e5 has exponent 5. */
  readonly exponent: number;
}

function splitExponential(text: string): Digits {
  // `text` is n.nnne±x, as toExponential and toPrecision write it.
  const e = text.indexOf('e');
  const mantissa = text.slice(0, e).replace('.', '');
  return { digits: mantissa.replace(/0+$/, '') || '0', exponent: Number(text.slice(e + 1)) };
}

/**
 * The shortest decimal that reads back as the float32 `x` (positive), the closest to `x` among those.
 * Java never prints fewer than two significant digits: where one digit would do, it takes the closest
 * decimal of one or two digits (JDK 19+ specification of Float/Double.toString).
 */
function shortestFloatDigits(x: number): Digits {
  const roundTrips = (text: string): boolean => decimalToFloat32(text) === x;
  for (let p = 1; p <= 9; p++) {
    const found = closestAt(x, p, roundTrips);
    if (found !== undefined) return p === 1 ? (closestAt(x, 2, roundTrips) ?? found) : found;
  }
  return splitExponential(x.toExponential());
}

/**
 * The p-digit decimal closest to `x` that reads back as `x`, if any. The correctly rounded one is the
 * first candidate; at a power of two the interval of decimals that read back is lopsided, so its
 * neighbours are tried too.
 */
function closestAt(x: number, p: number, roundTrips: (text: string) => boolean): Digits | undefined {
  const nearest = splitExponential(x.toExponential(p - 1));
  const scaled = BigInt(nearest.digits.padEnd(p, '0'));
  const e = nearest.exponent - p + 1; // candidate = c × 10^e
  const found = [scaled, scaled + 1n, scaled - 1n].filter((c) => c > 0n && roundTrips(`${c}e${e}`));
  let best = found[0];
  if (best === undefined) return undefined;
  if (found.length > 1) {
    // Compare exactly: two candidates can be equally close (x = 1340060.25, p = 8), and then Java
    // takes the even one, where toExponential rounds half up.
    const exact = exactDecimal(x);
    let bestDistance: BigDecimal | undefined;
    for (const c of found) {
      const distance = absDifference(new BigDecimal(c, -e), exact);
      const cmp = bestDistance === undefined ? -1 : distance.compareTo(bestDistance);
      if (cmp < 0 || (cmp === 0 && c % 2n === 0n)) {
        best = c;
        bestDistance = distance;
      }
    }
  }
  const text = best.toString();
  return { digits: text.replace(/0+$/, '') || '0', exponent: e + text.length - 1 };
}

/** The exact value of a finite double as a decimal (every binary fraction has a finite decimal expansion). */
function exactDecimal(x: number): BigDecimal {
  const { mantissa, exponent } = decompose(x);
  return exponent >= 0 ? new BigDecimal(mantissa << BigInt(exponent), 0) : new BigDecimal(mantissa * 5n ** BigInt(-exponent), -exponent);
}

function absDifference(a: BigDecimal, b: BigDecimal): BigDecimal {
  const scale = Math.max(a.scale, b.scale);
  const diff = a.setScale(scale).unscaled - b.setScale(scale).unscaled;
  return new BigDecimal(diff < 0n ? -diff : diff, scale);
}

/** A finite double as mantissa × 2^exponent, both integers. */
function decompose(d: number): { mantissa: bigint; exponent: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & 0xfffffffffffffn;
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  return { mantissa: bits >> 63n === 1n ? -mantissa : mantissa, exponent };
}

function formatJava({ digits, exponent }: Digits, sign: number): string {
  const minus = sign < 0 ? '-' : '';
  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      const intPart = digits.length > exponent + 1 ? digits.slice(0, exponent + 1) : digits + '0'.repeat(exponent + 1 - digits.length);
      const fraction = digits.length > exponent + 1 ? digits.slice(exponent + 1) : '0';
      return `${minus}${intPart}.${fraction}`;
    }
    return `${minus}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const fraction = digits.length > 1 ? digits.slice(1) : '0';
  return `${minus}${digits[0]}.${fraction}E${exponent}`;
}

/**
 * The float32 nearest to the decimal `text`, as Java's `BigDecimal.floatValue()` (Jackson reads a
 * JSON number into a FLOAT32 schema so). Rounding the text to a double first and then to a float
 * can round twice and land one float off; this corrects the one case where that happens: a double
 * that lies exactly halfway between two floats.
 */
export function decimalToFloat32(text: string): number {
  const d = Number(text);
  const f = Math.fround(d);
  if (f === d || !Number.isFinite(d)) return f;
  const other = nextFloatTowards(f, d);
  if ((f + other) / 2 !== d) return f;
  // d is exactly the midpoint: decide with the exact decimal, not the rounded double.
  const exact = BigDecimal.tryParse(text);
  if (exact === undefined) return f;
  const cmp = compareDecimalWithDouble(exact, d);
  if (cmp === 0) return f; // a true tie: fround already chose the even float
  const above = cmp > 0;
  const upper = Math.max(f, other);
  const lower = Math.min(f, other);
  return above ? upper : lower;
}

function nextFloatTowards(f: number, target: number): number {
  const buffer = new DataView(new ArrayBuffer(4));
  buffer.setFloat32(0, f);
  let bits = buffer.getUint32(0);
  const up = target > f;
  if (f === 0) bits = up === f >= 0 ? 1 : 0x80000001;
  else if (up === f > 0) bits += 1;
  else bits -= 1;
  buffer.setUint32(0, bits >>> 0);
  return buffer.getFloat32(0);
}

/** Compares an exact decimal with the exact value of a finite double. */
function compareDecimalWithDouble(a: BigDecimal, d: number): number {
  const { mantissa, exponent } = decompose(d);
  // a.unscaled × 10^-scale  vs  mantissa × 2^exponent, cross-multiplied to integers.
  let left = a.unscaled;
  let right = mantissa;
  if (a.scale >= 0) right *= pow10(a.scale);
  else left *= pow10(-a.scale);
  if (exponent >= 0) right <<= BigInt(exponent);
  else left <<= BigInt(-exponent);
  return left < right ? -1 : left > right ? 1 : 0;
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/**
 * Java's `(long) d` for a double: truncation toward zero, NaN to 0, saturating at the long range.
 * A bigint, because a long may not fit a double exactly.
 */
export function doubleToLong(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 2 ** 63) return LONG_MAX;
  if (d <= -(2 ** 63)) return LONG_MIN;
  return BigInt(Math.trunc(d));
}

/** Java's `BigDecimal.longValue()`: the integer part (truncated toward zero), keeping its low 64 bits. */
export function decimalToLong(value: BigDecimal): bigint {
  return decimalToIntN(value, 64);
}

/**
 * The integer part of a decimal (truncated toward zero) narrowed to a signed `bits`-bit integer, as
 * Java's `(byte) decimal.intValue()` and friends keep the low bits.
 */
export function decimalToIntN(value: BigDecimal, bits: number): bigint {
  let integer: bigint;
  if (value.scale <= 0) {
    // × 10^k with k ≥ 64 leaves the low 64 bits zero: no need to build the huge number.
    integer = -value.scale >= 64 ? 0n : value.unscaled * pow10(-value.scale);
  } else {
    integer = value.scale > value.precision() ? 0n : value.unscaled / pow10(value.scale);
  }
  return BigInt.asIntN(bits, integer);
}
