/**
 * Kafka Connect's ByteArrayConverter (`org.apache.kafka.connect.converters.ByteArrayConverter`):
 * the value must already be bytes; read back as optional BYTES. A schema, when given, must be BYTES.
 */
import type { ConfigDef } from '../sdk/config-def.js';
import { converterConfigDef } from './converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import { DataException, DataTypeError, describeValue } from './errors.js';
import { Schema, SchemaAndValue, SchemaType } from './schema.js';

export class ByteArrayConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return converterConfigDef();
  }

  configure(): void {}

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema !== null && schema.type !== SchemaType.BYTES)
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type} (topic ${topic})`);
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return value;
    throw new DataTypeError(`ByteArrayConverter: the value for topic ${topic} is a ${describeValue(value)}, not bytes (Uint8Array/Buffer)`);
  }

  toConnectData(_topic: string, value: Uint8Array | null): SchemaAndValue {
    return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, value);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, value);
  }

  close(): void {}
}
