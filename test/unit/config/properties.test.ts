/**
 * parseProperties against java.util.Properties.load. Every expected value below was produced by
 * running the same text through `Properties.load(Reader)` on OpenJDK 17.
 */
import t from 'tap';
import { parseProperties } from '../../../src/main-thread/config/properties.js';

t.test('separators: =, :, whitespace, and combinations', async (t) => {
  const text = 'a=1\nb:2\nc 3\nd\t4\ne = 5\nf : 6\ng  =  7  \nh=:8\ni:=9\nj = = 10\nk\f11\n';
  t.same(parseProperties(text), {
    a: '1',
    b: '2',
    c: '3',
    d: '4',
    e: '5',
    f: '6',
    g: '7  ', // trailing whitespace of a value is kept
    h: ':8', // only the first separator counts
    i: '=9',
    j: '= 10',
    k: '11',
  });
});

t.test('comments (# and !) and blank lines', async (t) => {
  const text = '# c1\n! c2\n   # indented comment\n\t! also\nk=v # not a comment\n\n   \n\t\nx=#y\ny=!z\n';
  t.same(parseProperties(text), { k: 'v # not a comment', x: '#y', y: '!z' });
  t.same(parseProperties(''), {});
  t.same(parseProperties('\n\n# only comments\n'), {});
});

t.test('line continuations', async (t) => {
  t.same(
    parseProperties('a=one \\\n    two \\\n\tthree\nb=after\n'),
    { a: 'one two three', b: 'after' },
    'leading whitespace of continuation lines is dropped',
  );
  t.same(parseProperties('long\\\n  key=v\n'), { longkey: 'v' }, 'a continuation inside the key');
  t.same(parseProperties('a=b\\\n\nc=d\n'), { a: 'b', c: 'd' }, 'a blank line ends the logical line');
  t.same(parseProperties('e=a\\\n# part\n'), { e: 'a# part' }, 'a continuation line starting with # is not a comment');
  t.same(parseProperties('# comment \\\nnot.comment=1\n'), { 'not.comment': '1' }, 'a comment line never continues');
  t.same(parseProperties('x=1\\'), { x: '1' }, 'a trailing backslash at end of input is dropped');
  t.same(parseProperties('x=1\\\n'), { x: '1' });
});

t.test('an even number of trailing backslashes is not a continuation', async (t) => {
  // Java: `b=x\\` is b = `x\`, and the next line is its own entry.
  t.same(parseProperties('b=x\\\\\nc=y\n'), { b: 'x\\', c: 'y' });
  t.same(parseProperties('b=x\\\\\\\\\nc=y\n'), { b: 'x\\\\', c: 'y' }, 'four backslashes');
  // Three backslashes: one escaped backslash, then a continuation.
  t.same(parseProperties('c=y\\\\\\\nz\n'), { c: 'y\\z' });
  t.same(parseProperties('path=C:\\\\dir\\\\file\n'), { path: 'C:\\dir\\file' });
});

t.test('escapes', async (t) => {
  const text = [
    'tab=a\\tb',
    'nl=a\\nb',
    'cr=a\\rb',
    'ff=a\\fb',
    'uni=\\u00e9\\u20AC\\uD83D\\uDE00',
    'other=\\q\\z\\\\',
    'lit=\\=\\:\\ \\#',
  ].join('\n');
  t.same(parseProperties(text), {
    tab: 'a\tb',
    nl: 'a\nb',
    cr: 'a\rb',
    ff: 'a\fb',
    uni: 'é€😀',
    other: 'qz\\', // an unknown escape is the character itself
    lit: '=: #',
  });
});

t.test('escaped separators and whitespace in keys', async (t) => {
  t.same(parseProperties('a\\=b=c\n'), { 'a=b': 'c' });
  t.same(parseProperties('key\\:y:2\n'), { 'key:y': '2' });
  t.same(parseProperties('key\\ z 3\n'), { 'key z': '3' });
  t.same(parseProperties('\\#notcomment=4\n'), { '#notcomment': '4' }, 'an escaped # starts a key, not a comment');
  t.same(parseProperties('weird\\\\=v\n'), { 'weird\\': 'v' }, 'an escaped backslash before = does not escape =');
  t.same(parseProperties('\\u0041key=\\u0042\n'), { Akey: 'B' }, '\\uXXXX in keys');
});

t.test('keys with empty values', async (t) => {
  t.same(parseProperties('emptyeq=\nemptycolon:\nbare\nspaces   \ntabbed\t\t\n'), {
    emptyeq: '',
    emptycolon: '',
    bare: '',
    spaces: '',
    tabbed: '',
  });
  t.same(parseProperties('=value\n'), { '': 'value' }, 'an empty key is a key');
});

t.test('later duplicates win', async (t) => {
  t.same(parseProperties('a=1\nb=2\na=3\n'), { a: '3', b: '2' });
  t.same(parseProperties('a=1\na=\n'), { a: '' }, 'even when the later value is empty');
});

t.test('line endings and leading whitespace', async (t) => {
  t.same(parseProperties('a=1\r\nb=2\\\r\n  3\rc=4\n'), { a: '1', b: '23', c: '4' }, 'CRLF, CR and LF, continuation across CRLF');
  t.same(parseProperties('  \t\fkey=value\n  \f  k2 v2\n'), { key: 'value', k2: 'v2' });
  t.same(parseProperties('a=  lead and trail  \n'), { a: 'lead and trail  ' });
});

t.test('a Kafka Connect worker.properties', async (t) => {
  const text = `# Licensed to the Apache Software Foundation
bootstrap.servers=localhost:9092

# The converters specify the format of data in Kafka
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true

offset.storage.file.filename=/tmp/connect.offsets
# Flush much faster than normal, which is useful for testing/debugging
offset.flush.interval.ms=10000
plugin.path=/usr/local/share/java,\\
        /opt/connectors
`;
  t.same(parseProperties(text), {
    'bootstrap.servers': 'localhost:9092',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'true',
    'value.converter.schemas.enable': 'true',
    'offset.storage.file.filename': '/tmp/connect.offsets',
    'offset.flush.interval.ms': '10000',
    'plugin.path': '/usr/local/share/java,/opt/connectors',
  });
});
