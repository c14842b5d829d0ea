/**
 * PartitionReader and the object reader against real files (the file:// backend): key order,
 * line-exact offsets, resuming inside an object (by byte range, or by decompress-and-skip for
 * gzip and for a server that ignores Range), overwritten and deleted objects, broken downloads.
 */
import { mkdir, mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { LocalObjectStore } from '../../../src/worker-thread/connectors/s3/local-object-store.js';
import type { ListPage, ListRequest, ObjectStore, OpenRequest, OpenResult } from '../../../src/worker-thread/connectors/s3/object-store.js';
import { PartitionReader } from '../../../src/worker-thread/connectors/s3/partition-reader.js';
import type {
  ObjectUnit,
  PartitionReaderOptions,
  PartitionSpec,
  S3Offset,
} from '../../../src/worker-thread/connectors/s3/partition-reader.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-s3-reader-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
let dirs = 0;

/** A fresh directory with these files, and a store over it. */
async function bucket(files: Record<string, string | Buffer>): Promise<{ dir: string; store: LocalObjectStore }> {
  const dir = path.join(root, `b${dirs++}`);
  await mkdir(dir);
  for (const [key, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, key)), { recursive: true });
    await writeFile(path.join(dir, key), content);
  }
  return { dir, store: new LocalObjectStore(pathToFileURL(dir).href) };
}

const lines = (name: string, n: number): string => Array.from({ length: n }, (_, i) => `${name}-${i + 1}\n`).join('');

/** Wraps a store: records open() requests; optionally ignores Range, or breaks a download once. */
class SpyStore implements ObjectStore {
  readonly opens: { key: string; request: OpenRequest }[] = [];
  readonly description: string;
  constructor(
    readonly inner: ObjectStore,
    readonly behaviour: { ignoreRange?: boolean; breakAfterBytes?: number } = {},
  ) {
    this.description = inner.description;
  }
  list(request: ListRequest): Promise<ListPage> {
    return this.inner.list(request);
  }
  async open(key: string, request: OpenRequest = {}): Promise<OpenResult> {
    this.opens.push({ key, request });
    const opened = await this.inner.open(key, this.behaviour.ignoreRange ? { ...request, fromByte: 0 } : request);
    if (typeof opened === 'string' || this.behaviour.breakAfterBytes === undefined) return opened;
    const limit = this.behaviour.breakAfterBytes;
    const body = opened.body;
    this.behaviour.breakAfterBytes = undefined; // once
    async function* breaking(): AsyncGenerator<Uint8Array> {
      let sent = 0;
      for await (const chunk of body) {
        if (sent + chunk.length > limit) {
          yield chunk.subarray(0, limit - sent);
          throw new Error('connection reset by peer');
        }
        sent += chunk.length;
        yield chunk;
      }
    }
    return { ...opened, body: breaking(), destroy: () => opened.destroy() };
  }
  close(): void {}
}

function options(extra: Partial<PartitionReaderOptions> = {}): PartitionReaderOptions {
  return {
    format: 'lines',
    compression: 'auto',
    changedPolicy: 'reread',
    listPageSize: 1000,
    idleListIntervalMs: 1000,
    reopenAttempts: 3,
    ...extra,
  };
}

async function readAll(reader: PartitionReader, batch = 1000): Promise<ObjectUnit[]> {
  const all: ObjectUnit[] = [];
  for (;;) {
    const units = await reader.read(batch);
    if (units.length === 0) return all;
    all.push(...units);
  }
}

const texts = (units: readonly ObjectUnit[]): string[] => units.map((u) => u.bytes.toString());
const spec: PartitionSpec = { prefix: 'in/' };

