/**
 * What the transforms share to define and read their configs: Kafka's SimpleConfig, the
 * NonEmptyListValidator and RegexValidator, the `replace.null.with.default` key, and Java's
 * String.split for the `a:b` lists.
 */
import { ConfigDef, ConfigException } from '../../sdk/config-def.js';
import type { ConfigValidator, ParsedConfig, ParsedValue } from '../../sdk/config-def.js';
import { compileJavaRegex, JavaRegexError } from './java-regex.js';

/**
 * Kafka's `new SimpleConfig(def, props)`: the typed config, or a ConfigException naming every
 * invalid key (Kafka names the first).
 */
export function simpleConfig(def: ConfigDef, configs: Readonly<Record<string, string>>): ParsedConfig {
  return def.parse(configs);
}

/**
 * A configuration problem found by `configure` beyond what the ConfigDef checks. Kafka throws a
 * ConfigException without a key name for some of these ("No field insertion configured"); they are
 * reported against `type`, which the chain reads as `transforms.<alias>.type`, where Kafka Connect's
 * validation shows the problems of a transformation as a whole.
 */
export function configProblem(message: string, name = 'type', value: string | null = null): ConfigException {
  return new ConfigException([{ name, value, message }]);
}

/** Kafka's NonEmptyListValidator. */
export const NON_EMPTY_LIST: ConfigValidator = Object.freeze({
  violations: (_name: string, value: ParsedValue) =>
    value === null || (Array.isArray(value) && value.length === 0) ? [{ message: 'Empty list' }] : [],
  toString: () => 'non-empty list',
});

/** Kafka's RegexValidator: a Java regular expression (see java-regex.ts for what translates). */
export const VALID_REGEX: ConfigValidator = Object.freeze({
  violations: (_name: string, value: ParsedValue) => {
    if (typeof value !== 'string') return [{ message: 'Invalid regex: null' }];
    try {
      compileJavaRegex(value);
      return [];
    } catch (err) {
      if (err instanceof JavaRegexError) return [{ message: `Invalid regex: ${err.message}` }];
      throw err;
    }
  },
  toString: () => 'valid regex',
});

export const REPLACE_NULL_WITH_DEFAULT = 'replace.null.with.default';

/** The `replace.null.with.default` key most data transforms define (Kafka's wording). */
export function defineReplaceNullWithDefault(def: ConfigDef): ConfigDef {
  return def.define({
    name: REPLACE_NULL_WITH_DEFAULT,
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
  });
}

/** Java's `text.split(":")`: trailing empty strings are removed (`"a:"` is `["a"]`, `"::"` is `[]`). */
export function javaSplitColon(text: string): string[] {
  const parts = text.split(':');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  // Java keeps one empty string for the empty input.
  return text === '' ? [''] : parts;
}
