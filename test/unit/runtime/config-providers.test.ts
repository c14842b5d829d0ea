import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { configProvidersFrom, resolveConfig } from '../../../src/runtime/config-providers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'connectd-providers-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(path.join(dir, 'secrets.properties'), 'db.password=p@ss\\:word\nuser = alice\n');
writeFileSync(path.join(dir, 'token'), 'tok-123');
process.env.CONNECTD_TEST_SECRET = 'from-env';

t.test('env, file and directory placeholders resolve; the rest stays', async (t) => {
  const providers = configProvidersFrom(['env', 'file', 'directory'], {});
  const { config, problems } = resolveConfig(
    {
      a: '${env:CONNECTD_TEST_SECRET}',
      b: `\${file:${dir}/secrets.properties:db.password}`,
      c: `jdbc://\${file:${dir}/secrets.properties:user}@host`,
      d: `\${directory:${dir}:token}`,
      e: '${vault:secret/x:y}',
      f: 'no placeholder',
    },
    providers,
  );
  t.same(problems, []);
  t.same(config, { a: 'from-env', b: 'p@ss:word', c: 'jdbc://alice@host', d: 'tok-123', e: '${vault:secret/x:y}', f: 'no placeholder' });
});

t.test('providers are off unless enabled', async (t) => {
  t.same(resolveConfig({ a: '${env:CONNECTD_TEST_SECRET}' }, configProvidersFrom([], {})).config, { a: '${env:CONNECTD_TEST_SECRET}' });
  t.same(resolveConfig({ a: '${env:CONNECTD_TEST_SECRET}' }, configProvidersFrom(['file'], {})).config, { a: '${env:CONNECTD_TEST_SECRET}' });
});

t.test('what cannot be resolved is named, every one', async (t) => {
  const { problems } = resolveConfig({ a: '${env:CONNECTD_NOT_SET_ANYWHERE}', b: `\${file:${dir}/secrets.properties:nope}`, c: `\${file:${dir}/missing.properties:k}` }, configProvidersFrom(['env', 'file'], {}));
  t.same(problems.map((p) => p.name), ['a', 'b', 'c']);
  t.match(problems[0]!.message, /environment variable CONNECTD_NOT_SET_ANYWHERE is not set/);
  t.match(problems[1]!.message, /has no key nope/);
  t.match(problems[2]!.message, /ENOENT/);
});

t.test('unknown provider class is refused', async (t) => {
  t.throws(() => configProvidersFrom(['vault'], {}), /config\.providers\.vault\.class=: unknown config provider/);
  t.throws(() => configProvidersFrom(['x'], { x: 'com.example.Nope' }), /unknown config provider/);
});
