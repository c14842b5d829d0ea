/**
 * parseWorkerConfig on standalone worker.properties files as Kafka Connect users write them.
 *
 * parseWorkerConfig reads only the props it is given (the environment is layered on by
 * layerWorkerConfig, see worker-config-sources.test.ts); CONNECTD_* variables are still cleared
 * here so that a regression that reads them again cannot depend on the caller's shell.
 */
import path from 'node:path';
import t from 'tap';
import { parseProperties } from '../../../src/main-thread/config/properties.js';
import { layerWorkerConfig, parseWorkerConfig } from '../../../src/main-thread/config/worker-config.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';

const savedEnv = Object.entries(process.env).filter(([k]) => k.startsWith('CONNECTD_'));
for (const [k] of savedEnv) delete process.env[k];
t.teardown(() => {
  for (const [k] of Object.entries(process.env)) if (k.startsWith('CONNECTD_')) delete process.env[k];
  for (const [k, v] of savedEnv) process.env[k] = v;
});

const BASE_DIR = path.resolve('/srv/connect/config');

const MINIMAL = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.storage.file.filename': '/tmp/connect.offsets',
} as const;

function rejected(props: Record<string, string>): ConfigException {
  try {
    parseWorkerConfig(props, 'standalone', BASE_DIR);
  } catch (err) {
    if (err instanceof ConfigException) return err;
    throw err;
  }
  throw new Error('expected a ConfigException');
}

t.test('a Kafka Connect standalone worker.properties parses, with the right defaults', async (t) => {
  const props = parseProperties(`# connect-standalone.properties
bootstrap.servers=broker-1:9092,broker-2:9092
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.converters.ByteArrayConverter
key.converter.schemas.enable=false
value.converter.schemas.enable=false
offset.storage.file.filename=data/connect.offsets
plugin.path=plugins, /opt/connectors ,,
producer.linger.ms=5
producer.compression.type=lz4
`);
  const cfg = parseWorkerConfig(props, 'standalone', BASE_DIR);
  t.equal(cfg.bootstrapServers, 'broker-1:9092,broker-2:9092');
  t.equal(cfg.keyConverter, 'org.apache.kafka.connect.storage.StringConverter');
  t.equal(cfg.valueConverter, 'org.apache.kafka.connect.converters.ByteArrayConverter');
  t.equal(cfg.offsetStorageFile, path.join(BASE_DIR, 'data/connect.offsets'), 'relative offset file resolved against baseDir');
  t.same(
    cfg.pluginPath,
    [path.join(BASE_DIR, 'plugins'), path.resolve('/opt/connectors')],
    'plugin.path entries trimmed, empties dropped, relative ones resolved',
  );
  t.equal(cfg.offsetFlushIntervalMs, 60000);
  t.equal(cfg.offsetFlushTimeoutMs, 5000);
  t.equal(cfg.taskShutdownGracefulTimeoutMs, 5000);
  t.same(cfg.listener, { protocol: 'http', host: '0.0.0.0', port: 8083 }, 'default listeners http://:8083');
  t.equal(cfg.taskMaxInflightRecords, 10000);
  t.equal(cfg.taskMaxInflightBytes, 16 * 1024 * 1024);
  t.equal(cfg.logLevel, 'info');
  t.ok(Number.isInteger(cfg.workerThreads) && cfg.workerThreads > 0, 'worker.threads defaults to a positive integer');
  t.same(cfg.producer, { 'linger.ms': '5', 'compression.type': 'lz4' }, 'producer.* passes through, prefix stripped');
  t.same(
    cfg.converterDefaults,
    {
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
    },
    'converter keys kept as written, prefix included',
  );
  t.ok(Object.isFrozen(cfg) && Object.isFrozen(cfg.producer) && Object.isFrozen(cfg.converterDefaults), 'frozen');
});

t.test('explicit values override defaults', async (t) => {
  const cfg = parseWorkerConfig(
    {
      ...MINIMAL,
      'offset.flush.interval.ms': ' 10000 ',
      'offset.flush.timeout.ms': '2500',
      'task.shutdown.graceful.timeout.ms': '0',
      listeners: 'http://127.0.0.1:9000',
      'worker.threads': '3',
      'log.level': 'debug',
    },
    'standalone',
    BASE_DIR,
  );
  t.equal(cfg.offsetFlushIntervalMs, 10000);
  t.equal(cfg.offsetFlushTimeoutMs, 2500);
  t.equal(cfg.taskShutdownGracefulTimeoutMs, 0);
  t.same(cfg.listener, { protocol: 'http', host: '127.0.0.1', port: 9000 });
  t.equal(cfg.workerThreads, 3);
  t.equal(cfg.logLevel, 'debug');
  t.equal(cfg.offsetStorageFile, path.resolve('/tmp/connect.offsets'), 'an absolute offset file stays as is');
  t.same(cfg.pluginPath, []);
  t.same(cfg.producer, {});
});

