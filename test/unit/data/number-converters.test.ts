/**
 * The number converters and BooleanConverter against Kafka 4.1.1's (test/fixtures/vectors/
 * number-converters.json): the same big-endian bytes, the same values and schemas read back, the
 * same refusals of byte strings of the wrong length.
 */
import t from 'tap';
import type { SyncConverter } from '../../../src/worker-thread/data/converter.js';
import {
  BooleanConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
} from '../../../src/worker-thread/data/number-converters.js';
import { Schema } from '../../../src/worker-thread/data/schema.js';
import { schemasEqual } from '../../../src/worker-thread/data/schema.js';
import { decodeSchema, decodeValue, differenceBetween, loadVectors } from './vectors.js';
import type { ErrorDescription, SchemaAndValueDescription, SchemaDescription, TaggedValue } from './vectors.js';

interface ConverterVectors {
  class: string;
  schema: SchemaDescription;
  values: { value: TaggedValue; hex: string | null; read: SchemaAndValueDescription }[];
  reads: { hex: string; read?: SchemaAndValueDescription; error?: ErrorDescription }[];
}

const vectors = loadVectors<Record<string, ConverterVectors>>('number-converters.json');
const CONVERTERS: Record<string, new () => SyncConverter> = {
  ShortConverter,
  IntegerConverter,
  LongConverter,
  FloatConverter,
  DoubleConverter,
  BooleanConverter,
};
const hex = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('hex'));

for (const [name, Klass] of Object.entries(CONVERTERS)) {
  t.test(name, async (t) => {
    const v = vectors[name]!;
    const c = new Klass();
    c.configure({}, false);
    const schema = decodeSchema(v.schema);
    for (const { value, hex: expected, read } of v.values) {
      const input = decodeValue(value, schema);
      const written = c.fromConnectData('t', null, input);
      t.equal(hex(written), expected, `writes ${String(input)} as Kafka does`);
      const back = c.toConnectData('t', written);
      t.ok(schemasEqual(back.schema, decodeSchema(read.schema)), 'the optional schema');
      t.equal(differenceBetween(back.value, decodeValue(read.value, back.schema)), undefined, 'reads the value back as Kafka does');
    }
    for (const r of v.reads) {
      const bytes = new Uint8Array(Buffer.from(r.hex, 'hex'));
      if (r.error !== undefined) {
        t.throws(
          () => c.toConnectData('t', bytes),
          { code: 'CONNECTD_ERR_DATA', message: r.error.causes![0]!.replace(/^SerializationException: /, '') },
          `${r.hex}: ${r.error.causes![0]}`,
        );
      } else {
        const back = c.toConnectData('t', bytes);
        t.equal(
          differenceBetween(back.value, decodeValue(r.read!.value, back.schema)) === undefined || Number.isNaN(back.value),
          true,
          `${r.hex} reads as in Kafka`,
        );
      }
    }
  });
}

t.test('JavaScript values: any number the type holds exactly; an INT64 is a bigint', async (t) => {
  const long = new LongConverter();
  t.equal(hex(long.fromConnectData('t', null, 2n ** 53n + 1n)), '0020000000000001');
  t.equal(hex(long.fromConnectData('t', null, -1)), 'ffffffffffffffff', 'a safe-integer number is accepted');
  t.equal(long.toConnectData('t', Buffer.from('0020000000000001', 'hex')).value, 2n ** 53n + 1n, 'read back exactly, as a bigint');
  t.throws(() => long.fromConnectData('t', null, 2 ** 60), { name: 'DataTypeError', message: /not a safe integer: pass a bigint/ });
  t.throws(() => long.fromConnectData('t', null, 2n ** 63n), { message: /outside the 64-bit range/ });
  t.throws(() => new ShortConverter().fromConnectData('t', null, 40000), {
    name: 'DataTypeError',
    message: /Failed to serialize to short for topic t: number 40000 is not an integer in -32768..32767/,
  });
  t.throws(() => new IntegerConverter().fromConnectData('t', null, 1.5), { message: /not an integer/ });
  t.equal(hex(new IntegerConverter().fromConnectData('t', null, 7n)), '00000007', 'a bigint in range');
  t.throws(() => new DoubleConverter().fromConnectData('t', null, '1.5'), { name: 'DataTypeError' });
  t.equal(hex(new FloatConverter().fromConnectData('t', null, 0.1)), '3dcccccd', 'rounded to float32');
  t.throws(() => new BooleanConverter().fromConnectData('t', null, 1), {
    name: 'DataTypeError',
    message: /BooleanConverter is not compatible/,
  });
  t.throws(() => new BooleanConverter().fromConnectData('t', Schema.STRING_SCHEMA, true), {
    message: 'Invalid schema type for BooleanConverter: STRING',
  });
  t.equal(new LongConverter().toConnectData('t', Buffer.alloc(10, 0).subarray(1, 9)).value, 0n, 'a view into a larger buffer');
});
