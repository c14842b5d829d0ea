/**
 * allowed.paths through the real daemon and a real broker (docs/security.md, "Paths"): a REST user
 * cannot make the worker read its own worker.properties (a FileStreamSource, a ${file:…}
 * placeholder), reach out of an allowed directory through a symbolic link, or read environment
 * variables the pattern does not allow; an allowed path streams end to end; a config stored before
 * the list narrowed is refused again when its connector starts (distributed, config topic).
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { TEST_PLUGINS, connectdHarness } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'allowed-paths');
const data = path.join(root, 'data');
await mkdir(data, { recursive: true });
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="connectd" password="worker-login-secret";';
process.env.PATHS_TEST_SECRET = 'env-secret-value';
process.env.PATHS_OK_GREETING = 'hello';

// The worker's own config holds its SASL login (for a consumer it never starts: no sink here).
const proc = await startConnectd('worker', [], {
  'allowed.paths': data,
  'config.providers': 'env,file',
  'config.providers.env.param.allowlist.pattern': '^PATHS_OK_',
  'consumer.sasl.jaas.config': JAAS,
});
const workerFile = path.join(proc.dir, 'worker.properties');

async function refused(t: Test, name: string, config: Record<string, string>, expected: string[]): Promise<void> {
  const res = await proc.request('POST', '/connectors', { name, config });
  t.equal(res.status, 400, JSON.stringify(res.body));
  const message = (res.body as { message: string }).message;
  for (const part of expected) t.match(message, part);
  t.notMatch(message, /worker-login-secret|env-secret-value/, 'nothing read shows');
  t.notOk((await proc.get<string[]>('/connectors')).includes(name), 'no connector created');
}

t.test("a FileStreamSource reading the worker's own worker.properties is refused, naming key, path and allowlist", async (t) => {
  await refused(t, 'steal-config', { 'connector.class': 'FileStreamSource', file: workerFile, topic: 'stolen' }, [
    `file=${JSON.stringify(workerFile)}: not under allowed.paths (${data}); set allowed.paths to allow it`,
  ]);
  await refused(
    t,
    'steal-dotdot',
    {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
      file: `${data}/../worker/worker.properties`,
      topic: 'stolen',
    },
    ['not under allowed.paths'],
  );
  await refused(t, 'write-anywhere', { 'connector.class': 'FileStreamSink', file: path.join(root, 'evil.txt'), topics: 'x' }, [
    'file=',
    'not under allowed.paths',
  ]);
  await refused(t, 'bucket-outside', { 'connector.class': 'S3Source', bucket: `file://${root}`, topic: 'x' }, [
    'bucket=',
    'not under allowed.paths',
  ]);
  t.same(await readTopic(cluster.bootstrapServers, 'stolen', { timeoutMs: 2000 }).catch(() => []), [], 'nothing was written');
  type Infos = { error_count: number; configs: { value: { name: string; errors: string[] } }[] };
  const validate = async (file: string): Promise<Infos> =>
    (
      await proc.request('PUT', '/connector-plugins/FileStreamSource/config/validate', {
        'connector.class': 'FileStreamSource',
        file,
        topic: 'stolen',
      })
    ).body as Infos;
  const [outside, inside] = [await validate(workerFile), await validate(path.join(data, 'x.txt'))];
  t.equal(outside.error_count, inside.error_count + 1, 'the validate endpoint counts what the 400 says');
  t.same(outside.configs.find((c) => c.value.name === 'file')?.value.errors, [
    `not under allowed.paths (${data}); set allowed.paths to allow it`,
  ]);
});

t.test('a symbolic link inside the allowed directory that leads out of it is refused', async (t) => {
  await symlink(workerFile, path.join(data, 'innocent.txt'));
  await refused(t, 'steal-link', { 'connector.class': 'FileStreamSource', file: path.join(data, 'innocent.txt'), topic: 'stolen' }, [
    'file=',
    'leads out of allowed.paths',
    'through a symbolic link',
  ]);
});

t.test('a ${file:…} placeholder outside allowed.paths is refused', async (t) => {
  const placeholder = `\${file:${workerFile}:consumer.sasl.jaas.config}`;
  await refused(t, 'steal-placeholder', { 'connector.class': 'GeneratorSource', topic: 'gen', seed: placeholder }, [
    `cannot resolve ${placeholder}: ${workerFile}: not under allowed.paths (${data})`,
  ]);
});

t.test('the env provider refuses a variable its allowlist.pattern does not match, and CONNECTD_* always', async (t) => {
  await refused(t, 'steal-env', { 'connector.class': 'GeneratorSource', topic: 'gen', seed: '${env:PATHS_TEST_SECRET}' }, [
    'PATHS_TEST_SECRET does not match config.providers.env.param.allowlist.pattern (^PATHS_OK_)',
  ]);
  await refused(t, 'steal-worker-env', { 'connector.class': 'GeneratorSource', topic: 'gen', seed: '${env:CONNECTD_LOG_LEVEL}' }, [
    "CONNECTD_* variables hold the worker's own configuration",
  ]);
  const allowedVar = await proc.request('POST', '/connectors', {
    name: 'env-ok',
    config: { 'connector.class': 'GeneratorSource', topic: 'env-ok', 'records.per.partition': '1', seed: '${env:PATHS_OK_GREETING}' },
  });
  t.equal(allowedVar.status, 201, `a variable the pattern matches resolves: ${JSON.stringify(allowedVar.body)}`);
  t.equal((await proc.request('DELETE', '/connectors/env-ok')).status, 204);
});

t.test('an allowed path streams end to end', async (t) => {
  const input = path.join(data, 'in.txt');
  await writeFile(input, 'one\ntwo\nthree\n');
  await cluster.createTopic('allowed', { partitions: 1 });
  const res = await proc.request('POST', '/connectors', {
    name: 'allowed',
    config: { 'connector.class': 'FileStreamSource', file: input, topic: 'allowed' },
  });
  t.equal(res.status, 201, JSON.stringify(res.body));
  const records = await waitFor(
    'the three lines in the topic',
    async () => {
      const got = await readTopic(cluster.bootstrapServers, 'allowed', { timeoutMs: 2000 });
      return got.length === 3 ? got : undefined;
    },
    120_000,
  );
  t.same(
    records.map((r) => String(r.value)),
    ['one', 'two', 'three'],
  );
});

t.test('distributed: a config stored before allowed.paths narrowed fails when its connector starts, naming the path', async (t) => {
  const input = path.join(data, 'dist.txt');
  await writeFile(input, 'a\n');
  const run = `${process.pid}-${Date.now()}`;
  const distributedWorker = (allowed: string): Record<string, string> => ({
    'group.id': `paths-${run}`,
    'config.storage.topic': `paths-configs-${run}`,
    'offset.storage.topic': `paths-offsets-${run}`,
    'status.storage.topic': `paths-status-${run}`,
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
    'plugin.path': TEST_PLUGINS,
    'worker.threads': '2',
    'allowed.paths': allowed,
  });
  const start = (allowed: string): Promise<ConnectdProcess> =>
    ConnectdProcess.start({
      dir: path.join(root, 'dist'),
      bootstrapServers: cluster.bootstrapServers,
      connectors: [],
      mode: 'distributed',
      startTimeoutMs: 60_000,
      worker: distributedWorker(allowed),
    });
  const first = await start(data);
  t.teardown(() => first.kill());
  // The REST API answers before the worker has read its config topic: 500 until then.
  const created = await waitFor(
    'the worker reading its config topic',
    async () => {
      const res = await first.request('POST', '/connectors', {
        name: 'stored',
        config: { 'connector.class': 'FileStreamSource', file: input, topic: `dist-${run}` },
      });
      return res.status === 500 ? undefined : res;
    },
    120_000,
  );
  t.equal(created.status, 201, JSON.stringify(created.body));
  await waitFor('the connector running', async () => (await first.status('stored')).connector.state === 'RUNNING', 120_000);
  t.equal(await first.stop(), 0);

  const narrowed = path.join(root, 'elsewhere');
  await mkdir(narrowed, { recursive: true });
  const second = await start(narrowed);
  t.teardown(() => second.kill());
  const status = await waitFor(
    'the stored connector refused at start',
    async () => {
      const s = await second.status('stored').catch(() => undefined);
      return s?.connector.state === 'FAILED' ? s : undefined;
    },
    120_000,
  );
  t.match(status.connector.trace, `file=${JSON.stringify(input)}: not under allowed.paths (${narrowed}); set allowed.paths to allow it`);
  // Its task config is in the config topic too, and is checked on its own when the task starts.
  const task = await waitFor(
    'the stored task refused at start',
    async () => {
      const s = await second.status('stored');
      return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
    },
    120_000,
  );
  t.match(task.trace, `Invalid configuration of task stored-0: file=${JSON.stringify(input)}: not under allowed.paths (${narrowed})`);
});