t.test('objects in key order, lines in order, in batches; offsets say line, position and the last line', async (t) => {
  const { store } = await bucket({
    'in/b.txt': lines('b', 3),
    'in/a.txt': lines('a', 4),
    'in/sub/c.txt': 'c-1\nc-2',
    'other/x.txt': 'x\n',
  });
  const reader = new PartitionReader(store, spec, null, options({ listPageSize: 2 }));
  const units = await readAll(reader, 3);
  t.same(texts(units), ['a-1', 'a-2', 'a-3', 'a-4', 'b-1', 'b-2', 'b-3', 'c-1', 'c-2'], 'a, b, then sub/c; nothing outside the prefix');
  t.same(units[0]!.offset, { key: 'in/a.txt', etag: units[0]!.offset.etag, line: 1, position: 4, eof: false, gzip: false });
  t.same(
    units.map((u) => u.offset.eof),
    [false, false, false, true, false, false, true, false, true],
    "eof on each object's last line, even across batch ends",
  );
  t.same(
    units.slice(7).map((u) => u.offset.position),
    [4, 7],
    "an unterminated last line ends at the object's end",
  );
});

t.test('resuming inside an object asks for a byte range from the next line and goes on at the next line', async (t) => {
  const { store } = await bucket({ 'in/a.txt': lines('a', 10), 'in/b.txt': lines('b', 2) });
  const first = await new PartitionReader(store, spec, null, options()).read(4);
  const committed = first.at(-1)!.offset;
  t.equal(committed.line, 4);
  const spy = new SpyStore(store);
  const units = await readAll(new PartitionReader(spy, spec, committed, options()));
  t.same(texts(units), ['a-5', 'a-6', 'a-7', 'a-8', 'a-9', 'a-10', 'b-1', 'b-2']);
  t.same(units[0]!.offset.line, 5);
  t.same(
    spy.opens[0],
    { key: 'in/a.txt', request: { ifMatch: committed.etag, fromByte: committed.position } },
    'a Range request from the byte after line 4, for the same version',
  );
});

t.test('a server that ignores Range: the reader skips to the position itself', async (t) => {
  const { store } = await bucket({ 'in/a.txt': lines('a', 6) });
  const committed = (await new PartitionReader(store, spec, null, options()).read(2)).at(-1)!.offset;
  const units = await readAll(new PartitionReader(new SpyStore(store, { ignoreRange: true }), spec, committed, options()));
  t.same(texts(units), ['a-3', 'a-4', 'a-5', 'a-6']);
  t.same(
    units.map((u) => u.offset.line),
    [3, 4, 5, 6],
  );
});

t.test('an offset at the end of an object resumes with the next key, without opening it', async (t) => {
  const { store } = await bucket({ 'in/a.txt': lines('a', 2), 'in/b.txt': lines('b', 2) });
  const committed = (await new PartitionReader(store, spec, null, options()).read(2)).at(-1)!.offset;
  t.equal(committed.eof, true);
  const spy = new SpyStore(store);
  t.same(texts(await readAll(new PartitionReader(spy, spec, committed, options()))), ['b-1', 'b-2']);
  t.same(
    spy.opens.map((o) => o.key),
    ['in/b.txt'],
  );
});

t.test('gzip objects are detected and decompressed; resuming inside one decompresses from the start and skips', async (t) => {
  const { store } = await bucket({ 'in/a.log.gz': gzipSync(lines('g', 50)), 'in/b.log': lines('p', 2) });
  const first = await new PartitionReader(store, spec, null, options()).read(20);
  t.same(texts(first).slice(0, 2), ['g-1', 'g-2']);
  const committed = first.at(-1)!.offset;
  t.equal(committed.gzip, true, 'the offset records that the object is gzip');
  const spy = new SpyStore(store);
  const rest = await readAll(new PartitionReader(spy, spec, committed, options()));
  t.same(texts(rest), [...Array.from({ length: 30 }, (_, i) => `g-${i + 21}`), 'p-1', 'p-2']);
  t.equal(spy.opens[0]!.request.fromByte, undefined, 'no Range request into a gzip stream');
  t.same(
    rest.map((u) => u.offset.gzip),
    [...Array(30).fill(true), false, false],
  );
});

t.test('object.compression=none reads gzip bytes as they are', async (t) => {
  const gz = gzipSync('x\n');
  const { store } = await bucket({ 'in/a.gz': gz });
  const units = await readAll(new PartitionReader(store, spec, null, options({ format: 'bytes', compression: 'none' })));
  t.same(
    units.map((u) => u.bytes),
    [gz],
  );
});

