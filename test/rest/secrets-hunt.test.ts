/**
 * Hunts for secrets on every surface of a running daemon (docs/rest.md "Beyond Kafka Connect:
 * secrets"): a distinctive secret in every place a secret can live — a connector's PASSWORD key,
 * `connection.url` passwords (libpq and JDBC forms, on the real PostgreSQL), a JAAS config, SSL key
 * passwords, the Avro converter's registry credentials (worker and connector), `${env:…}` and
 * `${file:…}` provider values — then every REST answer, the status traces of a connector and a
 * task that fail with their secrets in the message, `connectd validate`, `--help-config`,
 * every log line at DEBUG and the `__connect.errors.*` headers of a dead letter queue are searched
 * for each secret, raw, URL-encoded and base64-encoded.
 * Each surface is also checked to hold what the probe meant to reach (the mask, the trace, the
 * placeholder), so the hunt cannot pass because nothing was exercised.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess, toProperties } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { testDatabase } from '../fixtures/postgres.js';
import { waitFor } from '../fixtures/wait.js';

const PLUGINS = path.resolve(import.meta.dirname, '../fixtures/plugins');
const MAIN = fileURLToPath(new URL('../../src/main-thread/cli/main.js', import.meta.url));

const run = randomBytes(4).toString('hex');
const secrets = new Map<string, string>();
/** A distinctive secret, remembered under `where` for the report of a hit. */
const secret = (where: string): string => {
  const value = `S3CR3T-${secrets.size + 1}-${run}`;
  secrets.set(value, where);
  return value;
};

const workerJaas = secret('worker consumer.sasl.jaas.config');
const workerSslKey = secret('worker consumer.ssl.key.password');
const workerRegistry = secret('worker value.converter.basic.auth.user.info');
const apiPassword = secret('SecretSource api.password (PASSWORD)');
const avroUserInfo = secret('connector value.converter.basic.auth.user.info');
const overrideJaas = secret('producer.override.sasl.jaas.config');
const pgUrlPassword = secret('connection.url postgres://user:pw@');
const pgJdbcPassword = secret('connection.url jdbc:…?password=');
const envPassword = secret('${env:…} resolved into a PASSWORD key');
const urlInTask = secret('LeakySource connection.url (task error)');
const fileToken = secret('${file:…} resolved into a STRING key (task error)');
const connPassword = secret('LeakySource api.password (connector error)');
const connUrlPassword = secret('LeakySource JDBC url (connector error)');
const tasksMaxToken = secret('${file:…} resolved into tasks.max (400)');
const rejectedPassword = secret('PASSWORD of a rejected config (400)');
const rejectedUrl = secret('URL of a rejected config (400)');
const validatePassword = secret('PASSWORD in PUT …/config/validate');
const validateUrl = secret('URL in PUT …/config/validate');
const validateFileToken = secret('${file:…} resolved into tasks.max in PUT …/config/validate');
const validateEnvUrl = secret('${env:…} resolved into a URL password in PUT …/config/validate');
const roundTripPassword = secret('PASSWORD + URL kept by a PUT round trip');
const cliPassword = secret('connectd validate: PASSWORD in a connector file');
const cliUrl = secret('connectd validate: URL in a connector file');
const cliToken = secret('connectd validate: ${file:…} in tasks.max');
const printedPassword = secret('LeakySource api.password printed by plugin code (console.log/console.error)');
const printedUrl = secret('LeakySource URL password printed by plugin code (console.error)');
const dlqPassword = secret('RecordingSink api.password (DLQ exception headers)');
const dlqUrlPassword = secret('${file:…} resolved into a URL password (DLQ exception headers)');

/** Every form a secret could be written in. */
function forms(value: string): string[] {
  return [value, encodeURIComponent(value), Buffer.from(value).toString('base64').replace(/=+$/, '')];
}

