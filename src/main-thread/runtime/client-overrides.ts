/**
 * Per-connector client overrides (`producer.override.*`), allowed or refused by the worker's
 * `connector.client.config.override.policy`, as in Kafka Connect (KIP-458):
 * - `All`: any key; `None`: none; `Principal`: only `sasl.jaas.config`, `sasl.mechanism` and
 *   `security.protocol`.
 *
 * Beyond Kafka Connect, two rules keep a REST user from turning the worker's clients against the
 * worker's own credentials:
 * - A connector that changes where its client connects or authenticates (DESTINATION_KEYS:
 *   `bootstrap.servers` and its librdkafka alias `metadata.broker.list`, `client.dns.lookup`, the
 *   OAUTHBEARER token endpoint) gets none of the worker's security settings for that client
 *   (`security.protocol`, `sasl.*`, `ssl.*`, unprefixed or under `producer.*`/`consumer.*`): it
 *   brings its own, or connects in plaintext without credentials. Kafka Connect sends the worker's
 *   SASL password or client certificate to whichever broker the connector names.
 *   `connector.client.config.override.destination.enable=false` refuses such overrides altogether.
 * - Settings that make librdkafka run a command or load a library on the worker host
 *   (HOST_ONLY_KEYS) are refused under every policy: they belong in the worker config.
 */
import { ConfigException } from '../../worker-thread/sdk/config-def.js';
import type { ConfigProblem } from '../../worker-thread/sdk/config-def.js';
import { translateClientKeys } from '../config/java-client-keys.js';
import { isSecurityKey, translateSecurity } from '../config/kafka-security.js';
import { maskValue } from '../config/secrets.js';

export type OverridePolicy = 'All' | 'None' | 'Principal';
export const OVERRIDE_POLICIES: readonly OverridePolicy[] = ['All', 'None', 'Principal'];

const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);

/**
 * Client keys that choose where the client connects or sends its credentials (librdkafka and Java
 * names): `metadata.broker.list` is librdkafka's alias of `bootstrap.servers`;
 * `client.dns.lookup=resolve_canonical_bootstrap_servers_only` connects to the names reverse DNS
 * gives; the OAUTHBEARER endpoint (or the metadata service that stands for it) receives the OIDC
 * client secret.
 */
export const DESTINATION_KEYS: ReadonlySet<string> = new Set([
  'bootstrap.servers',
  'metadata.broker.list',
  'client.dns.lookup',
  'sasl.oauthbearer.token.endpoint.url',
  'sasl.oauthbearer.metadata.authentication.type',
]);

/** librdkafka settings that run a command or load a shared library (OpenSSL engines and providers take paths). */
const HOST_ONLY_KEYS: Readonly<Record<string, string>> = {
  'plugin.library.paths': 'loads shared libraries into the worker',
  'sasl.kerberos.kinit.cmd': 'runs a shell command on the worker host',
  'ssl.engine.location': 'loads a shared library into the worker',
  'ssl.providers': 'loads OpenSSL providers (shared libraries) into the worker',
};

/** How the worker limits connectors' client overrides. */
export interface ClientOverrideRules {
  readonly policy: OverridePolicy;
  /** `connector.client.config.override.destination.enable`: whether DESTINATION_KEYS may be overridden at all. */
  readonly destinations: boolean;
}
const PRODUCER_OVERRIDE = 'producer.override.';
const CONSUMER_OVERRIDE = 'consumer.override.';

/** The connector's producer overrides, prefix stripped; throws ConfigException for each refused key. */
export function producerOverrides(
  connectorConfig: Readonly<Record<string, string>>,
  rules: OverridePolicy | ClientOverrideRules,
): Record<string, string> {
  return clientOverrides(connectorConfig, rules, PRODUCER_OVERRIDE);
}

/** The connector's consumer overrides (sink connectors), prefix stripped; as producerOverrides. */
export function consumerOverrides(
  connectorConfig: Readonly<Record<string, string>>,
  rules: OverridePolicy | ClientOverrideRules,
): Record<string, string> {
  return clientOverrides(connectorConfig, rules, CONSUMER_OVERRIDE);
}

/**
 * The worker's client settings (its security settings, then `producer.*` or `consumer.*`) that a
 * connector's client starts from: all of them, or none of the security ones when the connector's
 * overrides (as producerOverrides returns them) change the client's destination.
 */
export function inheritedClientSettings(
  workerLayers: readonly Readonly<Record<string, string>>[],
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  const inherited: Record<string, string> = Object.assign({}, ...workerLayers) as Record<string, string>;
  if (!Object.keys(overrides).some((k) => DESTINATION_KEYS.has(k))) return inherited;
  for (const key of Object.keys(inherited)) if (isSecurityKey(key)) delete inherited[key];
  return inherited;
}

function clientOverrides(
  connectorConfig: Readonly<Record<string, string>>,
  rules: OverridePolicy | ClientOverrideRules,
  PREFIX: string,
): Record<string, string> {
  const { policy, destinations } = typeof rules === 'string' ? { policy: rules, destinations: true } : rules;
  const overrides: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  const refuse = (key: string, value: string, message: string): void => {
    problems.push({ name: key, value: maskValue(key, value), message });
  };
  for (const [key, value] of Object.entries(connectorConfig)) {
    if (!key.startsWith(PREFIX)) continue;
    const clientKey = key.slice(PREFIX.length);
    const allowed = policy === 'All' || (policy === 'Principal' && PRINCIPAL_KEYS.has(clientKey));
    const hostOnly = HOST_ONLY_KEYS[clientKey];
    if (!allowed) {
      refuse(
        key,
        value,
        `The '${policy}' policy does not allow '${clientKey}' to be overridden in the connector configuration (worker: connector.client.config.override.policy)`,
      );
    } else if (hostOnly !== undefined) {
      refuse(key, value, `'${clientKey}' ${hostOnly}: connectors may not override it under any policy; set it in the worker configuration`);
    } else if (!destinations && DESTINATION_KEYS.has(clientKey)) {
      refuse(
        key,
        value,
        `'${clientKey}' changes where the client connects or authenticates; the worker refuses such overrides (connector.client.config.override.destination.enable=false)`,
      );
    } else overrides[clientKey] = value;
  }
  // One name for the broker list: with both in a config librdkafka keeps whichever comes last, and
  // the worker's own bootstrap.servers would silently win over the connector's alias.
  const alias = overrides['metadata.broker.list'];
  if (alias !== undefined) {
    if (overrides['bootstrap.servers'] !== undefined)
      refuse(`${PREFIX}metadata.broker.list`, alias, `librdkafka's alias of bootstrap.servers: give only one of them`);
    else overrides['bootstrap.servers'] = alias;
    delete overrides['metadata.broker.list'];
  }
  // Security settings in Java's names (sasl.jaas.config, keystores…) become librdkafka's, as the
  // worker's own security settings do.
  const security = translateSecurity(overrides, PREFIX);
  problems.push(...security.problems);
  const others: Record<string, string> = {};
  for (const [k, v] of Object.entries(overrides)) if (!isSecurityKey(k)) others[k] = v;
  // And the others in Java's names (buffer.memory, fetch.max.wait.ms…). Java-only ones (serializers,
  // max.block.ms…) are dropped: Kafka Connect too overrides or ignores them for its own clients.
  const clientKeys = translateClientKeys(others, PREFIX === PRODUCER_OVERRIDE ? 'producer' : 'consumer', PREFIX);
  problems.push(...clientKeys.problems);
  if (problems.length > 0) throw new ConfigException(problems, 'client overrides');
  return { ...clientKeys.config, ...security.config };
}