t.test('listeners forms', async (t) => {
  const listener = (l: string) => parseWorkerConfig({ ...MINIMAL, listeners: l }, 'standalone', BASE_DIR).listener;
  t.same(listener('http://:8083'), { protocol: 'http', host: '0.0.0.0', port: 8083 }, 'empty host = all interfaces');
  t.same(listener('http://[::1]:8084/'), { protocol: 'http', host: '::1', port: 8084 }, 'IPv6 literal, trailing slash');
  t.same(listener('http://localhost:1,http://other:2'), { protocol: 'http', host: 'localhost', port: 1 }, 'the first of several');
  for (const bad of ['localhost:8083', 'http://host', 'http://host:', 'https://host:8443', 'ftp://host:21', 'http://host:70000', '']) {
    const err = rejected({ ...MINIMAL, listeners: bad });
    t.match(err.problems, [{ name: 'listeners', value: bad }], `rejects ${JSON.stringify(bad)}`);
    t.equal(err.problems.length, 1);
  }
});

t.test('integer keys', async (t) => {
  for (const bad of ['soon', '1.5', '1e3', '', '60s']) {
    const err = rejected({ ...MINIMAL, 'offset.flush.interval.ms': bad });
    t.match(err.problems, [{ name: 'offset.flush.interval.ms', value: bad, message: /integer/ }], `rejects ${JSON.stringify(bad)}`);
  }
  t.match(
    rejected({ ...MINIMAL, 'offset.flush.interval.ms': '-5' }).problems,
    [{ name: 'offset.flush.interval.ms', value: '-5' }],
    'negative',
  );
  t.match(rejected({ ...MINIMAL, 'worker.threads': '0' }).problems, [{ name: 'worker.threads', value: '0', message: /positive integer/ }]);
  t.match(rejected({ ...MINIMAL, 'log.level': 'loud' }).problems, [{ name: 'log.level', value: 'loud' }]);
});

t.test('unknown keys are rejected, including near-misses of the converter prefixes', async (t) => {
  for (const key of [
    'offset.flush.intervall.ms',
    'scheduled.rebalance.max.delay',
    'producers.linger.ms',
    'value.converters',
    'key.converterschemas.enable',
  ]) {
    const err = rejected({ ...MINIMAL, [key]: 'x' });
    t.match(err.problems, [{ name: key, value: 'x', message: /unknown worker configuration key/ }], `rejects ${key}`);
  }
});

t.test('every problem is reported at once in one ConfigException', async (t) => {
  const err = rejected({
    'offset.flush.intervall.ms': '1000',
    'offset.flush.interval.ms': 'often',
    listeners: 'tcp://0.0.0.0:8083',
  });
  t.equal(err.code, 'CONNECTD_ERR_INVALID_CONFIG');
  const names = err.problems.map((p) => p.name).sort();
  t.same(names, [
    'key.converter',
    'listeners',
    'offset.flush.interval.ms',
    'offset.flush.intervall.ms',
    'offset.storage.file.filename',
    'value.converter',
  ]);
  t.match(
    err.problems.find((p) => p.name === 'key.converter'),
    { value: null, message: /Missing required/ },
  );
  t.match(
    err.problems.find((p) => p.name === 'offset.storage.file.filename'),
    { value: null, message: /Missing required/ },
  );
  t.match(
    err.problems.find((p) => p.name === 'offset.flush.interval.ms'),
    { value: 'often' },
  );
  t.match(
    err.problems.find((p) => p.name === 'listeners'),
    { value: 'tcp://0.0.0.0:8083' },
  );
  for (const name of names) t.match(err.message, name, `message names ${name}`);
  t.match(err.message, /^Invalid worker configuration: /);
});

t.test('an empty converter counts as missing', async (t) => {
  const err = rejected({ ...MINIMAL, 'key.converter': '', 'value.converter': '' });
  t.same(err.problems.map((p) => p.name).sort(), ['key.converter', 'value.converter']);
});