/** The secrets found in `text`, with where each was planted. */
function hits(text: string): string[] {
  const found: string[] = [];
  for (const [value, where] of secrets) {
    for (const form of forms(value)) if (text.includes(form)) found.push(`${where}: ${form === value ? 'raw' : form}`);
    // A user:password pair travels base64-encoded in an Authorization header.
    for (const user of ['registry', 'reg'])
      if (text.includes(Buffer.from(`${user}:${value}`).toString('base64').replace(/=+$/, '')))
        found.push(`${where}: base64 user:password`);
  }
  return [...new Set(found)];
}

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const db = await testDatabase(t, 'secrets');
await db.sql.query('CREATE TABLE items (id serial PRIMARY KEY, name text)');
await db.sql.query("INSERT INTO items (name) VALUES ('a'), ('b')");
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-secrets-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const secretsFile = path.join(root, 'secrets.properties');
await writeFile(
  secretsFile,
  toProperties({
    token: fileToken,
    'tasks-max': tasksMaxToken,
    'cli-token': cliToken,
    'validate-token': validateFileToken,
    'tasks-two': '2',
    'dlq-url': dlqUrlPassword,
  }),
);
process.env.HUNT_SECRET_PASSWORD = envPassword;
process.env.HUNT_VALIDATE_URL_PASSWORD = validateEnvUrl;

const worker = {
  'plugin.path': PLUGINS,
  'log.level': 'debug',
  'log.format': 'json',
  'config.providers': 'env,file',
  // What connector configs may read: the secrets file's directory, the HUNT_ variables.
  'allowed.paths': root,
  'config.providers.env.param.allowlist.pattern': '^HUNT_',
  // Stored, used by sink tasks only (there are none): the worker must still start.
  'consumer.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="connect" password="${workerJaas}";`,
  'consumer.ssl.key.password': workerSslKey,
  'value.converter.basic.auth.user.info': `registry:${workerRegistry}`,
};
const proc = await ConnectdProcess.start({ dir: root, bootstrapServers: cluster.bootstrapServers, connectors: [], worker });
t.teardown(() => proc.kill());

/** Every answer, as text, for the hunt at the end. */
const answers: string[] = [];
async function call(method: string, p: string, body?: unknown): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(proc.url + p, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  answers.push(`${method} ${p} → ${res.status}: ${text}`);
  return { status: res.status, body: text === '' ? undefined : (JSON.parse(text) as unknown), text };
}
const pgBase = {
  'connector.class': 'io.connectd.connectors.postgres.PostgresSourceConnector',
  'tasks.max': '1',
  'table.whitelist': 'items',
  mode: 'bulk',
  'topic.prefix': `pg-${run}-`,
  'poll.interval.ms': '60000',
};
const pgUrl = `postgres://postgres:${pgUrlPassword}@127.0.0.1:5432/${db.name}`;
const pgJdbc = `jdbc:postgresql://127.0.0.1:5432/${db.name}?user=postgres&password=${pgJdbcPassword}`;

