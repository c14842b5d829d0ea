/**
 * The `connectd` command line, run as users run it (a child process): --help, --version,
 * --help-config, usage errors (exit 2), `validate` (exit 0 valid, 3 invalid, every problem on its
 * own line naming file, key, value and reason, secrets masked), and the daemon refusing an invalid
 * configuration with exit 3 before it connects to anything. No Kafka needed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import ts from 'typescript';
import { configHelpMarkdown } from '../../src/main-thread/config/config-help.js';

const MAIN = fileURLToPath(new URL('../../src/main-thread/cli/main.js', import.meta.url));
const ROOT = path.resolve(import.meta.dirname, '../../..');
const PLUGINS = path.resolve(import.meta.dirname, 'fixtures/plugins');
const KAFKA_PLUGIN = path.resolve(import.meta.dirname, 'fixtures/kafka-plugin');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs connectd with a clean environment (no CONNECTD_* from the caller's shell). */
function connectd(args: string[], env: Record<string, string> = {}, timeoutMs = 30000): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONNECTD_') && k !== 'NOTIFY_SOCKET'));
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...base, ...env }, timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-cli-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));
const file = async (name: string, text: string): Promise<string> => {
  const p = path.join(dir, name);
  await writeFile(p, text);
  return p;
};

const WORKER = `bootstrap.servers=127.0.0.1:1
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.storage.file.filename=${path.join(dir, 'offsets.json')}
plugin.path=${PLUGINS}
listeners=http://127.0.0.1:0
`;
const worker = await file('worker.properties', WORKER);
const generator = await file('generator.properties', 'name=generator\nconnector.class=GeneratorSource\ntasks.max=2\ntopic=generated\n');
const database = await file(
  'database.json',
  JSON.stringify({
    name: 'db',
    config: { 'connector.class': 'DatabaseSource', 'db.url': 'postgres://db', 'db.password': 'long-enough-secret' },
  }),
);

t.test('--help describes the commands, options and exit codes', async (t) => {
  const run = await connectd(['--help']);
  t.equal(run.code, 0);
  for (const text of [
    'connectd standalone <worker-config>',
    'connectd validate <worker-config>',
    '--override <key>=<value>',
    '--help-config',
    '--version',
    'CONNECTD_<KEY>',
    'Exit status',
    '3 invalid configuration',
  ]) {
    t.match(run.stdout, text);
  }
  t.equal(run.stderr, '');
  t.equal((await connectd(['-h'])).code, 0);
});

t.test('--version prints the package version', async (t) => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const run = await connectd(['--version']);
  t.equal(run.code, 0);
  t.equal(run.stdout, `${pkg.version}\n`);
  t.equal((await connectd(['-v'])).stdout, `${pkg.version}\n`);
});

t.test('--help-config lists every key; --markdown is the README table', async (t) => {
  const text = await connectd(['--help-config']);
  t.equal(text.code, 0);
  t.match(text.stdout, 'offset.flush.interval.ms  [default: 60000]  CONNECTD_OFFSET_FLUSH_INTERVAL_MS');
  const markdown = await connectd(['--help-config', '--markdown']);
  t.equal(markdown.stdout, configHelpMarkdown());
});

t.test('usage errors exit 2 and show the usage', async (t) => {
  for (const args of [
    [],
    ['bogus'],
    ['--bogus'],
    ['validate'],
    ['standalone'],
    ['validate', worker, '-o', 'no-equals-sign'],
    ['validate', worker, '--override'],
  ]) {
    const run = await connectd(args);
    t.equal(run.code, 2, `connectd ${args.join(' ')}`);
    t.match(run.stderr, /^connectd: .+\n\nUsage: connectd standalone/, `connectd ${args.join(' ')}: reason, then usage`);
  }
});

t.test('validate: a valid worker and connectors (built-in, plugin, JSON REST shape) exit 0', async (t) => {
  const run = await connectd(['validate', worker, generator, database]);
  t.equal(run.code, 0, run.stderr);
  t.equal(run.stderr, '');
  t.equal(
    run.stdout,
    [
      `${worker}: valid worker configuration (standalone; Kafka 127.0.0.1:1)`,
      `${generator}: valid connector generator (GeneratorSource 0.1.0)`,
      `${database}: valid connector db (DatabaseSource 1.2.3)`,
      '',
    ].join('\n'),
  );
});

