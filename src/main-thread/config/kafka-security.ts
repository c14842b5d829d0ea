/**
 * Kafka client security settings (`security.protocol`, `sasl.*`, `ssl.*`) as a Kafka Connect
 * worker.properties writes them — Java client names and formats — translated to librdkafka's.
 * librdkafka's own names are accepted as they are, so either spelling works.
 *
 * Most names are the same in both clients. The ones that differ:
 * - `sasl.mechanism` → `sasl.mechanisms`
 * - `sasl.jaas.config` (JAAS text) → `sasl.username`/`sasl.password` (PLAIN, SCRAM),
 *   `sasl.kerberos.keytab`/`.principal` (GSSAPI), `sasl.oauthbearer.client.id`/`.client.secret`/`.scope`
 *   or the unsecured JWT handler (OAUTHBEARER)
 * - `ssl.truststore.*` (type PEM only) → `ssl.ca.location` / `ssl.ca.pem`
 * - `ssl.keystore.*` → `ssl.keystore.location`/`.password` (PKCS12), or `ssl.certificate.location` +
 *   `ssl.key.location` (PEM file), `ssl.certificate.pem` + `ssl.key.pem` (PEM text)
 * - `ssl.endpoint.identification.algorithm=` (empty: off) → `none`
 * JKS stores, Java cipher suite names and Java-only settings (TLS protocol lists, JCA algorithms,
 * login classes, token refresh tuning) have no librdkafka equivalent: they are rejected, each with
 * what to do instead, rather than dropped — dropping a security setting changes what is enforced.
 */
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { displayValue } from './secrets.js';

/**
 * librdkafka's security properties that take a string value: every `sasl.*`/`ssl.*` global
 * property of the bundled librdkafka's CONFIGURATION.md except those set through a C API.
 */
export const LIBRDKAFKA_SECURITY_KEYS: ReadonlySet<string> = new Set([
  'security.protocol',
  'ssl.cipher.suites',
  'ssl.curves.list',
  'ssl.sigalgs.list',
  'ssl.key.location',
  'ssl.key.password',
  'ssl.key.pem',
  'ssl.certificate.location',
  'ssl.certificate.pem',
  'ssl.ca.location',
  'ssl.ca.pem',
  'ssl.ca.certificate.stores',
  'ssl.crl.location',
  'ssl.keystore.location',
  'ssl.keystore.password',
  'ssl.providers',
  'ssl.engine.location',
  'ssl.engine.id',
  'enable.ssl.certificate.verification',
  'ssl.endpoint.identification.algorithm',
  'sasl.mechanisms',
  'sasl.mechanism',
  'sasl.kerberos.service.name',
  'sasl.kerberos.principal',
  'sasl.kerberos.kinit.cmd',
  'sasl.kerberos.keytab',
  'sasl.kerberos.min.time.before.relogin',
  'sasl.username',
  'sasl.password',
  'sasl.oauthbearer.config',
  'enable.sasl.oauthbearer.unsecure.jwt',
  'sasl.oauthbearer.method',
  'sasl.oauthbearer.client.id',
  'sasl.oauthbearer.client.credentials.client.id',
  'sasl.oauthbearer.client.credentials.client.secret',
  'sasl.oauthbearer.client.secret',
  'sasl.oauthbearer.scope',
  'sasl.oauthbearer.extensions',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.sub.claim.name',
  'sasl.oauthbearer.grant.type',
  'sasl.oauthbearer.assertion.algorithm',
  'sasl.oauthbearer.assertion.private.key.file',
  'sasl.oauthbearer.assertion.private.key.passphrase',
  'sasl.oauthbearer.assertion.private.key.pem',
  'sasl.oauthbearer.assertion.file',
  'sasl.oauthbearer.assertion.claim.aud',
  'sasl.oauthbearer.assertion.claim.exp.seconds',
  'sasl.oauthbearer.assertion.claim.iss',
  'sasl.oauthbearer.assertion.claim.jti.include',
  'sasl.oauthbearer.assertion.claim.nbf.seconds',
  'sasl.oauthbearer.assertion.claim.sub',
  'sasl.oauthbearer.assertion.jwt.template.file',
  'sasl.oauthbearer.metadata.authentication.type',
]);

const TLS_VERSIONS =
  'librdkafka negotiates the highest TLS version both sides support; remove it (OpenSSL configuration can restrict versions)';
const JCA = 'a Java (JCA) setting; librdkafka uses OpenSSL: remove it';
const JAVA_CLASS = 'a Java class; librdkafka cannot load it: remove it';
const TOKEN_REFRESH = 'librdkafka refreshes OAUTHBEARER tokens by itself and has no such setting: remove it';
const KERBEROS_RENEW =
  'librdkafka renews Kerberos tickets by running sasl.kerberos.kinit.cmd every sasl.kerberos.min.time.before.relogin ms: remove it';

