/**
 * BigDecimal, the Decimal logical type's value: parsed and printed exactly as Java's BigDecimal
 * (JsonConverter's decimal.format=NUMERIC writes toString()), and the two's-complement bytes of the
 * Decimal encoding as BigInteger.toByteArray writes them.
 */
import t from 'tap';
import { BigDecimal, fromTwosComplement, toTwosComplement } from '../../../src/worker-thread/data/big-decimal.js';
import { DataException } from '../../../src/worker-thread/data/errors.js';

t.test("Java's toString: plain unless the exponent is below -6 or the scale negative", async (t) => {
  const cases: [bigint, number, string][] = [
    [222n, 2, '2.22'],
    [-222n, 2, '-2.22'],
    [0n, 2, '0.00'],
    [1n, 6, '0.000001'],
    [1n, 7, '1E-7'],
    [1n, 10, '1E-10'],
    [123n, -2, '1.23E+4'],
    [15n, -399, '1.5E+400'],
    [-1234567890123456789012345678912345n, 5, '-12345678901234567890123456789.12345'],
    [0n, -3, '0E+3'],
    [5n, 0, '5'],
  ];
  for (const [unscaled, scale, text] of cases) {
    const d = new BigDecimal(unscaled, scale);
    t.equal(d.toString(), text, text);
    t.ok(BigDecimal.parse(text).equals(d), `${text} parses back to the same unscaled value and scale`);
  }
  t.equal(new BigDecimal(123n, -2).toPlainString(), '12300');
  t.equal(new BigDecimal(1n, 7).toPlainString(), '0.0000001');
});

t.test('parse follows new BigDecimal(String): the scale comes from the text', async (t) => {
  t.equal(BigDecimal.parse('2.20').scale, 2);
  t.equal(BigDecimal.parse('1.').scale, 0);
  t.equal(BigDecimal.parse('.5').toString(), '0.5');
  t.equal(BigDecimal.parse('+7').unscaled, 7n);
  t.equal(BigDecimal.parse('1.5e3').scale, -2);
  t.equal(BigDecimal.parse('-0.0').toString(), '0.0', 'no negative zero, as in Java');
  for (const bad of ['', '-', '1e', 'abc', '1_000', '0x10', '1.2.3', ' 1', '1e99999999999']) {
    t.equal(BigDecimal.tryParse(bad), undefined, JSON.stringify(bad));
  }
  t.throws(() => BigDecimal.parse('x'), DataException);
});

t.test('equals compares value and scale, compareTo the value only; setScale is exact or fails', async (t) => {
  const a = BigDecimal.parse('2.2');
  const b = BigDecimal.parse('2.20');
  t.notOk(a.equals(b));
  t.equal(a.compareTo(b), 0);
  t.equal(BigDecimal.parse('-1').compareTo(BigDecimal.parse('0.5')), -1);
  t.ok(a.setScale(2).equals(b));
  t.ok(b.setScale(1).equals(a));
  t.throws(() => BigDecimal.parse('2.25').setScale(1), { code: 'CONNECTD_ERR_DATA', message: /Rounding necessary/ });
  t.equal(BigDecimal.parse('0.1').toNumber(), 0.1);
  t.equal(
    JSON.stringify({ amount: BigDecimal.parse('12345678901234567890.5') }),
    '{"amount":"12345678901234567890.5"}',
    'JSON keeps every digit',
  );
  t.throws(() => new BigDecimal(1n, 1.5), RangeError);
});

t.test('two-complement bytes as BigInteger.toByteArray', async (t) => {
  const cases: [bigint, string][] = [
    [0n, '00'],
    [1n, '01'],
    [-1n, 'ff'],
    [127n, '7f'],
    [128n, '0080'],
    [-128n, '80'],
    [-129n, 'ff7f'],
    [222n, '00de'],
    [-222n, 'ff22'],
    [2n ** 63n, '008000000000000000'],
  ];
  for (const [value, hex] of cases) {
    t.equal(Buffer.from(toTwosComplement(value)).toString('hex'), hex, `${value}`);
    t.equal(fromTwosComplement(Buffer.from(hex, 'hex')), value, `${hex} back`);
  }
  t.throws(() => fromTwosComplement(new Uint8Array(0)), /Zero length/);
  // A brute-force round trip over a range of sizes.
  for (let bits = 1; bits < 200; bits += 7) {
    for (const v of [2n ** BigInt(bits) - 1n, -(2n ** BigInt(bits)), 2n ** BigInt(bits)]) {
      t.equal(fromTwosComplement(toTwosComplement(v)), v);
    }
  }
});