t.test('an object overwritten since the offset: reread from line 1, or skipped, as the policy says', async (t) => {
  const { dir, store } = await bucket({ 'in/a.txt': lines('old', 5), 'in/b.txt': lines('b', 1) });
  const committed = (await new PartitionReader(store, spec, null, options()).read(2)).at(-1)!.offset;
  await writeFile(path.join(dir, 'in/a.txt'), lines('new', 3));
  t.same(texts(await readAll(new PartitionReader(store, spec, committed, options({ changedPolicy: 'reread' })))), [
    'new-1',
    'new-2',
    'new-3',
    'b-1',
  ]);
  t.same(texts(await readAll(new PartitionReader(store, spec, committed, options({ changedPolicy: 'skip' })))), ['b-1']);
});

t.test('an object deleted since the offset is skipped', async (t) => {
  const { dir, store } = await bucket({ 'in/a.txt': lines('a', 5), 'in/b.txt': lines('b', 1) });
  const committed = (await new PartitionReader(store, spec, null, options()).read(2)).at(-1)!.offset;
  await unlink(path.join(dir, 'in/a.txt'));
  t.same(texts(await readAll(new PartitionReader(store, spec, committed, options()))), ['b-1']);
});

t.test('a download that breaks off is reopened after the last line returned: no line lost or repeated', async (t) => {
  const { store } = await bucket({ 'in/a.txt': lines('a', 1000) });
  const spy = new SpyStore(store, { breakAfterBytes: 3000 });
  const units = await readAll(new PartitionReader(spy, spec, null, options()), 100);
  t.same(
    texts(units),
    Array.from({ length: 1000 }, (_, i) => `a-${i + 1}`),
  );
  t.equal(spy.opens.length, 2, 'opened again once');
  t.ok((spy.opens[1]!.request.fromByte ?? 0) > 0, 'from the byte after the last line returned');
});

t.test('new objects are listed again only after the idle interval', async (t) => {
  const { dir, store } = await bucket({ 'in/a.txt': lines('a', 1) });
  let now = 1_000_000;
  const reader = new PartitionReader(store, spec, null, options({ idleListIntervalMs: 500, now: () => now }));
  t.same(texts(await readAll(reader)), ['a-1']);
  await writeFile(path.join(dir, 'in/b.txt'), lines('b', 1));
  t.same(await reader.read(10), [], 'still idle');
  now += 500;
  t.same(texts(await reader.read(10)), ['b-1'], 'listed after the interval');
});

t.test('bytes: one unit per object, gzip decompressed; a delimiter spec reads only objects directly under the prefix', async (t) => {
  const { store } = await bucket({ 'in/a.bin': Buffer.from([0, 1, 2, 10, 255]), 'in/b.gz': gzipSync('zipped\n'), 'in/sub/c.bin': 'deep' });
  const units = await readAll(new PartitionReader(store, { prefix: 'in/', delimiter: '/' }, null, options({ format: 'bytes' })));
  t.same(
    units.map((u) => u.bytes),
    [Buffer.from([0, 1, 2, 10, 255]), Buffer.from('zipped\n')],
  );
  t.same(
    units.map((u) => [u.offset.key, u.offset.eof, u.offset.position, u.offset.gzip]),
    [
      ['in/a.bin', true, 5, false],
      ['in/b.gz', true, 7, true],
    ],
  );
});

t.test('empty objects give nothing and do not stop the reader', async (t) => {
  const { store } = await bucket({ 'in/a.txt': '', 'in/b.txt': 'b\n', 'in/.hidden.txt': 'not listed\n' });
  t.same(texts(await readAll(new PartitionReader(store, spec, null, options()))), ['b']);
});

t.test('the offset shape', async (t) => {
  const { store } = await bucket({ 'in/a.txt': 'x\n' });
  const [unit] = await new PartitionReader(store, spec, null, options()).read(1);
  const offset: S3Offset = unit!.offset;
  t.same(Object.keys(offset).sort(), ['eof', 'etag', 'gzip', 'key', 'line', 'position']);
  t.ok(
    Object.values(offset).every((v) => ['string', 'number', 'boolean'].includes(typeof v)),
    'flat primitives, as Kafka Connect offsets must be',
  );
});
