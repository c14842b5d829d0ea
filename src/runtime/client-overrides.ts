/**
 * Per-connector client overrides (`producer.override.*`), allowed or refused by the worker's
 * `connector.client.config.override.policy`, as in Kafka Connect (KIP-458):
 * - `All`: any key; `None`: none; `Principal`: only `sasl.jaas.config`, `sasl.mechanism` and
 *   `security.protocol`.
 */
import { ConfigException } from '../sdk/config-def.js';
import type { ConfigProblem } from '../sdk/config-def.js';
import { translateClientKeys } from '../config/java-client-keys.js';
import { isSecurityKey, translateSecurity } from '../config/kafka-security.js';
import { maskValue } from '../config/secrets.js';

export type OverridePolicy = 'All' | 'None' | 'Principal';
export const OVERRIDE_POLICIES: readonly OverridePolicy[] = ['All', 'None', 'Principal'];

const PRINCIPAL_KEYS = new Set(['sasl.jaas.config', 'sasl.mechanism', 'security.protocol']);
const PRODUCER_OVERRIDE = 'producer.override.';
const CONSUMER_OVERRIDE = 'consumer.override.';

/** The connector's producer overrides, prefix stripped; throws ConfigException for each refused key. */
export function producerOverrides(connectorConfig: Readonly<Record<string, string>>, policy: OverridePolicy): Record<string, string> {
  return clientOverrides(connectorConfig, policy, PRODUCER_OVERRIDE);
}

/** The connector's consumer overrides (sink connectors), prefix stripped; as producerOverrides. */
export function consumerOverrides(connectorConfig: Readonly<Record<string, string>>, policy: OverridePolicy): Record<string, string> {
  return clientOverrides(connectorConfig, policy, CONSUMER_OVERRIDE);
}

function clientOverrides(connectorConfig: Readonly<Record<string, string>>, policy: OverridePolicy, PREFIX: string): Record<string, string> {
  const overrides: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(connectorConfig)) {
    if (!key.startsWith(PREFIX)) continue;
    const clientKey = key.slice(PREFIX.length);
    const allowed = policy === 'All' || (policy === 'Principal' && PRINCIPAL_KEYS.has(clientKey));
    if (allowed) overrides[clientKey] = value;
    else {
      problems.push({
        name: key,
        value: maskValue(key, value),
        message: `The '${policy}' policy does not allow '${clientKey}' to be overridden in the connector configuration (worker: connector.client.config.override.policy)`,
      });
    }
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
