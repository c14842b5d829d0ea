import t from 'tap';
import { consumerOverrides, producerOverrides } from '../../../src/main-thread/runtime/client-overrides.js';
import { taskConsumerConfig, taskProducerConfig } from '../../../src/main-thread/runtime/producer-config.js';
import { parseWorkerConfig } from '../../../src/main-thread/config/worker-config.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';

t.test('overrides pass through; security keys become librdkafka names', async (t) => {
  const result = producerOverrides(
    {
      'producer.override.linger.ms': '20',
      'producer.override.sasl.mechanism': 'PLAIN',
      'producer.override.security.protocol': 'SASL_PLAINTEXT',
      topic: 'x',
    },
    'All',
  );
  t.equal(result['linger.ms'], '20');
  t.equal(result['sasl.mechanisms'], 'PLAIN', 'sasl.mechanism (Java) → sasl.mechanisms (librdkafka)');
  t.notOk('sasl.mechanism' in result);
  t.equal(result['security.protocol'], 'sasl_plaintext', "librdkafka's spelling");
  t.notOk('topic' in result, 'only producer.override.* keys');
});

t.test('policies refuse, naming each key', async (t) => {
  t.same(producerOverrides({ topic: 'x' }, 'None'), {});
  const err = t.throws(() =>
    producerOverrides({ 'producer.override.acks': '1', 'producer.override.linger.ms': '1' }, 'None'),
  ) as ConfigException;
  t.same(
    err.problems.map((p) => p.name),
    ['producer.override.acks', 'producer.override.linger.ms'],
  );
  t.same(Object.keys(producerOverrides({ 'producer.override.security.protocol': 'SSL' }, 'Principal')), ['security.protocol']);
  t.throws(
    () => producerOverrides({ 'producer.override.batch.size': '1' }, 'Principal'),
    /'Principal' policy does not allow 'batch\.size'/,
  );
});

// Issue 14: a connector that points its client elsewhere must not take the worker's credentials along.
const JAAS = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="worker-user" password="worker-secret";';
const workerWithSecurity = parseWorkerConfig(
  {
    'bootstrap.servers': 'worker-cluster:9092',
    'offset.storage.file.filename': '/tmp/o',
    'key.converter': 'x',
    'value.converter': 'x',
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'PLAIN',
    'sasl.jaas.config': JAAS,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': '/etc/connectd/client.pem',
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': '/etc/connectd/ca.pem',
    'producer.sasl.oauthbearer.client.secret': 'producer-secret',
    'producer.linger.ms': '7',
    'consumer.ssl.key.password': 'consumer-secret',
    'consumer.fetch.min.bytes': '2',
  },
  'standalone',
);
const SECURITY = /^(security\.protocol|sasl\.|ssl\.)/;
const securityKeys = (config: Record<string, unknown>): string[] =>
  Object.keys(config)
    .filter((k) => SECURITY.test(k))
    .sort();

t.test('without a destination override, connector clients inherit the worker security settings', async (t) => {
  const producer = taskProducerConfig(workerWithSecurity, 'c', producerOverrides({ 'producer.override.linger.ms': '1' }, 'All'));
  t.equal(producer['sasl.username'], 'worker-user');
  t.equal(producer['sasl.oauthbearer.client.secret'], 'producer-secret');
  t.equal(producer['bootstrap.servers'], 'worker-cluster:9092');
  const consumer = taskConsumerConfig(workerWithSecurity, 'c', 'c-0', consumerOverrides({ 'consumer.override.group.id': 'g' }, 'All'));
  t.equal(consumer['ssl.key.password'], 'consumer-secret');
  t.equal(consumer['sasl.password'], 'worker-secret');
});