t.test('validate: a distributed worker config (group.id, no offsets file) is checked as one', async (t) => {
  const distributed = path.join(ROOT, 'config/connect-distributed.properties');
  const run = await connectd(['validate', distributed]);
  t.equal(run.code, 0, run.stderr);
  t.match(run.stdout, `${distributed}: valid worker configuration (distributed; Kafka `);
  const noGroup = await file('distributed-no-topics.properties', 'bootstrap.servers=127.0.0.1:1\ngroup.id=g\n');
  const missing = await connectd(['validate', noGroup]);
  t.equal(missing.code, 3);
  t.match(missing.stderr, /config\.storage\.topic/, "distributed mode's required keys are checked");
});

t.test("validate: a connector's cross-key problems (its validate()) are problems", async (t) => {
  const upsert = await file(
    'upsert.json',
    JSON.stringify({
      name: 'up',
      'connector.class': 'JdbcSink',
      topics: 't',
      'connection.url': 'jdbc:postgresql://db/x',
      'insert.mode': 'upsert',
    }),
  );
  const run = await connectd(['validate', worker, upsert]);
  t.equal(run.code, 3);
  t.match(run.stderr, `${upsert}: insert.mode="upsert": upsert needs a primary key`);
});

t.test('validate: a Kafka Connect worker config is valid; each key connectd does not apply gets one warning', async (t) => {
  const kc = await file(
    'kafka-connect-worker.properties',
    `${WORKER}scheduled.rebalance.max.delay.ms=0\nmetric.reporters=\nheader.converter=org.apache.kafka.connect.storage.SimpleHeaderConverter\nadmin.retries=3\n`,
  );
  const run = await connectd(['validate', kc, generator]);
  t.equal(run.code, 0, run.stderr);
  const warnings = run.stderr.trimEnd().split('\n');
  t.equal(warnings.length, 3, 'one line per ignored key (header.converter is applied)');
  t.match(
    warnings.find((l) => l.includes('scheduled.rebalance.max.delay.ms')),
    `${kc}: warning: scheduled.rebalance.max.delay.ms is a Kafka Connect setting that connectd does not apply: `,
  );
  t.ok(warnings.some((l) => l.includes('metric.reporters')) && warnings.some((l) => l.includes('admin.retries')));
  const refused = await file('kafka-connect-eos.properties', `${WORKER}exactly.once.source.support=enabled\n`);
  const eos = await connectd(['validate', refused]);
  t.equal(eos.code, 3, 'a guarantee connectd does not give is refused');
  t.match(eos.stderr, /exactly\.once\.source\.support="enabled": connectd does not implement exactly-once source support yet/);
});

t.test('validate: invalid worker keys exit 3, each named with its source', async (t) => {
  const bad = await file(
    'bad-worker.properties',
    `${WORKER}offset.flush.intervall.ms=1000\nworker.threads=0\nvalue.converter.schemas.enable=maybe\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="hunter2"\n`,
  );
  const run = await connectd(['validate', bad, generator, '-o', 'listeners=ftp://nowhere'], { CONNECTD_LOG_LEVEL: 'loud' });
  t.equal(run.code, 3);
  t.equal(run.stdout, '');
  const lines = run.stderr.trimEnd().split('\n');
  t.same(
    lines.slice(0, -1).sort(),
    [
      `${bad}: offset.flush.intervall.ms="1000": unknown worker configuration key (did you mean offset.flush.interval.ms?); \`connectd --help-config\` lists every key (prefixes: producer., key.converter., value.converter., config.providers.; Kafka security: security.protocol, sasl.*, ssl.*)`,
      `${bad}: sasl.jaas.config="[hidden]": not valid JAAS configuration: missing ';' at the end`,
      `${bad}: value.converter.schemas.enable="maybe": Expected value to be either true or false`,
      `${bad}: worker.threads="0": worker.threads must be a positive integer`,
      'command line: listeners="ftp://nowhere": expected a URL like http://host:port (empty host listens on all interfaces)',
      'environment CONNECTD_LOG_LEVEL: log.level="loud": must be one of the possible values: ["trace","debug","info","warn","error","fatal"]',
    ].sort(),
  );
  t.equal(lines.at(-1), 'connectd validate: 6 problems in 3 sources');
  t.notMatch(run.stderr, /hunter2/, 'the password is never printed');
});

