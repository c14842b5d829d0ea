/**
 * Kafka security settings as a Kafka Connect worker.properties writes them (Java client names and
 * formats) reach librdkafka under librdkafka's names; librdkafka's own names pass as they are;
 * what librdkafka cannot do is refused with what to do instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import t from 'tap';
import { LIBRDKAFKA_SECURITY_KEYS, parseJaas, translateSecurity } from '../../../src/main-thread/config/kafka-security.js';

const ok = (props: Record<string, string>): Record<string, string> => {
  const { config, problems } = translateSecurity(props);
  if (problems.length > 0) throw new Error(`unexpected problems: ${JSON.stringify(problems)}`);
  return config;
};
const problemsOf = (props: Record<string, string>, prefix = '') => translateSecurity(props, prefix).problems;

t.test('SASL/PLAIN and SCRAM: the JAAS login becomes sasl.username/sasl.password', async (t) => {
  t.same(
    ok({
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="alice" password="a \\"quoted\\" secret";',
    }),
    { 'security.protocol': 'sasl_ssl', 'sasl.mechanisms': 'PLAIN', 'sasl.username': 'alice', 'sasl.password': 'a "quoted" secret' },
  );
  t.same(
    ok({
      'sasl.mechanism': 'SCRAM-SHA-512',
      'sasl.jaas.config': 'org.apache.kafka.common.security.scram.ScramLoginModule required\n  username=bob\n  password="pw";',
    }),
    { 'sasl.mechanisms': 'SCRAM-SHA-512', 'sasl.username': 'bob', 'sasl.password': 'pw' },
    'bare values, newlines',
  );
});

t.test('GSSAPI: keytab and principal from Krb5LoginModule', async (t) => {
  t.same(
    ok({
      'sasl.mechanism': 'GSSAPI',
      'sasl.kerberos.service.name': 'kafka',
      'sasl.jaas.config':
        'com.sun.security.auth.module.Krb5LoginModule required useKeyTab=true storeKey=true keyTab="/etc/security/connect.keytab" principal="connect@EXAMPLE.COM";',
    }),
    {
      'sasl.mechanisms': 'GSSAPI',
      'sasl.kerberos.service.name': 'kafka',
      'sasl.kerberos.keytab': '/etc/security/connect.keytab',
      'sasl.kerberos.principal': 'connect@EXAMPLE.COM',
    },
  );
});

t.test('OAUTHBEARER: OIDC client credentials, or the unsecured development tokens', async (t) => {
  t.same(
    ok({
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.login.callback.handler.class': 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example.com/token',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required clientId="connect" clientSecret="s" scope="kafka";',
    }),
    {
      'sasl.mechanisms': 'OAUTHBEARER',
      'sasl.oauthbearer.token.endpoint.url': 'https://idp.example.com/token',
      'sasl.oauthbearer.method': 'oidc',
      'sasl.oauthbearer.client.id': 'connect',
      'sasl.oauthbearer.client.secret': 's',
      'sasl.oauthbearer.scope': 'kafka',
    },
  );
  t.same(
    ok({
      'sasl.mechanism': 'OAUTHBEARER',
      'sasl.jaas.config':
        'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";',
    }),
    { 'sasl.mechanisms': 'OAUTHBEARER', 'enable.sasl.oauthbearer.unsecure.jwt': 'true', 'sasl.oauthbearer.config': 'principal=admin' },
  );
});

t.test('TLS: PEM truststores and PKCS12/PEM keystores map; librdkafka names pass', async (t) => {
  t.same(
    ok({
      'security.protocol': 'SSL',
      'ssl.truststore.type': 'PEM',
      'ssl.truststore.location': '/etc/kafka/ca.pem',
      'ssl.keystore.type': 'PKCS12',
      'ssl.keystore.location': '/etc/kafka/client.p12',
      'ssl.keystore.password': 'ks',
      'ssl.key.password': 'k',
      'ssl.endpoint.identification.algorithm': '',
    }),
    {
      'security.protocol': 'ssl',
      'ssl.ca.location': '/etc/kafka/ca.pem',
      'ssl.keystore.location': '/etc/kafka/client.p12',
      'ssl.keystore.password': 'ks',
      'ssl.key.password': 'k',
      'ssl.endpoint.identification.algorithm': 'none',
    },
  );
  t.same(
    ok({
      'ssl.keystore.type': 'PEM',
      'ssl.keystore.location': '/etc/kafka/client.pem',
      'ssl.truststore.certificates': '-----BEGIN CERTIFICATE-----',
    }),
    {
      'ssl.certificate.location': '/etc/kafka/client.pem',
      'ssl.key.location': '/etc/kafka/client.pem',
      'ssl.ca.pem': '-----BEGIN CERTIFICATE-----',
    },
    'a PEM keystore file holds certificate and key',
  );
  t.same(ok({ 'ssl.keystore.type': 'PEM', 'ssl.keystore.key': 'KEY', 'ssl.keystore.certificate.chain': 'CHAIN' }), {
    'ssl.key.pem': 'KEY',
    'ssl.certificate.pem': 'CHAIN',
  });
  t.same(
    ok({ 'ssl.keystore.location': '/etc/kafka/client.p12' }),
    { 'ssl.keystore.location': '/etc/kafka/client.p12' },
    'no type: PKCS12 (keytool default since Java 9)',
  );
  const native = {
    'ssl.ca.location': '/ca.pem',
    'ssl.certificate.location': '/c.pem',
    'ssl.key.location': '/k.pem',
    'enable.ssl.certificate.verification': 'true',
    'sasl.username': 'u',
    'sasl.password': 'p',
    'ssl.cipher.suites': 'ECDHE-RSA-AES256-GCM-SHA384',
  };
  t.same(ok(native), native, 'librdkafka names unchanged');
});

t.test('what librdkafka cannot do is refused, each with a reason, all at once', async (t) => {
  const problems = problemsOf({
    'security.protocol': 'TLS',
    'sasl.mechanism': 'NTLM',
    'ssl.truststore.location': '/etc/kafka/truststore.jks',
    'ssl.truststore.password': 'changeit',
    'ssl.keystore.location': '/etc/kafka/keystore.jks',
    'ssl.enabled.protocols': 'TLSv1.2',
    'ssl.protocol': 'TLSv1.2',
    'ssl.keymanager.algorithm': 'NewSunX509',
    'ssl.cipher.suites': 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'sasl.login.refresh.window.factor': '0.5',
    'sasl.kerberos.kinit.cmd': '/usr/bin/kinit',
    'sasl.client.callback.handler.class': 'com.example.Handler',
    'ssl.bogus.setting': 'x',
    'sasl.jaas.config': 'com.example.CustomLoginModule required;',
  });
  const byName = new Map(problems.map((p) => [p.name, p]));
  t.same([...byName.keys()].sort(), [
    'sasl.client.callback.handler.class',
    'sasl.jaas.config',
    'sasl.kerberos.kinit.cmd',
    'sasl.login.refresh.window.factor',
    'sasl.mechanism',
    'security.protocol',
    'ssl.bogus.setting',
    'ssl.cipher.suites',
    'ssl.enabled.protocols',
    'ssl.keymanager.algorithm',
    'ssl.keystore.location',
    'ssl.protocol',
    'ssl.truststore.location',
    'ssl.truststore.password',
  ]);
  t.match(byName.get('ssl.truststore.location'), { message: /cannot read JKS truststores: export .*PEM/ });
  t.match(byName.get('ssl.keystore.location'), { message: /cannot read JKS keystores: convert/ });
  t.match(byName.get('ssl.truststore.password'), { value: '[hidden]' });
  t.match(byName.get('ssl.bogus.setting'), { message: /unknown Kafka client security setting/ });
  t.match(byName.get('sasl.jaas.config'), { message: /login module com.example.CustomLoginModule is not supported/ });
  t.match(byName.get('ssl.cipher.suites'), { message: /OpenSSL cipher list/ });
  t.match(byName.get('ssl.protocol'), { message: /only Java's default, TLSv1.3, is accepted/ });
});

t.test("Java-only keys at Java's default are accepted with a warning, applied nowhere", async (t) => {
  const props = {
    'security.protocol': 'SSL',
    'ssl.protocol': 'TLSv1.3',
    'ssl.enabled.protocols': 'TLSv1.3, TLSv1.2',
    'ssl.keymanager.algorithm': 'SunX509',
    'ssl.trustmanager.algorithm': 'pkix',
    'sasl.login.refresh.window.factor': '0.80',
    'sasl.kerberos.ticket.renew.jitter': '0.05',
  };
  const out = translateSecurity(props, 'producer.');
  t.same(out.problems, []);
  t.same(out.config, { 'security.protocol': 'ssl' }, 'none reaches librdkafka');
  t.same(
    out.ignored.map((i) => i.key).sort(),
    Object.keys(props)
      .filter((k) => k !== 'security.protocol')
      .map((k) => `producer.${k}`)
      .sort(),
  );
  t.match(
    out.ignored.find((i) => i.key === 'producer.ssl.protocol'),
    { reason: /Java's default value; librdkafka negotiates the highest TLS version/ },
  );
  t.notMatch(out.ignored.map((i) => i.reason).join(' '), /remove it/, 'no advice to remove a key that is accepted');
});

t.test('JAAS problems: a wrong mechanism, missing credentials, extra options, bad syntax', async (t) => {
  t.match(
    problemsOf({
      'sasl.mechanism': 'SCRAM-SHA-256',
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
    }),
    [{ name: 'sasl.jaas.config', value: '[hidden]', message: /does not go with sasl.mechanism=SCRAM-SHA-256/ }],
  );
  t.match(problemsOf({ 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u";' }), [
    { message: /needs username and password/ },
  ]);
  t.match(
    problemsOf({
      'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p" user_admin="x";',
    }),
    [{ message: /option user_admin .* not supported/ }],
  );
  t.match(problemsOf({ 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u"' }), [
    { message: /not valid JAAS configuration: missing ';'/ },
  ]);
  t.match(problemsOf({ 'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule username="u";' }), [
    { message: /expected required, requisite/ },
  ]);
  t.match(
    problemsOf({ 'producer.x': 'y', 'ssl.protocol': 'TLSv1.2' }, 'producer.'),
    [{ name: 'producer.ssl.protocol' }],
    'names carry the prefix',
  );
});

t.test('parseJaas', async (t) => {
  const [entry] = parseJaas('a.b.C  Required  k1="v 1"  k2=v2 k3="" ;');
  t.same(
    { ...entry!, options: Object.fromEntries(entry!.options) },
    { loginModule: 'a.b.C', flag: 'required', options: { k1: 'v 1', k2: 'v2', k3: '' } },
  );
  t.equal(parseJaas('a required; b optional;').length, 2);
  t.throws(() => parseJaas('a required k="unterminated;'), /unterminated/);
  t.throws(() => parseJaas('a required k=;'), /missing value/);
});

t.test("every librdkafka name accepted as is exists in the bundled librdkafka's CONFIGURATION.md, and none is missing", async (t) => {
  const pkg = createRequire(import.meta.url).resolve('@confluentinc/kafka-javascript/package.json');
  const doc = readFileSync(path.join(path.dirname(pkg), 'deps', 'librdkafka', 'CONFIGURATION.md'), 'utf8');
  const global = doc.slice(0, doc.indexOf('## Topic configuration properties'));
  const documented = new Map<string, string>();
  for (const line of global.split('\n')) {
    const match = /^([a-z_.]+)\s*\|[^|]*\|[^|]*\|[^|]*\|[^|]*\|(.*)$/.exec(line);
    if (match !== null) documented.set(match[1]!, match[2]!);
  }
  t.ok(documented.size > 100, `parsed the table (${documented.size} properties)`);
  for (const key of LIBRDKAFKA_SECURITY_KEYS) t.ok(documented.has(key), `${key} is a librdkafka property`);
  const securityDocumented = [...documented]
    .filter(([k, text]) => /^(ssl|sasl)\./.test(k) && !/see dedicated API/.test(text))
    .map(([k]) => k);
  t.same(
    securityDocumented.filter((k) => !LIBRDKAFKA_SECURITY_KEYS.has(k)),
    [],
    'every string-valued sasl.*/ssl.* property of librdkafka is accepted',
  );
});
