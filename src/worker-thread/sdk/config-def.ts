/**
 * ConfigDef: the typed description of a connector's (or the framework's) configuration, after Kafka's
 * `org.apache.kafka.common.config.ConfigDef` (checked against the 4.1.1 source). A key has a type, a
 * default (absent = required), a validator, importance, documentation and the UI metadata Kafka
 * Connect returns from `PUT /connector-plugins/{plugin}/config/validate`: group, order in group,
 * width, display name, dependents and a recommender.
 *
 * - `parse(props)` turns the string map a user wrote into typed values ({@link ParsedConfig}) or
 *   throws one {@link ConfigException} naming every problem at once.
 * - `validateAll(props)` is Kafka's: a {@link ConfigValue} per key with every error message, the
 *   recommended values and visibility. `validate(props)` shapes it as Kafka Connect's ConfigInfos.
 * - `toRst()`, `toEnrichedRst()`, `toHtmlTable()` and `toMarkdown()` render the documentation.
 *
 * Secrets (PASSWORD keys) are {@link Password} objects that print as `[hidden]`; no message, problem,
 * validation result, log line or rendering made here contains them.
 *
 * Where this differs from Kafka, and why, is said where it happens; the short list: CLASS values are
 * class names (nothing is loaded); CompositeValidator and ValidList report every failure rather than
 * the first; each key is parsed once even when it is the dependent of several keys; LONG values past
 * 2^53 are exact bigints and Range compares them exactly.
 *
 * This module is the public face (the SDK's index re-exports it); the code lives in `./config/`:
 * `types.ts` (ConfigType, ParsedValue, Password), `errors.ts` (ConfigException), `validators.ts`,
 * `parsing.ts` (Java's grammar for values, and values printed as Java prints them), `config-key.ts`,
 * `config-infos.ts` (ConfigValue and the REST shapes), `docs.ts` (the renderers),
 * `parsed-config.ts` and `config-def.ts` (ConfigDef itself).
 */
export { CONFIG_TYPES, IMPORTANCES, Password, WIDTHS } from './config/types.js';
export type { ConfigProps, ConfigType, Importance, ParsedValue, Width } from './config/types.js';
export { ConfigException } from './config/errors.js';
export type { ConfigProblem } from './config/errors.js';
export {
  CaseInsensitiveValidString,
  CompositeValidator,
  LambdaValidator,
  ListSize,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  NonNullValidator,
  Range,
  ValidList,
  ValidString,
  Validators,
} from './config/validators.js';
export type { ConfigValidator, Validator, ValidatorFunction, Violation } from './config/validators.js';
export type { ConfigKey, ConfigKeyDefinition, ParsedConfigMap, Recommender } from './config/config-key.js';
export { ConfigValue, configInfos, configKeyInfo, configValueInfo } from './config/config-infos.js';
export type { ConfigInfo, ConfigInfos, ConfigKeyInfo, ConfigValueInfo } from './config/config-infos.js';
export { ParsedConfig } from './config/parsed-config.js';
export { ConfigDef } from './config/config-def.js';
