/**
 * `producer.override.*` per connector under the worker's override policy (KIP-458), against a real
 * broker: an override reaches that connector's producer only, and a policy refuses what it must.
 * A connector that points its clients at other brokers gets none of the worker's security settings
 * (issue 14): librdkafka's own dump of the client configuration shows none of them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import { parseWorkerConfig } from '../../src/main-thread/config/worker-config.js';
import { consumerOverrides, producerOverrides } from '../../src/main-thread/runtime/client-overrides.js';
import { taskConsumerConfig, taskProducerConfig } from '../../src/main-thread/runtime/producer-config.js';
import type { ClientConfig } from '../../src/main-thread/runtime/producer-config.js';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-overrides-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const generator = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
  name,
  'connector.class': 'GeneratorSource',
  topic: `overrides-${name}`,
  'value.size': '3000',
  'records.per.partition': '200',
  ...extra,
});

t.test('an override applies to its connector only', async (t) => {
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'all'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [generator('plain'), generator('small', { 'producer.override.message.max.bytes': '2000' })],
  });
  t.teardown(() => proc.kill());
  const small = await waitFor('the overridden connector to fail on its 3000-byte records', async () => {
    const s = await proc.status('small');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(small.tasks[0]!.trace, /too large|MSG_SIZE_TOO_LARGE/i, 'failed by its own message.max.bytes');
  await waitFor(
    'the other connector wrote all its records',
    async () => (await proc.metric('connectd_source_record_write_total', 'connector="plain"')) === 200,
  );
  t.equal((await proc.status('plain')).tasks[0]!.state, 'RUNNING');
  t.equal(await proc.stop(), 0);
});

t.test('policy None refuses any override, naming each key', async (t) => {
  await t.rejects(
    ConnectdProcess.start({
      dir: path.join(root, 'none'),
      bootstrapServers: cluster.bootstrapServers,
      worker: { 'connector.client.config.override.policy': 'None' },
      connectors: [generator('refused', { 'producer.override.linger.ms': '1', 'producer.override.acks': '1' })],
      startTimeoutMs: 15000,
    }),
    /producer\.override\.linger\.ms="1": The 'None' policy does not allow 'linger\.ms'.*producer\.override\.acks="1"/s,
  );
});

t.test('policy Principal allows only the security keys', async (t) => {
  const refused = await ConnectdProcess.start({
    dir: path.join(root, 'principal'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'connector.client.config.override.policy': 'Principal' },
    connectors: [generator('p', { 'producer.override.security.protocol': 'PLAINTEXT', 'producer.override.linger.ms': '1' })],
    startTimeoutMs: 15000,
  }).then(
    () => '',
    (err: Error) => err.message,
  );
  t.match(refused, /'Principal' policy does not allow 'linger\.ms'/, 'linger.ms refused');
  t.notMatch(refused, /allow 'security\.protocol'/, 'security.protocol allowed');
});

/**
 * The settings librdkafka holds for a client, as `debug=conf` dumps them when the client is created
 * (names of every setting that differs from its default; secret values shown as [redacted]).
 */
async function effectiveSettings(config: ClientConfig, kind: 'producer' | 'consumer'): Promise<Map<string, string>> {
  const client =
    kind === 'producer' ? new kafka.Producer({ ...config, debug: 'conf' }) : new kafka.KafkaConsumer({ ...config, debug: 'conf' }, {});
  const lines: string[] = [];
  (client as InstanceType<typeof kafka.Producer>).on('event.log', (log: { message: string }) => lines.push(log.message));
  await new Promise<void>((resolve, reject) =>
    client.connect({ timeout: 20000 }, (err) => (err ? reject(new Error(String(err.message))) : resolve())),
  );
  await waitFor('librdkafka dumped its configuration', () => lines.some((l) => l.includes('Client configuration:')), 10000);
  await new Promise<void>((resolve) => client.disconnect(() => resolve()));
  const settings = new Map<string, string>();
  for (const line of lines) {
    const m = /\]:\s+([a-z_.]+) = (.*)$/.exec(line);
    if (m !== null) settings.set(m[1]!, m[2]!);
  }
  return settings;
}

// Settings librdkafka accepts on a PLAINTEXT connection (it uses SASL and TLS settings only with
// those protocols), so the worker reaches the broker and the dumps can be compared.
const workerSecurity = {
  'security.protocol': 'PLAINTEXT',
  'sasl.mechanism': 'PLAIN',
  'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="worker-user" password="worker-secret";',
  'ssl.certificate.location': '/etc/connectd/worker-cert.pem',
  'producer.sasl.oauthbearer.client.secret': 'producer-secret',
};
const SECURITY = /^(security\.protocol|sasl\.|ssl\.)/;

