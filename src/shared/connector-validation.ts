/**
 * The problems of a connector's own keys as Kafka Connect's AbstractHerder counts them before it
 * accepts a config: those of its ConfigDef, and the errors its `validate()` adds (cross-key
 * checks: upsert without a key, two table lists at once…). Used by the REST create and
 * validate path and by `connectd validate`, so both refuse the same configs. Runs in worker
 * threads, where plugin code lives.
 */
import { ConfigException } from '../worker-thread/sdk/config-def.js';
import type { ConfigProblem } from '../worker-thread/sdk/config-def.js';
import type { Connector } from '../worker-thread/sdk/connector.js';

/** Throws what the connector's code throws other than a ConfigException. */
export function connectorConfigProblems(connector: Connector, config: Readonly<Record<string, string>>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    connector.config().parse(config);
  } catch (err) {
    if (!(err instanceof ConfigException)) throw err;
    problems.push(...err.problems.map((p) => ({ name: p.name, value: p.value, message: p.message })));
  }
  // validate() repeats the ConfigDef's errors in its own words ("Invalid value … for configuration
  // …"): a key the ConfigDef already refused is named once.
  const refused = new Set(problems.map((p) => p.name));
  for (const value of connector.validate(config).values()) {
    if (refused.has(value.name)) continue;
    for (const message of value.errorMessages) problems.push({ name: value.name, value: config[value.name] ?? null, message });
  }
  return problems;
}