t.test('validate: the command line beats the environment, which beats the file', async (t) => {
  const bad = await connectd(['validate', worker], { CONNECTD_OFFSET_FLUSH_TIMEOUT_MS: 'soon' });
  t.equal(bad.code, 3);
  t.match(bad.stderr, 'environment CONNECTD_OFFSET_FLUSH_TIMEOUT_MS: offset.flush.timeout.ms="soon": must be an integer');
  const fixed = await connectd(['validate', worker, '-o', 'offset.flush.timeout.ms=1000'], { CONNECTD_OFFSET_FLUSH_TIMEOUT_MS: 'soon' });
  t.equal(fixed.code, 0, fixed.stderr);
});

t.test('validate: invalid connector keys (framework and plugin) exit 3, named with the connector file', async (t) => {
  const framework = await file(
    'framework.properties',
    'name=bad/name\nconnector.class=GeneratorSource\ntasks.max=0\ntopic=t\ntopic.creation.default.partitions=3\nrecords.per.partition=lots\n',
  );
  const plugin = await file('plugin.properties', 'name=db2\nconnector.class=DatabaseSource\ndb.password=short\ndb.port=70000\n');
  const duplicate = await file('duplicate.properties', 'name=db2\nconnector.class=DatabaseSource\ndb.url=x\n');
  const run = await connectd(['validate', worker, framework, plugin, duplicate]);
  t.equal(run.code, 3);
  const lines = run.stderr.trimEnd().split('\n');
  t.same(lines, [
    `${framework}: name="bad/name": String may not contain "/" (it could not be addressed in the REST API)`,
    `${framework}: tasks.max="0": Value must be at least 1`,
    `${framework}: topic.creation.default.replication.factor: Missing required configuration with no default value`,
    `${framework}: records.per.partition="lots": Not a number of type LONG`,
    `${plugin}: db.url: Missing required configuration "db.url" which has no default value.`,
    `${plugin}: db.password="[hidden]": must be at least 8 characters`,
    `${plugin}: db.port="70000": must be a port number`,
    `${duplicate}: name="db2": a connector of this name is already defined in ${plugin}`,
    'connectd validate: 8 problems in 3 sources',
  ]);
  t.notMatch(run.stderr, /short/, 'the password is never printed');
});

t.test('validate: client keys in neither Java nor librdkafka names are refused by name, without the Kafka binding', async (t) => {
  const overrides = await file(
    'overrides.properties',
    'name=ov\nconnector.class=GeneratorSource\ntopic=t\nproducer.override.max.request.size=2000000\nproducer.override.batch.sise=1\nconsumer.override.fetch.max.wait=5\n',
  );
  const run = await connectd(['validate', worker, overrides, '-o', 'producer.linger.msec=5', '-o', 'consumer.fetch.max.wait.ms=100']);
  t.equal(run.code, 3, run.stderr);
  const lines = run.stderr.trimEnd().split('\n');
  t.match(lines, [
    /^command line: producer\.linger\.msec="5": unknown Kafka producer setting/,
    /^.*overrides\.properties: producer\.override\.batch\.sise="1": unknown Kafka producer setting/,
    /^.*overrides\.properties: consumer\.override\.fetch\.max\.wait="5": unknown Kafka consumer setting/,
    'connectd validate: 3 problems in 2 sources',
  ]);
  t.equal(lines.length, 4, 'the Java names (max.request.size, fetch.max.wait.ms) pass');
});

