/**
 * The AvroConverter's configuration: the Schema Registry keys every registry converter shares
 * (../schema-registry/registry-config.ts) and AvroDataConfig's, with Confluent's defaults, so that a
 * worker.properties written for Kafka Connect with Confluent's converter works unchanged:
 *
 * | key                                   | default                | meaning |
 * |---------------------------------------|------------------------|---------|
 * | schema.registry.url                   | (required)             | comma-separated registry URLs |
 * | auto.register.schemas                 | true                   | register schemas (else look them up) |
 * | use.latest.version                    | false                  | write with the subject's latest schema (when not auto-registering) |
 * | latest.compatibility.strict           | true                   | accepted; the latest schema must always be able to read ours |
 * | key.subject.name.strategy / value.subject.name.strategy | TopicNameStrategy | TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy (full or simple name) |
 * | schemas.cache.config                  | 1000                   | Connect ↔ Avro schemas kept each way |
 * | max.schemas.per.subject               | 1000                   | registry ids kept (schema, subject) |
 * | basic.auth.credentials.source         | URL                    | URL (user info in the URL) or USER_INFO |
 * | basic.auth.user.info                  | ""                     | `user:password` (a secret: never logged or shown) |
 * | schema.registry.basic.auth.user.info  | ""                     | Confluent's deprecated name of the same |
 * | enhanced.avro.schema.support          | false                  | keep Avro enums; name union members by full name |
 * | connect.meta.data                     | true                   | write and read the connect.* schema properties |
 * | allow.optional.map.keys               | false                  | an optional STRING key still makes an Avro map |
 * | http.connect.timeout.ms / http.read.timeout.ms | 60000 / 60000 | a registry request's deadline is their sum |
 */
import { ConfigDef } from '../../sdk/config-def.js';
import { withConverterType } from '../converter.js';
import type { AvroDataOptions } from './avro-data-names.js';
import { parseSchemaRegistrySettings, schemaRegistryConverterConfigDef } from '../schema-registry/registry-config.js';
import type { SchemaRegistrySettings } from '../schema-registry/registry-config.js';

export { SCHEMA_REGISTRY_URL_CONFIG } from '../schema-registry/registry-config.js';

export function avroConverterConfigDef(): ConfigDef {
  return schemaRegistryConverterConfigDef()
    .define({
      name: 'enhanced.avro.schema.support',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Toggle for enabling/disabling enhanced avro schema support: Enum symbol preservation and Package Name awareness',
    })
    .define({
      name: 'connect.meta.data',
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation: 'Toggle for enabling/disabling connect converter to add its meta data to the output schema or not',
    })
    .define({
      name: 'allow.optional.map.keys',
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation: 'Allow optional string map key when converting from Connect Schema to Avro Schema.',
    });
}

export interface AvroConverterSettings extends SchemaRegistrySettings {
  readonly data: AvroDataOptions;
}

/** Parses the converter's own keys (prefix removed); throws a ConfigException naming every bad key. */
export function parseAvroConverterConfig(configs: Readonly<Record<string, string>>, isKey: boolean): AvroConverterSettings {
  const context = 'AvroConverter configuration';
  const parsed = avroConverterConfigDef().parse(withConverterType(configs, isKey), context);
  return {
    ...parseSchemaRegistrySettings(parsed, isKey, context),
    data: {
      connectMetaData: parsed.getBoolean('connect.meta.data'),
      enhancedSchemaSupport: parsed.getBoolean('enhanced.avro.schema.support'),
      allowOptionalMapKeys: parsed.getBoolean('allow.optional.map.keys'),
    },
  };
}
