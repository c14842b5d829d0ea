import t from 'tap';
import { producerOverrides } from '../../../src/runtime/client-overrides.js';
import { ConfigException } from '../../../src/sdk/config-def.js';

t.test('overrides pass through; security keys become librdkafka names', async (t) => {
  const result = producerOverrides({ 'producer.override.linger.ms': '20', 'producer.override.sasl.mechanism': 'PLAIN', 'producer.override.security.protocol': 'SASL_PLAINTEXT', topic: 'x' }, 'All');
  t.equal(result['linger.ms'], '20');
  t.equal(result['sasl.mechanisms'], 'PLAIN', 'sasl.mechanism (Java) → sasl.mechanisms (librdkafka)');
  t.notOk('sasl.mechanism' in result);
  t.equal(result['security.protocol'], 'sasl_plaintext', "librdkafka's spelling");
  t.notOk('topic' in result, 'only producer.override.* keys');
});

t.test('policies refuse, naming each key', async (t) => {
  t.same(producerOverrides({ topic: 'x' }, 'None'), {});
  const err = t.throws(() => producerOverrides({ 'producer.override.acks': '1', 'producer.override.linger.ms': '1' }, 'None')) as ConfigException;
  t.same(err.problems.map((p) => p.name), ['producer.override.acks', 'producer.override.linger.ms']);
  t.same(Object.keys(producerOverrides({ 'producer.override.security.protocol': 'SSL' }, 'Principal')), ['security.protocol']);
  t.throws(() => producerOverrides({ 'producer.override.batch.size': '1' }, 'Principal'), /'Principal' policy does not allow 'batch\.size'/);
});
