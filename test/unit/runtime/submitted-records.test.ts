/**
 * SubmittedRecords: which source offsets may be committed while Kafka acknowledges records out of
 * order. Batches are built as the producer builds them: encodeBatch on the worker side, then one
 * `locate` per record while walking the buffer with RecordBatchReader.
 */
import t from 'tap';
import { StringConverter } from '../../../src/worker-thread/data/converters.js';
import { RecordBatchReader, encodeBatch } from '../../../src/shared/record-batch.js';
import { SubmittedBatch, SubmittedRecords } from '../../../src/main-thread/runtime/submitted-records.js';
import type { CommitSnapshot } from '../../../src/main-thread/runtime/submitted-records.js';
import { SourceRecord } from '../../../src/worker-thread/sdk/records.js';

const conv = new StringConverter();

/** One record to submit: its source partition name and its position in that partition. */
type Spec = readonly [partition: string, seq: number];

function makeBatch(id: number, specs: readonly Spec[], keepMetadata = false): SubmittedBatch {
  // Equal-but-distinct partition objects on purpose: the batch codec must still share one entry.
  const records = specs.map(
    ([p, seq]) => new SourceRecord({ sourcePartition: { p }, sourceOffset: { seq }, topic: 'out', value: `${p}-${seq}` }),
  );
  const encoded = encodeBatch(records, conv, conv);
  const batch = new SubmittedBatch(id, encoded.count, encoded.payloadBytes, encoded.buffer, encoded.sourcePartitions, keepMetadata);
  const reader = new RecordBatchReader(encoded.buffer);
  while (reader.next()) batch.locate(reader.index, reader.sourcePartitionIndex, reader.offsetStart, reader.offsetLength);
  return batch;
}

/** What the producer does on a delivery report. */
function ack(records: SubmittedRecords, batch: SubmittedBatch, index: number, kafkaPartition = 0, kafkaOffset = 0): void {
  if (batch.ack(index, kafkaPartition, kafkaOffset)) records.foldCompleted();
}

function offsetsOf(snapshot: CommitSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of snapshot.offsets) out[(JSON.parse(k) as { p: string }).p] = (JSON.parse(v) as { seq: number }).seq;
  return out;
}

t.test('out-of-order acks across batches of one source partition', async (t) => {
  const sr = new SubmittedRecords();
  const b1 = makeBatch(1, [
    ['A', 1],
    ['A', 2],
    ['A', 3],
  ]);
  const b2 = makeBatch(2, [
    ['A', 4],
    ['A', 5],
  ]);
  sr.submit(b1);
  sr.submit(b2);
  t.equal(sr.inFlightRecords(), 5);

  ack(sr, b2, 1);
  ack(sr, b2, 0);
  let snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), {}, 'the second batch is acked but the first is not: nothing to commit');
  t.same(snap.released, [], 'a complete batch behind an incomplete one is not released');
  t.equal(sr.inFlightRecords(), 3);

  ack(sr, b1, 0);
  t.same(offsetsOf(sr.takeSnapshot()), { A: 1 });
  ack(sr, b1, 2);
  t.same(offsetsOf(sr.takeSnapshot()), { A: 1 }, 'record 3 is acked but record 2 is not');

  ack(sr, b1, 1);
  t.equal(sr.inFlightRecords(), 0);
  snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 5 }, 'both batches folded: the latest offset');
  t.same(
    snap.released.map((r) => r.id),
    [1, 2],
    'released in submission order',
  );
  snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), {}, 'nothing new');
  t.same(snap.released, [], 'released only once');
});

t.test('a gap in one source partition does not hold back another', async (t) => {
  const sr = new SubmittedRecords();
  const b1 = makeBatch(1, [
    ['A', 1],
    ['B', 1],
    ['A', 2],
    ['B', 2],
    ['C', 1],
  ]);
  const b2 = makeBatch(2, [
    ['B', 3],
    ['A', 3],
    ['C', 2],
  ]);
  sr.submit(b1);
  sr.submit(b2);
  for (const [b, i] of [
    [b1, 1],
    [b1, 2],
    [b1, 3],
    [b2, 0],
    [b2, 1],
    [b2, 2],
  ] as const)
    ack(sr, b, i);
  t.same(offsetsOf(sr.takeSnapshot()), { B: 3 }, 'A blocked by A1, C blocked by C1, B runs across batches');
  ack(sr, b1, 0);
  t.same(offsetsOf(sr.takeSnapshot()), { A: 3, B: 3 }, 'A unblocked up to its latest; C still blocked');
  ack(sr, b1, 4);
  const snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 3, B: 3, C: 2 });
  t.same(
    snap.released.map((r) => r.id),
    [1, 2],
  );
});