t.test('REST answers, status traces and error messages hold no secret', async (t) => {
  const create = async (name: string, config: Record<string, string>, expected = 201) => {
    const res = await call('POST', '/connectors', { name, config });
    t.equal(res.status, expected, `POST ${name}: ${res.text}`);
    return res;
  };
  const secretSource = await create('secret-src', {
    'connector.class': 'SecretSource',
    topic: `t-${run}`,
    'api.password': apiPassword,
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.schema.registry.url': 'http://127.0.0.1:9',
    'value.converter.basic.auth.credentials.source': 'USER_INFO',
    'value.converter.basic.auth.user.info': `reg:${avroUserInfo}`,
    'producer.override.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="p" password="${overrideJaas}";`,
  });
  const info = secretSource.body as { config: Record<string, string> };
  t.equal(info.config['api.password'], '[hidden]', 'a PASSWORD key: the mask in the 201');
  t.equal(info.config['value.converter.basic.auth.user.info'], '[hidden]', "the Avro converter's PASSWORD key: the mask");
  t.equal(info.config['producer.override.sasl.jaas.config'], '[hidden]');

  const pg = (await create('pg-url', { ...pgBase, 'connection.url': pgUrl })).body as { config: Record<string, string> };
  t.equal(
    pg.config['connection.url'],
    `postgres://postgres:[hidden]@127.0.0.1:5432/${db.name}`,
    'a URL password: masked, the rest readable',
  );
  const jdbc = (await create('pg-jdbc', { ...pgBase, 'connection.url': pgJdbc, 'topic.prefix': `pgj-${run}-` })).body as {
    config: Record<string, string>;
  };
  t.equal(jdbc.config['connection.url'], `jdbc:postgresql://127.0.0.1:5432/${db.name}?user=postgres&password=[hidden]`);

  await create('leaky-task', {
    'connector.class': 'LeakySource',
    topic: `t-${run}`,
    'api.password': '${env:HUNT_SECRET_PASSWORD}',
    'connection.url': `postgres://app:${urlInTask}@db.example/app`,
    'extra.detail': `\${file:${secretsFile}:token}`,
  });
  await create('leaky-connector', {
    'connector.class': 'LeakySource',
    topic: `t-${run}`,
    'fail.in': 'connector',
    'api.password': connPassword,
    'connection.url': `jdbc:postgresql://db.example/app?user=app&password=${connUrlPassword}`,
  });

  // 400s: a resolved placeholder, a rejected config's PASSWORD and URL.
  const placeholder = `\${file:${secretsFile}:tasks-max}`;
  const bad = await create(
    'bad-tasks',
    {
      'connector.class': 'SecretSource',
      topic: 't',
      'api.password': rejectedPassword,
      'tasks.max': placeholder,
      'connection.url': `postgres://u:${rejectedUrl}@h/db`,
    },
    400,
  );
  t.match(
    (bad.body as { message: string }).message,
    `tasks.max=${JSON.stringify(placeholder)}`,
    'the 400 shows the placeholder, not its value',
  );
  const bad2 = await create(
    'bad-source',
    { ...pgBase, 'connection.url': `postgres://u:${rejectedUrl}@127.0.0.1:5432/db`, mode: 'nonsense' },
    400,
  );
  t.match((bad2.body as { message: string }).message, 'mode', 'the 400 names the bad key');

  // The failures, with their secrets in their messages, reach the status traces.
  const failed = await waitFor('the leaky task and connector failed', async () => {
    const task = await proc.status('leaky-task');
    const conn = await proc.status('leaky-connector');
    return task.tasks[0]?.state === 'FAILED' && conn.connector.state === 'FAILED' ? { task, conn } : undefined;
  });
  t.match(
    failed.task.tasks[0]!.trace,
    /login to postgres:\/\/app:\[hidden\]@db\.example\/app refused for password \[hidden\] \(token \[hidden\]\)/,
    "the task's trace, secrets redacted by value",
  );
  t.match(
    failed.conn.connector.trace,
    /password=\[hidden\] refused for password \[hidden\]/,
    "the connector's trace, secrets redacted by value",
  );
  await waitFor(
    'the PostgreSQL connectors run',
    async () => (await proc.status('pg-url')).tasks[0]?.state === 'RUNNING' && (await proc.status('pg-jdbc')).tasks[0]?.state === 'RUNNING',
  );

  // Every read.
  for (const name of ['secret-src', 'pg-url', 'pg-jdbc', 'leaky-task', 'leaky-connector']) {
    for (const suffix of ['', '/config', '/tasks', '/status', '/topics', '/offsets']) await call('GET', `/connectors/${name}${suffix}`);
  }
  await call('GET', '/connectors/leaky-task/tasks/0/status');
  const expanded = await call('GET', '/connectors?expand=info&expand=status');
  t.match(expanded.text, /\[hidden\]/);
  const tasks = (await call('GET', '/connectors/secret-src/tasks')).body as { config: Record<string, string> }[];
  t.equal(tasks[0]?.config['api.password'], '[hidden]', 'task configs: the mask');
  for (const plugin of ['SecretSource', 'LeakySource', 'PostgresSourceConnector']) await call('GET', `/connector-plugins/${plugin}/config`);

  // Validation: the ConfigInfos values and errors.
  const validated = await call('PUT', '/connector-plugins/LeakySource/config/validate', {
    'connector.class': 'LeakySource',
    'api.password': validatePassword,
    'connection.url': `postgres://u:${validateUrl}@h/db`,
    'extra.detail': `\${file:${secretsFile}:token}`,
  });
  t.equal(validated.status, 200);
  const values = Object.fromEntries(
    (validated.body as { configs: { value: { name: string; value: string | null } }[] }).configs.map((c) => [c.value.name, c.value.value]),
  );
  t.equal(values['api.password'], '[hidden]');
  t.equal(values['connection.url'], 'postgres://u:[hidden]@h/db');
  t.equal(values['extra.detail'], `\${file:${secretsFile}:token}`, 'a placeholder stays a placeholder');
  // A password too short to redact by value (config/secrets.ts MIN_REDACTED_LENGTH) is still masked
  // by the rule wherever the config is shown: this checks the masking apart from the redaction.
  const shortUrl = 'postgres://u:pw!@h/db';
  const short = await call('PUT', '/connector-plugins/LeakySource/config/validate', {
    'connector.class': 'LeakySource',
    'connection.url': shortUrl,
  });
  t.match(short.text, '"value":"postgres://u:[hidden]@h/db"', 'validate: a short URL password masked');
  t.notMatch(short.text, 'pw!');
  const stopped = await call('POST', '/connectors', {
    name: 'short-url',
    config: { 'connector.class': 'LeakySource', topic: 't', 'api.password': 'pw!', 'connection.url': shortUrl },
    initial_state: 'STOPPED',
  });
  t.equal(stopped.status, 201, stopped.text);
  for (const p of ['/connectors/short-url', '/connectors/short-url/config', '/connectors?expand=info']) {
    const res = await call('GET', p);
    t.match(res.text, 'postgres://u:[hidden]@h/db', `${p}: a short URL password masked`);
    t.notMatch(res.text, 'pw!', `${p}: no short password`);
  }
  await call('PUT', '/connector-plugins/PostgresSourceConnector/config/validate', {
    ...pgBase,
    'connection.url': `jdbc:postgresql://h/db?password=${validateUrl}`,
    'tasks.max': 'x',
  });

  // Placeholders resolve before validation, as in Kafka Connect and in a create: a valid resolved
  // value passes, a resolved secret that is invalid is an error without the secret, a placeholder
  // that cannot be resolved (or may not be read) is an error naming it; every value shows as written.
  type Infos = { error_count: number; configs: { value: { name: string; value: string | null; errors: string[] } | null }[] };
  const byName = (body: unknown) =>
    Object.fromEntries((body as Infos).configs.filter((c) => c.value !== null).map((c) => [c.value!.name, c.value!]));
  const tasksTwo = `\${file:${secretsFile}:tasks-two}`;
  const resolvedOk = await call('PUT', '/connector-plugins/LeakySource/config/validate', {
    'connector.class': 'LeakySource',
    name: 'v',
    topic: 't',
    'api.password': 'x'.repeat(8),
    'tasks.max': tasksTwo,
  });
  t.same(
    byName(resolvedOk.body)['tasks.max'],
    { name: 'tasks.max', value: tasksTwo, recommended_values: [], errors: [], visible: true },
    'validate: tasks.max resolved to 2 is valid; the placeholder shows',
  );
  const tokenPlaceholder = `\${file:${secretsFile}:validate-token}`;
  const urlPlaceholder = `postgres://u:\${env:HUNT_VALIDATE_URL_PASSWORD}@h/db`;
  const missing = `\${file:${secretsFile}:no-such-key}`;
  const outside = '${file:/etc/hostname:x}';
  const resolvedBad = await call('PUT', '/connector-plugins/LeakySource/config/validate', {
    'connector.class': 'LeakySource',
    name: tokenPlaceholder,
    topic: tokenPlaceholder,
    'tasks.max': tokenPlaceholder,
    'connection.url': urlPlaceholder,
    'extra.detail': missing,
    'not.defined': outside,
  });
  t.equal(resolvedBad.status, 200);
  const badValues = byName(resolvedBad.body);
  t.equal(badValues['tasks.max']?.value, tokenPlaceholder, 'validate: a resolved invalid value shows as written');
  t.ok(badValues['tasks.max']!.errors.length > 0, 'validate: the resolved secret is validated (not a number)');
  t.equal(badValues['connection.url']?.value, 'postgres://u:[hidden]@h/db', 'validate: a URL with a placeholder password: masked');
  t.match(badValues['extra.detail']?.errors, [`cannot resolve ${missing}`], 'validate: an unresolvable placeholder is an error naming it');
  t.match(
    badValues['not.defined'],
    { value: outside, errors: [/cannot resolve \$\{file:\/etc\/hostname:x\}.*allowed\.paths/] },
    'validate: a placeholder outside allowed.paths is an error naming the allowlist key',
  );
  t.ok((resolvedBad.body as Infos).error_count >= 3);
  // The same config created: the 400 lists the same problems, without the secrets.
  const created = await call('POST', '/connectors', {
    name: 'resolved-bad',
    config: {
      'connector.class': 'LeakySource',
      topic: tokenPlaceholder,
      'tasks.max': tokenPlaceholder,
      'connection.url': urlPlaceholder,
      'extra.detail': missing,
    },
  });
  t.equal(created.status, 400);
  t.match(
    (created.body as { message: string }).message,
    `tasks.max=${JSON.stringify(tokenPlaceholder)}`,
    'create: the 400 shows the placeholder',
  );
  t.match((created.body as { message: string }).message, `cannot resolve ${missing}`, 'create: the 400 names the unresolvable placeholder');
});

