/**
 * S3ObjectStore against a real S3-compatible server (S3Proxy): listing in key order with StartAfter,
 * CommonPrefixes and continuation tokens, ranged and conditional reads, and the PartitionReader
 * resuming inside an object with a Range request the server really served.
 */
import { gzipSync } from 'node:zlib';
import t from 'tap';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listAll } from '../../../src/worker-thread/connectors/s3/object-store.js';
import type { ObjectStore, OpenRequest, OpenResult } from '../../../src/worker-thread/connectors/s3/object-store.js';
import { PartitionReader } from '../../../src/worker-thread/connectors/s3/partition-reader.js';
import type { ObjectUnit, PartitionReaderOptions } from '../../../src/worker-thread/connectors/s3/partition-reader.js';
import { S3ObjectStore } from '../../../src/worker-thread/connectors/s3/s3-object-store.js';
import { S3Server } from '../../../tools/s3/server.js';

const server = await S3Server.start();
t.teardown(() => server.stop());
const BUCKET = 'store-test';
await server.createBucket(BUCKET);
const client = server.client();
t.teardown(() => client.destroy());

const put = (key: string, body: string | Buffer) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
const lines = (name: string, n: number): string => Array.from({ length: n }, (_, i) => `${name}-${i + 1}\n`).join('');

const store = await S3ObjectStore.create({
  bucket: BUCKET,
  endpoint: server.endpoint,
  region: server.region,
  pathStyle: true,
  accessKeyId: server.accessKeyId,
  secretAccessKey: server.secretAccessKey,
  sessionToken: '',
});
t.teardown(() => store.close());

await put('p/b.txt', lines('b', 3));
await put('p/a.txt', lines('a', 2000));
await put('p/sub/c.txt', 'c\n');
await put('p/z.gz', gzipSync(lines('z', 5)));
await put('q/x.txt', 'x\n');

async function text(opened: OpenResult): Promise<string> {
  if (typeof opened === 'string') throw new Error(`not opened: ${opened}`);
  const parts: Buffer[] = [];
  for await (const chunk of opened.body) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString();
}

t.test('listing: key order, StartAfter, a delimiter rolls keys up into prefixes, continuation tokens', async (t) => {
  const all = await store.list({ prefix: 'p/' });
  t.same(
    all.objects.map((o) => o.key),
    ['p/a.txt', 'p/b.txt', 'p/sub/c.txt', 'p/z.gz'],
  );
  t.match(all.objects[0], { etag: /^"[0-9a-f]{32}"$/, size: lines('a', 2000).length });
  t.same(
    (await store.list({ prefix: 'p/', startAfter: 'p/b.txt' })).objects.map((o) => o.key),
    ['p/sub/c.txt', 'p/z.gz'],
  );
  const rolled = await store.list({ prefix: 'p/', delimiter: '/' });
  t.same([rolled.objects.map((o) => o.key), rolled.prefixes], [['p/a.txt', 'p/b.txt', 'p/z.gz'], ['p/sub/']]);
  const pages = [];
  for await (const page of listAll(store, { prefix: '', maxKeys: 2 })) pages.push(page.objects.map((o) => o.key));
  t.same(pages, [['p/a.txt', 'p/b.txt'], ['p/sub/c.txt', 'p/z.gz'], ['q/x.txt']]);
});

t.test('open: a byte range, If-Match, a missing key, a range past the end', async (t) => {
  const [b] = (await store.list({ prefix: 'p/b.txt' })).objects;
  const ranged = await store.open('p/b.txt', { fromByte: 4, ifMatch: b!.etag });
  t.match(ranged, { start: 4, etag: b!.etag }, 'the server served the range');
  t.equal(await text(ranged), 'b-2\nb-3\n');
  t.equal(await store.open('p/b.txt', { ifMatch: '"0123456789abcdef0123456789abcdef"' }), 'changed');
  t.equal(await store.open('p/nope.txt'), 'missing');
  t.equal(await text(await store.open('p/b.txt', { fromByte: 12, ifMatch: b!.etag })), '', 'everything was read already');
});

/** Counts the Range requests that the server answered with a range. */
class RangeCounter implements ObjectStore {
  readonly description = store.description;
  served: number[] = [];
  list = store.list.bind(store);
  close(): void {}
  async open(key: string, request?: OpenRequest): Promise<OpenResult> {
    const opened = await store.open(key, request);
    if (typeof opened !== 'string' && opened.start > 0) this.served.push(opened.start);
    return opened;
  }
}

const options: PartitionReaderOptions = {
  format: 'lines',
  compression: 'auto',
  changedPolicy: 'reread',
  listPageSize: 1000,
  idleListIntervalMs: 1000,
  reopenAttempts: 3,
};

async function readAll(reader: PartitionReader): Promise<ObjectUnit[]> {
  const all: ObjectUnit[] = [];
  for (let units = await reader.read(500); units.length > 0; units = await reader.read(500)) all.push(...units);
  return all;
}

t.test('a reader resumes inside a large object from a served byte range, and inside a gzip one by skipping', async (t) => {
  const first = await new PartitionReader(store, { prefix: 'p/' }, null, options).read(1234);
  const committed = first.at(-1)!.offset;
  t.match(committed, { key: 'p/a.txt', line: 1234, eof: false, gzip: false });
  const counter = new RangeCounter();
  const rest = await readAll(new PartitionReader(counter, { prefix: 'p/' }, committed, options));
  t.same(counter.served, [committed.position], 'one ranged GET, from the byte after the committed line');
  const values = rest.map((u) => u.bytes.toString());
  t.same(values.slice(0, 2), ['a-1235', 'a-1236']);
  t.equal(values.filter((v) => v.startsWith('a-')).length, 2000 - 1234, 'the rest of the object, once');
  t.same(values.slice(-9), ['b-1', 'b-2', 'b-3', 'c', 'z-1', 'z-2', 'z-3', 'z-4', 'z-5'], 'then the other objects, in key order');

  const gz = rest.find((u) => u.offset.key === 'p/z.gz' && u.offset.line === 2)!.offset;
  t.equal(gz.gzip, true);
  const after = await readAll(new PartitionReader(store, { prefix: 'p/' }, gz, options));
  t.same(
    after.map((u) => u.bytes.toString()),
    ['z-3', 'z-4', 'z-5'],
  );
});
