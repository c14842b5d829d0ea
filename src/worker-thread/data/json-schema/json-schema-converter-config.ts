/**
 * The JsonSchemaConverter's configuration: Confluent's keys (AbstractKafkaSchemaSerDeConfig,
 * KafkaJsonSchemaSerializerConfig, JsonSchemaDataConfig, SchemaRegistryClientConfig) with their
 * defaults, so that a worker.properties written for Confluent's converter works unchanged:
 *
 * | key                                   | default                | meaning |
 * |---------------------------------------|------------------------|---------|
 * | schema.registry.url                   | (required)             | comma-separated registry URLs |
 * | auto.register.schemas                 | true                   | register schemas (else look them up) |
 * | use.latest.version                    | false                  | write under the subject's latest schema (when not auto-registering) |
 * | latest.compatibility.strict           | true                   | accepted (connectd does not check the latest schema's compatibility; see json.fail.invalid.schema) |
 * | key.subject.name.strategy / value.subject.name.strategy | TopicNameStrategy | TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (full or simple name); the record name is the schema's `title` |
 * | json.fail.invalid.schema              | false                  | validate each document against its JSON Schema, writing and reading |
 * | schemas.cache.config                  | 1000                   | Connect ↔ JSON schemas kept each way |
 * | max.schemas.per.subject               | 1000                   | registry ids kept (schema, subject) |
 * | basic.auth.credentials.source         | URL                    | URL (user info in the URL) or USER_INFO |
 * | basic.auth.user.info                  | ""                     | `user:password` (a secret: never logged or shown) |
 * | schema.registry.basic.auth.user.info  | ""                     | Confluent's deprecated name of the same |
 * | decimal.format                        | BASE64                 | a Decimal as base64 of its unscaled bytes, or NUMERIC (a JSON number) |
 * | object.additional.properties          | true                   | false writes `"additionalProperties":false` on structs' objects |
 * | use.optional.for.nonrequired          | false                  | reading, a property not in `required` becomes an optional field |
 * | ignore.default.for.nullables          | false                  | a null stays null instead of becoming the schema's default |
 * | http.connect.timeout.ms / http.read.timeout.ms | 60000 / 60000 | a registry request's deadline is their sum |
 */
import { ConfigDef, ConfigException, LambdaValidator, Range, ValidString } from '../../sdk/config-def.js';
import type { ParsedValue } from '../../sdk/config-def.js';
import { converterConfigDef, withConverterType } from '../converter.js';
import { DEFAULT_SUBJECT_NAME_STRATEGY, SUBJECT_NAME_STRATEGIES, subjectNameStrategy } from '../schema-registry/subject-name-strategy.js';
import type { SubjectNameStrategyName } from '../schema-registry/subject-name-strategy.js';
import type { JsonSchemaDataOptions } from './json-schema-data-options.js';

const CONTEXT = 'JsonSchemaConverter configuration';
export const SCHEMA_REGISTRY_URL_CONFIG = 'schema.registry.url';

const strategyValidator = LambdaValidator.with(
  (_name: string, value: ParsedValue) =>
    typeof value === 'string' && subjectNameStrategy(value) !== undefined
      ? undefined
      : `must be one of ${SUBJECT_NAME_STRATEGIES.join(', ')} (simple or io.confluent.kafka.serializers.subject. name)`,
  () => `[${SUBJECT_NAME_STRATEGIES.join(', ')}]`,
);

export function jsonSchemaConverterConfigDef(): ConfigDef {
  return converterConfigDef()
    .define({
      name: SCHEMA_REGISTRY_URL_CONFIG,
      type: 'LIST',
      validator: LambdaValidator.with(
        (_n, v) => (Array.isArray(v) && v.length > 0 ? undefined : 'at least one URL is required'),
        () => 'non-empty list of URLs',
      ),
      importance: 'HIGH',
      documentation: 'Comma-separated list of URLs for schema registry instances that can be used to register or look up schemas.',
    })
    .define({
      name: 'auto.register.schemas',
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      documentation: 'Specify if the Serializer should attempt to register the Schema with Schema Registry',
    })
    .define({
      name: 'use.latest.version',
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation: 'Specify if the Serializer should use the latest subject version for serialization',
    })
    .define({
      name: 'latest.compatibility.strict',
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        'Whether to check for backward compatibility between the latest subject version and the Schema of the object to be serialized. Accepted; connectd validates values against the latest schema only with json.fail.invalid.schema=true.',
    })
    .define({
      name: 'key.subject.name.strategy',
      type: 'STRING',
      default: DEFAULT_SUBJECT_NAME_STRATEGY,
      validator: strategyValidator,
      importance: 'MEDIUM',
      documentation:
        'Determines how to construct the subject name under which the key schema is registered with the schema registry. By default, <topic>-key is used as subject.',
    })
    .define({
      name: 'value.subject.name.strategy',
      type: 'STRING',
      default: DEFAULT_SUBJECT_NAME_STRATEGY,
      validator: strategyValidator,
      importance: 'MEDIUM',
      documentation:
        'Determines how to construct the subject name under which the value schema is registered with the schema registry. By default, <topic>-value is used as subject.',
    })
    .define({
      name: 'json.fail.invalid.schema',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Whether to fail serialization and deserialization if the payload is not valid under its JSON Schema.',
    })
    .define({
      name: 'schemas.cache.config',
      type: 'INT',
      default: 1000,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Size of the converted schemas cache',
    })
    .define({
      name: 'max.schemas.per.subject',
      type: 'INT',
      default: 1000,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Maximum number of schemas to create or cache locally.',
    })
    .define({
      name: 'basic.auth.credentials.source',
      type: 'STRING',
      default: 'URL',
      validator: ValidString.in('URL', 'USER_INFO', 'SASL_INHERIT'),
      importance: 'MEDIUM',
      documentation:
        'Specify how to pick the credentials for Basic Auth header. The supported values are URL and USER_INFO (SASL_INHERIT is not supported by connectd).',
    })
    .define({
      name: 'basic.auth.user.info',
      type: 'PASSWORD',
      default: '',
      importance: 'MEDIUM',
      documentation: 'Specify the user info for Basic Auth in the form of {username}:{password}',
    })
    .define({
      name: 'schema.registry.basic.auth.user.info',
      type: 'PASSWORD',
      default: '',
      importance: 'LOW',
      documentation: 'Deprecated name of basic.auth.user.info.',
    })
    .define({
      name: 'decimal.format',
      type: 'STRING',
      default: 'BASE64',
      validator: LambdaValidator.with(
        (_n, v) => (typeof v === 'string' && ['BASE64', 'NUMERIC'].includes(v.toUpperCase()) ? undefined : 'must be BASE64 or NUMERIC'),
        () => '[BASE64, NUMERIC] (case insensitive)',
      ),
      importance: 'LOW',
      documentation:
        "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
    })
    .define({
      name: 'object.additional.properties',
      type: 'BOOLEAN',
      default: true,
      importance: 'MEDIUM',
      documentation: 'Whether to allow additional properties for object schemas.',
    })
    .define({
      name: 'use.optional.for.nonrequired',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Whether to set non-required properties to be optional.',
    })
    .define({
      name: 'ignore.default.for.nullables',
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation: 'Whether to ignore the default for nullable fields when the value is null',
    })
    .define({
      name: 'http.connect.timeout.ms',
      type: 'INT',
      default: 60000,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Specify the http connection timeout in milliseconds for schema registry client',
    })
    .define({
      name: 'http.read.timeout.ms',
      type: 'INT',
      default: 60000,
      validator: Range.atLeast(1),
      importance: 'LOW',
      documentation: 'Specify the http read timeout in milliseconds for schema registry client',
    });
}