t.test('validate: an unknown connector class, a missing file, a missing plugin.path entry', async (t) => {
  const unknown = await file('unknown.properties', 'name=x\nconnector.class=com.example.NoSuchConnector\n');
  const run = await connectd(['validate', worker, unknown, path.join(dir, 'missing.properties')], { CONNECTD_PLUGIN__PATH: 'x' });
  t.equal(run.code, 3);
  t.match(run.stderr, `${unknown}: connector.class="com.example.NoSuchConnector": no such connector plugin (known: `);
  t.match(run.stderr, 'DatabaseSource, DatabaseSourceConnector', 'the known classes are listed');
  t.match(run.stderr, `${path.join(dir, 'missing.properties')}: cannot read: no such file\n`);
  t.match(run.stderr, 'environment CONNECTD_PLUGIN__PATH: plugin_path="x": unknown worker configuration key (did you mean plugin.path?)');

  const missingPlugins = await connectd(['validate', worker, generator, '-o', `plugin.path=${PLUGINS},/no/such/dir`]);
  t.equal(missingPlugins.code, 3);
  t.equal(
    missingPlugins.stderr,
    `command line: plugin.path="${PLUGINS},/no/such/dir": /no/such/dir does not exist\nconnectd validate: 1 problem in 1 source\n`,
    'the connectors are still checked against the entries that exist',
  );
});

t.test('validate loads plugins in a worker thread where the Kafka binding is refused', async (t) => {
  const connector = await file('kafka.properties', 'name=k\nconnector.class=KafkaAtImportSource\n');
  const run = await connectd(['validate', worker, connector, '-o', `plugin.path=${KAFKA_PLUGIN}`]);
  t.equal(run.code, 3);
  t.match(run.stderr, `${connector}: connector.class="KafkaAtImportSource": the Kafka binding (`);
  t.match(run.stderr, 'must not be loaded in a worker thread');
});

t.test('validate and its thread never reach the Kafka binding (static imports)', async (t) => {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const queue = ['src/main-thread/cli/validate.js', 'workers/validate-thread.js'].map((f) => path.join(ROOT, 'dist', f));
  while (queue.length > 0) {
    const f = queue.shift()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const { fileName } of ts.preProcessFile(readFileSync(f, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) queue.push(path.resolve(path.dirname(f), fileName));
      else packages.add(fileName);
    }
  }
  t.ok(seen.has(path.join(ROOT, 'dist/src/shared/plugins.js')), 'the walk reaches the plugin loader');
  t.same(
    [...seen].filter((f) => f.includes(`${path.sep}kafka${path.sep}`)),
    [],
  );
  t.notOk(
    [...packages].some((p) => p.includes('kafka')),
    [...packages].join(', '),
  );
});

t.test('standalone: an invalid configuration exits 3 at once, naming every problem, connecting to nothing', async (t) => {
  const bad = await file('bad-connector.properties', 'name=gen\nconnector.class=GeneratorSource\ntasks.max=0\n');
  const started = Date.now();
  const run = await connectd(['standalone', worker, bad, '-o', 'offset.flush.interval.ms=often'], {}, 20000);
  t.equal(run.code, 3);
  t.equal(
    run.stderr,
    [
      'connectd: invalid configuration, not starting:',
      '  command line: offset.flush.interval.ms="often": must be an integer',
      `  ${bad}: tasks.max="0": Value must be at least 1`,
      `  ${bad}: topic: Missing required configuration "topic" which has no default value.`,
      '',
    ].join('\n'),
  );
  t.equal(run.stdout, '', 'no log lines: nothing started');
  t.ok(Date.now() - started < 15000, 'before any Kafka connection timeout');
});