t.test('the duplicate ack of a record is ignored', async (t) => {
  const sr = new SubmittedRecords();
  const b = makeBatch(1, [
    ['A', 1],
    ['A', 2],
  ]);
  sr.submit(b);
  t.equal(b.ack(0, 0, 0), false);
  t.equal(b.ack(0, 0, 0), false, 'a second ack of the same record does not count');
  t.equal(b.pending, 1);
  t.equal(sr.inFlightRecords(), 1);
  t.equal(b.ack(1, 0, 1), true, 'the last distinct ack completes the batch');
});

t.test('folded batches no longer need their buffer', async (t) => {
  const sr = new SubmittedRecords();
  const b1 = makeBatch(1, [
    ['A', 1],
    ['B', 7],
  ]);
  const b2 = makeBatch(2, [['A', 2]]);
  sr.submit(b1);
  sr.submit(b2);
  ack(sr, b1, 0);
  ack(sr, b1, 1);
  // Detach b1's buffer, as a transfer would: any later read of it throws.
  const old = b1.buffer;
  structuredClone(old, { transfer: [old] });
  t.equal(old.byteLength, 0, 'the buffer is detached');
  const snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 1, B: 7 }, 'the folded offsets were copied out at fold time');
  t.same(
    snap.released.map((r) => r.id),
    [1],
  );
  t.equal(sr.inFlightRecords(), 1);
  ack(sr, b2, 0);
  t.same(offsetsOf(sr.takeSnapshot()), { A: 2 }, 'a partition absent from the newer batch is not repeated');
});

t.test('released batches carry Kafka metadata when kept', async (t) => {
  const sr = new SubmittedRecords();
  const b = makeBatch(
    5,
    [
      ['A', 1],
      ['A', 2],
      ['B', 1],
    ],
    true,
  );
  const plain = makeBatch(6, [['A', 3]], false);
  sr.submit(b);
  sr.submit(plain);
  ack(sr, b, 2, 3, 300);
  ack(sr, b, 0, 1, 100);
  ack(sr, b, 1, 2, 200);
  ack(sr, plain, 0, 0, 0);
  const snap = sr.takeSnapshot();
  t.equal(snap.released.length, 2);
  t.equal(snap.released[0]!.id, 5);
  t.same([...snap.released[0]!.kafkaPartitions!], [1, 2, 3]);
  t.same([...snap.released[0]!.kafkaOffsets!], [100, 200, 300]);
  t.equal(snap.released[1]!.id, 6);
  t.equal(snap.released[1]!.kafkaPartitions, undefined, 'no metadata when the task does not want commitRecord');
});

t.test('a snapshot restored after a failed persist comes back; newer folds win', async (t) => {
  const sr = new SubmittedRecords();
  const b1 = makeBatch(1, [
    ['A', 1],
    ['B', 1],
  ]);
  const b2 = makeBatch(2, [['A', 2]]);
  const b3 = makeBatch(3, [
    ['A', 3],
    ['C', 1],
  ]);
  sr.submit(b1);
  sr.submit(b2);
  sr.submit(b3);
  ack(sr, b1, 0);
  ack(sr, b1, 1);
  const failed = sr.takeSnapshot();
  t.same(offsetsOf(failed), { A: 1, B: 1 });
  t.same(
    failed.released.map((r) => r.id),
    [1],
  );

  // While the failed persist was in flight, batch 2 completed and was folded.
  ack(sr, b2, 0);
  sr.restore(failed);
  let snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 2, B: 1 }, 'B comes back from the failed snapshot; the newer fold of A wins');
  t.same(
    snap.released.map((r) => r.id),
    [1, 2],
    'released batches come back first, then the newer ones',
  );

  // Fail again, restore with nothing newer: exactly the same snapshot comes back.
  sr.restore(snap);
  const again = sr.takeSnapshot();
  t.same(offsetsOf(again), { A: 2, B: 1 });
  t.same(
    again.released.map((r) => r.id),
    [1, 2],
  );

  // A restored snapshot plus a partially acked batch.
  ack(sr, b3, 1);
  sr.restore(again);
  snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 2, B: 1, C: 1 }, 'C from the walk over batch 3, A2 and B1 restored');
  t.same(
    snap.released.map((r) => r.id),
    [1, 2],
  );
  ack(sr, b3, 0);
  snap = sr.takeSnapshot();
  t.same(offsetsOf(snap), { A: 3, C: 1 });
  t.same(
    snap.released.map((r) => r.id),
    [3],
  );
});

