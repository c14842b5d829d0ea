/**
 * The converter registry: the class names `key.converter`, `value.converter` and `header.converter`
 * accept, as Kafka Connect accepts them (full class name, simple name, and the simple name without
 * its "Converter" suffix, e.g. `org.apache.kafka.connect.json.JsonConverter`, `JsonConverter`,
 * `Json`), so that a worker.properties written for Kafka Connect works here. Converters run in
 * worker threads, never on the supervisor's thread.
 *
 * The contracts are in converter.ts; each converter has its own module.
 */
import { ConfigException } from '../sdk/config-def.js';
import { AvroConverter } from './avro/avro-converter.js';
import { ByteArrayConverter } from './byte-array-converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import { JsonConverter } from './json/json-converter.js';
import { JsonSchemaConverter } from './json-schema/json-schema-converter.js';
import { ProtobufConverter } from './protobuf/protobuf-converter.js';
import { BooleanConverter, DoubleConverter, FloatConverter, IntegerConverter, LongConverter, ShortConverter } from './number-converters.js';
import { SimpleHeaderConverter } from './simple-header-converter.js';
import { StringConverter } from './string-converter.js';

export type { Converter, ConverterHeaders, HeaderConverter, SyncConverter } from './converter.js';
export { AvroConverter } from './avro/avro-converter.js';
export { ByteArrayConverter } from './byte-array-converter.js';
export { JsonConverter } from './json/json-converter.js';
export { JsonSchemaConverter } from './json-schema/json-schema-converter.js';
export { ProtobufConverter } from './protobuf/protobuf-converter.js';
export { BooleanConverter, DoubleConverter, FloatConverter, IntegerConverter, LongConverter, ShortConverter } from './number-converters.js';
export { SimpleHeaderConverter } from './simple-header-converter.js';
export { StringConverter } from './string-converter.js';

type ConverterClass = new () => Converter & HeaderConverter;
type HeaderConverterClass = new () => HeaderConverter;
type ConverterOnlyClass = new () => Converter;

const CONVERTER_CLASSES: readonly [string, ConverterClass][] = [
  ['org.apache.kafka.connect.storage.StringConverter', StringConverter],
  ['org.apache.kafka.connect.converters.ByteArrayConverter', ByteArrayConverter],
  ['org.apache.kafka.connect.json.JsonConverter', JsonConverter],
  ['org.apache.kafka.connect.converters.ShortConverter', ShortConverter],
  ['org.apache.kafka.connect.converters.IntegerConverter', IntegerConverter],
  ['org.apache.kafka.connect.converters.LongConverter', LongConverter],
  ['org.apache.kafka.connect.converters.FloatConverter', FloatConverter],
  ['org.apache.kafka.connect.converters.DoubleConverter', DoubleConverter],
  ['org.apache.kafka.connect.converters.BooleanConverter', BooleanConverter],
];

/**
 * Converters that are not header converters: Confluent's AvroConverter, JsonSchemaConverter and
 * ProtobufConverter (they
 * may wait for Schema Registry, which header conversion never does).
 */
const CONVERTER_ONLY_CLASSES: readonly [string, ConverterOnlyClass][] = [
  ['io.confluent.connect.avro.AvroConverter', AvroConverter],
  ['io.confluent.connect.json.JsonSchemaConverter', JsonSchemaConverter],
  ['io.confluent.connect.protobuf.ProtobufConverter', ProtobufConverter],
];

/** Every converter above is also a header converter, as in Kafka; SimpleHeaderConverter is only one. */
const HEADER_CONVERTER_CLASSES: readonly [string, HeaderConverterClass][] = [
  ['org.apache.kafka.connect.storage.SimpleHeaderConverter', SimpleHeaderConverter],
  ...CONVERTER_CLASSES,
];

/** Kafka's plugin aliases: the simple name, and the simple name without the plugin type's suffix. */
function withAliases<T>(classes: readonly [string, T][], suffix: string): ReadonlyMap<string, T> {
  const names = new Map<string, T>();
  for (const [fullName, klass] of classes) {
    const simple = fullName.slice(fullName.lastIndexOf('.') + 1);
    names.set(fullName, klass);
    names.set(simple, klass);
    const cut = simple.lastIndexOf(suffix);
    if (cut > 0) names.set(simple.slice(0, cut), klass);
  }
  return names;
}

const CONVERTERS = withAliases<ConverterOnlyClass>([...CONVERTER_CLASSES, ...CONVERTER_ONLY_CLASSES], 'Converter');
const HEADER_CONVERTERS = withAliases(HEADER_CONVERTER_CLASSES, 'HeaderConverter');

export function knownConverterClasses(): string[] {
  return [...CONVERTERS.keys()];
}

export function knownHeaderConverterClasses(): string[] {
  return [...HEADER_CONVERTERS.keys()];
}

function ownConfigs(config: Readonly<Record<string, string>>, prefix: string): Record<string, string> {
  const own: Record<string, string> = {};
  const dotted = `${prefix}.`;
  for (const [k, v] of Object.entries(config)) if (k.startsWith(dotted)) own[k.slice(dotted.length)] = v;
  return own;
}

function unknownClass(prefix: string, className: string | undefined, known: string[]): ConfigException {
  const message =
    className === undefined || className === ''
      ? 'Missing required configuration with no default value: name a converter class, e.g. org.apache.kafka.connect.storage.StringConverter'
      : `unknown converter class (known: ${known.join(', ')})`;
  return new ConfigException([{ name: prefix, value: className === undefined || className === '' ? null : className, message }]);
}

/**
 * Builds the converter named by `<prefix>` (e.g. `value.converter`) in `config`, configured with the
 * keys under `<prefix>.`. Throws a ConfigException for an unknown class or invalid converter keys.
 */
export function createConverter(config: Readonly<Record<string, string>>, prefix: 'key.converter' | 'value.converter'): Converter {
  const className = config[prefix];
  const Klass = className === undefined ? undefined : CONVERTERS.get(className);
  if (Klass === undefined) throw unknownClass(prefix, className, knownConverterClasses());
  const converter = new Klass();
  converter.configure(ownConfigs(config, prefix), prefix === 'key.converter');
  return converter;
}

/**
 * Builds the header converter named by `header.converter` (SimpleHeaderConverter when unset, Kafka
 * Connect's default), configured with the keys under `header.converter.` and `converter.type=header`.
 */
export function createHeaderConverter(config: Readonly<Record<string, string>>): HeaderConverter {
  const prefix = 'header.converter';
  const className = config[prefix] ?? 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
  const Klass = HEADER_CONVERTERS.get(className);
  if (Klass === undefined) throw unknownClass(prefix, className, knownHeaderConverterClasses());
  const converter = new Klass();
  converter.configure({ ...ownConfigs(config, prefix), 'converter.type': 'header' });
  return converter;
}
