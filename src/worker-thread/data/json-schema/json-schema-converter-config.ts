/**
 * The JsonSchemaConverter's configuration: the Schema Registry keys every registry converter shares
 * (../schema-registry/registry-config.ts) and Confluent's KafkaJsonSchemaSerializerConfig and
 * JsonSchemaDataConfig keys, with their defaults, so that a worker.properties written for Confluent's converter works unchanged:
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
import { ConfigDef, LambdaValidator } from '../../sdk/config-def.js';
import { withConverterType } from '../converter.js';
import { parseSchemaRegistrySettings, schemaRegistryConverterConfigDef } from '../schema-registry/registry-config.js';
import type { SchemaRegistrySettings } from '../schema-registry/registry-config.js';
import type { JsonSchemaDataOptions } from './json-schema-data-options.js';

export { SCHEMA_REGISTRY_URL_CONFIG } from '../schema-registry/registry-config.js';

const CONTEXT = 'JsonSchemaConverter configuration';

export function jsonSchemaConverterConfigDef(): ConfigDef {
  return schemaRegistryConverterConfigDef(
    'Whether to check for backward compatibility between the latest subject version and the Schema of the object to be serialized. Accepted; connectd validates values against the latest schema only with json.fail.invalid.schema=true.',
  )
    .define({
      name: 'json.fail.invalid.schema',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Whether to fail serialization and deserialization if the payload is not valid under its JSON Schema.',
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
    });
}

export interface JsonSchemaConverterSettings extends SchemaRegistrySettings {
  readonly failInvalidSchema: boolean;
  readonly data: JsonSchemaDataOptions;
}

/** Parses the converter's own keys (prefix removed); throws a ConfigException naming every bad key. */
export function parseJsonSchemaConverterConfig(configs: Readonly<Record<string, string>>, isKey: boolean): JsonSchemaConverterSettings {
  const parsed = jsonSchemaConverterConfigDef().parse(withConverterType(configs, isKey), CONTEXT);
  return {
    ...parseSchemaRegistrySettings(parsed, isKey, CONTEXT),
    failInvalidSchema: parsed.getBoolean('json.fail.invalid.schema'),
    data: {
      decimalFormat: parsed.getString('decimal.format').toUpperCase() === 'NUMERIC' ? 'NUMERIC' : 'BASE64',
      allowAdditionalProperties: parsed.getBoolean('object.additional.properties'),
      useOptionalForNonRequired: parsed.getBoolean('use.optional.for.nonrequired'),
      ignoreDefaultForNullables: parsed.getBoolean('ignore.default.for.nullables'),
    },
  };
}
