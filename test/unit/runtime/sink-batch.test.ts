/**
 * The sink batch codec: what the supervisor encodes from consumed messages is what the task's thread
 * decodes, field for field, including nulls, empty values, headers with null values and UTF-8.
 */
import t from 'tap';
import { decodeSinkBatch, encodeSinkBatch } from '../../../src/shared/sink-batch.js';
import type { ConsumedMessage } from '../../../src/shared/sink-batch.js';

t.test('round trip of keys, values, headers, offsets, timestamps and topics', async (t) => {
  const messages: ConsumedMessage[] = [
    {
      topic: 'a',
      partition: 0,
      offset: 0,
      key: Buffer.from('k0'),
      value: Buffer.from('v0'),
      timestamp: 1700000000000,
      headers: [{ h1: Buffer.from('x') }, { h2: Buffer.from('') }],
    },
    { topic: 'b', partition: 7, offset: 2 ** 40, key: null, value: null, timestamp: -1 },
    {
      topic: 'a',
      partition: 1,
      offset: 5,
      key: 'text-key',
      value: Buffer.from('ünïcødé'),
      timestamp: 12,
      timestampType: 2,
      headers: [{ ключ: null }],
    },
    { topic: 'tópic', partition: 3, offset: 9, value: Buffer.alloc(0) },
  ];
  const encoded = encodeSinkBatch(messages);
  t.equal(encoded.count, 4);
  t.same(encoded.topics, ['a', 'b', 'tópic'], 'each topic once, in order of appearance');
  const b = (s: string): number => Buffer.byteLength(s, 'utf8');
  t.equal(
    encoded.payloadBytes,
    b('k0') + b('v0') + b('h1') + b('x') + b('h2') + b('text-key') + b('ünïcødé') + b('ключ'),
    'payload counts keys, values and header keys and values (UTF-8 bytes)',
  );
  const decoded = decodeSinkBatch(encoded.buffer, encoded.topics);
  const text = (b: Uint8Array | null): string | null => (b === null ? null : Buffer.from(b).toString('utf8'));
  t.same(
    decoded.map((r) => ({ ...r, key: text(r.key), value: text(r.value), headers: r.headers.map((h) => [h.key, text(h.value)]) })),
    [
      {
        topic: 'a',
        partition: 0,
        offset: 0,
        timestamp: 1700000000000,
        timestampType: 'CreateTime',
        key: 'k0',
        value: 'v0',
        headers: [
          ['h1', 'x'],
          ['h2', ''],
        ],
      },
      { topic: 'b', partition: 7, offset: 2 ** 40, timestamp: null, timestampType: 'CreateTime', key: null, value: null, headers: [] },
      {
        topic: 'a',
        partition: 1,
        offset: 5,
        timestamp: 12,
        timestampType: 'LogAppendTime',
        key: 'text-key',
        value: 'ünïcødé',
        headers: [['ключ', null]],
      },
      { topic: 'tópic', partition: 3, offset: 9, timestamp: null, timestampType: 'NoTimestampType', key: null, value: '', headers: [] },
    ],
  );
});

t.test('an empty batch, and a buffer that is not a sink batch', async (t) => {
  const empty = encodeSinkBatch([]);
  t.same(decodeSinkBatch(empty.buffer, empty.topics), []);
  t.throws(() => decodeSinkBatch(new ArrayBuffer(16), []), /not a sink batch/);
});