t.test('a destination override (every alias) starts from no worker security settings, only its own', async (t) => {
  for (const [key, value] of [
    ['bootstrap.servers', 'elsewhere:9092'],
    ['metadata.broker.list', 'elsewhere:9092'],
    ['client.dns.lookup', 'resolve_canonical_bootstrap_servers_only'],
    ['sasl.oauthbearer.token.endpoint.url', 'https://elsewhere/token'],
    ['sasl.oauthbearer.metadata.authentication.type', 'azure_imds'],
  ] as const) {
    const producer = taskProducerConfig(workerWithSecurity, 'c', producerOverrides({ [`producer.override.${key}`]: value }, 'All'));
    t.same(securityKeys(producer), key.startsWith('sasl.') ? [key] : [], `producer.override.${key}: no worker security settings`);
    t.equal(producer['linger.ms'], '7', `producer.override.${key}: other worker producer settings still apply`);
    const consumer = taskConsumerConfig(workerWithSecurity, 'c', 'c-0', consumerOverrides({ [`consumer.override.${key}`]: value }, 'All'));
    t.same(securityKeys(consumer), key.startsWith('sasl.') ? [key] : [], `consumer.override.${key}: no worker security settings`);
    t.equal(consumer['fetch.min.bytes'], '2');
  }
  const own = taskProducerConfig(
    workerWithSecurity,
    'c',
    producerOverrides(
      {
        'producer.override.bootstrap.servers': 'elsewhere:9092',
        'producer.override.security.protocol': 'SASL_PLAINTEXT',
        'producer.override.sasl.mechanism': 'SCRAM-SHA-256',
        'producer.override.sasl.jaas.config':
          'org.apache.kafka.common.security.scram.ScramLoginModule required username="own" password="own-secret";',
      },
      'All',
    ),
  );
  t.same(
    { protocol: own['security.protocol'], mechanism: own['sasl.mechanisms'], user: own['sasl.username'], keys: securityKeys(own) },
    {
      protocol: 'sasl_plaintext',
      mechanism: 'SCRAM-SHA-256',
      user: 'own',
      keys: ['sasl.mechanisms', 'sasl.password', 'sasl.username', 'security.protocol'],
    },
    "the connector's own security settings, and nothing of the worker's",
  );
  t.equal(own['bootstrap.servers'], 'elsewhere:9092');
});

t.test("metadata.broker.list is bootstrap.servers: it wins over the worker's, and not both at once", async (t) => {
  const producer = taskProducerConfig(
    workerWithSecurity,
    'c',
    producerOverrides({ 'producer.override.metadata.broker.list': 'elsewhere:9092' }, 'All'),
  );
  t.equal(producer['bootstrap.servers'], 'elsewhere:9092');
  t.notOk('metadata.broker.list' in producer, 'one name, so librdkafka cannot keep the worker value');
  const err = t.throws(() =>
    producerOverrides({ 'producer.override.metadata.broker.list': 'a:1', 'producer.override.bootstrap.servers': 'b:1' }, 'All'),
  ) as ConfigException;
  t.match(err.problems[0], { name: 'producer.override.metadata.broker.list', message: /alias of bootstrap\.servers/ });
});

t.test('connector.client.config.override.destination.enable=false refuses destination overrides, naming each key', async (t) => {
  const rules = { policy: 'All', destinations: false } as const;
  const err = t.throws(() =>
    consumerOverrides(
      {
        'consumer.override.bootstrap.servers': 'x:1',
        'consumer.override.metadata.broker.list': 'y:1',
        'consumer.override.fetch.min.bytes': '1',
      },
      rules,
    ),
  ) as ConfigException;
  t.same(
    err.problems.map((p) => p.name),
    ['consumer.override.bootstrap.servers', 'consumer.override.metadata.broker.list'],
  );
  t.match(err.problems[0]!.message, /connector\.client\.config\.override\.destination\.enable=false/);
  t.same(producerOverrides({ 'producer.override.linger.ms': '1' }, rules), { 'linger.ms': '1' }, 'other keys still allowed');
});

t.test('settings that run commands or load libraries on the worker host are refused under every policy', async (t) => {
  for (const key of ['plugin.library.paths', 'sasl.kerberos.kinit.cmd', 'ssl.engine.location', 'ssl.providers']) {
    const err = t.throws(() => producerOverrides({ [`producer.override.${key}`]: '/tmp/x' }, 'All')) as ConfigException;
    t.match(err.problems[0], { name: `producer.override.${key}`, message: /under any policy; set it in the worker configuration/ }, key);
  }
});
