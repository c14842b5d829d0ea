/**
 * The built-in predicates (`org.apache.kafka.connect.transforms.predicates`): TopicNameMatches,
 * HasHeaderKey and RecordIsTombstone. A transformation with `predicate=<alias>` runs only on the
 * records the predicate is true for (false for, with `negate=true`).
 */
import { CompositeValidator, ConfigDef, NonEmptyString } from '../../sdk/config-def.js';
import type { ConnectRecord, Predicate } from '../transformation.js';
import { configProblem, simpleConfig, VALID_REGEX } from '../util/config.js';
import { compileJavaRegex, JavaRegexError } from '../util/java-regex.js';
import type { JavaPattern } from '../util/java-regex.js';

const TOPIC_NAME_MATCHES_CONFIG = new ConfigDef().define({
  name: 'pattern',
  type: 'STRING',
  validator: CompositeValidator.of(new NonEmptyString(), VALID_REGEX),
  importance: 'MEDIUM',
  documentation: "A Java regular expression for matching against the name of a record's topic.",
});

/** True for records whose whole topic name matches `pattern` (Matcher.matches). */
export class TopicNameMatches implements Predicate {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with a topic name that matches the configured regular expression.';
  static readonly CONFIG_DEF = TOPIC_NAME_MATCHES_CONFIG;

  #pattern: JavaPattern | null = null;

  configure(configs: Readonly<Record<string, string>>): void {
    const value = simpleConfig(TOPIC_NAME_MATCHES_CONFIG, configs).getString('pattern');
    try {
      this.#pattern = compileJavaRegex(value);
    } catch (err) {
      if (!(err instanceof JavaRegexError)) throw err;
      throw configProblem(`entry must be a Java-compatible regular expression: ${err.message}`, 'pattern', value);
    }
  }

  test(record: ConnectRecord): boolean {
    return typeof record.topic === 'string' && this.#pattern!.whole.test(record.topic);
  }

  config(): ConfigDef {
    return TOPIC_NAME_MATCHES_CONFIG;
  }

  close(): void {}

  toString(): string {
    return `TopicNameMatches{pattern=${this.#pattern?.source ?? 'null'}}`;
  }
}

const HAS_HEADER_KEY_CONFIG = new ConfigDef().define({
  name: 'name',
  type: 'STRING',
  validator: new NonEmptyString(),
  importance: 'MEDIUM',
  documentation: 'The header name.',
});

/** True for records with at least one header named `name`. */
export class HasHeaderKey implements Predicate {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records with at least one header with the configured name.';
  static readonly CONFIG_DEF = HAS_HEADER_KEY_CONFIG;

  #name = '';

  configure(configs: Readonly<Record<string, string>>): void {
    this.#name = simpleConfig(HAS_HEADER_KEY_CONFIG, configs).getString('name');
  }

  test(record: ConnectRecord): boolean {
    for (const header of record.headers) if (header.key === this.#name) return true;
    return false;
  }

  config(): ConfigDef {
    return HAS_HEADER_KEY_CONFIG;
  }

  close(): void {}

  toString(): string {
    return `HasHeaderKey{name='${this.#name}'}`;
  }
}

const RECORD_IS_TOMBSTONE_CONFIG = new ConfigDef();

/** True for tombstones: records with a null value. */
export class RecordIsTombstone implements Predicate {
  static readonly OVERVIEW_DOC = 'A predicate which is true for records which are tombstones (i.e. have null value).';
  static readonly CONFIG_DEF = RECORD_IS_TOMBSTONE_CONFIG;

  configure(): void {}

  test(record: ConnectRecord): boolean {
    return record.value === null || record.value === undefined;
  }

  config(): ConfigDef {
    return RECORD_IS_TOMBSTONE_CONFIG;
  }

  close(): void {}

  toString(): string {
    return 'RecordIsTombstone{}';
  }
}