// Updated: the environment used to be read inside parseWorkerConfig (by convict); it is now a
// separate, explicit layer (layerWorkerConfig), so that it can sit between the file and the
// command line. parseWorkerConfig itself must ignore it.
t.test('parseWorkerConfig ignores CONNECTD_* variables; layerWorkerConfig applies them over the file', async (t) => {
  t.teardown(() => {
    delete process.env.CONNECTD_OFFSET_FLUSH_INTERVAL_MS;
  });
  process.env.CONNECTD_OFFSET_FLUSH_INTERVAL_MS = '1234';
  t.equal(parseWorkerConfig({ ...MINIMAL }, 'standalone', BASE_DIR).offsetFlushIntervalMs, 60000, 'not read by parseWorkerConfig');
  const layered = layerWorkerConfig({
    file: { path: 'worker.properties', props: { ...MINIMAL, 'offset.flush.interval.ms': '10' } },
    env: process.env,
  });
  t.equal(
    parseWorkerConfig(layered.props, 'standalone', BASE_DIR, layered.origins).offsetFlushIntervalMs,
    1234,
    'the environment wins over the file',
  );
});

t.test('new fields: kafkaClientDefaults, logFormat; producer security keys translated', async (t) => {
  const cfg = parseWorkerConfig(
    {
      ...MINIMAL,
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="pw";',
      'producer.security.protocol': 'SSL',
      'producer.ssl.truststore.type': 'PEM',
      'producer.ssl.truststore.location': '/etc/ca.pem',
      'producer.acks': 'all',
      'log.format': 'json',
    },
    'standalone',
    BASE_DIR,
  );
  t.same(cfg.kafkaClientDefaults, {
    'security.protocol': 'sasl_ssl',
    'sasl.mechanisms': 'PLAIN',
    'sasl.username': 'alice',
    'sasl.password': 'pw',
  });
  t.same(
    cfg.producer,
    { acks: '-1', 'security.protocol': 'ssl', 'ssl.ca.location': '/etc/ca.pem' },
    'acks=all as librdkafka -1 (java-client-keys.ts)',
  );
  t.equal(cfg.logFormat, 'json');
  t.ok(Object.isFrozen(cfg.kafkaClientDefaults));
  t.same(parseWorkerConfig({ ...MINIMAL }, 'standalone', BASE_DIR).kafkaClientDefaults, {}, 'empty without security settings');
  t.equal(parseWorkerConfig({ ...MINIMAL }, 'standalone', BASE_DIR).logFormat, 'auto');
});

t.test('bootstrap.servers, log.format and the restart backoff are checked', async (t) => {
  for (const good of ['b1:9092', 'b1:9092, b2:9093', '[::1]:9092', 'PLAINTEXT://b1:9092', '10.0.0.1:9092']) {
    t.equal(parseWorkerConfig({ ...MINIMAL, 'bootstrap.servers': good }, 'standalone', BASE_DIR).bootstrapServers, good.trim(), good);
  }
  for (const bad of ['', 'b1', 'b1:', 'b1:99999', 'b1:9092;b2:9092']) {
    t.match(
      rejected({ ...MINIMAL, 'bootstrap.servers': bad }).problems,
      [{ name: 'bootstrap.servers', value: bad }],
      `rejects ${JSON.stringify(bad)}`,
    );
  }
  t.match(rejected({ ...MINIMAL, 'log.format': 'xml' }).problems, [{ name: 'log.format', value: 'xml' }]);
  t.match(rejected({ ...MINIMAL, 'task.restart.backoff.initial.ms': '5000', 'task.restart.backoff.max.ms': '1000' }).problems, [
    { name: 'task.restart.backoff.initial.ms', message: /must not exceed task.restart.backoff.max.ms/ },
  ]);
});

t.test('an unknown key close to a known one gets a suggestion', async (t) => {
  t.match(rejected({ ...MINIMAL, 'offset.flush.intervall.ms': '1' }).problems, [{ message: /did you mean offset\.flush\.interval\.ms\?/ }]);
  t.notMatch(
    rejected({ ...MINIMAL, 'completely.unrelated.setting': 'x' }).problems[0]!.message,
    /did you mean/,
    'no far-fetched suggestion',
  );
});

t.test('secret values never appear in problems', async (t) => {
  const err = rejected({
    ...MINIMAL,
    'sasl.jaas.config': 'org.example.Nope required password="hunter2";',
    'ssl.truststore.password': 'hunter2',
    'secret.thing': 'hunter2',
  });
  t.equal(err.problems.length, 3);
  t.notMatch(err.message, /hunter2/);
  for (const p of err.problems) t.equal(p.value, '[hidden]', p.name);
});

