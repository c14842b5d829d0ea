/**
 * The configuration keys every Schema Registry converter shares (Confluent's
 * AbstractKafkaSchemaSerDeConfig and SchemaRegistryClientConfig), with their defaults, so that a
 * worker.properties written for Kafka Connect with Confluent's Avro, Protobuf or JSON Schema
 * converter works unchanged:
 *
 * | key                                   | default                | meaning |
 * |---------------------------------------|------------------------|---------|
 * | schema.registry.url                   | (required)             | comma-separated registry URLs |
 * | auto.register.schemas                 | true                   | register schemas (else look them up) |
 * | use.latest.version                    | false                  | write with the subject's latest schema (when not auto-registering) |
 * | latest.compatibility.strict           | true                   | accepted; the latest schema must always be able to read ours |
 * | key.subject.name.strategy / value.subject.name.strategy | TopicNameStrategy | TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (full or simple name) |
 * | schemas.cache.config                  | 1000                   | Connect ↔ registry schemas kept each way |
 * | max.schemas.per.subject               | 1000                   | registry ids kept (schema, subject) |
 * | basic.auth.credentials.source         | URL                    | URL (user info in the URL) or USER_INFO |
 * | basic.auth.user.info                  | ""                     | `user:password` (a secret: never logged or shown) |
 * | schema.registry.basic.auth.user.info  | ""                     | Confluent's deprecated name of the same |
 * | http.connect.timeout.ms / http.read.timeout.ms | 60000 / 60000 | a registry request's deadline is their sum |
 *
 * Each converter adds its format's own keys (avro-converter-config.ts, protobuf-converter-config.ts,
 * json-schema-converter-config.ts).
 */
import { ConfigDef, ConfigException, LambdaValidator, Range, ValidString } from '../../sdk/config-def.js';
import type { ParsedConfig, ParsedValue } from '../../sdk/config-def.js';
import { converterConfigDef } from '../converter.js';
import { DEFAULT_SUBJECT_NAME_STRATEGY, SUBJECT_NAME_STRATEGIES, subjectNameStrategy } from './subject-name-strategy.js';
import type { SubjectNameStrategyName } from './subject-name-strategy.js';

export const SCHEMA_REGISTRY_URL_CONFIG = 'schema.registry.url';

const strategyValidator = LambdaValidator.with(
  (_name: string, value: ParsedValue) =>
    typeof value === 'string' && subjectNameStrategy(value) !== undefined
      ? undefined
      : `must be one of ${SUBJECT_NAME_STRATEGIES.join(', ')} (simple or io.confluent.kafka.serializers.subject. name)`,
  () => `[${SUBJECT_NAME_STRATEGIES.join(', ')}]`,
);

const LATEST_COMPATIBILITY_STRICT_DOC =
  'Whether to check for backward compatibility between the latest subject version and the Schema of the object to be serialized. connectd always checks: it cannot write a value the latest schema could not read.';

/**
 * The converter's `converter.type` key and the registry keys above. `latestCompatibilityStrictDoc`
 * replaces latest.compatibility.strict's documentation for a converter that checks differently.
 */
export function schemaRegistryConverterConfigDef(latestCompatibilityStrictDoc: string = LATEST_COMPATIBILITY_STRICT_DOC): ConfigDef {
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
      documentation: latestCompatibilityStrictDoc,
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

export interface SchemaRegistrySettings {
  readonly isKey: boolean;
  readonly registryUrls: readonly string[];
  /** `user:password`, or null to take the URL's user info (or none). */
  readonly userInfo: string | null;
  readonly requestTimeoutMs: number;
  readonly autoRegister: boolean;
  readonly useLatestVersion: boolean;
  readonly subjectNameStrategy: SubjectNameStrategyName;
  readonly schemasCacheSize: number;
  readonly maxSchemasPerSubject: number;
}

/**
 * The registry settings of parsed converter keys; throws a ConfigException naming the key for what
 * the ConfigDef's validators cannot see (SASL_INHERIT, user info without a colon, a URL that is not
 * http(s)). `context` names the converter in the message, e.g. "AvroConverter configuration".
 */
export function parseSchemaRegistrySettings(parsed: ParsedConfig, isKey: boolean, context: string): SchemaRegistrySettings {
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
      context,
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
        context,
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
        context,
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
    schemasCacheSize: parsed.getInt('schemas.cache.config'),
    maxSchemasPerSubject: parsed.getInt('max.schemas.per.subject'),
  };
}
