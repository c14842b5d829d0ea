/**
 * Standalone offsets file: durable round trip, serialized concurrent writes, atomic replacement,
 * and clear errors for files it cannot read.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { FileOffsetBackingStore } from '../../../src/storage/file-offset-backing-store.js';
import { offsetKey } from '../../../src/storage/offset-backing-store.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-offsets-unit-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
let n = 0;
const freshFile = (): string => path.join(root, `case-${++n}`, 'connect.offsets');

async function reopen(file: string): Promise<FileOffsetBackingStore> {
  const store = new FileOffsetBackingStore(file);
  await store.start();
  return store;
}

t.test('offsetKey is the offsets topic key', async (t) => {
  t.equal(offsetKey('my-connector', '{"file":"a.txt"}'), '["my-connector",{"file":"a.txt"}]');
  t.equal(offsetKey('quote"d', '{}'), '["quote\\"d",{}]');
  t.same(JSON.parse(offsetKey('c', JSON.stringify({ shard: 3 }))), ['c', { shard: 3 }]);
});

t.test('values set by one instance are read back by a new one', async (t) => {
  const file = freshFile();
  const store = await reopen(file);
  const k1 = offsetKey('conn-a', JSON.stringify({ file: 'a.txt' }));
  const k2 = offsetKey('conn-a', JSON.stringify({ file: 'naïve 🚀.txt', n: 2, flag: true, none: null }));
  const k3 = offsetKey('conn-b', JSON.stringify({ file: 'a.txt' }));
  const missing = offsetKey('conn-c', '{}');
  t.same(store.get([k1, missing]), [null, null], 'empty before any set');
  await store.set(new Map([[k1, JSON.stringify({ pos: 10 })], [k2, JSON.stringify({ line: 12345678901, tag: 'x"y' })]]));
  await store.set(new Map([[k3, JSON.stringify({ pos: 1 })], [k1, JSON.stringify({ pos: 11 })]]));
  t.same(store.get([k1]), ['{"pos":11}'], 'the writing instance sees its own values');
  await store.stop();

  const again = await reopen(file);
  t.same(again.get([k1, k2, k3, missing]), ['{"pos":11}', '{"line":12345678901,"tag":"x\\"y"}', '{"pos":1}', null]);
  await again.stop();
  const text = await readFile(file, 'utf8');
  t.same((JSON.parse(text) as { version: number }).version, 1, 'the file is plain JSON');
});

t.test('concurrent set() calls all persist, the last value of each key wins', async (t) => {
  const file = freshFile();
  const store = await reopen(file);
  const key = (i: number): string => offsetKey('conn', JSON.stringify({ partition: i % 10 }));
  const writes: Promise<void>[] = [];
  for (let i = 0; i < 30; i++) writes.push(store.set(new Map([[key(i), JSON.stringify({ seq: i })], [offsetKey('solo', JSON.stringify({ i })), '{"once":true}']])));
  await Promise.all(writes);
  await store.stop();
  const again = await reopen(file);
  for (let p = 0; p < 10; p++) t.same(again.get([key(p)]), [JSON.stringify({ seq: 20 + p })], `partition ${p}: the last write wins`);
  const solos = again.get(Array.from({ length: 30 }, (_, i) => offsetKey('solo', JSON.stringify({ i }))));
  t.equal(solos.filter((v) => v === '{"once":true}').length, 30, 'no key written by any of the concurrent calls is lost');
  t.same(await readdir(path.dirname(file)), ['connect.offsets'], 'no temp file left behind');
});

t.test('a missing file is an empty store; the directory is created on first write', async (t) => {
  const file = path.join(root, 'not', 'yet', 'there', 'connect.offsets');
  const store = await reopen(file);
  t.same(store.get([offsetKey('c', '{}')]), [null]);
  await store.set(new Map([[offsetKey('c', '{}'), '{"p":1}']]));
  await store.stop();
  t.same((await reopen(file)).get([offsetKey('c', '{}')]), ['{"p":1}']);
});

t.test('the file is replaced through a temp file: none remains, even after a failed rename', async (t) => {
  const file = freshFile();
  const store = await reopen(file);
  for (let i = 0; i < 5; i++) await store.set(new Map([[offsetKey('c', '{}'), JSON.stringify({ i })]]));
  const entries = await readdir(path.dirname(file));
  t.same(entries, ['connect.offsets']);
  t.notOk(entries.some((e) => e.includes('.tmp-')), 'no .tmp- file');
  const before = await readFile(file, 'utf8');

  // Make the rename fail: a directory where the temp file's target is cannot be replaced by a file.
  const blockedFile = freshFile();
  const blocked = await reopen(blockedFile);
  await mkdir(blockedFile, { recursive: true });
  await t.rejects(blocked.set(new Map([[offsetKey('a', '{}'), '{"x":1}']])));
  t.same(await readdir(path.dirname(blockedFile)), ['connect.offsets'], 'the temp file is removed after a failed rename');
  // A failed write does not poison the queue: later writes still run, and carry the earlier values.
  await rm(blockedFile, { recursive: true });
  await blocked.set(new Map([[offsetKey('b', '{}'), '{"x":2}']]));
  t.same((await reopen(blockedFile)).get([offsetKey('a', '{}'), offsetKey('b', '{}')]), ['{"x":1}', '{"x":2}'], 'the next write carries every value');
  t.equal(await readFile(file, 'utf8'), before, 'an unrelated file is untouched');
});

t.test('a corrupt file is a clear error naming the file', async (t) => {
  const cases: [string, string][] = [
    ['truncated', '{"version":1,"offsets":[\n  [["c",{"f":1}],{"pos":'],
    ['garbage', 'this is not json'],
    ['empty', ''],
    ['wrong version', '{"version":2,"offsets":[]}'],
    ['no offsets', '{"version":1}'],
    ['json null', 'null'],
    ['json array', '[]'],
    ['json number', '42'],
    ['entry not a pair', '{"version":1,"offsets":[5]}'],
    ['entry without a value', '{"version":1,"offsets":[[["c",{}]]]}'],
  ];
  for (const [name, content] of cases) {
    const file = freshFile();
    await rm(path.dirname(file), { recursive: true, force: true });
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, content);
    const store = new FileOffsetBackingStore(file);
    await t.rejects(store.start(), { message: new RegExp(`offset\\.storage\\.file\\.filename=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }, `${name}: error names the file`);
  }
});
