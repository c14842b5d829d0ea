/**
 * RegexRouter (`org.apache.kafka.connect.transforms.RegexRouter`): when the whole topic matches
 * `regex` (a Java regular expression), renames it with Matcher.replaceFirst(`replacement`), where
 * `$1` and `${name}` are groups. Records whose topic does not match pass unchanged.
 *
 * Kafka reads the replacement only when a topic matches, so a bad one (`$2` with one group) fails
 * every matching record; here it is refused when the transform is configured.
 */
import { ConfigDef } from '../sdk/config-def.js';
import { newRecord } from './transformation.js';
import type { ConnectRecord, Transformation } from './transformation.js';
import { configProblem, simpleConfig, VALID_REGEX } from './util/config.js';
import { compileJavaRegex, JavaRegexError } from './util/java-regex.js';
import { JavaReplacement } from './util/java-replacement.js';
import type { JavaPattern } from './util/java-regex.js';

const CONFIG_DEF = new ConfigDef()
  .define({
    name: 'regex',
    type: 'STRING',
    validator: VALID_REGEX,
    importance: 'HIGH',
    documentation: 'Regular expression to use for matching.',
  })
  .define({ name: 'replacement', type: 'STRING', importance: 'HIGH', documentation: 'Replacement string.' });

export class RegexRouter implements Transformation {
  static readonly OVERVIEW_DOC =
    'Update the record topic using the configured regular expression and replacement string.' +
    '<p/>Under the hood, the regex is compiled to a <code>java.util.regex.Pattern</code>. ' +
    'If the pattern matches the input topic, <code>java.util.regex.Matcher#replaceFirst()</code> is used with the replacement string to obtain the new topic.';
  static readonly CONFIG_DEF = CONFIG_DEF;

  #regex: JavaPattern | null = null;
  #replacement: JavaReplacement | null = null;

  configure(configs: Readonly<Record<string, string>>): void {
    const config = simpleConfig(CONFIG_DEF, configs);
    const regex = compileJavaRegex(config.getString('regex'));
    const replacement = config.getString('replacement');
    try {
      this.#replacement = new JavaReplacement(replacement, regex);
    } catch (err) {
      if (err instanceof JavaRegexError)
        throw configProblem(`Invalid replacement for the regex: ${err.message}`, 'replacement', replacement);
      throw err;
    }
    this.#regex = regex;
  }

  apply<R extends ConnectRecord>(record: R): R {
    const regex = this.#regex!;
    if (!regex.whole.test(record.topic)) return record;
    return newRecord(record, { topic: this.#replacement!.replaceFirst(regex, record.topic) });
  }

  config(): ConfigDef {
    return CONFIG_DEF;
  }

  close(): void {}
}