t.test(
  "a destination override: librdkafka's effective producer and consumer configs hold none of the worker's security settings",
  async (t) => {
    const worker = parseWorkerConfig(
      {
        'bootstrap.servers': cluster.bootstrapServers,
        'offset.storage.file.filename': path.join(root, 'o'),
        'key.converter': 'x',
        'value.converter': 'x',
        ...workerSecurity,
      },
      'standalone',
      root,
    );
    // The same broker under another address, as another cluster would be named.
    const elsewhere = cluster.bootstrapServers.replaceAll('127.0.0.1', 'localhost');
    const inherited = await effectiveSettings(
      taskProducerConfig(worker, 'inherits', producerOverrides({ 'producer.override.linger.ms': '1' }, 'All')),
      'producer',
    );
    t.ok(
      inherited.has('sasl.username') &&
        inherited.has('sasl.password') &&
        inherited.has('ssl.certificate.location') &&
        inherited.has('sasl.oauthbearer.client.secret'),
      'control: without a destination override the worker settings are there',
    );

    for (const key of ['bootstrap.servers', 'metadata.broker.list']) {
      const producer = await effectiveSettings(
        taskProducerConfig(worker, 'elsewhere', producerOverrides({ [`producer.override.${key}`]: elsewhere }, 'All')),
        'producer',
      );
      t.equal(producer.get('metadata.broker.list'), elsewhere, `producer.override.${key}: librdkafka connects where the connector said`);
      t.same(
        [...producer.keys()].filter((k) => SECURITY.test(k)),
        [],
        `producer.override.${key}: no security setting at all`,
      );
      const consumer = await effectiveSettings(
        taskConsumerConfig(worker, 'c', 'c-0', consumerOverrides({ [`consumer.override.${key}`]: elsewhere }, 'All')),
        'consumer',
      );
      t.same(
        [...consumer.keys()].filter((k) => SECURITY.test(k)),
        [],
        `consumer.override.${key}: no security setting at all`,
      );
    }
    const own = await effectiveSettings(
      taskProducerConfig(
        worker,
        'own',
        producerOverrides(
          {
            'producer.override.bootstrap.servers': elsewhere,
            'producer.override.security.protocol': 'PLAINTEXT',
            'producer.override.sasl.mechanism': 'SCRAM-SHA-512',
          },
          'All',
        ),
      ),
      'producer',
    );
    t.same(
      [...own.keys()].filter((k) => SECURITY.test(k)).sort(),
      ['sasl.mechanisms', 'security.protocol'],
      "only the connector's own security settings",
    );
  },
);

t.test(
  'a connector writes through its own bootstrap.servers with its own settings; the worker can refuse destination overrides',
  async (t) => {
    const elsewhere = cluster.bootstrapServers.replaceAll('127.0.0.1', 'localhost');
    const proc = await ConnectdProcess.start({
      dir: path.join(root, 'destination'),
      bootstrapServers: cluster.bootstrapServers,
      worker: workerSecurity,
      connectors: [
        generator('elsewhere', {
          'producer.override.bootstrap.servers': elsewhere,
          'producer.override.security.protocol': 'PLAINTEXT',
          'records.per.partition': '50',
        }),
      ],
    });
    t.teardown(() => proc.kill());
    await waitFor(
      'the connector with its own bootstrap.servers wrote its records',
      async () => (await proc.metric('connectd_source_record_write_total', 'connector="elsewhere"')) === 50,
    );
    t.equal((await proc.status('elsewhere')).tasks[0]!.state, 'RUNNING');
    t.equal(await proc.stop(), 0);

    const refusing = await ConnectdProcess.start({
      dir: path.join(root, 'refusing'),
      bootstrapServers: cluster.bootstrapServers,
      worker: { 'connector.client.config.override.destination.enable': 'false' },
      connectors: [],
    });
    t.teardown(() => refusing.kill());
    const put = await refusing.request(
      'PUT',
      '/connectors/refused/config',
      generator('refused', { 'consumer.override.metadata.broker.list': elsewhere, 'producer.override.linger.ms': '1' }),
    );
    t.equal(put.status, 400);
    t.match(
      (put.body as { message: string }).message,
      /consumer\.override\.metadata\.broker\.list.*connector\.client\.config\.override\.destination\.enable=false/s,
      '400 naming the key and the worker setting',
    );
    const hostOnly = await refusing.request(
      'PUT',
      '/connectors/kinit/config',
      generator('kinit', { 'producer.override.sasl.kerberos.kinit.cmd': 'touch /tmp/pwned' }),
    );
    t.equal(hostOnly.status, 400);
    t.match((hostOnly.body as { message: string }).message, /producer\.override\.sasl\.kerberos\.kinit\.cmd.*runs a shell command/s);
    t.equal(await refusing.stop(), 0);
  },
);
