/**
 * Kafka Connect's JsonConverter (`org.apache.kafka.connect.json.JsonConverter`, 4.1.1), byte for
 * byte: test/fixtures/vectors holds what the real one writes and reads, and test/unit/data checks
 * this one against it.
 *
 * With `schemas.enable=true` (the default) every key or value is an envelope,
 * `{"schema":{…},"payload":…}`, and reading requires exactly those two members. With `false`, it is
 * the payload alone and reading infers a schemaless value. The one tombstone: a null schema with a
 * null value writes no bytes (null); a null value under a schema writes `{"schema":…,"payload":null}`
 * (or `null` without envelopes), or the schema's default. Config keys: `schemas.enable`,
 * `schemas.cache.size` (schemas remembered each way, 1000), `decimal.format` (BASE64 or NUMERIC),
 * `replace.null.with.default` (true), `converter.type`.
 *
 * Where it differs from Kafka's reading of odd JSON, and why, is listed in json-data.ts; where the
 * text of a float can differ from what a JDK 17 writes, in java-numbers.ts.
 */
import { LruCache } from '../lru-cache.js';
import { CaseInsensitiveValidString } from '../../sdk/config-def.js';
import type { ConfigDef } from '../../sdk/config-def.js';
import { CONVERTER_TYPE_CONFIG, converterConfigDef, withConverterType } from '../converter.js';
import type { Converter, HeaderConverter } from '../converter.js';
import { DataException } from '../errors.js';
import { SchemaAndValue } from '../schema.js';
import type { Schema } from '../schema.js';
import { readJson, writeJson } from './json-data.js';
import type { DecimalFormat, JsonDataOptions } from './json-data.js';
import { schemaFromJson, schemaToJson } from './json-schema.js';
import { JsonObject, parseJson } from './json-text.js';
import type { JsonValue } from './json-text.js';

const ENVELOPE_ERROR =
  'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. ' +
  'If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.';

function jsonConverterConfigDef(): ConfigDef {
  return converterConfigDef()
    .define({
      name: 'schemas.enable',
      type: 'BOOLEAN',
      default: true,
      importance: 'HIGH',
      documentation: 'Include schemas within each of the serialized values and keys.',
      group: 'Schemas',
      orderInGroup: 0,
      width: 'MEDIUM',
      displayName: 'Enable Schemas',
    })
    .define({
      name: 'schemas.cache.size',
      type: 'INT',
      default: 1000,
      importance: 'HIGH',
      documentation: 'The maximum number of schemas that can be cached in this converter instance.',
      group: 'Schemas',
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Schema Cache Size',
    })
    .define({
      name: 'decimal.format',
      type: 'STRING',
      default: 'BASE64',
      validator: CaseInsensitiveValidString.in('BASE64', 'NUMERIC'),
      importance: 'LOW',
      documentation:
        "Controls which format this converter will serialize decimals in. This value is case insensitive and can be either 'BASE64' (default) or 'NUMERIC'",
      group: 'Serialization',
      orderInGroup: 0,
      width: 'MEDIUM',
      displayName: 'Decimal Format',
    })
    .define({
      name: 'replace.null.with.default',
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
      group: 'Serialization',
      orderInGroup: 1,
      width: 'MEDIUM',
      displayName: 'Replace null with default',
    });
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export class JsonConverter implements Converter, HeaderConverter {
  #schemasEnabled = true;
  #options: JsonDataOptions = { decimalFormat: 'BASE64', replaceNullWithDefault: true };
  /** Schema → its JSON text. By identity: an equal schema that is another object is a miss, with the same result. */
  #fromConnectSchemaCache = new LruCache<Schema, string>(1000);
  /** Schema JSON text (as it appeared in the bytes) → Schema. */
  #toConnectSchemaCache = new LruCache<string, Schema>(1000);

  config(): ConfigDef {
    return jsonConverterConfigDef();
  }

  /** Usable unconfigured, with Kafka's defaults; configure replaces them. */
  configure(configs: Readonly<Record<string, string>>, isKey?: boolean): void {
    const own = isKey === undefined ? { [CONVERTER_TYPE_CONFIG]: 'header', ...configs } : withConverterType(configs, isKey);
    const parsed = jsonConverterConfigDef().parse(own, 'JsonConverter configuration');
    this.#schemasEnabled = parsed.getBoolean('schemas.enable');
    this.#options = {
      decimalFormat: parsed.getString('decimal.format').toUpperCase() as DecimalFormat,
      replaceNullWithDefault: parsed.getBoolean('replace.null.with.default'),
    };
    const cacheSize = parsed.getInt('schemas.cache.size');
    this.#fromConnectSchemaCache = new LruCache(cacheSize);
    this.#toConnectSchemaCache = new LruCache(cacheSize);
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema === null && (value === null || value === undefined)) return null;
    const payload = writeJson(schema, value, this.#options);
    const text = this.#schemasEnabled ? `{"schema":${this.asJsonSchema(schema)},"payload":${payload}}` : payload;
    return utf8Encoder.encode(text);
  }

  toConnectData(_topic: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return SchemaAndValue.NULL;
    let text: string;
    let node: JsonValue | undefined;
    try {
      text = utf8Decoder.decode(value);
      node = parseJson(text);
    } catch (err) {
      throw new DataException(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`, {
        cause: err,
      });
    }
    if (!this.#schemasEnabled) return new SchemaAndValue(null, readJson(null, node, this.#options));
    if (!(node instanceof JsonObject) || node.size !== 2 || !node.has('schema') || !node.has('payload'))
      throw new DataException(ENVELOPE_ERROR);
    const schemaNode = node.get('schema')!;
    const schema = this.#schemaOf(schemaNode, text);
    return new SchemaAndValue(schema, readJson(schema, node.get('payload'), this.#options));
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, value);
  }

  /** The JSON text of a schema as the envelope carries it (Kafka's asJsonSchema, as text); `null` for none. */
  asJsonSchema(schema: Schema | null): string {
    if (schema === null) return 'null';
    let json = this.#fromConnectSchemaCache.get(schema);
    if (json === undefined) {
      json = schemaToJson(schema, this.#options);
      this.#fromConnectSchemaCache.set(schema, json);
    }
    return json;
  }

  /** The schema of an envelope's schema JSON (Kafka's asConnectSchema); null for a JSON null. */
  asConnectSchema(json: string): Schema | null {
    const node = parseJson(json);
    if (node === undefined) throw new DataException("Schema must contain 'type' field");
    return this.#schemaOf(node, json);
  }

  close(): void {}

  #schemaOf(node: JsonValue, text: string): Schema | null {
    if (!(node instanceof JsonObject)) return schemaFromJson(node, this.#options);
    const key = text.slice(node.start, node.end);
    let schema = this.#toConnectSchemaCache.get(key);
    if (schema === undefined) {
      const built = schemaFromJson(node, this.#options);
      if (built === null) return null;
      schema = built;
      this.#toConnectSchemaCache.set(key, schema);
    }
    return schema;
  }

  /** For tests: how many schemas each cache holds. */
  get cachedSchemaCounts(): { fromConnect: number; toConnect: number } {
    return { fromConnect: this.#fromConnectSchemaCache.size, toConnect: this.#toConnectSchemaCache.size };
  }
}