/** Java client settings with no librdkafka equivalent, and what to do about each. */
const JAVA_ONLY: Readonly<Record<string, string>> = {
  'ssl.protocol': TLS_VERSIONS,
  'ssl.enabled.protocols': TLS_VERSIONS,
  'ssl.provider': `${JCA} (OpenSSL providers: ssl.providers)`,
  'ssl.keymanager.algorithm': JCA,
  'ssl.trustmanager.algorithm': JCA,
  'ssl.secure.random.implementation': JCA,
  'ssl.engine.factory.class': JAVA_CLASS,
  'sasl.login.class': JAVA_CLASS,
  'sasl.client.callback.handler.class': JAVA_CLASS,
  'sasl.login.refresh.window.factor': TOKEN_REFRESH,
  'sasl.login.refresh.window.jitter': TOKEN_REFRESH,
  'sasl.login.refresh.min.period.seconds': TOKEN_REFRESH,
  'sasl.login.refresh.buffer.seconds': TOKEN_REFRESH,
  'sasl.login.connect.timeout.ms': TOKEN_REFRESH,
  'sasl.login.read.timeout.ms': TOKEN_REFRESH,
  'sasl.login.retry.backoff.ms': TOKEN_REFRESH,
  'sasl.login.retry.backoff.max.ms': TOKEN_REFRESH,
  'sasl.kerberos.ticket.renew.window.factor': KERBEROS_RENEW,
  'sasl.kerberos.ticket.renew.jitter': KERBEROS_RENEW,
};

/**
 * Java's defaults of the Java-only keys (Kafka 4.1's SslConfigs/SaslConfigs): a file that spells a
 * default out asks for nothing librdkafka does not do anyway, so the key is accepted with a warning
 * (a real deployment's worker.properties often lists `ssl.protocol=TLSv1.3` or
 * `ssl.keymanager.algorithm=SunX509`). Any other value is refused, as dropping it would change what
 * is enforced. Lists compare as sets, names case-insensitively, numbers by value.
 */
const JAVA_DEFAULTS: Readonly<Record<string, string>> = {
  'ssl.protocol': 'TLSv1.3',
  'ssl.enabled.protocols': 'TLSv1.2,TLSv1.3',
  'ssl.keymanager.algorithm': 'SunX509',
  'ssl.trustmanager.algorithm': 'PKIX',
  'sasl.login.refresh.window.factor': '0.8',
  'sasl.login.refresh.window.jitter': '0.05',
  'sasl.login.refresh.min.period.seconds': '60',
  'sasl.login.refresh.buffer.seconds': '300',
  'sasl.login.retry.backoff.ms': '100',
  'sasl.login.retry.backoff.max.ms': '10000',
  'sasl.kerberos.ticket.renew.window.factor': '0.8',
  'sasl.kerberos.ticket.renew.jitter': '0.05',
};

/** Whether `value` is Java's default for `key` (see JAVA_DEFAULTS); an empty value is Java's null default of the others. */
function isJavaDefault(key: string, value: string): boolean {
  const javaDefault = JAVA_DEFAULTS[key];
  if (javaDefault === undefined) return false;
  const norm = (v: string): string => {
    const items = v
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter((x) => x !== '');
    return items
      .map((x) => (x !== '' && Number.isFinite(Number(x)) ? String(Number(x)) : x))
      .sort()
      .join(',');
  };
  return norm(value) === norm(javaDefault);
}

/** Java's OIDC login handlers: with them, Java fetches tokens from the endpoint, as librdkafka's `oidc` method does. */
const OIDC_LOGIN_HANDLERS = new Set([
  'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler',
  'org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler',
]);

const JAVA_TRANSLATED = new Set([
  'sasl.jaas.config',
  'sasl.login.callback.handler.class',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
  'ssl.keystore.type',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
]);

