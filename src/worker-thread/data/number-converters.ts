/**
 * Kafka Connect's number converters (`org.apache.kafka.connect.converters.ShortConverter`,
 * IntegerConverter, LongConverter, FloatConverter, DoubleConverter) and BooleanConverter: one value
 * as Kafka's Short/Integer/Long/Float/Double/BooleanSerializer writes it, big-endian, 2/4/8/4/8/1
 * bytes; read back with the converter's optional schema. A LongConverter reads a bigint (the INT64
 * rule in schema.ts).
 *
 * Java refuses a value of another boxed type (an Integer for ShortConverter). JavaScript has one
 * number type, so these accept any number that the target type holds exactly (an integer in range;
 * for LongConverter a bigint or a safe integer; for FloatConverter any number, rounded to float32)
 * and refuse the rest. Like Kafka's number converters, they ignore the schema; BooleanConverter, like
 * Kafka's, refuses a schema that is not BOOLEAN.
 */
import type { ConfigDef } from '../sdk/config-def.js';
import { converterConfigDef } from './converter.js';
import type { Converter, HeaderConverter } from './converter.js';
import { DataException, DataTypeError, describeValue } from './errors.js';
import { Schema, SchemaAndValue, SchemaType } from './schema.js';

interface NumberFormat {
  /** Kafka's display name: "short", "integer", … */
  readonly typeName: string;
  /** The Kafka deserializer named in "Size of data received by … is not N". */
  readonly deserializer: string;
  readonly size: number;
  readonly schema: Schema;
  write(view: DataView, value: unknown): string | undefined;
  read(view: DataView): unknown;
}

const integer =
  (min: number, max: number, set: (view: DataView, n: number) => void) =>
  (view: DataView, value: unknown): string | undefined => {
    const n = typeof value === 'bigint' && value >= BigInt(min) && value <= BigInt(max) ? Number(value) : value;
    if (typeof n !== 'number') return `expected a number, got ${describeValue(value)}`;
    if (!Number.isInteger(n) || n < min || n > max) return `${describeValue(value)} is not an integer in ${min}..${max}`;
    set(view, n);
    return undefined;
  };

const SHORT: NumberFormat = {
  typeName: 'short',
  deserializer: 'ShortDeserializer',
  size: 2,
  schema: Schema.OPTIONAL_INT16_SCHEMA,
  write: integer(-32768, 32767, (v, n) => v.setInt16(0, n)),
  read: (v) => v.getInt16(0),
};

const INTEGER: NumberFormat = {
  typeName: 'integer',
  deserializer: 'IntegerDeserializer',
  size: 4,
  schema: Schema.OPTIONAL_INT32_SCHEMA,
  write: integer(-2147483648, 2147483647, (v, n) => v.setInt32(0, n)),
  read: (v) => v.getInt32(0),
};

const LONG: NumberFormat = {
  typeName: 'long',
  deserializer: 'LongDeserializer',
  size: 8,
  schema: Schema.OPTIONAL_INT64_SCHEMA,
  write(view, value) {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) return `${describeValue(value)} is not a safe integer: pass a bigint`;
      value = BigInt(value);
    }
    if (typeof value !== 'bigint') return `expected a bigint, got ${describeValue(value)}`;
    if (value !== BigInt.asIntN(64, value)) return `${describeValue(value)} is outside the 64-bit range`;
    view.setBigInt64(0, value);
    return undefined;
  },
  read: (v) => v.getBigInt64(0),
};

const FLOAT: NumberFormat = {
  typeName: 'float',
  // Kafka's FloatDeserializer and DoubleDeserializer name no class in this message.
  deserializer: 'Deserializer',
  size: 4,
  schema: Schema.OPTIONAL_FLOAT32_SCHEMA,
  write(view, value) {
    if (typeof value !== 'number') return `expected a number, got ${describeValue(value)}`;
    view.setFloat32(0, value);
    return undefined;
  },
  read: (v) => v.getFloat32(0),
};

const DOUBLE: NumberFormat = {
  typeName: 'double',
  deserializer: 'Deserializer',
  size: 8,
  schema: Schema.OPTIONAL_FLOAT64_SCHEMA,
  write(view, value) {
    if (typeof value !== 'number') return `expected a number, got ${describeValue(value)}`;
    view.setFloat64(0, value);
    return undefined;
  },
  read: (v) => v.getFloat64(0),
};

abstract class NumberConverter implements Converter, HeaderConverter {
  constructor(private readonly format: NumberFormat) {}

  config(): ConfigDef {
    return converterConfigDef();
  }

  configure(): void {}

  fromConnectData(topic: string, _schema: Schema | null, value: unknown): Uint8Array | null {
    if (value === null || value === undefined) return null;
    const bytes = new Uint8Array(this.format.size);
    const problem = this.format.write(new DataView(bytes.buffer), value);
    if (problem !== undefined) throw new DataTypeError(`Failed to serialize to ${this.format.typeName} for topic ${topic}: ${problem}`);
    return bytes;
  }

  toConnectData(_topic: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return new SchemaAndValue(this.format.schema, null);
    if (value.byteLength !== this.format.size) {
      throw new DataException(
        `Failed to deserialize ${this.format.typeName}: Size of data received by ${this.format.deserializer} is not ${this.format.size}`,
      );
    }
    return new SchemaAndValue(this.format.schema, this.format.read(new DataView(value.buffer, value.byteOffset, value.byteLength)));
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, value);
  }

  close(): void {}
}

export class ShortConverter extends NumberConverter {
  constructor() {
    super(SHORT);
  }
}

export class IntegerConverter extends NumberConverter {
  constructor() {
    super(INTEGER);
  }
}

export class LongConverter extends NumberConverter {
  constructor() {
    super(LONG);
  }
}

export class FloatConverter extends NumberConverter {
  constructor() {
    super(FLOAT);
  }
}

export class DoubleConverter extends NumberConverter {
  constructor() {
    super(DOUBLE);
  }
}

export class BooleanConverter implements Converter, HeaderConverter {
  config(): ConfigDef {
    return converterConfigDef();
  }

  configure(): void {}

  fromConnectData(topic: string, schema: Schema | null, value: unknown): Uint8Array | null {
    if (schema !== null && schema.type !== SchemaType.BOOLEAN)
      throw new DataException(`Invalid schema type for BooleanConverter: ${schema.type}`);
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean')
      throw new DataTypeError(`BooleanConverter is not compatible with a ${describeValue(value)} (topic ${topic})`);
    return Uint8Array.of(value ? 1 : 0);
  }

  toConnectData(_topic: string, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, null);
    if (value.byteLength !== 1)
      throw new DataException('Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1');
    if (value[0] !== 0 && value[0] !== 1)
      throw new DataException(`Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${value[0]}`);
    return new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, value[0] === 1);
  }

  fromConnectHeader(topic: string, _headerKey: string, schema: Schema | null, value: unknown): Uint8Array | null {
    return this.fromConnectData(topic, schema, value);
  }

  toConnectHeader(topic: string, _headerKey: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, value);
  }

  close(): void {}
}
