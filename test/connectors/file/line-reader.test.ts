/**
 * The file source's line splitting, against real files: Kafka's line ends (\n, \r\n, lone \r), a
 * last line held until its end arrives, byte positions, chunk boundaries anywhere (tiny chunks),
 * lines longer than the buffer, resuming from a position, and random appends compared with a
 * byte-at-a-time model of Kafka's FileStreamSourceTask.extractLine.
 */
import { appendFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { LineReader } from '../../../src/worker-thread/connectors/file/line-reader.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-line-reader-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

interface Line {
  line: string;
  end: number;
}

let fileCount = 0;
async function withFile(content: string | Buffer, fn: (file: string) => Promise<void>): Promise<void> {
  const file = path.join(root, `f${fileCount++}`);
  await writeFile(file, content);
  await fn(file);
}

async function readAll(reader: LineReader, max = Number.MAX_SAFE_INTEGER): Promise<Line[]> {
  const lines: Line[] = [];
  await reader.read(max, (line, end) => lines.push({ line, end }));
  return lines;
}

/** Kafka's extractLine, a byte at a time: what the reader must agree with. */
function model(bytes: Buffer): Line[] {
  const out: Line[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length;) {
    if (bytes[i] === 0x0a) {
      out.push({ line: bytes.toString('utf8', start, i), end: i + 1 });
      start = i = i + 1;
    } else if (bytes[i] === 0x0d) {
      if (i + 1 >= bytes.length) break;
      const next = bytes[i + 1] === 0x0a ? i + 2 : i + 1;
      out.push({ line: bytes.toString('utf8', start, i), end: next });
      start = i = next;
    } else {
      i++;
    }
  }
  return out;
}

t.test('\\n, \\r\\n and a lone \\r each end a line; positions are bytes after the end', async (t) => {
  await withFile('a\nbé\r\nc\rd\n\n\r\nlast', async (file) => {
    const handle = await open(file, 'r');
    t.teardown(() => handle.close());
    const lines = await readAll(new LineReader(handle, 0));
    t.same(lines, [
      { line: 'a', end: 2 },
      { line: 'bé', end: 7 },
      { line: 'c', end: 9 },
      { line: 'd', end: 11 },
      { line: '', end: 12 },
      { line: '', end: 14 },
    ]);
  });
});

t.test('a last line without its end, and a last \\r, are held until more arrives', async (t) => {
  await withFile('one\ntwo', async (file) => {
    const handle = await open(file, 'r');
    t.teardown(() => handle.close());
    const reader = new LineReader(handle, 0, 4);
    t.same(await readAll(reader), [{ line: 'one', end: 4 }]);
    t.same(await readAll(reader), [], 'nothing new: the partial line stays held');
    await appendFile(file, ' and a half\r');
    t.same(await readAll(reader), [], 'a trailing \\r may be the start of \\r\\n: held');
    await appendFile(file, '\nthree\r');
    t.same(await readAll(reader), [{ line: 'two and a half', end: 20 }], 'one line, not a line and an empty one');
    await appendFile(file, 'four\n');
    t.same(
      await readAll(reader),
      [
        { line: 'three', end: 26 },
        { line: 'four', end: 31 },
      ],
      'a \\r followed by anything but \\n ends a line by itself',
    );
    t.equal(reader.position, 31);
  });
});

t.test('max limits the lines per read; the rest come from the buffer on the next read', async (t) => {
  const content = Array.from({ length: 10 }, (_, i) => `line-${i}\n`).join('');
  await withFile(content, async (file) => {
    const handle = await open(file, 'r');
    t.teardown(() => handle.close());
    const reader = new LineReader(handle, 0);
    const first = await readAll(reader, 3);
    t.same(
      first.map((l) => l.line),
      ['line-0', 'line-1', 'line-2'],
    );
    t.equal(reader.position, 21);
    const rest = await readAll(reader);
    t.same(
      rest.map((l) => l.line),
      Array.from({ length: 7 }, (_, i) => `line-${i + 3}`),
    );
    t.equal(rest.at(-1)!.end, Buffer.byteLength(content));
  });
});

t.test('resuming from a committed position reads from the line after it', async (t) => {
  await withFile('ä\nbb\ncc\n', async (file) => {
    const handle = await open(file, 'r');
    t.teardown(() => handle.close());
    t.same(await readAll(new LineReader(handle, 3)), [
      { line: 'bb', end: 6 },
      { line: 'cc', end: 9 },
    ]);
  });
});

t.test('lines far longer than the buffer, and multi-byte characters across every chunk boundary', async (t) => {
  const long = 'x'.repeat(5000) + '€'.repeat(3000);
  const content = `${long}\n😀é\r\n${long}\r\n`;
  await withFile(content, async (file) => {
    const handle = await open(file, 'r');
    t.teardown(() => handle.close());
    for (const chunk of [1, 2, 3, 7, 64]) {
      const lines = await readAll(new LineReader(handle, 0, chunk));
      t.same(lines, model(Buffer.from(content)), `chunk size ${chunk}`);
      t.same(
        lines.map((l) => l.line),
        [long, '😀é', long],
      );
    }
  });
});

t.test('random content appended in random pieces, read in between: the same lines as the model', async (t) => {
  // A fixed-seed generator: the test is the same on every run, and a failure names its seed.
  let state = 12345;
  const random = (n: number): number => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  const alphabet = ['a', 'b', 'é', '😀', '\n', '\r', '\r\n', ' '];
  for (let round = 0; round < 40; round++) {
    const seedAtStart = state;
    let content = '';
    for (let i = random(300); i > 0; i--) content += alphabet[random(alphabet.length)];
    const bytes = Buffer.from(content);
    const file = path.join(root, `random-${round}`);
    await writeFile(file, '');
    const handle = await open(file, 'r');
    const reader = new LineReader(handle, 0, 1 + random(16));
    const lines: Line[] = [];
    for (let at = 0; at < bytes.length;) {
      const piece = 1 + random(20);
      await appendFile(file, bytes.subarray(at, at + piece));
      at += piece;
      await reader.read(1 + random(5), (line, end) => lines.push({ line, end }));
    }
    lines.push(...(await readAll(reader)));
    await handle.close();
    const expected = model(bytes);
    if (!t.same(lines, expected, `round ${round}`)) {
      t.comment(`seed ${seedAtStart}, content ${JSON.stringify(content)}`);
      break;
    }
    t.equal(reader.position, expected.at(-1)?.end ?? 0, `round ${round}: position after the last complete line`);
  }
});