t.test('a read-modify-write round trip keeps the stored secrets, URL passwords included', async (t) => {
  const url = `postgres://app:${roundTripPassword}@db.example/app`;
  const sha256 = createHash('sha256').update(`${url}|${roundTripPassword}`).digest('hex');
  const config = {
    'connector.class': 'LeakySource',
    topic: `t-${run}`,
    'api.password': roundTripPassword,
    'connection.url': url,
    'unless.sha256': sha256,
  };
  t.equal((await call('POST', '/connectors', { name: 'round-trip', config })).status, 201);
  await waitFor('the round-trip task runs', async () => (await proc.status('round-trip')).tasks[0]?.state === 'RUNNING');
  const shown = (await call('GET', '/connectors/round-trip/config')).body as Record<string, string>;
  t.equal(shown['connection.url'], 'postgres://app:[hidden]@db.example/app');
  t.equal(shown['api.password'], '[hidden]');
  t.equal((await call('PUT', '/connectors/round-trip/config', { ...shown, topic: `t2-${run}` })).status, 200);
  // Restarted with the new config: its task runs only if it received the stored URL and password.
  const after = await waitFor('the round-trip task restarted', async () => {
    const s = await proc.status('round-trip');
    return s.tasks[0] !== undefined &&
      s.tasks[0].state !== 'UNASSIGNED' &&
      ((await call('GET', '/connectors/round-trip/config')).body as Record<string, string>).topic === `t2-${run}`
      ? s
      : undefined;
  });
  await new Promise((r) => setTimeout(r, 2000));
  const settled: ConnectorStatus = await proc.status('round-trip');
  t.equal(settled.tasks[0]?.state, 'RUNNING', `the stored URL password and PASSWORD were kept (${JSON.stringify(after.tasks[0])})`);
  const patched = await call('PATCH', '/connectors/round-trip/config', { 'connection.url': 'postgres://app:[hidden]@db.example/app' });
  t.equal(patched.status, 200);
});

