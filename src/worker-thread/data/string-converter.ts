/**
 * Kafka Connect's StringConverter (`org.apache.kafka.connect.storage.StringConverter`): a value as
 * the UTF-8 bytes of its Java toString(), whatever the schema; bytes read back as an optional string.
 *
 * toString() is Java's for the Connect value types (see javaToString: `1.0` for a FLOAT64 1,
 * `Struct{a=1}` for a Struct). Two JavaScript-specific cases keep connectd's earlier behaviour, as
 * Java's would be useless there: bytes are written as they are (Java writes an object identity such
 * as `[B@1b6d3586`), and a plain object or array is written as JSON.
 */
import { ConfigDef } from '../sdk/config-def.js';
import { converterConfigDef, withConverterType } from './converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import { DataException, DataTypeError, describeValue } from './errors.js';
import { isPlainObject } from './equality.js';
import { Schema, SchemaAndValue } from './schema.js';
import { Struct, javaToString } from './struct.js';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function stringConverterConfigDef(): ConfigDef {
  return converterConfigDef().define({
    name: 'converter.encoding',
    type: 'STRING',
    default: 'UTF8',
    importance: 'HIGH',
    documentation: 'The name of the Java character set to use for encoding strings as byte arrays.',
    width: 'MEDIUM',
    displayName: 'Encoding',
  });
}

export class StringConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return stringConverterConfigDef();
  }

  /** Only UTF-8 is supported (`UTF8`, `UTF-8`, any case); another encoding is a configuration error. */
  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    const own = isKey === undefined ? { 'converter.type': 'header', ...configs } : withConverterType(configs, isKey);
    const encoding = stringConverterConfigDef().parse(own, 'StringConverter configuration').getString('converter.encoding');
    if (!/^utf-?8$/i.test(encoding)) {
      throw new DataException(`StringConverter: converter.encoding=${encoding} is not supported; connectd reads and writes UTF-8 only`);
    }
  }

  utf8Of(_schema: Schema | null, value: unknown): string | undefined {
    return typeof value === 'string' ? value : undefined;
  }

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return utf8.encode(value);
    if (value instanceof Uint8Array) return value;
    if (
      typeof value === 'number' ||
      typeof value === 'bigint' ||
      typeof value === 'boolean' ||
      value instanceof Struct ||
      value instanceof Date ||
      value instanceof Map
    ) {
      return utf8.encode(javaToString(schema, value));
    }
    if (typeof value === 'object' && (Array.isArray(value) || isPlainObject(value))) {
      return utf8.encode(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
    }
    if (typeof value === 'object' && typeof (value as { toString?: unknown }).toString === 'function')
      return utf8.encode((value as { toString(): string }).toString());
    throw new DataTypeError(`StringConverter: cannot convert a ${describeValue(value)} for topic ${topic}`);
  }

  toConnectData(_topic: string, value: Uint8Array | null): SchemaAndValue {
    return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, value === null ? null : utf8Decoder.decode(value));
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, value);
  }

  close(): void {}
}
