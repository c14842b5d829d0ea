/**
 * Where worker settings come from: a .properties or JSON file, then CONNECTD_* environment
 * variables, then --override on the command line — each overriding the one before — and every
 * problem named with the source of its value.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConfigFileError } from '../../../src/main-thread/config/config-files.js';
import {
  WorkerConfigException,
  layerWorkerConfig,
  loadWorkerConfig,
  parseWorkerConfig,
} from '../../../src/main-thread/config/worker-config.js';
import { envVarFor, keyForEnvVar, WORKER_CONFIG_KEYS } from '../../../src/main-thread/config/worker-config-schema.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-config-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const PROPERTIES = `bootstrap.servers=file:9092
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
value.converter.schemas.enable=false
offset.storage.file.filename=offsets/connect.offsets
offset.flush.interval.ms=10000
offset.flush.timeout.ms=3000
listeners=http://127.0.0.1:8083
`;
const propertiesFile = path.join(dir, 'worker.properties');
await writeFile(propertiesFile, PROPERTIES);

async function loadRejected(file: string, opts: Parameters<typeof loadWorkerConfig>[2]): Promise<WorkerConfigException> {
  try {
    await loadWorkerConfig(file, 'standalone', opts);
  } catch (err) {
    if (err instanceof WorkerConfigException) return err;
    throw err;
  }
  throw new Error('expected a WorkerConfigException');
}

t.test('a .properties file alone', async (t) => {
  const cfg = await loadWorkerConfig(propertiesFile, 'standalone', { env: {} });
  t.equal(cfg.bootstrapServers, 'file:9092');
  t.equal(cfg.offsetFlushIntervalMs, 10000);
  t.equal(cfg.offsetStorageFile, path.join(dir, 'offsets/connect.offsets'), 'relative to the file');
  t.same(cfg.converterDefaults['value.converter.schemas.enable'], 'false');
});

t.test('a JSON file: flat keys, nested objects, lists, numbers and booleans', async (t) => {
  const file = path.join(dir, 'worker.json');
  await writeFile(
    file,
    JSON.stringify({
      'bootstrap.servers': 'json:9092',
      key: { converter: 'org.apache.kafka.connect.storage.StringConverter' },
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': '/var/lib/connectd/offsets',
      'offset.flush.interval.ms': 2500,
      'topic.creation.enable': false,
      'plugin.path': ['plugins', '/opt/more'],
      producer: { 'linger.ms': 20, 'compression.type': 'zstd' },
    }),
  );
  const cfg = await loadWorkerConfig(file, 'standalone', { env: {} });
  t.equal(cfg.bootstrapServers, 'json:9092');
  t.equal(cfg.keyConverter, 'org.apache.kafka.connect.storage.StringConverter', 'nested objects join with dots');
  t.equal(cfg.offsetFlushIntervalMs, 2500, 'a JSON number');
  t.equal(cfg.topicCreationEnable, false, 'a JSON boolean');
  t.same(cfg.pluginPath, [path.join(dir, 'plugins'), '/opt/more'], 'a JSON list');
  t.same(cfg.producer, { 'linger.ms': '20', 'compression.type': 'zstd' });
});

t.test('bad files are named', async (t) => {
  await t.rejects(loadWorkerConfig(path.join(dir, 'missing.properties'), 'standalone', { env: {} }), ConfigFileError);
  const bad = path.join(dir, 'bad.json');
  await writeFile(bad, '{"bootstrap.servers": ');
  await t.rejects(loadWorkerConfig(bad, 'standalone', { env: {} }), { name: 'ConfigFileError', message: /bad\.json: not valid JSON/ });
  await writeFile(bad, '["a"]');
  await t.rejects(loadWorkerConfig(bad, 'standalone', { env: {} }), { message: /expected a JSON object/ });
  await writeFile(bad, '{"plugin.path": null}');
  await t.rejects(loadWorkerConfig(bad, 'standalone', { env: {} }), { message: /plugin\.path: null is not a value/ });
});

t.test('the environment overrides the file; the command line overrides both', async (t) => {
  const env = {
    CONNECTD_BOOTSTRAP_SERVERS: 'env:9092',
    CONNECTD_OFFSET_FLUSH_INTERVAL_MS: '2000',
    CONNECTD_OFFSET_FLUSH_TIMEOUT_MS: '4000',
    CONNECTD_PRODUCER_LINGER_MS: '7',
    CONNECTD_COMMIT: 'abc123',
    CONNECTD_CONNECTOR_CONFIGS: '/etc/connectd/a.properties /etc/connectd/b.properties',
    PATH: '/usr/bin',
  };
  const overrides = { 'offset.flush.interval.ms': '1000', 'log.level': 'debug' };
  const cfg = await loadWorkerConfig(propertiesFile, 'standalone', { env, overrides });
  t.equal(cfg.bootstrapServers, 'env:9092', 'environment over file');
  t.equal(cfg.offsetFlushTimeoutMs, 4000, 'environment over file');
  t.equal(cfg.offsetFlushIntervalMs, 1000, 'command line over environment over file');
  t.equal(cfg.logLevel, 'debug', 'command line over default');
  t.equal(cfg.producer['linger.ms'], '7', 'pass-through keys from the environment');
  t.equal(cfg.keyConverter, 'org.apache.kafka.connect.storage.StringConverter', 'untouched keys from the file');
});

t.test(
  'relative paths: from the file, relative to its directory; from the environment or command line, to the working directory',
  async (t) => {
    const cfg = await loadWorkerConfig(propertiesFile, 'standalone', {
      env: { CONNECTD_PLUGIN_PATH: 'env-plugins' },
      overrides: { 'offset.storage.file.filename': 'cli.offsets' },
    });
    t.same(cfg.pluginPath, [path.resolve('env-plugins')]);
    t.equal(cfg.offsetStorageFile, path.resolve('cli.offsets'));
  },
);

t.test('every problem is named with the source of its value, all at once', async (t) => {
  const err = await loadRejected(propertiesFile, {
    env: { CONNECTD_OFFSET_FLUSH_TIMEOUT_MS: 'soon', CONNECTD_OFFSET_FLUSH_INTERVALL_MS: '5', CONNECTD_LOG_LEVEL: 'loud' },
    overrides: { 'worker.threads': '0', 'task.max.inflight.recs': '5', 'log.level': 'warn' },
  });
  const found = err.problems.map((p) => [p.name, p.source]).sort();
  t.same(
    found,
    [
      ['offset.flush.intervall.ms', 'environment CONNECTD_OFFSET_FLUSH_INTERVALL_MS'],
      ['offset.flush.timeout.ms', 'environment CONNECTD_OFFSET_FLUSH_TIMEOUT_MS'],
      ['task.max.inflight.recs', 'command line'],
      ['worker.threads', 'command line'],
    ],
    'log.level=loud from the environment is overridden by the command line, so it is no problem',
  );
  const fileErr = await loadRejected(propertiesFile, { env: {}, overrides: {} }).catch(() => null);
  t.equal(fileErr, null, 'control: the file alone is valid');
});

t.test('problems with values from the file name the file', async (t) => {
  const file = path.join(dir, 'typo.properties');
  await writeFile(file, `${PROPERTIES}offset.flush.intervall.ms=5\ntask.max.inflight.bytes=lots\n`);
  const err = await loadRejected(file, { env: {} });
  t.same(err.problems.map((p) => [p.name, p.value, p.source]).sort(), [
    ['offset.flush.intervall.ms', '5', file],
    ['task.max.inflight.bytes', 'lots', file],
  ]);
});

t.test('environment variable names: every schema key round-trips, Confluent-style escapes', async (t) => {
  for (const key of WORKER_CONFIG_KEYS) t.equal(keyForEnvVar(envVarFor(key)), key, `${key} ↔ ${envVarFor(key)}`);
  t.equal(envVarFor('offset.flush.interval.ms'), 'CONNECTD_OFFSET_FLUSH_INTERVAL_MS');
  t.equal(keyForEnvVar('CONNECTD_PRODUCER_LINGER_MS'), 'producer.linger.ms');
  t.equal(keyForEnvVar('CONNECTD_SASL_OAUTHBEARER_CLIENT_ID'), 'sasl.oauthbearer.client.id');
  t.equal(keyForEnvVar('CONNECTD_A__B___C_D'), 'a_b-c.d');
  t.equal(keyForEnvVar('OTHER_THING'), undefined);
  t.equal(keyForEnvVar('CONNECTD_'), undefined);
});

t.test('layerWorkerConfig records origins; other variables are ignored', async (t) => {
  const layered = layerWorkerConfig({
    file: { path: 'conf/w.properties', props: { a: '1', b: '1' } },
    env: { CONNECTD_B: '2', CONNECTD_C: '2', HOME: '/root', CONNECTD_COMMIT: 'x' },
    overrides: { c: '3' },
  });
  t.same(layered.props, { a: '1', b: '2', c: '3' });
  t.same(Object.fromEntries(Object.entries(layered.origins).map(([k, o]) => [k, o.source])), {
    a: 'conf/w.properties',
    b: 'environment CONNECTD_B',
    c: 'command line',
  });
  t.equal(layered.origins.a!.baseDir, path.resolve('conf'));
});

t.test('a worker config with only environment values is parsed the same', async (t) => {
  const layered = layerWorkerConfig({
    env: {
      CONNECTD_KEY_CONVERTER: 'org.apache.kafka.connect.storage.StringConverter',
      CONNECTD_VALUE_CONVERTER: 'org.apache.kafka.connect.storage.StringConverter',
      CONNECTD_OFFSET_STORAGE_FILE_FILENAME: '/tmp/o',
      CONNECTD_SECURITY_PROTOCOL: 'ssl',
      CONNECTD_SSL_CA_LOCATION: '/etc/ssl/ca.pem',
    },
  });
  const cfg = parseWorkerConfig(layered.props, 'standalone', '/', layered.origins);
  t.same(cfg.kafkaClientDefaults, { 'security.protocol': 'ssl', 'ssl.ca.location': '/etc/ssl/ca.pem' });
});
