/**
 * Converters turn connector values into the bytes written to Kafka (`fromConnectData`). They run in
 * worker threads, never on the supervisor's thread. Names and aliases follow Kafka Connect so that
 * a worker.properties written for it works here.
 */

export interface Converter {
  /** `configs` are the converter's own keys (prefix stripped), e.g. `schemas.enable`. */
  configure(configs: Readonly<Record<string, string>>, isKey: boolean): void;
  fromConnectData(topic: string, value: unknown): Uint8Array | null;
}

const utf8 = new TextEncoder();

/** Kafka Connect's StringConverter: any value as its UTF-8 string; null stays null. */
export class StringConverter implements Converter {
  configure(): void {}
  fromConnectData(topic: string, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return utf8.encode(value);
    if (value instanceof Uint8Array) return value;
    if (typeof value === 'object') return utf8.encode(JSON.stringify(value));
    if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return utf8.encode(String(value));
    throw new TypeError(`StringConverter: cannot convert a ${typeof value} for topic ${topic}`);
  }
}

/** Kafka Connect's ByteArrayConverter: the value must already be bytes. */
export class ByteArrayConverter implements Converter {
  configure(): void {}
  fromConnectData(topic: string, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return value;
    throw new TypeError(`ByteArrayConverter: the value for topic ${topic} is a ${typeof value}, not bytes (Uint8Array/Buffer)`);
  }
}

type ConverterClass = new () => Converter;

/** Full Kafka Connect class names and short aliases, as `key.converter`/`value.converter` accept. */
const CONVERTERS: ReadonlyMap<string, ConverterClass> = new Map<string, ConverterClass>([
  ['org.apache.kafka.connect.storage.StringConverter', StringConverter],
  ['StringConverter', StringConverter],
  ['org.apache.kafka.connect.converters.ByteArrayConverter', ByteArrayConverter],
  ['ByteArrayConverter', ByteArrayConverter],
]);

export function knownConverterClasses(): string[] {
  return [...CONVERTERS.keys()];
}

/**
 * Builds the converter named by `<prefix>` (e.g. `value.converter`) in `config`, configured with the
 * keys under `<prefix>.`.
 */
export function createConverter(config: Readonly<Record<string, string>>, prefix: 'key.converter' | 'value.converter'): Converter {
  const className = config[prefix];
  if (className === undefined || className === '') {
    throw new Error(`${prefix} is not set: name a converter class, e.g. org.apache.kafka.connect.storage.StringConverter`);
  }
  const Klass = CONVERTERS.get(className);
  if (Klass === undefined) {
    throw new Error(`${prefix}=${className}: unknown converter class (known: ${knownConverterClasses().join(', ')})`);
  }
  const own: Record<string, string> = {};
  const dotted = `${prefix}.`;
  for (const [k, v] of Object.entries(config)) if (k.startsWith(dotted)) own[k.slice(dotted.length)] = v;
  const converter = new Klass();
  converter.configure(own, prefix === 'key.converter');
  return converter;
}