t.test('config.providers: enabled by name, classes checked, placeholders resolved in the worker config', async (t) => {
  process.env.CONNECTD_TEST_SASL_PASSWORD = 'from-the-environment';
  t.teardown(() => {
    delete process.env.CONNECTD_TEST_SASL_PASSWORD;
  });
  const cfg = parseWorkerConfig(
    {
      ...MINIMAL,
      'config.providers': 'env, vault',
      'config.providers.vault.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
      'sasl.mechanism': 'PLAIN',
      'sasl.password': '${env:CONNECTD_TEST_SASL_PASSWORD}',
      'sasl.username': 'connectd',
    },
    'standalone',
    BASE_DIR,
  );
  t.same(cfg.configProviders, ['env', 'vault']);
  t.same(cfg.configProviderClasses, { vault: 'org.apache.kafka.common.config.provider.FileConfigProvider' });
  t.equal(cfg.kafkaClientDefaults['sasl.password'], 'from-the-environment', 'resolved');
  t.same(
    parseWorkerConfig({ ...MINIMAL, 'sasl.password': '${env:CONNECTD_TEST_SASL_PASSWORD}' }, 'standalone', BASE_DIR).kafkaClientDefaults[
      'sasl.password'
    ],
    '${env:CONNECTD_TEST_SASL_PASSWORD}',
    'not resolved unless the provider is enabled (as in Kafka)',
  );

  const err = rejected({
    ...MINIMAL,
    'config.providers': 'env,custom',
    'config.providers.env.param.allowed.paths': '/etc',
    'config.providers.other.class': 'x',
    'config.providers.oops': 'x',
    'offset.flush.interval.ms': '${env:CONNECTD_TEST_SASL_PASSWORD}',
    'task.max.inflight.records': '${env:CONNECTD_NOT_SET_ANYWHERE}',
  });
  t.same(err.problems.map((p) => p.name).sort(), [
    'config.providers',
    'config.providers.env.param.allowed.paths',
    'config.providers.oops',
    'config.providers.other.class',
    'offset.flush.interval.ms',
    'task.max.inflight.records',
    'task.max.inflight.records',
  ]);
  t.match(
    err.problems.find((p) => p.name === 'config.providers'),
    { message: /unknown config provider .*name its class with config\.providers\.custom\.class/ },
  );
  t.notMatch(err.message, /from-the-environment/, 'a resolved value is never shown; the placeholder is');
  t.match(
    err.problems.find((p) => p.name === 'offset.flush.interval.ms'),
    { value: '${env:CONNECTD_TEST_SASL_PASSWORD}', message: /integer/ },
  );
  t.match(
    err.problems.filter((p) => p.name === 'task.max.inflight.records'),
    [{ message: /cannot resolve .*CONNECTD_NOT_SET_ANYWHERE is not set/ }, { message: /integer/ }],
  );
});