export interface JsonSchemaConverterSettings {
  readonly isKey: boolean;
  readonly registryUrls: readonly string[];
  /** `user:password`, or null to take the URL's user info (or none). */
  readonly userInfo: string | null;
  readonly requestTimeoutMs: number;
  readonly autoRegister: boolean;
  readonly useLatestVersion: boolean;
  readonly subjectNameStrategy: SubjectNameStrategyName;
  readonly failInvalidSchema: boolean;
  readonly schemasCacheSize: number;
  readonly maxSchemasPerSubject: number;
  readonly data: JsonSchemaDataOptions;
}

/** Parses the converter's own keys (prefix removed); throws a ConfigException naming every bad key. */
export function parseJsonSchemaConverterConfig(configs: Readonly<Record<string, string>>, isKey: boolean): JsonSchemaConverterSettings {
  const parsed = jsonSchemaConverterConfigDef().parse(withConverterType(configs, isKey), CONTEXT);
  const source = parsed.getString('basic.auth.credentials.source');
  if (source === 'SASL_INHERIT') {
    throw new ConfigException(
      [
        {
          name: 'basic.auth.credentials.source',
          value: source,
          message: 'SASL_INHERIT is not supported by connectd: use USER_INFO or URL',
        },
      ],
      CONTEXT,
    );
  }
  let userInfo: string | null = null;
  if (source === 'USER_INFO') {
    userInfo =
      parsed.getPassword('basic.auth.user.info')?.value() || parsed.getPassword('schema.registry.basic.auth.user.info')?.value() || '';
    if (!userInfo.includes(':')) {
      throw new ConfigException(
        [
          {
            name: 'basic.auth.user.info',
            value: '[hidden]',
            message: 'basic.auth.credentials.source=USER_INFO needs basic.auth.user.info in the form {username}:{password}',
          },
        ],
        CONTEXT,
      );
    }
  }
  const urls = parsed.getList(SCHEMA_REGISTRY_URL_CONFIG).map((u) => u.trim());
  for (const url of urls) {
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      protocol = '';
    }
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new ConfigException(
        [{ name: SCHEMA_REGISTRY_URL_CONFIG, value: url.replace(/\/\/[^/@]*@/, '//'), message: 'not an http:// or https:// URL' }],
        CONTEXT,
      );
    }
  }
  const strategyKey = isKey ? 'key.subject.name.strategy' : 'value.subject.name.strategy';
  return {
    isKey,
    registryUrls: urls,
    userInfo,
    requestTimeoutMs: parsed.getInt('http.connect.timeout.ms') + parsed.getInt('http.read.timeout.ms'),
    autoRegister: parsed.getBoolean('auto.register.schemas'),
    useLatestVersion: parsed.getBoolean('use.latest.version'),
    subjectNameStrategy: subjectNameStrategy(parsed.getString(strategyKey))!,
    failInvalidSchema: parsed.getBoolean('json.fail.invalid.schema'),
    schemasCacheSize: parsed.getInt('schemas.cache.config'),
    maxSchemasPerSubject: parsed.getInt('max.schemas.per.subject'),
    data: {
      decimalFormat: parsed.getString('decimal.format').toUpperCase() === 'NUMERIC' ? 'NUMERIC' : 'BASE64',
      allowAdditionalProperties: parsed.getBoolean('object.additional.properties'),
      useOptionalForNonRequired: parsed.getBoolean('use.optional.for.nonrequired'),
      ignoreDefaultForNullables: parsed.getBoolean('ignore.default.for.nullables'),
    },
  };
}
