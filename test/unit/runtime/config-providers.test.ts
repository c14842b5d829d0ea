import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { AllowedPaths } from '../../../src/main-thread/runtime/allowed-paths.js';
import { configProvidersFrom, resolveConfig } from '../../../src/main-thread/runtime/config-providers.js';

const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'connectd-providers-')));
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
  t.same(resolveConfig({ a: '${env:CONNECTD_TEST_SECRET}' }, configProvidersFrom(['file'], {})).config, {
    a: '${env:CONNECTD_TEST_SECRET}',
  });
});

t.test('what cannot be resolved is named, every one', async (t) => {
  const { problems } = resolveConfig(
    { a: '${env:CONNECTD_NOT_SET_ANYWHERE}', b: `\${file:${dir}/secrets.properties:nope}`, c: `\${file:${dir}/missing.properties:k}` },
    configProvidersFrom(['env', 'file'], {}),
  );
  t.same(
    problems.map((p) => p.name),
    ['a', 'b', 'c'],
  );
  t.match(problems[0]!.message, /environment variable CONNECTD_NOT_SET_ANYWHERE is not set/);
  t.match(problems[1]!.message, /has no key nope/);
  t.match(problems[2]!.message, /ENOENT/);
});

t.test('unknown provider class is refused', async (t) => {
  t.throws(() => configProvidersFrom(['vault'], {}), /config\.providers\.vault\.class=: unknown config provider/);
  t.throws(() => configProvidersFrom(['x'], { x: 'com.example.Nope' }), /unknown config provider/);
});

t.test(
  'file and directory providers: bound by allowed.paths for connector configs, by their own allowed.paths param everywhere',
  async (t) => {
    const allowedDir = path.join(dir, 'allowed');
    mkdirSync(allowedDir);
    writeFileSync(path.join(allowedDir, 'ok.properties'), 'k=v\n');
    writeFileSync(path.join(allowedDir, 'tok'), 'dir-token');
    symlinkSync(path.join(dir, 'token'), path.join(allowedDir, 'escape'));
    const forConnectors = configProvidersFrom(
      ['file', 'directory'],
      {},
      { connectorAllowedPaths: new AllowedPaths([allowedDir], 'allowed.paths') },
    );
    const inside = resolveConfig({ a: `\${file:${allowedDir}/ok.properties:k}`, b: `\${directory:${allowedDir}:tok}` }, forConnectors);
    t.same(inside.problems, []);
    t.same(inside.config, { a: 'v', b: 'dir-token' });
    const outside = resolveConfig(
      {
        a: `\${file:${dir}/secrets.properties:db.password}`,
        b: `\${directory:${allowedDir}:escape}`,
        c: `\${file:${allowedDir}/../secrets.properties:user}`,
      },
      forConnectors,
    );
    t.same(
      outside.problems.map((p) => p.name),
      ['a', 'b', 'c'],
    );
    t.equal(
      outside.problems[0]!.message,
      `cannot resolve \${file:${dir}/secrets.properties:db.password}: ${dir}/secrets.properties: not under allowed.paths (${allowedDir}); set allowed.paths to allow it`,
    );
    t.match(outside.problems[1]!.message, /escape: leads out of allowed\.paths .* through a symbolic link/);
    t.match(outside.problems[2]!.message, /not under allowed\.paths/);
    t.same(outside.config.a, `\${file:${dir}/secrets.properties:db.password}`, 'the placeholder stays');
    t.notMatch(JSON.stringify(outside), /p@ss/, 'nothing of the file shows');

    const none = configProvidersFrom(['file'], {}, { connectorAllowedPaths: new AllowedPaths([], 'allowed.paths') });
    t.match(
      resolveConfig({ a: `\${file:${allowedDir}/ok.properties:k}` }, none).problems[0]!.message,
      /not under allowed\.paths \(none set\)/,
      'no allowed.paths: no file',
    );

    // Kafka's param: replaces allowed.paths for this provider, and bounds the worker config's use too.
    const param = { file: { 'allowed.paths': allowedDir } };
    const worker = configProvidersFrom(['file'], {}, { params: param });
    t.match(
      resolveConfig({ a: `\${file:${dir}/secrets.properties:user}` }, worker).problems[0]!.message,
      /not under config\.providers\.file\.param\.allowed\.paths/,
    );
    t.same(
      resolveConfig({ a: `\${file:${dir}/secrets.properties:user}` }, configProvidersFrom(['file'], {})).config,
      { a: 'alice' },
      'no param: the worker config is not bound',
    );
    const paramForConnectors = configProvidersFrom(
      ['file'],
      {},
      { params: param, connectorAllowedPaths: new AllowedPaths([], 'allowed.paths') },
    );
    t.same(
      resolveConfig({ a: `\${file:${allowedDir}/ok.properties:k}` }, paramForConnectors).config,
      { a: 'v' },
      'the param, not allowed.paths, bounds it',
    );
  },
);

t.test('env provider: allowlist.pattern bounds every use; connector configs get nothing without it, never CONNECTD_*', async (t) => {
  process.env.APP_DB_PASSWORD = 'app-secret';
  process.env.OTHER_SECRET = 'other-secret';
  t.teardown(() => {
    delete process.env.APP_DB_PASSWORD;
    delete process.env.OTHER_SECRET;
  });
  const connectorBounds = { connectorAllowedPaths: new AllowedPaths([], 'allowed.paths') };
  const unset = resolveConfig({ a: '${env:APP_DB_PASSWORD}' }, configProvidersFrom(['env'], {}, connectorBounds));
  t.equal(
    unset.problems[0]!.message,
    'cannot resolve ${env:APP_DB_PASSWORD}: APP_DB_PASSWORD: connector configs may read no environment variable until config.providers.env.param.allowlist.pattern matches it',
  );
  const bounded = configProvidersFrom(['env'], {}, { ...connectorBounds, params: { env: { 'allowlist.pattern': '^APP_' } } });
  const result = resolveConfig({ a: '${env:APP_DB_PASSWORD}', b: '${env:OTHER_SECRET}', c: '${env:APP_NOT_SET}' }, bounded);
  t.same(result.config.a, 'app-secret');
  t.same(
    result.problems.map((p) => p.message),
    [
      'cannot resolve ${env:OTHER_SECRET}: OTHER_SECRET does not match config.providers.env.param.allowlist.pattern (^APP_)',
      'cannot resolve ${env:APP_NOT_SET}: environment variable APP_NOT_SET is not set',
    ],
  );
  const everything = configProvidersFrom(['env'], {}, { ...connectorBounds, params: { env: { 'allowlist.pattern': '.*' } } });
  t.match(
    resolveConfig({ a: '${env:CONNECTD_TEST_SECRET}' }, everything).problems[0]!.message,
    /CONNECTD_\* variables hold the worker's own configuration/,
  );
  // The worker config's own placeholders: bound by the pattern only.
  t.same(resolveConfig({ a: '${env:OTHER_SECRET}' }, configProvidersFrom(['env'], {})).config, { a: 'other-secret' });
  t.equal(
    resolveConfig({ a: '${env:OTHER_SECRET}' }, configProvidersFrom(['env'], {}, { params: { env: { 'allowlist.pattern': '^APP_' } } }))
      .problems.length,
    1,
  );
});