t.test("allowed.paths and Kafka's provider parameters (allowed.paths, allowlist.pattern)", async (t) => {
  t.same(parseWorkerConfig(MINIMAL, 'standalone', BASE_DIR).allowedPaths, [], 'default: no path');
  t.same(
    parseWorkerConfig({ ...MINIMAL, 'allowed.paths': ' /var/lib/connectd/data/ , /tmp/x/../y' }, 'standalone', BASE_DIR).allowedPaths,
    ['/var/lib/connectd/data', '/tmp/y'],
  );
  t.match(rejected({ ...MINIMAL, 'allowed.paths': '/ok,data' }).problems, [
    { name: 'allowed.paths', message: /absolute directory; not absolute: data/ },
  ]);

  const cfg = parseWorkerConfig(
    {
      ...MINIMAL,
      'config.providers': 'env,file,dir',
      'config.providers.dir.class': 'org.apache.kafka.common.config.provider.DirectoryConfigProvider',
      'config.providers.env.param.allowlist.pattern': '^APP_',
      'config.providers.file.param.allowed.paths': '/etc/connectd/connector-secrets',
      'config.providers.dir.param.allowed.paths': '/run/secrets,/var/run/secrets',
    },
    'standalone',
    BASE_DIR,
  );
  t.same(cfg.configProviderParams, {
    env: { 'allowlist.pattern': '^APP_' },
    file: { 'allowed.paths': '/etc/connectd/connector-secrets' },
    dir: { 'allowed.paths': '/run/secrets,/var/run/secrets' },
  });

  const err = rejected({
    ...MINIMAL,
    'config.providers': 'env,file',
    'config.providers.env.param.allowlist.pattern': '(unclosed',
    'config.providers.file.param.allowed.paths': 'relative',
    'config.providers.file.param.bogus': 'x',
    'config.providers.directory.param.allowed.paths': '/x',
  });
  t.same(err.problems.map((p) => [p.name, p.message]).sort(), [
    ['config.providers.directory.param.allowed.paths', 'provider directory is not enabled in config.providers'],
    [
      'config.providers.env.param.allowlist.pattern',
      'not a regular expression: Invalid regular expression: /(unclosed/: Unterminated group',
    ],
    ['config.providers.file.param.allowed.paths', 'every entry must be an absolute directory; not absolute: relative'],
    [
      'config.providers.file.param.bogus',
      "unknown parameter bogus of org.apache.kafka.common.config.provider.FileConfigProvider (connectd's takes: allowed.paths)",
    ],
  ]);
  t.match(
    rejected({ ...MINIMAL, 'config.providers': 'file', 'config.providers.file.param.allowed.paths': ' ' }).problems,
    [{ message: /at least one absolute directory \(`\/` allows every path\)/ }],
    'empty is not "any path", unlike Kafka',
  );
  // The worker config's own placeholders are bound by the param.
  t.match(
    rejected({
      ...MINIMAL,
      'config.providers': 'file',
      'config.providers.file.param.allowed.paths': '/nowhere',
      'sasl.password': '${file:/etc/hostname:x}',
    }).problems,
    [{ name: 'sasl.password', message: /not under config\.providers\.file\.param\.allowed\.paths \(\/nowhere\)/ }],
  );
});

t.test('an https listener with its PEM keystore; https keys only with an https listener; basic auth file', async (t) => {
  const cfg = parseWorkerConfig(
    {
      ...MINIMAL,
      listeners: 'https://:8443',
      'listeners.https.ssl.keystore.location': 'tls/rest.pem',
      'rest.basic.auth.credentials.file': 'users.properties',
    },
    'standalone',
    BASE_DIR,
  );
  t.same(cfg.listener, { protocol: 'https', host: '0.0.0.0', port: 8443 });
  t.same(cfg.restHttps, {
    keystoreLocation: path.join(BASE_DIR, 'tls/rest.pem'),
    keyPem: null,
    certificateChainPem: null,
    clientAuthentication: 'none',
    truststoreLocation: null,
  });
  t.equal(cfg.restBasicAuthCredentialsFile, path.join(BASE_DIR, 'users.properties'));
  const text = parseWorkerConfig(
    {
      ...MINIMAL,
      listeners: 'https://:8443',
      'listeners.https.ssl.keystore.key': 'KEY',
      'listeners.https.ssl.keystore.certificate.chain': 'CHAIN',
    },
    'standalone',
    BASE_DIR,
  );
  t.same(text.restHttps, {
    keystoreLocation: null,
    keyPem: 'KEY',
    certificateChainPem: 'CHAIN',
    clientAuthentication: 'none',
    truststoreLocation: null,
  });
  const plain = parseWorkerConfig({ ...MINIMAL }, 'standalone', BASE_DIR);
  t.equal(plain.restHttps, null);
  t.equal(plain.restBasicAuthCredentialsFile, null);

  t.match(rejected({ ...MINIMAL, listeners: 'https://:8443', 'listeners.https.ssl.keystore.key': 'KEY' }).problems, [
    { name: 'listeners', message: /needs listeners\.https\.ssl\.keystore\.location/ },
  ]);
  t.match(
    rejected({
      ...MINIMAL,
      listeners: 'https://:8443',
      'listeners.https.ssl.keystore.location': 'a.pem',
      'listeners.https.ssl.keystore.key': 'KEY',
    }).problems,
    [{ name: 'listeners.https.ssl.keystore.location', message: /not both/ }],
  );
  t.match(rejected({ ...MINIMAL, 'listeners.https.ssl.keystore.key': 'KEY' }).problems, [
    { name: 'listeners.https.ssl.keystore.key', value: '[hidden]', message: /only with an https listener/ },
  ]);
  t.match(
    rejected({
      ...MINIMAL,
      listeners: 'https://:8443',
      'listeners.https.ssl.keystore.location': 'a.jks',
      'listeners.https.ssl.keystore.type': 'JKS',
    }).problems,
    [{ name: 'listeners.https.ssl.keystore.type' }],
  );
});
