/**
 * The message-index part of Confluent's Protobuf wire format: a zig-zag varint count, then each
 * index as a zig-zag varint, and the single byte 0 for the first message. The expected bytes are
 * worked out by hand from Kafka's ByteUtils.writeVarint (zig-zag, 7 bits a byte, low bits first).
 */
import fc from 'fast-check';
import t from 'tap';
import { decodeMessageIndexes, encodeMessageIndexes } from '../../../../src/worker-thread/data/protobuf/message-indexes.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

t.test('encodes as Confluent does', async (t) => {
  t.equal(hex(encodeMessageIndexes([0])), '00', 'the first message is one byte 0');
  t.equal(hex(encodeMessageIndexes([1])), '0202', 'count 1 (zig-zag 2), index 1 (zig-zag 2)');
  t.equal(hex(encodeMessageIndexes([0, 1])), '040002');
  t.equal(hex(encodeMessageIndexes([1, 0])), '040200');
  t.equal(hex(encodeMessageIndexes([300])), '02d804', '300 is zig-zag 600: 0xd8 0x04');
  t.equal(hex(encodeMessageIndexes([0, 0])), '040000', 'only the path [0] is shortened');
});

t.test('decodes, and says where the payload starts', async (t) => {
  t.same(decodeMessageIndexes(Buffer.from('0000000001' + '00' + 'ff', 'hex'), 5), { indexes: [0], offset: 6 });
  t.same(decodeMessageIndexes(Buffer.from('0000000001' + '040200' + 'ff', 'hex'), 5), { indexes: [1, 0], offset: 8 });
  t.same(decodeMessageIndexes(Buffer.from('02d804', 'hex'), 0), { indexes: [300], offset: 3 });
});

t.test('refuses broken indexes with a DataException', async (t) => {
  t.throws(() => decodeMessageIndexes(Buffer.from('0000000001', 'hex'), 5), { message: /truncated/ });
  t.throws(() => decodeMessageIndexes(Buffer.from('04', 'hex'), 0), { message: /invalid message index count 2|truncated/ });
  t.throws(() => decodeMessageIndexes(Buffer.from('01', 'hex'), 0), { message: /invalid message index count -1/ });
  t.throws(() => decodeMessageIndexes(Buffer.from('0201', 'hex'), 0), { message: /invalid message index -1/ });
  t.throws(() => decodeMessageIndexes(Buffer.from('02ffffffffff01', 'hex'), 0), { message: /not a valid varint/ });
});

t.test('any path round-trips', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 8 }), (indexes) => {
      const bytes = encodeMessageIndexes(indexes);
      const decoded = decodeMessageIndexes(bytes, 0);
      return decoded.offset === bytes.length && JSON.stringify(decoded.indexes) === JSON.stringify(indexes);
    }),
  );
  t.pass('fast-check found no counterexample');
});
