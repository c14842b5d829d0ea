/**
 * SimpleDateFormat (src/worker-thread/transforms/util/simple-date-format.ts) against java.text.SimpleDateFormat in
 * UTC and Locale.US (vectors from TransformVectors.java): formatting of every pattern letter across
 * eras, the Julian/Gregorian cutover of 1582 and week-year edges; lenient parsing, abutting fields,
 * two-digit years, zones; and the patterns Java refuses.
 */
import t from 'tap';
import { DateParseError, IllegalPatternError, SimpleDateFormat } from '../../../src/worker-thread/transforms/util/simple-date-format.js';
import { transformVectors } from './vectors.js';

const vectors = transformVectors().simpleDateFormat;

t.test('format, as Java formats', async (t) => {
  for (const v of vectors.format)
    t.equal(new SimpleDateFormat(v.pattern).format(new Date(v.millis)), v.text, `${v.pattern} at ${v.millis}`);
});

t.test('parse, as Java parses (null: Java could not)', async (t) => {
  for (const v of vectors.parse) {
    const format = new SimpleDateFormat(v.pattern);
    if (v.millis === null) t.throws(() => format.parse(v.text), DateParseError, `${v.pattern} refuses ${JSON.stringify(v.text)}`);
    else t.equal(format.parse(v.text).getTime(), v.millis, `${v.pattern} reads ${JSON.stringify(v.text)}`);
  }
});

t.test('illegal patterns, with Java messages', async (t) => {
  for (const v of vectors.illegal) {
    if (v.error === null) t.doesNotThrow(() => new SimpleDateFormat(v.pattern), v.pattern);
    else t.throws(() => new SimpleDateFormat(v.pattern), new IllegalPatternError(v.error), v.pattern);
  }
});

t.test('a two-digit year lands within 80 years before and 20 after the moment of construction', async (t) => {
  const now = Date.UTC(2026, 5, 15);
  const format = new SimpleDateFormat('yy-MM-dd', now);
  t.equal(format.parse('46-01-01').getUTCFullYear(), 2046);
  t.equal(format.parse('47-01-01').getUTCFullYear(), 1947);
  t.equal(format.parse('46-06-14').getUTCFullYear(), 2046, 'the ambiguous 46 is 2046 when 1946 would be before 1946-06-15');
  t.equal(format.parse('46-06-15').getUTCFullYear(), 1946, '… and 1946 from then on');
  t.equal(format.toPattern(), 'yy-MM-dd');
});