t.test('validate: config provider placeholders are resolved as the daemon resolves them, and never printed resolved', async (t) => {
  const secrets = await file('secrets.properties', 'url=postgres://db\npassword=long-enough-secret\nshort=abc\n');
  const good = await file(
    'provided.properties',
    `name=p\nconnector.class=DatabaseSource\ndb.url=\${file:${secrets}:url}\ndb.password=\${file:${secrets}:password}\n`,
  );
  const run = await connectd(['validate', worker, good, '-o', 'config.providers=file', '-o', `allowed.paths=${dir}`]);
  t.equal(run.code, 0, run.stderr);
  const bad = await file(
    'provided-bad.properties',
    `name=p\nconnector.class=DatabaseSource\ndb.url=\${file:${secrets}:nope}\ndb.password=\${file:${secrets}:short}\n`,
  );
  const badRun = await connectd(['validate', worker, bad, '-o', 'config.providers=file', '-o', `allowed.paths=${dir}`]);
  t.equal(badRun.code, 3);
  t.match(badRun.stderr, `${bad}: db.url="\${file:${secrets}:nope}": cannot resolve \${file:${secrets}:nope}: ${secrets} has no key nope`);
  t.match(badRun.stderr, `${bad}: db.password="[hidden]": must be at least 8 characters`);
  t.notMatch(badRun.stderr, /abc/);
  const outside = await connectd(['validate', worker, good, '-o', 'config.providers=file']);
  t.equal(outside.code, 3, 'without allowed.paths, no file');
  t.match(
    outside.stderr,
    `${good}: db.url="\${file:${secrets}:url}": cannot resolve \${file:${secrets}:url}: ${secrets}: not under allowed.paths (none set); set allowed.paths to allow it`,
  );
});

t.test('validate: a file connector outside allowed.paths is refused, naming the key, the path and the allowlist', async (t) => {
  const source = await file('etc-source.properties', 'name=etc\nconnector.class=FileStreamSource\nfile=/etc/passwd\ntopic=t\n');
  const run = await connectd(['validate', worker, source, '-o', `allowed.paths=${dir}`]);
  t.equal(run.code, 3);
  t.match(run.stderr, `${source}: file="/etc/passwd": not under allowed.paths (${dir}); set allowed.paths to allow it`);
  const inside = await file('inside-source.properties', `name=in\nconnector.class=FileStreamSource\nfile=${dir}/in.txt\ntopic=t\n`);
  t.equal((await connectd(['validate', worker, inside, '-o', `allowed.paths=${dir}`])).code, 0);
});

t.test('validate: the HTTPS listener key and certificate, and the basic auth users file, are read and checked', async (t) => {
  const pem = (name: string): string => {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        path.join(dir, `${name}.key`),
        '-out',
        path.join(dir, `${name}.crt`),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    return readFileSync(path.join(dir, `${name}.key`), 'utf8') + readFileSync(path.join(dir, `${name}.crt`), 'utf8');
  };
  const [one, two] = [pem('one'), pem('two')];
  const keystore = await file('rest.pem', one);
  const mismatched = await file(
    'mismatched.pem',
    one.slice(0, one.indexOf('-----BEGIN CERTIFICATE')) + two.slice(two.indexOf('-----BEGIN CERTIFICATE')),
  );
  const users = await file('users.properties', 'admin=s3cret\n');
  const noUsers = await file('no-users.properties', '# nobody\n');
  const https = ['-o', 'listeners=https://127.0.0.1:0', '-o', `rest.basic.auth.credentials.file=${users}`];
  const ok = await connectd(['validate', worker, ...https, '-o', `listeners.https.ssl.keystore.location=${keystore}`]);
  t.equal(ok.code, 0, ok.stderr);
  const bad = await connectd([
    'validate',
    worker,
    ...https,
    '-o',
    `listeners.https.ssl.keystore.location=${mismatched}`,
    '-o',
    `rest.basic.auth.credentials.file=${noUsers}`,
  ]);
  t.equal(bad.code, 3);
  t.match(
    bad.stderr,
    `command line: listeners.https.ssl.keystore.location="${mismatched}": not a usable PEM private key and certificate chain: `,
  );
  t.match(bad.stderr, `command line: rest.basic.auth.credentials.file="${noUsers}": no user=password lines`);
  const missing = await connectd([
    'validate',
    worker,
    ...https,
    '-o',
    `listeners.https.ssl.keystore.location=${path.join(dir, 'nope.pem')}`,
  ]);
  t.match(missing.stderr, `listeners.https.ssl.keystore.location="${path.join(dir, 'nope.pem')}": cannot read: no such file`);
});
