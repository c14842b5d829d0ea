/** Java regular expressions translated to JavaScript, and what cannot be. */
import t from 'tap';
import { compileJavaRegex, JavaRegexError } from '../../../src/worker-thread/transforms/util/java-regex.js';

const matches = (pattern: string, input: string): boolean => compileJavaRegex(pattern).whole.test(input);

t.test('what Java and JavaScript spell differently', async (t) => {
  t.ok(matches('\\Qa.b*\\E', 'a.b*'), '\\Q…\\E quotes');
  t.notOk(matches('\\Qa.b\\E', 'axb'));
  t.ok(matches('(?i)ORDERS', 'orders'), 'a leading inline flag');
  t.ok(matches('(?is)a.b', 'A\nB'));
  t.ok(matches('\\Aorders\\z', 'orders'));
  t.ok(matches('orders\\Z', 'orders'));
  t.ok(matches('\\p{Alpha}+\\p{Digit}', 'abc1'), 'POSIX classes');
  t.ok(matches('[\\p{Lower}_]+', 'a_b'));
  t.ok(matches('\\p{IsLatin}+', 'héllo'), 'scripts');
  t.ok(matches('\\p{L}+', 'ñ'));
  t.ok(matches('a\\-b\\#c', 'a-b#c'), 'escaped punctuation');
  t.ok(matches('[]a]+', ']a]'), 'a ] first in a class is literal');
  t.ok(matches('a]b}', 'a]b}'), 'a lone ] or } is literal');
  t.ok(matches('\\x{41}\\0101\\e?', 'AA'), 'hex and octal escapes');
  t.ok(matches('a\\sb', 'a\tb'));
  t.notOk(matches('a\\sb', 'a\u00a0b'), '\\s is ASCII whitespace in Java');
  t.ok(matches('a\\hb\\R', 'a\u00a0b\r\n'));
  t.ok(matches('x{2,3}', 'xxx'));
  t.ok(matches('(?<name>a)\\k<name>', 'aa'));
  t.ok(matches('a/b', 'a/b'));
  t.ok(matches('.', '😀'), 'code points, as Java matches them');
  t.equal(compileJavaRegex('(a)(?:b)(?<c>c)(?=d)').groupCount, 2);
});

t.test('what cannot be translated is refused with a reason', async (t) => {
  for (const pattern of [
    'a*+',
    'a++',
    '(?>a)',
    'a(?i)b',
    '[a-z&&[^e]]',
    '[a[b]]',
    '\\G',
    '\\p{javaLowerCase}',
    '\\p{InGreek}',
    '(?x)a b',
    '\\y',
  ]) {
    t.throws(() => compileJavaRegex(pattern), JavaRegexError, pattern);
  }
  t.throws(() => compileJavaRegex('('), JavaRegexError, 'an invalid pattern');
  t.throws(() => compileJavaRegex('a{'), /Illegal repetition/);
});
