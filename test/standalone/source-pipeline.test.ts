/**
 * The first slice end to end, against a real Kafka broker: the connectd daemon (a child process)
 * runs the generator in worker threads and produces to Kafka; the test reads the topic back.
 */
import t from 'tap';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import type { ConsumedRecord } from '../../tools/topic-reader.js';
import { generatedValue } from '../../src/worker-thread/connectors/generator/generator-source-connector.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

// Recent, so the broker's time-based retention never deletes the test's records.
const TIMESTAMP_BASE = Date.now() - 3_600_000;

const { cluster, startConnectd } = await connectdHarness(t, 'pipeline');

function generator(
  name: string,
  topic: string,
  partitions: number,
  perPartition: number,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    name,
    'connector.class': 'io.connectd.connectors.generator.GeneratorSourceConnector',
    'tasks.max': '2',
    topic,
    'source.partitions': String(partitions),
    'records.per.partition': String(perPartition),
    'batch.size': '200',
    'timestamp.base.ms': String(TIMESTAMP_BASE),
    ...extra,
  };
}

/** (partition, seq) → how many times it is in the topic. */
function countBySeq(records: readonly ConsumedRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of records) counts.set(r.key!, (counts.get(r.key!) ?? 0) + 1);
  return counts;
}

async function waitUntilComplete(proc: ConnectdProcess, connector: string, partitions: number, perPartition: number): Promise<void> {
  await waitFor(
    'every source partition committed to its last record',
    async () => {
      const offsets = await proc.committedOffsets(connector);
      for (let p = 0; p < partitions; p++) if (offsets.get(JSON.stringify({ partition: p }))?.seq !== perPartition - 1) return false;
      return true;
    },
    120000,
  );
}

t.test('every generated record is in the topic exactly once, with its key, value, headers and timestamp', async (t) => {
  const partitions = 4;
  const perPartition = 5000;
  await cluster.createTopic('exact', { partitions: 3 });
  const proc = await startConnectd('exact', [generator('exact', 'exact', partitions, perPartition, { 'value.size': '120' })]);
  await waitFor(
    'all records acknowledged',
    async () => (await proc.metric('connectd_source_record_write_total')) >= partitions * perPartition,
  );
  const status = await proc.status('exact');
  t.equal(status.connector.state, 'RUNNING');
  t.same(
    status.tasks.map((task) => task.state),
    ['RUNNING', 'RUNNING'],
  );
  t.equal(await proc.stop(), 0, 'SIGTERM stops with exit code 0');

  const records = await readTopic(cluster.bootstrapServers, 'exact');
  t.equal(records.length, partitions * perPartition, 'no record missing, none extra');
  const counts = countBySeq(records);
  t.equal(counts.size, partitions * perPartition, 'every key once');
  let wrong = 0;
  for (const r of records) {
    const [p, seq] = r.key!.slice(1).split('-').map(Number) as [number, number];
    const ok =
      r.value === generatedValue(p, seq, 'connectd', 120) &&
      r.headers['generator.partition'] === String(p) &&
      r.headers['generator.seq'] === String(seq) &&
      r.timestamp === TIMESTAMP_BASE + seq;
    if (!ok) {
      if (wrong++ === 0) t.fail(`record ${r.key} is not as generated: ${JSON.stringify(r)}`);
    }
  }
  t.equal(wrong, 0, 'every value, header set and timestamp as generated');
  const offsets = await proc.committedOffsets('exact');
  for (let p = 0; p < partitions; p++)
    t.same(offsets.get(JSON.stringify({ partition: p })), { seq: perPartition - 1 }, `offset of partition ${p} committed at the end`);
});

