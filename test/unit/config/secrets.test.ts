/**
 * The one rule for secrets (src/main-thread/config/secrets.ts): which keys are secrets, URL passwords, the
 * round trip of masked values, and redaction by value. The daemon-wide hunt is
 * test/rest/secrets-hunt.test.ts.
 */
import t from 'tap';
import {
  HIDDEN,
  SecretValues,
  isSecretKey,
  maskConfig,
  maskUrlSecrets,
  secretValues,
  unmaskConfig,
} from '../../../src/main-thread/config/secrets.js';

t.test('secret keys by name: one list for REST, logs and the CLI', async (t) => {
  for (const key of [
    'ssl.key.password',
    'producer.override.sasl.jaas.config',
    'ssl.keystore.key',
    'sasl.oauthbearer.assertion.private.key.passphrase',
    'aws.secret.access.key',
    'aws.session.token',
    'key.converter.basic.auth.user.info',
    'value.converter.schema.registry.basic.auth.user.info',
    'api.key',
    'cloud.credentials',
  ]) {
    t.ok(isSecretKey(key), key);
  }
  for (const key of [
    'connection.url',
    'ssl.key.location',
    'rest.basic.auth.credentials.file',
    'value.converter.basic.auth.credentials.source',
    'ssl.keystore.type',
    'sasl.oauthbearer.token.endpoint.url',
    'topic',
    'connection.user',
  ]) {
    t.notOk(isSecretKey(key), key);
  }
});

t.test('URL passwords are masked, the rest stays readable', async (t) => {
  const cases: [string, string][] = [
    ['postgres://user:pw1234@host:5432/db', 'postgres://user:[hidden]@host:5432/db'],
    ['postgresql://user:p%40ss@host/db?sslmode=require', 'postgresql://user:[hidden]@host/db?sslmode=require'],
    ['postgres://user:p@ss@host/db', 'postgres://user:[hidden]@host/db'],
    ['jdbc:postgresql://host/db?user=u&password=pw1234', 'jdbc:postgresql://host/db?user=u&password=[hidden]'],
    ['jdbc:postgresql://host/db?password=pw1234&user=u', 'jdbc:postgresql://host/db?password=[hidden]&user=u'],
    ['jdbc:postgresql://host/db?user=u&sslpassword=k3y1', 'jdbc:postgresql://host/db?user=u&sslpassword=[hidden]'],
    ['jdbc:sqlserver://host;user=u;password=pw1234', 'jdbc:sqlserver://host;user=u;password=[hidden]'],
    ['host=h dbname=d password=pw1234', 'host=h dbname=d password=[hidden]'],
    ['postgres://user@host:5432/db', 'postgres://user@host:5432/db'],
    ['postgres://host:5432/db?user=u', 'postgres://host:5432/db?user=u'],
    ['http://registry:8081', 'http://registry:8081'],
    ['postgres://user:[hidden]@host/db', 'postgres://user:[hidden]@host/db'],
  ];
  for (const [url, shown] of cases) t.equal(maskUrlSecrets(url), shown, url);
});

t.test('a value sent back as shown keeps the stored secret; a changed one is taken as given', async (t) => {
  const passwordKeys = new Set(['api.password']);
  const stored = { 'connection.url': 'postgres://u:pw1234@h/db', 'api.password': 'hunter22', other: 'x' };
  const shown = maskConfig(passwordKeys, stored);
  t.same(shown, { 'connection.url': 'postgres://u:[hidden]@h/db', 'api.password': HIDDEN, other: 'x' });
  t.same(unmaskConfig(passwordKeys, stored, { ...shown }), stored, 'round trip');
  t.same(
    unmaskConfig(passwordKeys, stored, { ...shown, 'connection.url': 'postgres://u:[hidden]@other/db' })['connection.url'],
    'postgres://u:[hidden]@other/db',
    'another host: not the stored URL',
  );
  t.same(unmaskConfig(passwordKeys, stored, { ...shown, 'api.password': 'new-one' })['api.password'], 'new-one');
  t.same(unmaskConfig(passwordKeys, {}, { 'api.password': HIDDEN })['api.password'], HIDDEN, 'nothing stored: taken as given');
});

t.test('secret values: the values of secret keys, JAAS and user-info passwords, URL passwords; not placeholders', async (t) => {
  const values = secretValues(
    {
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="jaas-pw";',
      'value.converter.basic.auth.user.info': 'fred:registry-pw',
      'connection.url': 'postgres://u:url%21pw@h/db',
      'api.password': '${file:/etc/secrets.properties:pw}',
      'db.password': 'abc',
      topic: 'plain',
    },
    new Set(['api.password']),
  );
  for (const v of ['jaas-pw', 'fred:registry-pw', 'registry-pw', 'url%21pw', 'url!pw']) t.ok(values.includes(v), v);
  t.notOk(values.includes('${file:/etc/secrets.properties:pw}'), 'a placeholder is not the secret');
  t.notOk(values.includes('abc'), 'shorter than MIN_REDACTED_LENGTH: masked by key only');
  t.notOk(values.includes('plain'));
});

t.test('redaction by value: raw, URL-encoded, base64 and JSON-escaped forms; JSON stays JSON', async (t) => {
  const known = new SecretValues();
  known.remember('c', ['s3cr"t/1+2', '12345', 'abc']);
  t.equal(known.redact('at s3cr"t/1+2 and s3cr%22t%2F1%2B2'), 'at [hidden] and [hidden]');
  t.equal(known.redact(`Basic ${Buffer.from('s3cr"t/1+2').toString('base64')}`), 'Basic [hidden]');
  t.equal(known.redact('abc stays: too short'), 'abc stays: too short');
  const line = `${JSON.stringify({ level: 50, offset: 12345, msg: 'failed with s3cr"t/1+2 at 12345' })}\n`;
  const redacted = known.redactJsonLine(line);
  t.same(
    JSON.parse(redacted),
    { level: 50, offset: 12345, msg: 'failed with [hidden] at [hidden]' },
    'strings redacted, numbers kept, still JSON',
  );
  t.ok(redacted.endsWith('\n'));
  t.equal(known.redactJsonLine('{"msg":"nothing"}\n'), '{"msg":"nothing"}\n', 'untouched when nothing leaks');
  t.same(known.redactDeep({ a: ['x 12345'], b: 12345 }), { a: ['x [hidden]'], b: 12345 });
});
