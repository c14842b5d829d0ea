/**
 * The rows the native produce path hands to the binding describe each record exactly as the
 * per-record path reads it (RecordBatchReader): same bytes, headers, partitions, timestamps and
 * source offsets; dropped records are left out and listed.
 */
import t from 'tap';
import type { Test } from 'tap';
import { StringConverter } from '../../../src/worker-thread/data/converters.js';
import { DROPPED_PARTITION, RecordBatchReader, encodeBatch } from '../../../src/shared/record-batch.js';
import { LAYOUT_HEADER_FIELDS, LAYOUT_RECORD_FIELDS, RecordBatchLayout } from '../../../src/main-thread/kafka/record-batch-layout.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';
import type { SourceRecordInit } from '../../../src/worker-thread/sdk/records.js';

const str = new StringConverter();
const rec = (init: Partial<SourceRecordInit>): SourceRecord =>
  new SourceRecord({ sourcePartition: { file: 'a' }, sourceOffset: { pos: 0 }, topic: 'topic', value: 'v', ...init });

class Locations {
  readonly calls: [number, number, number, number][] = [];
  locate(index: number, sourcePartition: number, offsetStart: number, offsetLength: number): void {
    this.calls.push([index, sourcePartition, offsetStart, offsetLength]);
  }
}

const slice = (data: Uint8Array, offset: number, length: number): string | null =>
  length < 0 ? null : Buffer.from(data.buffer, data.byteOffset + offset, length).toString();

/** Checks the layout of `records` against what the reader reads. */
function check(t: Test, layout: RecordBatchLayout, records: SourceRecord[], opaqueBase: number): void {
  const batch = encodeBatch(records, str, str);
  const locations = new Locations();
  const produced = layout.fill(batch.buffer, opaqueBase, locations);
  const reader = new RecordBatchReader(batch.buffer);
  const dropped: number[] = [];
  let row = 0;
  while (reader.next()) {
    const [index, sourcePartition, offsetStart, offsetLength] = locations.calls[reader.index]!;
    t.same(
      [index, sourcePartition, offsetStart, offsetLength],
      [reader.index, reader.sourcePartitionIndex, reader.offsetStart, reader.offsetLength],
      `record ${reader.index} located as the reader reads it`,
    );
    if (reader.kafkaPartition === DROPPED_PARTITION) {
      dropped.push(reader.index);
      continue;
    }
    const r = row * LAYOUT_RECORD_FIELDS;
    const rows = layout.records;
    const headers: [string, string][] = [];
    for (let h = 0; h < rows[r + 7]!; h++) {
      const hr = (rows[r + 6]! + h) * LAYOUT_HEADER_FIELDS;
      const headerRows = layout.headers;
      headers.push([
        slice(layout.data, headerRows[hr]!, headerRows[hr + 1]!)!,
        slice(layout.data, headerRows[hr + 2]!, headerRows[hr + 3]!)!,
      ]);
    }
    t.same(
      {
        topic: batch.topics[rows[r]!],
        partition: rows[r + 1],
        key: slice(layout.data, rows[r + 2]!, rows[r + 3]!),
        value: slice(layout.data, rows[r + 4]!, rows[r + 5]!),
        headers,
        opaque: rows[r + 8],
        timestamp: Number.isNaN(layout.timestamps[row]!) ? undefined : layout.timestamps[row],
      },
      {
        topic: batch.topics[reader.topicIndex],
        partition: reader.kafkaPartition,
        key: reader.key?.toString() ?? null,
        value: reader.value?.toString() ?? null,
        headers: (reader.headers ?? []).map((h) => Object.entries(h).map(([k, v]) => [k, v.toString()])[0]!),
        opaque: opaqueBase + reader.index,
        timestamp: reader.timestamp,
      },
      `record ${reader.index}: row ${row}`,
    );
    row++;
  }
  t.equal(produced, row, 'one row per produced record');
  t.same(Array.from(layout.dropped.subarray(0, layout.droppedCount)), dropped, 'dropped records listed, not produced');
}

t.test('keys, values, headers, partitions, timestamps and dropped records', async (t) => {
  const layout = new RecordBatchLayout();
  const records = [
    rec({ key: null, value: null }),
    rec({ key: '', value: '', topic: 'other' }),
    rec({ key: 'clé', value: 'emoji 🚀 中文', kafkaPartition: 2, timestamp: 1_700_000_000_000 }),
    rec({ key: 'k', value: 'dropped', kafkaPartition: DROPPED_PARTITION, headers: [{ key: 'x', value: 'gone' }] }),
    rec({
      key: 'h',
      value: 'headers',
      sourcePartition: { file: 'b' },
      headers: [
        { key: 'a', value: '1' },
        { key: 'b', value: null },
        { key: 'a', value: 'ü' },
      ],
    }),
  ];
  check(t, layout, records, 7 << 16);
  // The same layout, reused for a smaller batch: nothing of the first one leaks into it.
  check(t, layout, [rec({ key: 'only', value: 'one' })], 0);
  t.equal(layout.count, 1);
});

t.test('batches larger than the initial rows grow them', async (t) => {
  const layout = new RecordBatchLayout();
  const records = Array.from({ length: 3000 }, (_, i) =>
    rec({
      key: `k${i}`,
      value: `v${i}`,
      kafkaPartition: i % 7 === 0 ? DROPPED_PARTITION : -1,
      headers: [
        { key: 'n', value: String(i) },
        { key: 'm', value: 'x' },
      ],
    }),
  );
  const batch = encodeBatch(records, str, str);
  const produced = layout.fill(batch.buffer, 0, new Locations());
  t.equal(produced, 3000 - Math.ceil(3000 / 7));
  t.equal(layout.droppedCount, Math.ceil(3000 / 7));
  const last = (produced - 1) * LAYOUT_RECORD_FIELDS;
  t.equal(slice(layout.data, layout.records[last + 4]!, layout.records[last + 5]!), 'v2999');
  const lastHeader = (layout.records[last + 6]! + 1) * LAYOUT_HEADER_FIELDS;
  t.equal(slice(layout.data, layout.headers[lastHeader]!, layout.headers[lastHeader + 1]!), 'm');
});