/** mulberry32: small, seeded, good enough to shuffle. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

t.test('randomized: committable offsets equal the brute-force answer and never move backwards', async (t) => {
  const ROUNDS = 200;
  let checks = 0;
  let failures = 0;
  const fail = (msg: string): void => {
    if (failures++ < 5) t.fail(msg);
  };

  for (let round = 0; round < ROUNDS; round++) {
    const seed = 0x5eed + round;
    const rand = prng(seed);
    const int = (n: number): number => Math.floor(rand() * n);
    const partitions = Array.from({ length: 1 + int(5) }, (_, i) => String.fromCharCode(65 + i));
    const batchCount = 1 + int(8);
    const snapshotEveryAck = round % 2 === 0;
    const keepMetadata = rand() < 0.5;

    // Build every batch up front; submit them progressively, interleaved with acks.
    const nextSeq = new Map(partitions.map((p) => [p, 0]));
    const batches: { batch: SubmittedBatch; specs: Spec[] }[] = [];
    for (let id = 0; id < batchCount; id++) {
      const specs: Spec[] = [];
      for (let i = 0, n = 1 + int(10); i < n; i++) {
        const p = partitions[int(partitions.length)]!;
        const seq = nextSeq.get(p)! + 1;
        nextSeq.set(p, seq);
        specs.push([p, seq]);
      }
      batches.push({ batch: makeBatch(id, specs, keepMetadata), specs });
    }

    const sr = new SubmittedRecords();
    let submitted = 0;
    const unacked: [number, number][] = [];
    const acked = batches.map(({ specs }) => specs.map(() => false));
    const committed = new Map<string, number>();
    const releasedIds: number[] = [];
    const kafkaOffsetOf = (b: number, i: number): number => b * 1000 + i;

    const bruteForce = (): Map<string, number> => {
      const result = new Map<string, number>();
      const blocked = new Set<string>();
      for (let b = 0; b < submitted; b++) {
        batches[b]!.specs.forEach(([p, seq], i) => {
          if (blocked.has(p)) return;
          if (acked[b]![i]) result.set(p, seq);
          else blocked.add(p);
        });
      }
      return result;
    };

    const snapshot = (mayFail: boolean): void => {
      const snap = sr.takeSnapshot();
      if (mayFail && rand() < 0.25) {
        sr.restore(snap);
        return;
      }
      for (const [k, v] of snap.offsets) {
        const p = (JSON.parse(k) as { p: string }).p;
        const seq = (JSON.parse(v) as { seq: number }).seq;
        const before = committed.get(p);
        if (before !== undefined && seq < before) fail(`seed ${seed}: ${p} moved backwards ${before} → ${seq}`);
        committed.set(p, seq);
      }
      for (const r of snap.released) {
        releasedIds.push(r.id);
        if (keepMetadata) {
          const specs = batches[r.id]!.specs;
          const expected = specs.map((_, i) => kafkaOffsetOf(r.id, i));
          if (JSON.stringify([...r.kafkaOffsets!]) !== JSON.stringify(expected)) fail(`seed ${seed}: metadata of batch ${r.id}`);
        }
      }
      const expected = bruteForce();
      const same = expected.size === committed.size && [...expected].every(([p, seq]) => committed.get(p) === seq);
      if (!same) fail(`seed ${seed}: committed ${JSON.stringify([...committed])} expected ${JSON.stringify([...expected])}`);
      checks++;
    };

    while (submitted < batches.length || unacked.length > 0) {
      if (submitted < batches.length && (unacked.length === 0 || rand() < 0.3)) {
        const { batch, specs } = batches[submitted]!;
        sr.submit(batch);
        specs.forEach((_, i) => unacked.push([submitted, i]));
        submitted++;
        continue;
      }
      const [b, i] = unacked.splice(int(unacked.length), 1)[0]!;
      acked[b]![i] = true;
      ack(sr, batches[b]!.batch, i, 0, kafkaOffsetOf(b, i));
      if (snapshotEveryAck) snapshot(false);
      else if (rand() < 0.5) snapshot(true);
    }
    // Final flush, retried until it persists.
    for (let attempt = 0; attempt < 100 && (releasedIds.length < batches.length || committed.size < bruteForce().size); attempt++)
      snapshot(true);
    snapshot(false);
    if (sr.inFlightRecords() !== 0) fail(`seed ${seed}: ${sr.inFlightRecords()} still in flight`);
    if (JSON.stringify(releasedIds) !== JSON.stringify(batches.map((_, id) => id))) {
      fail(`seed ${seed}: released ${JSON.stringify(releasedIds)}, expected every batch once, in order`);
    }
    for (const p of partitions) {
      const last = nextSeq.get(p)!;
      if (last > 0 && committed.get(p) !== last) fail(`seed ${seed}: ${p} ends at ${committed.get(p)}, expected ${last}`);
    }
  }
  t.equal(failures, 0, 'no disagreement with the brute-force answer');
  t.ok(checks > ROUNDS * 10, `compared after many acks (${checks} snapshots)`);
});