const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'];
const SASL_MECHANISMS = ['GSSAPI', 'PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'OAUTHBEARER'];

/** Whether a (prefix-free) client key is a security setting this module handles. */
export function isSecurityKey(key: string): boolean {
  return key === 'security.protocol' || key.startsWith('sasl.') || key.startsWith('ssl.') || LIBRDKAFKA_SECURITY_KEYS.has(key);
}

export interface SecurityTranslation {
  /** librdkafka names and values. */
  readonly config: Record<string, string>;
  readonly problems: ConfigProblem[];
  /** Java-only keys set to Java's default: accepted, not applied, one warning each (`key` with its prefix). */
  readonly ignored: { key: string; reason: string }[];
}

/**
 * Translates the security settings in `props` (keys without any prefix; other keys are ignored).
 * Problems name keys as `keyPrefix + key`, e.g. `producer.ssl.keystore.location`.
 */
export function translateSecurity(props: Readonly<Record<string, string>>, keyPrefix = ''): SecurityTranslation {
  const config: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const problem = (key: string, message: string): void => {
    problems.push({ name: keyPrefix + key, value: displayValue(key, props[key] ?? null), message });
  };
  const get = (key: string): string | undefined => props[key];
  const ignored: { key: string; reason: string }[] = [];

  for (const [key, value] of Object.entries(props)) {
    if (!isSecurityKey(key) || JAVA_TRANSLATED.has(key)) continue;
    const javaOnly = JAVA_ONLY[key];
    if (javaOnly !== undefined && isJavaDefault(key, value))
      ignored.push({
        key: keyPrefix + key,
        reason: `Java's default value; ${javaOnly.replace(/: remove it.*$/, '').replace(/; remove it.*$/, '')}, which does what this default asks`,
      });
    else if (javaOnly !== undefined)
      problem(
        key,
        `not supported${JAVA_DEFAULTS[key] === undefined ? '' : ` (only Java's default, ${JAVA_DEFAULTS[key]}, is accepted)`}: ${javaOnly}`,
      );
    else if (!LIBRDKAFKA_SECURITY_KEYS.has(key))
      problem(key, 'unknown Kafka client security setting (neither a Java client nor a librdkafka name)');
    else if (key === 'security.protocol') {
      const upper = value.trim().toUpperCase();
      if (SECURITY_PROTOCOLS.includes(upper)) config[key] = upper.toLowerCase();
      else problem(key, `must be one of ${SECURITY_PROTOCOLS.join(', ')}`);
    } else if (key === 'sasl.mechanism' || key === 'sasl.mechanisms') {
      const mechanism = value.trim().toUpperCase();
      if (SASL_MECHANISMS.includes(mechanism)) config['sasl.mechanisms'] = mechanism;
      else problem(key, `must be one of ${SASL_MECHANISMS.join(', ')}`);
    } else if (key === 'ssl.endpoint.identification.algorithm') {
      const algorithm = value.trim().toLowerCase();
      // Java turns host name verification off with an empty value; librdkafka with `none`.
      if (algorithm === '' || algorithm === 'none') config[key] = 'none';
      else if (algorithm === 'https') config[key] = 'https';
      else problem(key, 'must be https, or empty (or none) to turn host name verification off');
    } else if (key === 'ssl.cipher.suites' && /(^|[,:\s])TLS_|_WITH_/.test(value)) {
      problem(
        key,
        'Java (IANA) cipher suite names; librdkafka takes an OpenSSL cipher list, e.g. ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES256-GCM-SHA384',
      );
    } else if (key === 'sasl.kerberos.kinit.cmd' && !/\s/.test(value.trim())) {
      problem(
        key,
        'Java gives the path of kinit; librdkafka a whole command line (its default runs kinit from PATH with sasl.kerberos.keytab and sasl.kerberos.principal): remove it or give the command',
      );
    } else if (key !== 'ssl.keystore.location' && key !== 'ssl.keystore.password') config[key] = value;
  }

  translateKeystore(props, config, problem);
  translateTruststore(props, config, problem);

  const handler = get('sasl.login.callback.handler.class');
  if (handler !== undefined) {
    if (OIDC_LOGIN_HANDLERS.has(handler.trim())) config['sasl.oauthbearer.method'] = 'oidc';
    else
      problem(
        'sasl.login.callback.handler.class',
        `not supported: ${JAVA_CLASS} (Java's OAuthBearerLoginCallbackHandler is understood as librdkafka's oidc method)`,
      );
  }
  const jaas = get('sasl.jaas.config');
  if (jaas !== undefined) translateJaas(jaas, config, problem);
  return { config, problems, ignored };
}

type Problem = (key: string, message: string) => void;

function translateKeystore(props: Readonly<Record<string, string>>, config: Record<string, string>, problem: Problem): void {
  const location = props['ssl.keystore.location'];
  const password = props['ssl.keystore.password'];
  const typeText = props['ssl.keystore.type'];
  // Java's default type is JKS, but keytool has written PKCS12 by default since Java 9 and Java
  // reads either through a "JKS" keystore; librdkafka reads PKCS12, so a file not named .jks is tried as such.
  const type = (typeText ?? (location?.toLowerCase().endsWith('.jks') ? 'JKS' : 'PKCS12')).trim().toUpperCase();
  if (!['JKS', 'PKCS12', 'PEM'].includes(type)) {
    problem('ssl.keystore.type', 'must be PKCS12 or PEM (librdkafka cannot read JKS)');
    return;
  }
  if (type === 'JKS' && (location !== undefined || typeText !== undefined)) {
    problem(
      typeText !== undefined ? 'ssl.keystore.type' : 'ssl.keystore.location',
      'librdkafka cannot read JKS keystores: convert it (keytool -importkeystore -srckeystore ks.jks -destkeystore ks.p12 -deststoretype PKCS12) and set ssl.keystore.type=PKCS12',
    );
    return;
  }
  if (type === 'PKCS12') {
    if (location !== undefined) config['ssl.keystore.location'] = location;
    if (password !== undefined) config['ssl.keystore.password'] = password;
    for (const key of ['ssl.keystore.key', 'ssl.keystore.certificate.chain']) {
      if (props[key] !== undefined) problem(key, 'only with ssl.keystore.type=PEM');
    }
    return;
  }
  // PEM: a file holding the certificate chain and the private key, or both as text.
  if (location !== undefined) {
    config['ssl.certificate.location'] = location;
    config['ssl.key.location'] = location;
  }
  if (password !== undefined)
    problem(
      'ssl.keystore.password',
      'a PEM keystore has no store password (as in Java): give the private key password as ssl.key.password',
    );
  const key = props['ssl.keystore.key'];
  const chain = props['ssl.keystore.certificate.chain'];
  if (key !== undefined) config['ssl.key.pem'] = key;
  if (chain !== undefined) config['ssl.certificate.pem'] = chain;
}

function translateTruststore(props: Readonly<Record<string, string>>, config: Record<string, string>, problem: Problem): void {
  const location = props['ssl.truststore.location'];
  const certificates = props['ssl.truststore.certificates'];
  const typeText = props['ssl.truststore.type'];
  const type = (typeText ?? (certificates !== undefined ? 'PEM' : 'JKS')).trim().toUpperCase();
  if (type !== 'PEM') {
    if (location !== undefined || typeText !== undefined) {
      problem(
        location !== undefined ? 'ssl.truststore.location' : 'ssl.truststore.type',
        `librdkafka cannot read ${type} truststores: export the CA certificates as PEM (keytool -exportcert -rfc -alias <ca> -keystore <truststore> > ca.pem) and set ssl.truststore.type=PEM with ssl.truststore.location=ca.pem (or librdkafka's ssl.ca.location)`,
      );
    }
  } else {
    if (location !== undefined) config['ssl.ca.location'] = location;
    if (certificates !== undefined) config['ssl.ca.pem'] = certificates;
  }
  if (props['ssl.truststore.password'] !== undefined) {
    problem('ssl.truststore.password', 'librdkafka reads truststores as PEM, which have no password: remove it');
  }
}

interface JaasEntry {
  loginModule: string;
  flag: string;
  options: Map<string, string>;
}

const PLAIN_MODULE = 'org.apache.kafka.common.security.plain.PlainLoginModule';
const SCRAM_MODULE = 'org.apache.kafka.common.security.scram.ScramLoginModule';
const KERBEROS_MODULE = 'com.sun.security.auth.module.Krb5LoginModule';
const OAUTH_MODULE = 'org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule';

function translateJaas(text: string, config: Record<string, string>, problem: Problem): void {
  const fail = (message: string): void => problem('sasl.jaas.config', message);
  let entries: JaasEntry[];
  try {
    entries = parseJaas(text);
  } catch (err) {
    fail(`not valid JAAS configuration: ${(err as Error).message}`);
    return;
  }
  if (entries.length !== 1) {
    fail(`must hold exactly one login module (found ${entries.length})`);
    return;
  }
  const { loginModule, options } = entries[0]!;
  const take = (name: string): string | undefined => {
    const value = options.get(name);
    options.delete(name);
    return value;
  };
  const mechanism = config['sasl.mechanisms'];
  const expect = (mechanisms: string[]): void => {
    if (mechanism !== undefined && !mechanisms.includes(mechanism)) fail(`${loginModule} does not go with sasl.mechanism=${mechanism}`);
  };
  if (loginModule === PLAIN_MODULE || loginModule === SCRAM_MODULE) {
    expect(loginModule === PLAIN_MODULE ? ['PLAIN'] : ['SCRAM-SHA-256', 'SCRAM-SHA-512']);
    const username = take('username');
    const password = take('password');
    if (username === undefined || password === undefined) fail(`${loginModule} needs username and password`);
    if (username !== undefined) config['sasl.username'] = username;
    if (password !== undefined) config['sasl.password'] = password;
    if (take('tokenauth') === 'true') fail('delegation tokens (tokenauth=true) are not supported by librdkafka');
  } else if (loginModule === KERBEROS_MODULE) {
    expect(['GSSAPI']);
    const keyTab = take('keyTab');
    const principal = take('principal');
    const serviceName = take('serviceName');
    if (keyTab !== undefined) config['sasl.kerberos.keytab'] = keyTab;
    if (principal !== undefined) config['sasl.kerberos.principal'] = principal;
    if (serviceName !== undefined) config['sasl.kerberos.service.name'] ??= serviceName;
    // How Java finds its credentials; librdkafka's kinit uses the keytab when given, else the ticket cache.
    for (const name of ['useKeyTab', 'storeKey', 'useTicketCache', 'debug', 'doNotPrompt', 'renewTGT']) take(name);
  } else if (loginModule === OAUTH_MODULE) {
    expect(['OAUTHBEARER']);
    const clientId = take('clientId');
    const clientSecret = take('clientSecret');
    const scope = take('scope');
    if (clientId !== undefined) config['sasl.oauthbearer.client.id'] = clientId;
    if (clientSecret !== undefined) config['sasl.oauthbearer.client.secret'] = clientSecret;
    if (scope !== undefined) config['sasl.oauthbearer.scope'] = scope;
    // Java's unsecured tokens (development only): librdkafka's built-in unsecured JWT handler.
    const unsecured: string[] = [];
    for (const [name, value] of [...options]) {
      const claim = /^unsecuredLogin(StringClaim|NumberClaim|ListClaim)_(.+)$/.exec(name);
      if (claim === null) continue;
      options.delete(name);
      if (claim[2] === 'sub') unsecured.push(`principal=${value}`);
      else if (claim[2] === 'scope') unsecured.push(`scope=${value}`);
      else if (claim[2] === 'exp') unsecured.push(`lifeSeconds=${value}`);
      else unsecured.push(`extension_${claim[2]}=${value}`);
    }
    if (unsecured.length > 0) {
      config['enable.sasl.oauthbearer.unsecure.jwt'] = 'true';
      config['sasl.oauthbearer.config'] = unsecured.join(' ');
    } else if (clientId !== undefined) {
      config['sasl.oauthbearer.method'] = 'oidc';
    }
  } else {
    fail(
      `login module ${loginModule} is not supported (supported: PlainLoginModule, ScramLoginModule, Krb5LoginModule, OAuthBearerLoginModule)`,
    );
    return;
  }
  if (options.size > 0)
    fail(`option${options.size > 1 ? 's' : ''} ${[...options.keys()].join(', ')} of ${loginModule} not supported by librdkafka`);
}

/**
 * JAAS configuration as Kafka's `sasl.jaas.config` holds it:
 * `<LoginModule> <required|requisite|sufficient|optional> [name=value ...];` (values quoted or bare).
 */
export function parseJaas(text: string): JaasEntry[] {
  const tokens = tokenizeJaas(text);
  const entries: JaasEntry[] = [];
  let i = 0;
  const next = (): string | undefined => tokens[i++];
  while (i < tokens.length) {
    const loginModule = next()!;
    if (loginModule === ';' || loginModule === '=') throw new Error(`expected a login module class, found '${loginModule}'`);
    const flag = next();
    if (flag === undefined || !['required', 'requisite', 'sufficient', 'optional'].includes(flag.toLowerCase())) {
      throw new Error(`expected required, requisite, sufficient or optional after ${loginModule}`);
    }
    const options = new Map<string, string>();
    for (;;) {
      const name = next();
      if (name === undefined) throw new Error("missing ';' at the end");
      if (name === ';') break;
      if (next() !== '=') throw new Error(`expected '=' after option ${name}`);
      const value = next();
      if (value === undefined || value === ';' || value === '=') throw new Error(`missing value of option ${name}`);
      options.set(name, value);
    }
    entries.push({ loginModule, flag: flag.toLowerCase(), options });
  }
  return entries;
}

/** Words, '=', ';' and double-quoted strings (backslash escapes), as Java's JAAS parser reads them. */
function tokenizeJaas(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push(c);
      i++;
    } else if (c === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted value');
        const q = text[i++]!;
        if (q === '"') break;
        value += q === '\\' && i < text.length ? text[i++]! : q;
      }
      tokens.push(value);
    } else {
      const start = i;
      while (i < text.length && !/[\s=;"]/.test(text[i]!)) i++;
      tokens.push(text.slice(start, i));
    }
  }
  return tokens;
}
