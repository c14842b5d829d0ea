/**
 * ConfigDef: the typed description of a connector's (or the framework's) configuration, after Kafka
 * Connect's `org.apache.kafka.common.config.ConfigDef`. A definition names a key, its type, its
 * default (absent = required), an optional validator, importance and documentation. `parse` turns
 * the string map a user wrote into typed values and reports every problem at once.
 */

export type ConfigType = 'BOOLEAN' | 'STRING' | 'INT' | 'SHORT' | 'LONG' | 'DOUBLE' | 'LIST' | 'CLASS' | 'PASSWORD';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

/** A parsed value. LONG is a bigint only when it does not fit a double exactly. */
export type ConfigValue = boolean | string | number | bigint | string[] | Password | null;

/** Wraps a secret so that it never prints: String(), JSON and util.inspect all show the mask. */
export class Password {
  static readonly HIDDEN = '[hidden]';
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  value(): string {
    return this.#value;
  }
  toString(): string {
    return Password.HIDDEN;
  }
  toJSON(): string {
    return Password.HIDDEN;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return Password.HIDDEN;
  }
}

/** Checks one parsed value: returns why it is invalid, or undefined when it is valid. */
export type Validator = (name: string, value: ConfigValue) => string | undefined;

export interface ConfigKeyDefinition {
  name: string;
  type: ConfigType;
  /** Absent means the key is required. `null` is a valid default meaning "unset". */
  default?: ConfigValue | string;
  validator?: Validator;
  importance: Importance;
  documentation: string;
}

export interface ConfigProblem {
  readonly name: string;
  /** The value as given (masked for PASSWORD keys), or null when the key was missing. */
  readonly value: string | null;
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

const NO_DEFAULT = Symbol('required');

export class ConfigDef {
  readonly #keys = new Map<string, ConfigKeyDefinition>();

  define(def: ConfigKeyDefinition): this {
    if (this.#keys.has(def.name)) throw new Error(`ConfigDef: key ${def.name} is defined twice`);
    if ('default' in def && def.default !== null && def.default !== undefined) {
      // A default that does not parse is a programming error in the connector: fail at definition.
      parseValue(def, typeof def.default === 'string' ? def.default : def.default);
    }
    this.#keys.set(def.name, def);
    return this;
  }

  keys(): readonly ConfigKeyDefinition[] {
    return [...this.#keys.values()];
  }

  /** Parses and validates `props`; unknown keys are kept as strings in `originals`, not rejected. */
  parse(props: Readonly<Record<string, string>>, context?: string): ParsedConfig {
    const values = new Map<string, ConfigValue>();
    const problems: ConfigProblem[] = [];
    for (const def of this.#keys.values()) {
      const raw = props[def.name];
      const given = raw !== undefined;
      const source: ConfigValue | string | typeof NO_DEFAULT = given ? raw : 'default' in def ? (def.default ?? null) : NO_DEFAULT;
      if (source === NO_DEFAULT) {
        problems.push({ name: def.name, value: null, message: 'Missing required configuration with no default value' });
        continue;
      }
      let value: ConfigValue;
      try {
        value = parseValue(def, source);
      } catch (err) {
        problems.push({ name: def.name, value: shown(def, raw ?? null), message: (err as Error).message });
        continue;
      }
      const complaint = def.validator?.(def.name, value);
      if (complaint !== undefined) {
        problems.push({ name: def.name, value: shown(def, raw ?? stringify(value)), message: complaint });
        continue;
      }
      values.set(def.name, value);
    }
    if (problems.length > 0) throw new ConfigException(problems, context);
    return new ParsedConfig(values, props);
  }
}

function shown(def: ConfigKeyDefinition, raw: string | null): string | null {
  return def.type === 'PASSWORD' && raw !== null ? Password.HIDDEN : raw;
}

function stringify(value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

const INT_RANGE = { INT: [-(2 ** 31), 2 ** 31 - 1], SHORT: [-(2 ** 15), 2 ** 15 - 1] } as const;

function parseValue(def: ConfigKeyDefinition, source: ConfigValue | string): ConfigValue {
  if (source === null) return null;
  if (typeof source !== 'string') return source;
  const text = def.type === 'PASSWORD' ? source : source.trim();
  switch (def.type) {
    case 'BOOLEAN': {
      const lower = text.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw new Error('Expected value to be either true or false');
    }
    case 'STRING':
    case 'CLASS':
      return text;
    case 'PASSWORD':
      return new Password(text);
    case 'INT':
    case 'SHORT': {
      if (!/^[-+]?\d+$/.test(text)) throw new Error(`Not a number of type ${def.type}`);
      const n = Number(text);
      const [min, max] = INT_RANGE[def.type];
      if (n < min || n > max) throw new Error(`Not a number of type ${def.type}`);
      return n;
    }
    case 'LONG': {
      if (!/^[-+]?\d+$/.test(text)) throw new Error('Not a number of type LONG');
      const big = BigInt(text);
      if (big < -(2n ** 63n) || big > 2n ** 63n - 1n) throw new Error('Not a number of type LONG');
      return Number.isSafeInteger(Number(big)) ? Number(big) : big;
    }
    case 'DOUBLE': {
      const n = Number(text);
      if (text === '' || Number.isNaN(n)) throw new Error('Not a number of type DOUBLE');
      return n;
    }
    case 'LIST':
      return text === '' ? [] : text.split(',').map((item) => item.trim());
  }
}

/** Typed access to a parsed configuration. Getters throw on a key the ConfigDef did not define. */
export class ParsedConfig {
  readonly #values: ReadonlyMap<string, ConfigValue>;
  readonly originals: Readonly<Record<string, string>>;

  constructor(values: ReadonlyMap<string, ConfigValue>, originals: Readonly<Record<string, string>>) {
    this.#values = values;
    this.originals = originals;
  }

  get(name: string): ConfigValue {
    if (!this.#values.has(name)) throw new Error(`Unknown configuration '${name}'`);
    return this.#values.get(name) ?? null;
  }
  getString(name: string): string {
    const v = this.get(name);
    return v === null ? '' : String(v);
  }
  getInt(name: string): number {
    return Number(this.get(name));
  }
  getLong(name: string): number | bigint {
    const v = this.get(name);
    return typeof v === 'bigint' ? v : Number(v);
  }
  getBoolean(name: string): boolean {
    return this.get(name) === true;
  }
  getList(name: string): string[] {
    const v = this.get(name);
    return Array.isArray(v) ? v : [];
  }
  getPassword(name: string): Password | null {
    const v = this.get(name);
    return v instanceof Password ? v : null;
  }
}

/** Validators with Kafka Connect's messages. */
export const Validators = {
  atLeast(min: number): Validator {
    return (_name, value) =>
      value !== null && Number(value) < min ? `Value must be at least ${min}` : undefined;
  },
  between(min: number, max: number): Validator {
    return (_name, value) =>
      value !== null && (Number(value) < min || Number(value) > max) ? `Value must be between ${min} and ${max}` : undefined;
  },
  nonEmptyString(): Validator {
    return (_name, value) => (value === null || String(value).trim() === '' ? 'String must be non-empty' : undefined);
  },
  validString(...allowed: string[]): Validator {
    return (_name, value) =>
      value !== null && !allowed.includes(String(value)) ? `String must be one of: ${allowed.join(', ')}` : undefined;
  },
};
