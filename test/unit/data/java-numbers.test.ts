/**
 * Numbers printed as Java prints them (Double.toString, Float.toString: what Jackson writes in
 * JsonConverter output) and decimals rounded to float as BigDecimal.floatValue does, against what
 * the real JVMs printed (test/fixtures/vectors/java-number-text-*.json).
 */
import t from 'tap';
import {
  decimalToFloat32,
  decimalToIntN,
  doubleToLong,
  javaDoubleToString,
  javaFloatToString,
} from '../../../src/worker-thread/data/java-numbers.js';
import { BigDecimal } from '../../../src/worker-thread/data/big-decimal.js';
import { float32FromBits, float64FromBits, loadVectors } from './vectors.js';

interface NumberText {
  javaVersion: string;
  doubles: { bits: string; text: string }[];
  floats: { bits: string; text: string }[];
  decimalToFloat: { text: string; bits: string }[];
}

const java25 = loadVectors<NumberText>('java-number-text-25.json');
const java17 = loadVectors<NumberText>('java-number-text-17.json');

t.test('Double.toString and Float.toString of Java 19+ exactly (shortest digits, Java layout)', async (t) => {
  t.ok(java25.javaVersion.startsWith('25'), `vectors from Java ${java25.javaVersion}`);
  t.ok(java25.doubles.length > 2000 && java25.floats.length > 1900, 'a real sample');
  const doubleMisses = java25.doubles.filter(({ bits, text }) => javaDoubleToString(float64FromBits(bits)) !== text);
  t.same(
    doubleMisses.slice(0, 5).map(({ bits, text }) => [bits, text, javaDoubleToString(float64FromBits(bits))]),
    [],
    'every double',
  );
  const floatMisses = java25.floats.filter(({ bits, text }) => javaFloatToString(float32FromBits(bits)) !== text);
  t.same(
    floatMisses.slice(0, 5).map(({ bits, text }) => [bits, text, javaFloatToString(float32FromBits(bits))]),
    [],
    'every float',
  );
});

t.test('Java 17 differs only by printing more digits than needed for the same value', async (t) => {
  let differing = 0;
  const unexplained: string[] = [];
  const check = (ours: string, java: string, readBack: (s: string) => number): void => {
    if (ours === java) return;
    differing++;
    const digits = (s: string): number => s.replace(/^-/, '').replace(/E.*$/, '').replace('.', '').replace(/^0+/, '').length;
    if (readBack(ours) !== readBack(java) || digits(ours) >= digits(java)) unexplained.push(`${java} vs ${ours}`);
  };
  for (const { bits, text } of java17.doubles) check(javaDoubleToString(float64FromBits(bits)), text, Number);
  for (const { bits, text } of java17.floats) check(javaFloatToString(float32FromBits(bits)), text, (s) => Math.fround(Number(s)));
  t.same(unexplained, [], 'each difference is the same number, shorter');
  t.ok(differing > 0, `Java 17 printed ${differing} of ${java17.doubles.length + java17.floats.length} numbers with extra digits`);
});

t.test('layout: plain between 10^-3 and 10^7, scientific outside, never fewer than two digits', async (t) => {
  const cases: [number, string][] = [
    [1, '1.0'],
    [100, '100.0'],
    [0.001, '0.001'],
    [0.00099, '9.9E-4'],
    [1e7, '1.0E7'],
    [9999999.5, '9999999.5'],
    [1e21, '1.0E21'],
    [-1.5e-10, '-1.5E-10'],
    [5e-324, '4.9E-324'],
    [-0, '-0.0'],
    [0, '0.0'],
    [NaN, 'NaN'],
    [-Infinity, '-Infinity'],
    [123456789.123, '1.23456789123E8'],
  ];
  for (const [d, text] of cases) t.equal(javaDoubleToString(d), text, `${d}`);
  t.equal(javaFloatToString(0.1), '0.1', 'a float prints its own shortest digits, not the double 0.10000000149011612');
  t.equal(javaFloatToString(16777217), '1.6777216E7', 'rounded to float first');
  t.equal(javaFloatToString(1.4e-45), '1.4E-45');
  t.equal(javaFloatToString(1340060.25), '1340060.2', 'a tie between two shortest candidates goes to the even digit');
});

t.test('decimals to float32 round once, as BigDecimal.floatValue does', async (t) => {
  let naiveWrong = 0;
  const misses: string[] = [];
  for (const { text, bits } of java25.decimalToFloat) {
    const expected = float32FromBits(bits);
    if (!Object.is(decimalToFloat32(text), expected)) misses.push(text);
    if (Math.fround(Number(text)) !== expected) naiveWrong++;
  }
  t.same(misses, [], `all ${java25.decimalToFloat.length} midpoint cases`);
  t.ok(naiveWrong > 0, `rounding through a double would get ${naiveWrong} wrong: the correction is needed`);
});

t.test('Java narrowing: (long) of a double, and the low bits of a decimal integer part', async (t) => {
  t.equal(doubleToLong(1.9), 1n);
  t.equal(doubleToLong(-1.9), -1n);
  t.equal(doubleToLong(NaN), 0n);
  t.equal(doubleToLong(1e300), 2n ** 63n - 1n, 'saturates');
  t.equal(doubleToLong(-Infinity), -(2n ** 63n));
  t.equal(decimalToIntN(BigDecimal.parse('200'), 8), -56n, '(byte) 200');
  t.equal(decimalToIntN(BigDecimal.parse('-1.9'), 32), -1n, 'truncates toward zero');
  t.equal(decimalToIntN(BigDecimal.parse('1E+400'), 64), 0n, 'huge powers of ten have zero low bits');
  t.equal(decimalToIntN(BigDecimal.parse('1E-400'), 64), 0n);
  t.equal(decimalToIntN(BigDecimal.parse('9223372036854775808'), 64), -(2n ** 63n), 'wraps like longValue()');
});
