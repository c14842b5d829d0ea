/**
 * REST contract tests: Kafka Connect's paths, status codes, bodies and error shape, against the
 * running daemon and a real broker.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const PLUGINS = path.resolve(import.meta.dirname, '../fixtures/plugins');
const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-rest-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const proc = await ConnectdProcess.start({
  dir: root,
  bootstrapServers: cluster.bootstrapServers,
  connectors: [],
  worker: { 'plugin.path': PLUGINS },
});
t.teardown(() => proc.kill());
const call = (method: string, p: string, body?: unknown) => proc.request(method, p, body);

async function raw(method: string, p: string, body: string, contentType = 'application/json'): Promise<{ status: number; body: unknown }> {
  const res = await fetch(proc.url + p, { method, headers: { 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

const generator = (topic: string, extra: Record<string, string> = {}) => ({
  'connector.class': 'io.connectd.connectors.generator.GeneratorSourceConnector',
  topic,
  'source.partitions': '1',
  'poll.interval.ms': '50',
  'batch.size': '10',
  ...extra,
});

t.test('root and health', async (t) => {
  const root = await call('GET', '/');
  t.equal(root.status, 200);
  t.match(root.body, { version: String, commit: String });
  const meta = await readFile(path.join(cluster.nodes[0]!.logDir, 'meta.properties'), 'utf8');
  t.equal((root.body as { kafka_cluster_id: string }).kafka_cluster_id, /cluster\.id=(\S+)/.exec(meta)![1], "the broker's cluster id");
  t.same(await call('GET', '/health'), {
    status: 200,
    body: { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' },
  });
});

t.test('create, read, update, patch, list, delete', async (t) => {
  await cluster.createTopic('rest-a', { partitions: 1 });
  const created = await fetch(`${proc.url}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'a', config: generator('rest-a') }),
  });
  t.equal(created.status, 201, 'POST /connectors → 201');
  t.equal(created.headers.get('location'), '/connectors/a', 'with Location');
  const info = (await created.json()) as { name: string; config: Record<string, string>; type: string };
  t.equal(info.name, 'a');
  t.equal(info.type, 'source');
  t.equal(info.config.name, 'a', 'config carries the name');

  t.same(
    (await call('POST', '/connectors', { name: 'a', config: generator('rest-a') })).body,
    { error_code: 409, message: 'Connector a already exists' },
    'duplicate → 409',
  );
  t.equal((await call('POST', '/connectors', { name: 'a', config: generator('rest-a') })).status, 409);
  await waitFor('a running with its task', async () => (await proc.status('a')).tasks[0]?.state === 'RUNNING');

  t.same((await call('GET', '/connectors')).body, ['a']);
  const expanded = (await call('GET', '/connectors?expand=status&expand=info')).body as Record<
    string,
    { status: ConnectorStatus; info: { name: string } }
  >;
  t.equal(expanded.a?.status.connector.state, 'RUNNING', 'expand=status');
  t.equal(expanded.a?.info.name, 'a', 'expand=info');
  t.same(Object.keys((await call('GET', '/connectors?expand=status')).body as object), ['a']);

  t.same((await call('GET', '/connectors/a/config')).body, { ...generator('rest-a'), name: 'a' });
  const tasks = (await call('GET', '/connectors/a/tasks')).body as {
    id: { connector: string; task: number };
    config: Record<string, string>;
  }[];
  t.same(
    tasks.map((x) => x.id),
    [{ connector: 'a', task: 0 }],
    'TaskInfo ids',
  );
  t.equal(tasks[0]!.config['task.partitions'], '0', 'TaskInfo carries the task config');
  t.same(
    (await call('GET', '/connectors/a/tasks/0/status')).body,
    {
      id: 0,
      state: 'RUNNING',
      worker_id: (await proc.status('a')).tasks[0]!.worker_id,
      version: ((await call('GET', '/')).body as { version: string }).version,
    },
    "with the task's version(), as Kafka Connect 4.1",
  );
  t.equal(tasks[0]!.config['task.class'], 'io.connectd.connectors.generator.GeneratorSourceTask', 'task.class, as Kafka Connect adds it');
  t.equal(tasks[0]!.config['key.converter'], undefined, "no worker converter defaults: the connector's task config only");

  const put = await call('PUT', '/connectors/a/config', generator('rest-a', { 'batch.size': '20' }));
  t.equal(put.status, 200, 'PUT on an existing connector → 200');
  t.equal((put.body as { config: Record<string, string> }).config['batch.size'], '20');
  const putNew = await call('PUT', '/connectors/b/config', generator('rest-a'));
  t.equal(putNew.status, 201, 'PUT on a new connector → 201');
  const mismatch = await call('PUT', '/connectors/b/config', { ...generator('rest-a'), name: 'c' });
  t.equal(mismatch.status, 400);
  t.match((mismatch.body as { message: string }).message, /doesn't match connector name in the URL/);

  const patched = await call('PATCH', '/connectors/b/config', { 'batch.size': '30', 'poll.interval.ms': null });
  t.equal(patched.status, 200);
  const patchedConfig = (patched.body as { config: Record<string, string> }).config;
  t.equal(patchedConfig['batch.size'], '30', 'PATCH sets');
  t.notOk('poll.interval.ms' in patchedConfig, 'PATCH with null removes the key');
  t.equal((await call('PATCH', '/connectors/nope/config', { x: '1' })).status, 404);

  await waitFor(
    'active topics',
    async () => JSON.stringify((await call('GET', '/connectors/a/topics')).body) === JSON.stringify({ a: { topics: ['rest-a'] } }),
  );
  t.same((await call('GET', '/connectors/a/topics')).body, { a: { topics: ['rest-a'] } }, 'active topics');
  // Stopped, not paused: a paused task's last batches may still be on their way to the producer
  // and name the topic again after the reset (as in Kafka Connect); a stopped one has no tasks.
  t.equal((await call('PUT', '/connectors/a/stop')).status, 204);
  await waitFor('a stopped, no tasks', async () => {
    const status = await proc.status('a');
    return status.connector.state === 'STOPPED' && status.tasks.length === 0;
  });
  t.equal((await call('PUT', '/connectors/a/topics/reset')).status, 202);
  t.same((await call('GET', '/connectors/a/topics')).body, { a: { topics: [] } }, 'reset clears');
  t.equal((await call('PUT', '/connectors/a/resume')).status, 202);
  await waitFor(
    'topics tracked again after reset',
    async () => JSON.stringify((await call('GET', '/connectors/a/topics')).body) === JSON.stringify({ a: { topics: ['rest-a'] } }),
  );

  t.equal((await call('DELETE', '/connectors/b')).status, 204);
  t.equal((await call('DELETE', '/connectors/b')).status, 404);
  t.same((await call('GET', '/connectors')).body, ['a']);
});

t.test('bad input is refused with a clear message and changes nothing', async (t) => {
  const before = (await call('GET', '/connectors')).body;
  const malformed = await raw('POST', '/connectors', '{"name": "x", "config": {');
  t.equal(malformed.status, 400, 'malformed JSON → 400');
  t.match(malformed.body, { error_code: 400, message: String });

  const wrongType = await call('POST', '/connectors', { name: 'x', config: { topic: ['not', 'a', 'string'] } });
  t.equal(wrongType.status, 400);
  t.match((wrongType.body as { message: string }).message, /"topic" must be a string/);

  const invalid = await call('POST', '/connectors', {
    name: 'x',
    config: { 'connector.class': 'GeneratorSource', 'tasks.max': 'zero', 'source.partitions': '-3' },
  });
  t.equal(invalid.status, 400, 'invalid config → 400');
  const message = (invalid.body as { message: string }).message;
  t.match(message, /^Connector configuration is invalid and contains the following 3 error\(s\):/);
  t.match(message, /tasks\.max="zero"/);
  t.match(message, /topic: Missing required configuration "topic"/);
  t.match(message, /source\.partitions="-3"/);

  const unknownClass = await call('POST', '/connectors', { name: 'x', config: { 'connector.class': 'NoSuchConnector' } });
  t.equal(unknownClass.status, 400);
  t.match((unknownClass.body as { message: string }).message, /connector\.class="NoSuchConnector": .*no such connector plugin/);

  const slash = await call('POST', '/connectors', { name: 'a/b', config: generator('x') });
  t.equal(slash.status, 400, 'a name with a slash is refused');
  const control = await call('POST', '/connectors', { name: 'a\u0007b', config: generator('x') });
  t.equal(control.status, 400, 'a name with a control character is refused');

  const huge = await raw(
    'POST',
    '/connectors',
    JSON.stringify({ name: 'big', config: { ...generator('x'), padding: 'x'.repeat(2 * 1024 * 1024) } }),
  );
  t.equal(huge.status, 413, 'a body over the limit → 413');
  t.equal((await call('POST', '/connectors/a/restart?includeTasks=perhaps')).status, 400);
  t.equal((await call('GET', '/connectors/a/tasks/x/status')).status, 400);
  t.same((await call('GET', '/no/such/path')).body, { error_code: 404, message: 'HTTP GET /no/such/path not found' });
  t.same((await call('GET', '/connectors')).body, before, 'nothing was created');
  t.equal((await call('GET', '/health')).status, 200, 'the daemon is fine');
});

t.test('a client that sends Content-Type: application/json on every request, with or without a body', async (t) => {
  // Many HTTP libraries and curl scripts send the header on every call; Kafka Connect answers those
  // bodyless state changes as if it were absent.
  const bare = async (method: string, p: string, body?: string) => {
    const res = await fetch(proc.url + p, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  await cluster.createTopic('rest-ct', { partitions: 1 });
  t.equal((await bare('POST', '/connectors', JSON.stringify({ name: 'ct', config: generator('rest-ct') }))).status, 201);
  await waitFor('ct running', async () => (await proc.status('ct')).tasks[0]?.state === 'RUNNING');
  for (const body of [undefined, '', '  \n']) {
    const what = body === undefined ? 'no body' : `body ${JSON.stringify(body)}`;
    t.equal((await bare('PUT', '/connectors/ct/pause', body)).status, 202, `pause, ${what}`);
    await waitFor('ct paused', async () => (await proc.status('ct')).connector.state === 'PAUSED');
    t.equal((await bare('PUT', '/connectors/ct/resume', body)).status, 202, `resume, ${what}`);
    await waitFor('ct running', async () => (await proc.status('ct')).tasks[0]?.state === 'RUNNING');
    t.equal((await bare('POST', '/connectors/ct/restart', body)).status, 204, `restart, ${what}`);
    t.equal((await bare('POST', '/connectors/ct/restart?includeTasks=true', body)).status, 202, `restart with tasks, ${what}`);
    await waitFor('ct running', async () => (await proc.status('ct')).tasks[0]?.state === 'RUNNING');
    t.equal((await bare('POST', '/connectors/ct/tasks/0/restart', body)).status, 204, `task restart, ${what}`);
    t.equal((await bare('PUT', '/connectors/ct/topics/reset', body)).status, 202, `topics reset, ${what}`);
  }
  t.equal((await bare('GET', '/connectors/ct/status')).status, 200, 'GET');
  t.equal((await bare('PUT', '/connectors/ct/stop')).status, 204, 'stop');
  await waitFor('ct stopped', async () => (await proc.status('ct')).connector.state === 'STOPPED');
  t.equal((await bare('DELETE', '/connectors/ct/offsets')).status, 200, 'offsets reset');
  t.same(
    await bare('POST', '/connectors'),
    { status: 400, body: { error_code: 400, message: 'request body must be a JSON object {"name": …, "config": {…}}' } },
    'a route that needs a body says so',
  );
  t.equal((await bare('PUT', '/connectors/ct/config', '')).status, 400, 'PUT config with an empty body → 400');
  t.equal((await bare('PUT', '/connectors/ct/pause', '{"a":')).status, 400, 'a malformed body is still refused');
  t.equal((await bare('PUT', '/connectors/ct/pause', '{"__proto__":{"x":1}}')).status, 400, 'prototype poisoning is still refused');
  t.equal((await bare('DELETE', '/connectors/ct')).status, 204, 'DELETE');
  t.notOk(((await call('GET', '/connectors')).body as string[]).includes('ct'), 'deleted');
});

t.test('a body over the limit is answered 413 every time, the connection reusable', async (t) => {
  // The server used to close the connection while the client was still sending: the 413 was then
  // lost to EPIPE/ECONNRESET now and then (`fetch failed`).
  const before = (await call('GET', '/connectors')).body;
  const body = JSON.stringify({ name: 'big', config: { ...generator('x'), padding: 'x'.repeat(2 * 1024 * 1024) } });
  for (let i = 0; i < 20; i++) {
    const huge = await fetch(`${proc.url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = (await huge.json()) as { error_code: number; message: string };
    if (huge.status !== 413 || answer.error_code !== 413) t.fail(`attempt ${i}: ${huge.status} ${JSON.stringify(answer)}`);
    if (huge.headers.get('connection') === 'close')
      t.fail(`attempt ${i}: the server closes the connection while the client may still be sending`);
  }
  t.same((await call('GET', '/connectors')).body, before, 'nothing was created');
});

t.test('secrets are masked in every GET and survive a read-modify-write', async (t) => {
  const config = {
    'connector.class': 'SecretSource',
    topic: 'unused',
    'api.password': 's3cr3t',
    'expected.password': 's3cr3t',
    'custom.secret': 'x required;',
  };
  t.equal((await call('PUT', '/connectors/secret/config', config)).status, 201);
  await waitFor('the secret task running', async () => (await proc.status('secret')).tasks[0]?.state === 'RUNNING');
  for (const p of ['/connectors/secret', '/connectors/secret/config', '/connectors/secret/tasks', '/connectors?expand=info']) {
    const text = JSON.stringify((await call('GET', p)).body);
    t.notMatch(text, /s3cr3t|x required/, `${p} does not show the secret`);
    t.match(text, /\[hidden\]/, `${p} shows the mask`);
  }
  const read = (await call('GET', '/connectors/secret/config')).body as Record<string, string>;
  t.equal(read['api.password'], '[hidden]');
  const written = await call('PUT', '/connectors/secret/config', { ...read, 'poll.interval.ms': '10' });
  t.equal(written.status, 200, 'PUT of what GET returned');
  await waitFor(
    'the task restarted with the real secret (it fails otherwise)',
    async () => (await proc.status('secret')).tasks[0]?.state === 'RUNNING',
  );
  await new Promise((r) => setTimeout(r, 500));
  t.equal((await proc.status('secret')).tasks[0]!.state, 'RUNNING', 'still RUNNING: the stored secret was kept');
  const logs = await proc.logTail(10000);
  t.notMatch(logs, /s3cr3t/, 'the secret never reached the log');
  t.equal((await call('DELETE', '/connectors/secret')).status, 204);
});

t.test('offsets: read any time, alter and reset only when STOPPED; the connector resumes from them', async (t) => {
  await cluster.createTopic('rest-offsets', { partitions: 1 });
  t.equal((await call('PUT', '/connectors/off/config', generator('rest-offsets', { 'records.per.partition': '1000' }))).status, 201);
  await waitFor(
    'offsets committed',
    async () => ((await call('GET', '/connectors/off/offsets')).body as { offsets: unknown[] }).offsets.length === 1,
  );
  const early = (await call('GET', '/connectors/off/offsets')).body as { offsets: { partition: unknown; offset: { seq: number } }[] };
  t.same(early.offsets[0]!.partition, { partition: 0 });

  const refused = await call('PATCH', '/connectors/off/offsets', { offsets: [{ partition: { partition: 0 }, offset: { seq: 5 } }] });
  t.equal(refused.status, 400, 'altering a running connector is refused');
  t.match((refused.body as { message: string }).message, /must be in the STOPPED state/);
  t.equal((await call('DELETE', '/connectors/off/offsets')).status, 400);

  t.equal((await call('PUT', '/connectors/off/stop')).status, 204);
  t.equal((await call('PATCH', '/connectors/off/offsets', { offsets: [] })).status, 400, 'empty body refused');
  t.equal(
    (await call('PATCH', '/connectors/off/offsets', { offsets: [{ partition: { partition: 0 }, offset: { seq: { nested: 1 } } }] })).status,
    400,
    'non-primitive offset refused',
  );
  const altered = await call('PATCH', '/connectors/off/offsets', { offsets: [{ partition: { partition: 0 }, offset: { seq: 899 } }] });
  t.same(altered, { status: 200, body: { message: 'The offsets for this connector have been altered successfully' } });
  t.same((await call('GET', '/connectors/off/offsets')).body, { offsets: [{ partition: { partition: 0 }, offset: { seq: 899 } }] });

  t.equal((await call('PUT', '/connectors/off/resume')).status, 202);
  await waitFor('the rest of the records written', async () => {
    const o = (await call('GET', '/connectors/off/offsets')).body as { offsets: { offset: { seq: number } }[] };
    return o.offsets[0]?.offset.seq === 999;
  });
  const keys = (await readTopic(cluster.bootstrapServers, 'rest-offsets')).map((r) => r.key);
  t.ok(keys.includes('p0-900') && keys.includes('p0-999'), 'records after the altered offset were produced');
  t.equal(keys.filter((k) => k === 'p0-900').length, 1, 'resumed right after the altered offset');

  t.equal((await call('PUT', '/connectors/off/stop')).status, 204);
  t.same((await call('DELETE', '/connectors/off/offsets')).body, {
    message: 'The offsets for this connector have been reset successfully',
  });
  t.same((await call('GET', '/connectors/off/offsets')).body, { offsets: [] });
  t.equal((await call('DELETE', '/connectors/off')).status, 204);
});

t.test('initial_state STOPPED and PAUSED', async (t) => {
  t.equal((await call('POST', '/connectors', { name: 'st', config: generator('rest-a'), initial_state: 'STOPPED' })).status, 201);
  t.same((await proc.status('st')).tasks, []);
  t.equal((await proc.status('st')).connector.state, 'STOPPED');
  t.equal((await call('POST', '/connectors', { name: 'pa', config: generator('rest-a'), initial_state: 'PAUSED' })).status, 201);
  await waitFor('paused with its task', async () => (await proc.status('pa')).tasks[0]?.state === 'PAUSED');
  t.equal((await proc.status('pa')).connector.state, 'PAUSED');
  t.equal((await call('POST', '/connectors', { name: 'bad', config: generator('rest-a'), initial_state: 'SLEEPING' })).status, 400);
  await call('DELETE', '/connectors/st');
  await call('DELETE', '/connectors/pa');
});

t.test('connector plugins: list, config definition, validate', async (t) => {
  const plugins = (await call('GET', '/connector-plugins')).body as { class: string; type: string; version: string }[];
  const classes = plugins.map((p) => p.class);
  t.ok(classes.includes('io.connectd.connectors.generator.GeneratorSourceConnector'), 'the built-in generator');
  t.ok(classes.includes('test-connectors.SecretSourceConnector'), 'plugins from plugin.path, under <module>.<export>');
  t.ok(
    plugins.every((p) => (p.type === 'source' || p.type === 'sink') && typeof p.version === 'string'),
    'each plugin is a source or a sink, with a version',
  );
  t.equal(plugins.find((p) => p.class === 'test-sinks.RecordingSinkConnector')?.type, 'sink', 'a sink connector is listed as a sink');
  const all = (await call('GET', '/connector-plugins?connectorsOnly=false')).body as { class: string; type: string }[];
  t.ok(
    all.some((p) => p.type === 'converter' && p.class === 'org.apache.kafka.connect.storage.StringConverter'),
    'connectorsOnly=false adds converters',
  );

  const keys = (await call('GET', '/connector-plugins/GeneratorSource/config')).body as { name: string; type: string; required: boolean }[];
  t.match(
    keys.find((k) => k.name === 'topic'),
    { name: 'topic', type: 'STRING', required: true },
  );
  t.match(
    keys.find((k) => k.name === 'batch.size'),
    { type: 'INT', required: false, default_value: '500' },
  );
  t.equal((await call('GET', '/connector-plugins/Nope/config')).status, 404);

  const valid = await call('PUT', '/connector-plugins/GeneratorSource/config/validate', {
    'connector.class': 'GeneratorSource',
    name: 'v',
    topic: 't',
  });
  t.equal(valid.status, 200);
  t.match(valid.body, { name: 'io.connectd.connectors.generator.GeneratorSourceConnector', error_count: 0 });
  const invalid = (
    await call('PUT', '/connector-plugins/GeneratorSource/config/validate', {
      'connector.class': 'GeneratorSource',
      'tasks.max': '0',
      'batch.size': 'lots',
    })
  ).body as {
    error_count: number;
    groups: string[];
    configs: {
      definition: { name: string; group: string | null } | null;
      value: { name: string; value: string | null; errors: string[] } | null;
    }[];
  };
  // Kafka Connect counts 5: an unparseable value is also validated as null ("must be non-null").
  t.equal(
    invalid.error_count,
    5,
    'name missing, tasks.max < 1, topic missing, batch.size not a number (twice, as Kafka Connect): every error counted',
  );
  t.equal(invalid.groups[0], 'Common', "Kafka Connect's Common group first");
  const errorsOf = (name: string) => invalid.configs.find((c) => c.definition?.name === name)?.value?.errors ?? [];
  t.match(errorsOf('tasks.max'), [/at least 1/]);
  t.match(errorsOf('batch.size'), [/lots/]);
  t.match(errorsOf('topic'), [/Missing required configuration "topic"/]);
  t.equal(invalid.configs.find((c) => c.definition?.name === 'name')?.definition?.group, 'Common');

  const secret = (
    await call('PUT', '/connector-plugins/SecretSource/config/validate', {
      'connector.class': 'SecretSource',
      name: 's',
      topic: 't',
      'api.password': 'hunter2',
    })
  ).body;
  t.notMatch(JSON.stringify(secret), /hunter2/, 'a PASSWORD value never appears in the validation output');
  t.equal(
    (await call('PUT', '/connector-plugins/GeneratorSource/config/validate', { 'connector.class': 'SecretSource' })).status,
    400,
    'class mismatch → 400',
  );
});

t.test('admin/loggers: list, read, set with hierarchy', async (t) => {
  const levels = (await call('GET', '/admin/loggers')).body as Record<string, { level: string; last_modified: number | null }>;
  t.match(levels.root, { level: 'INFO', last_modified: null });
  t.match((await call('GET', '/admin/loggers/connectd.runtime.Worker')).body, { level: 'INFO' });
  const set = await call('PUT', '/admin/loggers/connectd.runtime', { level: 'DEBUG' });
  t.equal(set.status, 200);
  t.ok(
    (set.body as string[]).includes('connectd.runtime.Worker') && (set.body as string[]).includes('connectd.runtime.Herder'),
    'loggers below the name are affected',
  );
  t.match((await call('GET', '/admin/loggers/connectd.runtime.Worker')).body, { level: 'DEBUG' });
  t.match(((await call('GET', '/admin/loggers')).body as Record<string, { last_modified: number }>)['connectd.runtime'], {
    level: 'DEBUG',
    last_modified: Number,
  });
  t.equal((await call('PUT', '/admin/loggers/connectd.runtime', { level: 'CHATTY' })).status, 400);
  t.equal((await call('PUT', '/admin/loggers/connectd.runtime', {})).status, 400);
  t.equal((await call('GET', '/admin/loggers/no.such.logger')).status, 404);
  t.equal((await call('PUT', '/admin/loggers/root', { level: 'INFO' })).status, 200);
  const after = (await call('GET', '/admin/loggers')).body as Record<string, { level: string; last_modified: number | null }>;
  t.same(
    Object.keys(after).filter((name) => after[name]!.last_modified !== null),
    ['root'],
    'root replaces the more specific setting',
  );
  t.equal(after['connectd.runtime.Worker']?.level, 'INFO', 'loggers in use are listed with their effective level');
});
