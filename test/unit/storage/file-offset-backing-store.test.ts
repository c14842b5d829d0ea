/**
 * Standalone offsets file: durable round trip, serialized concurrent writes, atomic replacement,
 * clear errors for files it cannot read, keys that come back exactly as the runtime builds them
 * (connectJson, Jackson's escapes), older files with keys in JSON.stringify form, and stale temp
 * files. The full-disk case is test/standalone/disk-full.test.ts (a real tmpfs).
 */
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { FileOffsetBackingStore } from '../../../src/main-thread/storage/file-offset-backing-store.js';
import { connectJson, offsetKey } from '../../../src/shared/offset-json.js';

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
  // Built as the runtime builds them: connectJson, not JSON.stringify (🚀 is `\uD83D\uDE80` in a key).
  const k1 = offsetKey('conn-a', connectJson({ file: 'a.txt' }));
  const k2 = offsetKey('conn-a', connectJson({ file: 'naïve 🚀.txt', n: 2, flag: true, none: null }));
  const k3 = offsetKey('conn-b', connectJson({ file: 'a.txt' }));
  const missing = offsetKey('conn-c', '{}');
  t.same(store.get([k1, missing]), [null, null], 'empty before any set');
  await store.set(
    new Map([
      [k1, JSON.stringify({ pos: 10 })],
      [k2, JSON.stringify({ line: 12345678901, tag: 'x"y' })],
    ]),
  );
  await store.set(
    new Map([
      [k3, JSON.stringify({ pos: 1 })],
      [k1, JSON.stringify({ pos: 11 })],
    ]),
  );
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
  for (let i = 0; i < 30; i++)
    writes.push(
      store.set(
        new Map([
          [key(i), JSON.stringify({ seq: i })],
          [offsetKey('solo', JSON.stringify({ i })), '{"once":true}'],
        ]),
      ),
    );
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
  t.notOk(
    entries.some((e) => e.includes('.tmp-')),
    'no .tmp- file',
  );
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
  t.same(
    (await reopen(blockedFile)).get([offsetKey('a', '{}'), offsetKey('b', '{}')]),
    ['{"x":1}', '{"x":2}'],
    'the next write carries every value',
  );
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
    await t.rejects(
      store.start(),
      { message: new RegExp(`offset\\.storage\\.file\\.filename=${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) },
      `${name}: error names the file`,
    );
  }
});

/**
 * Characters JSON.stringify and Kafka Connect's Jackson write differently (a character outside the
 * BMP, control characters in hex), or the same (DEL, U+2028), and a long name: keys built as the
 * runtime builds them (offsetKey + connectJson, see worker-source-task.ts and record-batch.ts) must
 * be found again by a new store instance, and a commit after the restart must replace the value,
 * not add a second key.
 */
const AWKWARD_NAMES = [
  'orders-📦',
  `long-${'n'.repeat(150)}-📦-${'é'.repeat(41)}`,
  'ctl-\u0001\u0007\u000b\u000e\u001f-\b\t\n\f\r',
  'del-\u007f-c1-\u0080\u009f',
  'sep-\u2028\u2029',
  // connectJson writes a lone surrogate as `\ud800` (lower case) where Jackson writes `\uD800`; as
  // long as it does, the file must give back what it writes (name and partition serialised apart).
  'lone-\ud800-\udc00-end',
  'quote-"-back\\slash-/',
  'bmp-中文-€-ß',
];

t.test('keys with characters outside the BMP, control characters or a 200-character name survive a restart', async (t) => {
  t.equal(AWKWARD_NAMES[1]!.length, 200);
  const file = freshFile();
  const keyOf = (name: string, i: number): string => offsetKey(name, connectJson({ filename: `/data/in-📦-${i}-\u0007.txt`, shard: i }));
  const valueOf = (i: number, round: number): string => connectJson({ position: i * 1000 + round, last: `x😀\u0001${round}` });
  const keys = AWKWARD_NAMES.map(keyOf);
  const store = await reopen(file);
  await store.set(new Map(keys.map((k, i) => [k, valueOf(i, 1)])));
  await store.stop();

  const again = await reopen(file);
  t.same(
    again.get(keys),
    keys.map((_, i) => valueOf(i, 1)),
    'every key is found by a new instance, with its value as written',
  );
  await again.set(new Map(keys.map((k, i) => [k, valueOf(i, 2)])));
  await again.stop();

  const third = await reopen(file);
  t.same(
    third.get(keys),
    keys.map((_, i) => valueOf(i, 2)),
    'a commit after the restart replaced each value',
  );
  t.equal([...third.entries()].length, keys.length, 'one entry per key: no second form of a key was added');
  t.same(
    [...third.entries()].map(([k]) => k),
    keys,
    'entries() gives the runtime the keys in their canonical form',
  );
  await third.stop();
});

t.test('a file of an older version, with keys in JSON.stringify form or in both forms, reads back as one key each', async (t) => {
  const name = 'orders-📦';
  const partition = { filename: 'in-😀\u001f.txt' };
  const jackson = offsetKey(name, connectJson(partition));
  const stringified = JSON.stringify([name, partition]);
  t.not(stringified, jackson, 'the two forms differ (else this test shows nothing)');

  // Only the stringify form: what an older version wrote back after loading a Jackson-form key.
  const onlyOld = freshFile();
  await mkdir(path.dirname(onlyOld), { recursive: true });
  await writeFile(onlyOld, `{"version":1,"offsets":[\n  [${stringified},{"position":100}]\n]}\n`);
  const a = await reopen(onlyOld);
  t.same(a.get([jackson]), ['{"position":100}'], 'found under the key the runtime looks up');
  await a.set(new Map([[jackson, '{"position":120}']]));
  await a.stop();
  const aText = await readFile(onlyOld, 'utf8');
  t.notOk(aText.includes('📦'), 'rewritten with Jackson escapes only');
  t.equal([...(await reopen(onlyOld)).entries()].length, 1);

  // Both forms: the older version loaded the stringify form, then its commits appended the Jackson form.
  const both = freshFile();
  await mkdir(path.dirname(both), { recursive: true });
  await writeFile(both, `{"version":1,"offsets":[\n  [${stringified},{"position":100}],\n  [${jackson},{"position":150}]\n]}\n`);
  const b = await reopen(both);
  t.same(b.get([jackson]), ['{"position":150}'], 'the later entry (the later commit) wins');
  t.equal([...b.entries()].length, 1, 'one key');
  await b.stop();
});

t.test('stale temp files of a dead process are removed at start; nothing else is', async (t) => {
  const file = freshFile();
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true });
  await writeFile(file, `{"version":1,"offsets":[\n  [${offsetKey('c', '{}')},{"p":1}]\n]}\n`);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid;
  const alive = process.ppid;
  const names = {
    deadPid: `connect.offsets.tmp-${dead}`,
    ownPid: `connect.offsets.tmp-${process.pid}`,
    livePid: `connect.offsets.tmp-${alive}`,
    notAPid: 'connect.offsets.tmp-abc',
    otherFile: `other.offsets.tmp-${dead}`,
    prefixOnly: `connect.offsets.tmp-${dead}.bak`,
  };
  for (const n of Object.values(names)) await writeFile(path.join(dir, n), 'partial');
  const store = await reopen(file);
  t.same(store.get([offsetKey('c', '{}')]), ['{"p":1}']);
  const left = new Set(await readdir(dir));
  t.notOk(left.has(names.deadPid), 'a dead process’s temp file is removed');
  t.notOk(left.has(names.ownPid), 'one with our own pid (a crashed process of an earlier boot) is removed');
  t.ok(left.has(names.livePid), 'a live process’s temp file is left alone');
  t.ok(left.has(names.notAPid) && left.has(names.otherFile) && left.has(names.prefixOnly), 'files of other names are left alone');
  await store.stop();
});
