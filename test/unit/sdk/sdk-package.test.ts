/**
 * `connectd/sdk` as a package (issue 18, item 1). A connector package on plugin.path that ships its
 * OWN copy of connectd in its node_modules (what `npm install` gives a package that depends on
 * connectd) still works: the task host sends its `connectd/…` imports to the host's copy
 * (src/shared/sdk-resolution.ts), so the host's `instanceof` checks hold for its ConfigException,
 * its Struct values and its RetriableException. And a TypeScript package type-checks against the
 * exported declarations.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import t from 'tap';
import { ConfigDef, ConfigException } from '../../../src/worker-thread/sdk/index.js';
import type { Connector } from '../../../src/worker-thread/sdk/index.js';
import { connectorConfigProblems } from '../../../src/shared/connector-validation.js';
import { encodeSinkBatch } from '../../../src/shared/sink-batch.js';
import type { FromSinkTask, SinkTaskHostRequest, ToSinkTask } from '../../../src/shared/protocol.js';
import { SourceConnectorRun, taskHostPool, validateInHost } from '../../../src/worker-thread/sdk/testing/source-harness.js';
import { checkSourceConnector } from '../../../src/worker-thread/sdk/testing/index.js';
import { REPOSITORY, installPluginPackage } from '../../fixtures/plugin-package.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-sdk-package-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const plugin = await installPluginPackage({
  dir: path.join(root, 'plugins', 'own-sdk-plugin'),
  packageJson: { name: 'own-sdk-plugin', version: '1.0.0', type: 'module', main: 'index.js', peerDependencies: { connectd: '*' } },
  files: { 'index.js': path.join(REPOSITORY, 'dist/test/fixtures/own-sdk-plugin/index.js') },
});
const pool = taskHostPool();
t.teardown(() => pool.destroy());

t.test('the plugin package really holds a second copy of the SDK', async (t) => {
  // Imported here, on a thread without the hook: what any host without it would see.
  const mod = (await import(pathToFileURL(path.join(plugin, 'index.js')).href)) as Record<string, new () => Connector>;
  const ownSdk = (await import(pathToFileURL(path.join(plugin, 'node_modules/connectd/dist/src/worker-thread/sdk/index.js')).href)) as {
    ConfigDef: typeof ConfigDef;
  };
  const connector = new mod.OwnSdkSourceConnector!();
  t.ok(connector.config() instanceof ownSdk.ConfigDef, "its ConfigDef comes from its node_modules' copy");
  t.notOk(connector.config() instanceof ConfigDef, "and is not the host's");
  // The failure the hook prevents: the host does not recognise the plugin's ConfigException.
  let thrown: unknown;
  try {
    connectorConfigProblems(connector, { topic: 't', count: '0' });
  } catch (err) {
    thrown = err;
  }
  t.equal(
    (thrown as Error | undefined)?.name,
    'ConfigException',
    "without the hook, the host's validation throws the plugin's ConfigException…",
  );
  t.notOk(thrown instanceof ConfigException, '…which the host does not recognise, instead of listing its problems');
});

t.test("validation lists the problems of the plugin's ConfigException", async (t) => {
  const result = await validateInHost(
    pool,
    {
      name: 'own',
      'connector.class': 'OwnSdkSource',
      topic: 't',
      count: '0',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    },
    [plugin],
  );
  t.same(
    result.problems.map((p) => p.name),
    ['count'],
  );
  t.match(result.problems[0]!.message, /at least 1/);
  t.equal(result.connectorType, 'source');
});

t.test("the plugin's Struct values convert, and its task is the host's SourceTask", async (t) => {
  const run = new SourceConnectorRun(pool, {
    config: {
      name: 'own',
      'connector.class': 'OwnSdkSource',
      topic: 'own',
      count: '5',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    },
    pluginPath: [plugin],
  });
  await run.start(1);
  await run.waitFor('10 records', () => run.delivered.length >= 10 || run.taskFailures.length > 0, 30_000);
  t.ok(await run.stop(10_000), 'stopped');
  t.same(run.taskFailures, [], 'the task did not fail');
  const first = JSON.parse(run.delivered[0]!.value!.toString('utf8')) as { schema: { name: string }; payload: unknown };
  t.equal(first.schema.name, 'own.Value', 'the JsonConverter wrote the Struct with its schema');
  t.same(first.payload, { n: 0, label: 'record 0' });
});

t.test('the acceptance kit passes on the plugin with its own copy', async (t) => {
  const checks = await checkSourceConnector({
    config: { 'connector.class': 'OwnSdkSource', topic: 'own', count: '5' },
    pluginPath: [plugin],
    records: 10,
  });
  t.same(
    checks.map((c) => c.name),
    ['validate', 'start', 'poll', 'offsets', 'stop', 'restart', 'errors.tolerance=all', 'errors.tolerance=none'],
  );
});

t.test("a RetriableException from the plugin's sink put() redelivers the records", async (t) => {
  const out = path.join(root, 'sink-out.txt');
  const config = {
    name: 'own-sink',
    'connector.class': 'OwnSdkSink',
    topics: 'in',
    out,
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  };
  const { port1, port2 } = new MessageChannel();
  const request: SinkTaskHostRequest = {
    kind: 'sink-task',
    connectorName: 'own-sink',
    taskId: 0,
    connectorConfig: config,
    taskConfig: config,
    port: port2,
    pluginPath: [plugin],
  };
  const done = pool.run(request, { transferList: [port2] }) as Promise<unknown>;
  const seen: FromSinkTask[] = [];
  port1.on('message', (m: FromSinkTask) => seen.push(m));
  const answer = (t: FromSinkTask['t']): Promise<FromSinkTask> => nextMessage(port1, (m) => m.t === t);
  await answer('started');
  port1.postMessage({ t: 'open', id: 1, partitions: [{ topic: 'in', partition: 0 }] } satisfies ToSinkTask);
  await answer('opened');
  const batch = encodeSinkBatch([
    { topic: 'in', partition: 0, offset: 0, value: Buffer.from('a') },
    { topic: 'in', partition: 0, offset: 1, value: Buffer.from('b') },
  ]);
  port1.postMessage({ t: 'batch', id: 2, epoch: 0, count: batch.count, topics: batch.topics, buffer: batch.buffer } satisfies ToSinkTask, [
    batch.buffer,
  ]);
  const putDone = await answer('put-done');
  port1.postMessage({ t: 'stop' } satisfies ToSinkTask);
  await done;
  port1.close();
  const retry = seen.find((m) => m.t === 'put-retry');
  t.ok(retry !== undefined, 'the first put was retried (the host took the exception for retriable)');
  t.match(putDone, { t: 'put-done', put: 2 });
  t.equal(await readFile(out, 'utf8'), 'a\nb\n', 'the same records were put again, once');
});

t.test('a TypeScript package type-checks against the exported declarations', async (t) => {
  const declarations = path.join(REPOSITORY, 'dist/src/worker-thread/sdk/index.d.ts');
  t.ok(existsSync(declarations), 'dist has the SDK declarations (tools/bootstrap.sh runs tsc -p tsconfig.sdk.json)');
  const dir = path.join(root, 'ts-consumer');
  await mkdir(path.join(dir, 'node_modules'), { recursive: true });
  // As `npm install ../connectd` (a file: dependency) leaves it: a link to the package.
  await symlink(REPOSITORY, path.join(dir, 'node_modules', 'connectd'), 'dir');
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'ts-consumer', type: 'module' }));
  await writeFile(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        // As most projects set it (checking @types/node's own declarations takes a minute here).
        skipLibCheck: true,
        types: [],
      },
      files: ['good.ts', 'bad.ts'],
    }),
  );
  await writeFile(
    path.join(dir, 'good.ts'),
    [
      "import { ConfigDef, SourceRecord, SourceTask, Schema } from 'connectd/sdk';",
      "import { checkSourceConnector } from 'connectd/sdk/testing';",
      'export class T extends SourceTask {',
      "  version(): string { return '1'; }",
      '  start(): void {}',
      "  async poll(): Promise<SourceRecord[]> { return [new SourceRecord({ sourcePartition: {}, sourceOffset: {}, topic: 't', valueSchema: Schema.STRING_SCHEMA, value: 'v' })]; }",
      '  stop(): void {}',
      '}',
      "export const def = new ConfigDef().define({ name: 'k', type: 'STRING', importance: 'HIGH', documentation: 'k' });",
      'export const check: typeof checkSourceConnector = checkSourceConnector;',
    ].join('\n'),
  );
  // A mistake the declarations must catch: a SourceRecord without its topic.
  await writeFile(
    path.join(dir, 'bad.ts'),
    "import { SourceRecord } from 'connectd/sdk';\nexport const r = new SourceRecord({ sourcePartition: {}, sourceOffset: {}, value: 1 });\n",
  );
  const tsc = path.join(REPOSITORY, 'node_modules/typescript/bin/tsc');
  const output = await promisify(execFile)(process.execPath, [tsc, '-p', '.'], { cwd: dir }).then(
    () => '',
    (err: { stdout: string }) => err.stdout,
  );
  const errors = output.split('\n').filter((line) => /error TS/.test(line));
  t.same(
    errors.filter((line) => !line.startsWith('bad.ts')),
    [],
    'no type errors in correct code',
  );
  t.match(output, /^bad\.ts\(2,\d+\): error TS2345.*Property 'topic' is missing/s, 'a missing topic is a type error');
});

function nextMessage<M>(port: MessagePort, accept: (m: M) => boolean): Promise<M> {
  return new Promise((resolve) => {
    const on = (m: M): void => {
      if (!accept(m)) return;
      port.off('message', on);
      resolve(m);
    };
    port.on('message', on);
  });
}
