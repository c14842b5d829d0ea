/**
 * Validation results: Kafka's ConfigValue, and Kafka Connect's ConfigInfos, the body of
 * `PUT /connector-plugins/{plugin}/config/validate` and of `GET /connector-plugins/{plugin}/config`.
 */
import { isRequired } from './config-key.js';
import type { ConfigKey } from './config-key.js';
import { convertToString } from './parsing.js';
import type { ConfigType, Importance, ParsedValue, Width } from './types.js';

/** The validation result of one key, as Kafka's ConfigValue: mutable, so a caller may add errors. */
export class ConfigValue {
  readonly name: string;
  value: ParsedValue;
  recommendedValues: ParsedValue[];
  readonly errorMessages: string[];
  visible = true;
  constructor(name: string, value: ParsedValue = null, recommendedValues: ParsedValue[] = [], errorMessages: string[] = []) {
    this.name = name;
    this.value = value;
    this.recommendedValues = recommendedValues;
    this.errorMessages = errorMessages;
  }
  /** Adds an error to this key (a connector's `validate` does, for checks across keys). */
  addErrorMessage(message: string): void {
    this.errorMessages.push(message);
  }
}

/**
 * A key as `GET /connector-plugins/{p}/config` and the validate endpoint return it. The field order is
 * the order Kafka Connect's Jackson writes them in (`order` last: its getter is named differently from
 * its constructor parameter `order_in_group`, which is accepted on input only).
 */
export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string | null;
  group: string | null;
  width: Width;
  display_name: string;
  dependents: string[];
  order: number;
}

/** A key's validation result as the validate endpoint returns it (Kafka Connect's ConfigValueInfo). */
export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: (string | null)[];
  errors: string[];
  visible: boolean;
}

/** One key of the validate response: its definition and its validation result. */
export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

/** The body of `PUT /connector-plugins/{plugin}/config/validate`. */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

/** Kafka Connect's AbstractHerder.convertConfigKey. */
export function configKeyInfo(key: ConfigKey): ConfigKeyInfo {
  return {
    name: key.name,
    type: key.type,
    required: isRequired(key),
    default_value: key.default === undefined ? null : convertToString(key.default, key.type),
    importance: key.importance,
    documentation: key.documentation,
    group: key.group,
    width: key.width,
    display_name: key.displayName,
    dependents: [...key.dependents],
    order: key.orderInGroup,
  };
}

/** Kafka Connect's AbstractHerder.convertConfigValue; a PASSWORD value is always `[hidden]`. */
export function configValueInfo(value: ConfigValue, type: ConfigType | undefined): ConfigValueInfo {
  const recommendedType = type === 'LIST' ? 'STRING' : type;
  return {
    name: value.name,
    value: convertToString(value.value, type),
    recommended_values: value.recommendedValues.map((v) => convertToString(v, recommendedType)),
    errors: [...value.errorMessages],
    visible: value.visible,
  };
}

/**
 * Kafka Connect's AbstractHerder.generateResult: validation results that match no key come first,
 * with a null definition; then every key in definition order. error_count counts error messages.
 * Exported so the herder can merge the framework's keys with a connector's, as Kafka Connect does.
 */
export function configInfos(name: string, keys: Iterable<ConfigKey>, values: Iterable<ConfigValue>, groups: Iterable<string>): ConfigInfos {
  const keyMap = new Map<string, ConfigKey>();
  for (const key of keys) keyMap.set(key.name, key);
  const valueMap = new Map<string, ConfigValue>();
  const configs: ConfigInfo[] = [];
  let errorCount = 0;
  for (const value of values) {
    valueMap.set(value.name, value);
    if (!keyMap.has(value.name)) {
      configs.push({ definition: null, value: configValueInfo(value, undefined) });
      errorCount += value.errorMessages.length;
    }
  }
  for (const key of keyMap.values()) {
    const value = valueMap.get(key.name);
    if (value !== undefined) errorCount += value.errorMessages.length;
    configs.push({ definition: configKeyInfo(key), value: value === undefined ? null : configValueInfo(value, key.type) });
  }
  return { name, error_count: errorCount, groups: [...groups], configs };
}
