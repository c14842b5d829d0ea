// LineSplitter: lines and their end positions come out the same however the bytes are cut into chunks.
import t from 'tap';
import { LineSplitter } from '../../../src/worker-thread/connectors/s3/line-splitter.js';

// CRLF, an empty line, multi-byte UTF-8 (2, 3 and 4 bytes), a CR that is not before a LF, no final newline.
const TEXT = 'alpha\nbeta\r\n\nhéllo wörld €𝄞\ncarriage\rreturn\nlast line without newline';
const BYTES = Buffer.from(TEXT, 'utf8');

function expected(start = 0): { text: string; end: number }[] {
  const lines: { text: string; end: number }[] = [];
  let from = 0;
  for (let i = BYTES.indexOf(10); i !== -1; i = BYTES.indexOf(10, from)) {
    let text = BYTES.subarray(from, i).toString('utf8');
    if (text.endsWith('\r')) text = text.slice(0, -1);
    lines.push({ text, end: start + i + 1 });
    from = i + 1;
  }
  lines.push({ text: BYTES.subarray(from).toString('utf8'), end: start + BYTES.length });
  return lines;
}

function split(chunks: Buffer[], start = 0): { text: string; end: number }[] {
  const splitter = new LineSplitter(start);
  const out: { text: string; end: number }[] = [];
  for (const chunk of chunks) for (const line of splitter.push(chunk)) out.push({ text: line.bytes.toString('utf8'), end: line.end });
  const last = splitter.end();
  if (last !== null) out.push({ text: last.bytes.toString('utf8'), end: last.end });
  return out;
}

t.test('the expected lines (a sanity check of the test itself)', async (t) => {
  t.same(
    expected().map((l) => l.text),
    ['alpha', 'beta', '', 'héllo wörld €𝄞', 'carriage\rreturn', 'last line without newline'],
  );
});

t.test('every way to cut the bytes into three chunks gives the same lines and end positions', async (t) => {
  const want = expected();
  let wrong = 0;
  for (let i = 0; i <= BYTES.length; i++) {
    for (let j = i; j <= BYTES.length; j++) {
      const got = split([BYTES.subarray(0, i), BYTES.subarray(i, j), BYTES.subarray(j)]);
      if (JSON.stringify(got) !== JSON.stringify(want) && wrong++ === 0) t.fail(`cut at ${i}, ${j}: ${JSON.stringify(got)}`);
    }
  }
  t.equal(wrong, 0, 'no cut changes the result');
});

t.test('one byte at a time, with a start position (resuming mid-object)', async (t) => {
  const chunks = [...BYTES].map((b) => Buffer.from([b]));
  t.same(split(chunks, 1000), expected(1000));
});

t.test('a chunk whose memory is reused after push() does not corrupt a carried line', async (t) => {
  const splitter = new LineSplitter();
  const chunk = Buffer.from('abc');
  t.same(splitter.push(chunk), []);
  chunk.fill(0x78); // the caller reuses its buffer
  const lines = splitter.push(Buffer.from('def\n'));
  t.equal(lines[0]?.bytes.toString(), 'abcdef');
  t.equal(lines[0]?.end, 7);
  t.equal(splitter.pendingBytes, 0);
});

t.test('a trailing newline leaves no last line; an empty stream has none', async (t) => {
  t.same(split([Buffer.from('a\nb\n')]), [
    { text: 'a', end: 2 },
    { text: 'b', end: 4 },
  ]);
  t.same(split([]), []);
  t.same(split([Buffer.from('\n')]), [{ text: '', end: 1 }]);
});
