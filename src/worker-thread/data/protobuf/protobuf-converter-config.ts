/**
 * The ProtobufConverter's configuration: the Schema Registry keys every registry converter shares
 * (../schema-registry/registry-config.ts) and ProtobufDataConfig's, with Confluent's defaults:
 *
 * | key                               | default | meaning |
 * |-----------------------------------|---------|---------|
 * | wrapper.for.nullables             | false   | optional primitives as google.protobuf.*Value messages, so null survives |
 * | enhanced.protobuf.schema.support  | false   | read message names with their package |
 */
import type { ConfigDef } from '../../sdk/config-def.js';
import { withConverterType } from '../converter.js';
import { parseSchemaRegistrySettings, schemaRegistryConverterConfigDef } from '../schema-registry/registry-config.js';
import type { SchemaRegistrySettings } from '../schema-registry/registry-config.js';
import type { ProtobufDataOptions } from './protobuf-names.js';

export function protobufConverterConfigDef(): ConfigDef {
  return schemaRegistryConverterConfigDef()
    .define({
      name: 'wrapper.for.nullables',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Whether nullable fields should use primitive wrapper messages',
    })
    .define({
      name: 'enhanced.protobuf.schema.support',
      type: 'BOOLEAN',
      default: false,
      importance: 'MEDIUM',
      documentation: 'Toggle for enabling/disabling enhanced protobuf schema support: package name preservation',
    });
}

export interface ProtobufConverterSettings extends SchemaRegistrySettings {
  readonly data: ProtobufDataOptions;
}

/** Parses the converter's own keys (prefix removed); throws a ConfigException naming every bad key. */
export function parseProtobufConverterConfig(configs: Readonly<Record<string, string>>, isKey: boolean): ProtobufConverterSettings {
  const context = 'ProtobufConverter configuration';
  const parsed = protobufConverterConfigDef().parse(withConverterType(configs, isKey), context);
  return {
    ...parseSchemaRegistrySettings(parsed, isKey, context),
    data: {
      wrapperForNullables: parsed.getBoolean('wrapper.for.nullables'),
      enhancedSchemaSupport: parsed.getBoolean('enhanced.protobuf.schema.support'),
    },
  };
}