t.test('SIGKILL mid-stream, then restart: nothing lost, duplicates only after the last offset flush', async (t) => {
  const partitions = 4;
  const perPartition = 40000;
  await cluster.createTopic('crash', { partitions: 3 });
  const config = generator('crash', 'crash', partitions, perPartition, { 'batch.size': '100' });
  const first = await startConnectd('crash', [config], { 'offset.flush.interval.ms': '300' });
  await waitFor(
    'a quarter of the records acknowledged',
    async () => (await first.metric('connectd_source_record_write_total')) >= (partitions * perPartition) / 4,
  );
  await first.kill();
  const committedAtKill = await first.committedOffsets('crash');
  const lastCommitted = (p: number): number => Number(committedAtKill.get(JSON.stringify({ partition: p }))?.seq ?? -1);
  t.ok(
    [0, 1, 2, 3].some((p) => lastCommitted(p) < perPartition - 1),
    'the kill happened mid-stream',
  );

  const second = await startConnectd('crash', [config], { 'offset.flush.interval.ms': '300' });
  await waitUntilComplete(second, 'crash', partitions, perPartition);
  t.equal(await second.stop(), 0);

  const counts = countBySeq(await readTopic(cluster.bootstrapServers, 'crash'));
  let missing = 0;
  let duplicatedBeforeFlush = 0;
  let duplicates = 0;
  for (let p = 0; p < partitions; p++) {
    for (let seq = 0; seq < perPartition; seq++) {
      const n = counts.get(`p${p}-${seq}`) ?? 0;
      if (n === 0) missing++;
      if (n > 1) {
        duplicates += n - 1;
        if (seq <= lastCommitted(p)) duplicatedBeforeFlush++;
      }
    }
  }
  t.equal(missing, 0, 'no record missing');
  t.equal(duplicatedBeforeFlush, 0, 'no duplicate of a record whose offset was committed before the kill');
  t.comment(`duplicates after the last flush: ${duplicates}`);
});

t.test('graceful stop, then restart: no duplicates at all', async (t) => {
  const partitions = 4;
  const perPartition = 30000;
  await cluster.createTopic('graceful', { partitions: 3 });
  const config = generator('graceful', 'graceful', partitions, perPartition, { 'batch.size': '100' });
  const first = await startConnectd('graceful', [config]);
  await waitFor('some records acknowledged', async () => (await first.metric('connectd_source_record_write_total')) >= 20000);
  t.equal(await first.stop(), 0);
  const afterStop = await first.committedOffsets('graceful');
  t.ok(
    [0, 1, 2, 3].some((p) => Number(afterStop.get(JSON.stringify({ partition: p }))?.seq ?? -1) < perPartition - 1),
    'stopped mid-stream',
  );

  const second = await startConnectd('graceful', [config]);
  await waitUntilComplete(second, 'graceful', partitions, perPartition);
  t.equal(await second.stop(), 0);
  const records = await readTopic(cluster.bootstrapServers, 'graceful');
  t.equal(records.length, partitions * perPartition, 'exactly as many records as generated');
  t.equal(countBySeq(records).size, partitions * perPartition, 'each exactly once');
});

t.test('a task whose poll throws is FAILED; the other tasks keep producing and the process stays up', async (t) => {
  await cluster.createTopic('flaky', { partitions: 1 });
  const proc = await startConnectd('flaky', [
    { name: 'flaky', 'connector.class': 'FlakySource', 'tasks.max': '3', topic: 'flaky', 'fail.task': '1', 'fail.after.polls': '3' },
  ]);
  const status = await waitFor('task 1 FAILED', async () => {
    const s = await proc.status('flaky');
    return s.tasks[1]?.state === 'FAILED' ? s : undefined;
  });
  t.match(status.tasks[1]!.trace, /poll failed on purpose in task 1/, 'the trace names the error');
  t.equal(status.connector.state, 'RUNNING');
  const healthy = async (): Promise<number> =>
    (await proc.metric('connectd_source_record_write_total', 'task="0"')) +
    (await proc.metric('connectd_source_record_write_total', 'task="2"'));
  const before = await healthy();
  // Records the task polled before failing may still be acknowledged; wait for those.
  await waitFor(
    'the failed task has nothing in flight',
    async () => (await proc.metric('connectd_source_active_records', 'task="1"')) === 0,
  );
  const failedBefore = await proc.metric('connectd_source_record_write_total', 'task="1"');
  await waitFor('the healthy tasks to produce more', async () => (await healthy()) > before + 100);
  const after = await proc.status('flaky');
  t.same([after.tasks[0]!.state, after.tasks[2]!.state], ['RUNNING', 'RUNNING']);
  t.equal(await proc.metric('connectd_source_record_write_total', 'task="1"'), failedBefore, 'the failed task produces nothing more');
  t.equal(await proc.stop(), 0, 'the process was up and stops cleanly');
});

t.test('task code cannot load the Kafka binding in its worker thread', async (t) => {
  const proc = await startConnectd('kafka-in-worker', [{ name: 'kiw', 'connector.class': 'KafkaInWorkerSource', 'tasks.max': '1' }]);
  const status = await waitFor('the task to fail', async () => {
    const s = await proc.status('kiw');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(status.tasks[0]!.trace, /must not be loaded in a worker thread/);
  t.equal(await proc.stop(), 0);
});