t.test("plugin code's console output holds no secret", async (t) => {
  // Plugin code runs in worker threads, whose stdout and stderr Node pipes into the daemon's.
  const config = {
    'connector.class': 'LeakySource',
    topic: `t-${run}`,
    'print.config': 'true',
    'api.password': printedPassword,
    'connection.url': `postgres://app:${printedUrl}@db.example/app`,
  };
  t.equal((await call('POST', '/connectors', { name: 'printing', config })).status, 201);
  await waitFor('the printing task failed', async () => (await proc.status('printing')).tasks[0]?.state === 'FAILED');
  const log = await waitFor('both prints in the output', async () => {
    const text = await readFile(proc.logFile, 'utf8');
    return text.includes('LeakySource connector config') && text.includes('LeakySource task login') ? text : undefined;
  });
  t.match(log, "'api.password': '[hidden]'", 'console.log of the connector: the password redacted');
  t.match(
    log,
    'LeakySource task login to postgres://app:[hidden]@db.example/app with password [hidden]',
    'console.error of the task: redacted',
  );
  // The hunt at the end greps the whole output.
});

t.test('dead letter queue error headers hold no secret', async (t) => {
  // A sink task whose errant record reporter gets an exception quoting its config's secrets, as a
  // careless driver's would: the __connect.errors.* headers go to Kafka, readable by whoever may
  // consume the DLQ topic.
  const topic = `dlq-in-${run}`;
  const dlqTopic = `dlq-${run}`;
  await cluster.createTopic(topic, { partitions: 1 });
  await writeTopic(cluster.bootstrapServers, topic, [
    { key: 'k', value: '{"report":true}' },
    { key: 'k2', value: '{"report":true}' },
  ]);
  const res = await call('POST', '/connectors', {
    name: 'dlq-sink',
    config: {
      'connector.class': 'RecordingSinkConnector',
      topics: topic,
      'output.file': path.join(root, 'dlq-sink.jsonl'),
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'report.on.value.regex': 'report',
      'api.password': dlqPassword,
      'connection.url': `postgres://app:\${file:${secretsFile}:dlq-url}@db.example/app`,
      'errors.tolerance': 'all',
      'errors.log.enable': 'true',
      'errors.log.include.messages': 'true',
      'errors.deadletterqueue.topic.name': dlqTopic,
      'errors.deadletterqueue.topic.replication.factor': '1',
      'errors.deadletterqueue.context.headers.enable': 'true',
    },
  });
  t.equal(res.status, 201, res.text);
  const dlq = await waitFor('both records in the DLQ', async () => {
    const records = await readTopic(cluster.bootstrapServers, dlqTopic).catch(() => []);
    return records.length === 2 ? records : undefined;
  });
  for (const r of dlq) answers.push(`DLQ ${dlqTopic}@${r.offset}: ${JSON.stringify(r)}`);
  const message = dlq[0]!.headers['__connect.errors.exception.message'] ?? '';
  t.match(
    message,
    'login to postgres://app:[hidden]@db.example/app refused for password [hidden]',
    'the exception message: secrets redacted, the rest kept',
  );
  t.match(dlq[0]!.headers['__connect.errors.exception.stacktrace'], /refused for password \[hidden\]/, 'the stack trace too');
  t.equal(dlq[0]!.value, '{"report":true}', "the record's own value is kept");
  t.same(hits(dlq.map((r) => JSON.stringify(r)).join('\n')), [], 'no secret in the DLQ records');
  await call('DELETE', '/connectors/dlq-sink');
});

