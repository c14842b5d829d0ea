/**
 * The S3 source's local directory bucket (file://) serves nothing outside its directory: the
 * worker's allowed.paths admits the directory, so a symbolic link inside it must not reach
 * further, neither as an object nor as a prefix's folder.
 */
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { LocalObjectStore } from '../../../src/worker-thread/connectors/s3/local-object-store.js';

const root = await realpath(await mkdtemp(path.join(os.tmpdir(), 'connectd-local-store-')));
t.teardown(() => rm(root, { recursive: true, force: true }));
const bucket = path.join(root, 'bucket');
const outside = path.join(root, 'outside');
await mkdir(path.join(bucket, 'in'), { recursive: true });
await mkdir(path.join(bucket, 'inner'), { recursive: true });
await mkdir(outside);
await writeFile(path.join(bucket, 'in', 'a.txt'), 'a\n');
await writeFile(path.join(bucket, 'inner', 'b.txt'), 'b\n');
await writeFile(path.join(outside, 'secret.txt'), 'secret\n');
await symlink(path.join(outside, 'secret.txt'), path.join(bucket, 'in', 'leak.txt'));
await symlink(outside, path.join(bucket, 'linked'));
await symlink(path.join(bucket, 'inner'), path.join(bucket, 'in', 'inner-link'));
const store = new LocalObjectStore(pathToFileURL(bucket).href);

t.test('an object whose file a symbolic link places outside the directory is missing', async (t) => {
  t.equal(await store.open('in/leak.txt'), 'missing');
  t.equal(await store.open('linked/secret.txt'), 'missing');
  const inside = await store.open('in/inner-link/b.txt');
  t.not(inside, 'missing', 'a link that stays inside the directory is followed');
  if (typeof inside === 'object') inside.destroy();
  const plain = await store.open('in/a.txt');
  t.not(plain, 'missing');
  if (typeof plain === 'object') plain.destroy();
});

t.test('a prefix whose folder a symbolic link places outside the directory lists nothing', async (t) => {
  t.same((await store.list({ prefix: 'linked/' })).objects, []);
  t.same(
    (await store.list({ prefix: 'in/' })).objects.map((o) => o.key),
    ['in/a.txt'],
    'links are not listed',
  );
});
