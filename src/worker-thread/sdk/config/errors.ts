/**
 * Kafka's ConfigException: every problem with a configuration at once, each naming the key, the value
 * given (masked for secrets) and the reason; and the internal parse failure the other modules turn
 * into one.
 */

export interface ConfigProblem {
  readonly name: string;
  /** The value as given (`[hidden]` for PASSWORD keys), or null when the key was missing. */
  readonly value: string | null;
  /** Why: Kafka's reason text, e.g. "Value must be at least 1". */
  readonly message: string;
}

/** Every problem with a configuration, each naming the key, the value given and the reason. */
export class ConfigException extends Error {
  readonly code = 'CONNECTD_ERR_INVALID_CONFIG';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[], context = 'configuration') {
    super(`Invalid ${context}: ${problems.map(formatProblem).join('; ')}`);
    this.name = 'ConfigException';
    this.problems = problems;
  }
}

function formatProblem(p: ConfigProblem): string {
  return p.value === null ? `${p.name}: ${p.message}` : `${p.name}=${JSON.stringify(p.value)}: ${p.message}`;
}

/** Kafka's ConfigException(name, value, message) text, which validation results carry. */
export function kafkaInvalidValue(name: string, quoted: string, reason: string): string {
  return `Invalid value ${quoted} for configuration ${name}: ${reason}`;
}

/** A parse failure inside the config modules; becomes a ConfigProblem or a validation error message. */
export class InvalidValue extends Error {}