t.test('connectd validate and --help-config print no secret', async (t) => {
  const connectorFile = path.join(root, 'cli-connector.properties');
  await writeFile(
    connectorFile,
    toProperties({
      name: 'cli-leaky',
      'connector.class': 'LeakySource',
      topic: 't',
      'api.password': cliPassword,
      'connection.url': `postgres://u:${cliUrl}@h/db`,
      'tasks.max': `\${file:${secretsFile}:cli-token}`,
      'fail.in': 'nowhere',
    }),
  );
  const workerFile = path.join(root, 'worker.properties');
  const cli = (args: string[]): Promise<{ code: number; out: string }> =>
    new Promise((resolve) => {
      execFile(process.execPath, [MAIN, ...args], { env: { ...process.env, CONNECTD_LOG_LEVEL: 'debug' } }, (err, stdout, stderr) =>
        resolve({ code: err === null ? 0 : ((err as { code?: number }).code ?? 1), out: stdout + stderr }),
      );
    });
  const validate = await cli(['validate', workerFile, connectorFile]);
  answers.push(`connectd validate → ${validate.code}: ${validate.out}`);
  t.equal(validate.code, 3, validate.out);
  t.match(validate.out, `tasks.max=${JSON.stringify(`\${file:${secretsFile}:cli-token}`)}`, 'the placeholder, not its value');
  const help = await cli(['--help-config']);
  answers.push(`connectd --help-config → ${help.code}: ${help.out}`);
  t.match(help.out, 'log.level');
  t.match(help.out, /listeners\.https\.ssl\.keystore\.key .*\[secret\]/, 'the secret worker key is marked');
});

t.test('the hunt: no secret in any answer or log line', async (t) => {
  const log = await readFile(proc.logFile, 'utf8');
  const everything = answers.join('\n');
  t.ok(answers.length > 50, `${answers.length} answers searched`);
  t.match(everything, /\[hidden\]/, 'the answers hold the mask');
  t.match(log, /"level":20/, 'the log has DEBUG lines');
  t.match(
    log,
    /"connector":"secret-src","config":\{[^\n]*"api\.password":"\[hidden\]"/,
    "the DEBUG line with a connector's config, its PASSWORD masked",
  );
  t.match(log, /\[hidden\]/, 'the log shows the mask where a secret was');
  t.match(log, /refused for password/, "the failing task's error reached the log");
  t.same(hits(everything), [], 'no secret in REST answers or CLI output');
  t.same(hits(log), [], 'no secret in the log');
});
