/**
 * AllowedPaths (Kafka's KIP-993 allowlist, runtime/allowed-paths.ts) over a real directory tree:
 * `..`, the sibling-prefix trick, symbolic links out of an allowed directory, files not created
 * yet, relative paths; and the built-in connectors' path keys.
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import t from 'tap';
import { AllowedPaths, pathProblems, realPath } from '../../../src/main-thread/runtime/allowed-paths.js';

const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'connectd-allowed-')));
t.teardown(() => rmSync(root, { recursive: true, force: true }));
const data = path.join(root, 'data');
const evil = path.join(root, 'data-evil');
const outside = path.join(root, 'outside');
for (const dir of [data, evil, outside, path.join(data, 'sub')]) mkdirSync(dir, { recursive: true });
writeFileSync(path.join(data, 'in.txt'), 'line\n');
writeFileSync(path.join(outside, 'secret.properties'), 'password=x\n');
symlinkSync(path.join(outside, 'secret.properties'), path.join(data, 'link-to-secret'));
symlinkSync(outside, path.join(data, 'link-to-outside'));
symlinkSync(path.join(data, 'in.txt'), path.join(data, 'sub', 'link-inside'));
const allowed = new AllowedPaths([data], 'allowed.paths');

t.test('paths under an allowed directory are allowed, the directory itself too', async (t) => {
  t.equal(allowed.refusal(path.join(data, 'in.txt')), undefined);
  t.equal(allowed.refusal(data), undefined);
  t.equal(allowed.refusal(`${data}/sub/../in.txt`), undefined, '.. that stays inside');
  t.equal(allowed.refusal(path.join(data, 'sub', 'link-inside')), undefined, 'a link that stays inside');
});

t.test('a file not created yet is checked by its longest existing prefix', async (t) => {
  t.equal(allowed.refusal(path.join(data, 'new.txt')), undefined, 'a sink file to be created');
  t.equal(allowed.refusal(path.join(data, 'new-dir', 'deeper', 'new.txt')), undefined);
  t.match(
    allowed.refusal(path.join(data, 'link-to-outside', 'new.txt')),
    /leads out of allowed\.paths .* through a symbolic link/,
    'created through a link to outside',
  );
});

t.test('.. out of the directory is refused', async (t) => {
  t.equal(allowed.refusal(`${data}/../outside/secret.properties`), `not under allowed.paths (${data}); set allowed.paths to allow it`);
  t.match(allowed.refusal(`${data}/sub/../../outside/x`), /not under allowed\.paths/);
  // The kernel resolves `..` after the link: link-to-outside/.. is outside's parent, not data.
  t.match(allowed.refusal(`${data}/link-to-outside/../outside/secret.properties`), /through a symbolic link/);
});

t.test('a sibling whose name starts with the allowed one is not under it', async (t) => {
  t.match(allowed.refusal(path.join(evil, 'x.txt')), /not under allowed\.paths/);
  t.match(allowed.refusal(evil), /not under allowed\.paths/);
  t.equal(
    new AllowedPaths([`${data}/`], 'allowed.paths').refusal(path.join(data, 'in.txt')),
    undefined,
    'a trailing slash in the list changes nothing',
  );
});

t.test('a symbolic link inside an allowed directory that points outside is refused', async (t) => {
  t.equal(
    allowed.refusal(path.join(data, 'link-to-secret')),
    `leads out of allowed.paths (${data}) through a symbolic link; set allowed.paths to allow it`,
  );
  t.match(allowed.refusal(path.join(data, 'link-to-outside', 'secret.properties')), /through a symbolic link/);
  t.equal(
    new AllowedPaths([data, outside], 'allowed.paths').refusal(path.join(data, 'link-to-secret')),
    undefined,
    'allowed when its target is allowed too',
  );
});

t.test('relative paths are relative to the working directory', async (t) => {
  const cwd = process.cwd();
  process.chdir(data);
  t.teardown(() => process.chdir(cwd));
  t.equal(allowed.refusal('in.txt'), undefined);
  t.equal(allowed.refusal('new.txt'), undefined);
  t.match(allowed.refusal('../outside/secret.properties'), /not under allowed\.paths/);
  t.match(allowed.refusal('link-to-secret'), /through a symbolic link/);
});

t.test('an empty list allows nothing; / allows everything', async (t) => {
  t.equal(
    new AllowedPaths([], 'allowed.paths').refusal(path.join(data, 'in.txt')),
    'not under allowed.paths (none set); set allowed.paths to allow it',
  );
  t.equal(new AllowedPaths(['/'], 'allowed.paths').refusal('/etc/passwd'), undefined);
});

t.test('parse: comma-separated absolute directories', async (t) => {
  t.same(AllowedPaths.parse(` ${data} ,${outside}/sub/..`, 'allowed.paths').dirs, [data, outside]);
  t.throws(() => AllowedPaths.parse('relative/dir,/ok', 'allowed.paths'), /not absolute: relative\/dir/);
});

t.test('realPath follows links in the existing prefix and appends the rest', async (t) => {
  t.equal(realPath(path.join(data, 'link-to-outside', 'a', 'b')), path.join(outside, 'a', 'b'));
  t.equal(realPath(path.join(data, 'link-to-secret')), path.join(outside, 'secret.properties'));
});

t.test("the built-in connectors' path keys, by any of their names", async (t) => {
  const secret = path.join(outside, 'secret.properties');
  for (const cls of [
    'FileStreamSource',
    'FileStreamSourceConnector',
    'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'io.connectd.connectors.file.FileStreamSinkConnector',
    'FileStreamSink',
  ]) {
    t.same(
      pathProblems(cls, { file: secret }, allowed),
      [{ name: 'file', value: secret, message: `not under allowed.paths (${data}); set allowed.paths to allow it` }],
      cls,
    );
  }
  t.same(
    pathProblems('S3Source', { bucket: pathToFileURL(outside).href }, allowed).map((p) => p.name),
    ['bucket'],
  );
  t.same(pathProblems('S3Source', { bucket: pathToFileURL(data).href }, allowed), [], 'an allowed directory as a bucket');
  t.same(pathProblems('S3Source', { bucket: 'my-bucket' }, allowed), [], 'an S3 bucket names no path');
  t.same(pathProblems('FileStreamSource', { file: path.join(data, 'in.txt') }, allowed), []);
  t.same(pathProblems('GeneratorSource', { file: secret }, allowed), [], 'other connectors have no path keys');
});
