/**
 * Delivery-path invariants against a real broker: the task hears of commits only after offsets are
 * persisted; librdkafka's queue-full is absorbed in order without loss; a worker thread that dies
 * takes down only its own tasks.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const PLUGINS = path.resolve(import.meta.dirname, '../fixtures/plugins');
const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-delivery-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

async function start(dir: string, connectors: Record<string, string>[], worker: Record<string, string> = {}): Promise<ConnectdProcess> {
  const proc = await ConnectdProcess.start({
    dir: path.join(root, dir),
    bootstrapServers: cluster.bootstrapServers,
    connectors,
    worker: { 'plugin.path': PLUGINS, 'worker.threads': '2', ...worker },
  });
  t.teardown(() => proc.kill());
  return proc;
}

t.test('commitRecord and commit run only after the offsets are persisted', async (t) => {
  await cluster.createTopic('recorded', { partitions: 3 });
  const commits = path.join(root, 'commits.log');
  const proc = await start(
    'recorded',
    [{ name: 'rec', 'connector.class': 'RecordingSource', topic: 'recorded', 'commits.file': commits }],
    { 'offset.flush.interval.ms': '200' },
  );
  await waitFor(
    'several flushes with commitRecord calls',
    async () => (await readFile(commits, 'utf8').catch(() => '')).split('\n').filter((l) => l === 'commit').length >= 5,
  );
  await proc.kill();
  const persisted = Number((await proc.committedOffsets('rec')).get(JSON.stringify({ recording: 0 }))?.seq);
  const lines = (await readFile(commits, 'utf8')).trim().split('\n');
  const recordLines = lines.filter((l) => l.startsWith('record ')).map((l) => l.split(' '));
  const seqs = recordLines.map((parts) => Number(parts[1]));
  t.ok(seqs.length > 0, `${seqs.length} commitRecord calls`);
  t.ok(
    seqs.every((seq, i) => seq === i),
    'commitRecord in poll order, from the first record, without gaps',
  );
  t.ok(Math.max(...seqs) <= persisted, `no commitRecord (max seq ${Math.max(...seqs)}) beyond the persisted offset (${persisted})`);
  // commit() follows every flush; a flush may persist offsets of batches not yet complete, so a
  // commit() can come before the first commitRecord. What must hold: one follows released records.
  const firstRecord = lines.findIndex((l) => l.startsWith('record '));
  t.ok(lines.slice(firstRecord).includes('commit'), 'commit() after the records of a flush');

  // The metadata is where Kafka stored the record.
  const inTopic = await readTopic(cluster.bootstrapServers, 'recorded');
  const byPosition = new Map(inTopic.map((r) => [`${r.partition}/${r.offset}`, r.key]));
  const wrong = recordLines.filter(([, seq, partition, offset]) => byPosition.get(`${partition}/${offset}`) !== seq);
  t.equal(wrong.length, 0, 'every commitRecord metadata points at that record in Kafka');
});

// Both ways of handing records to librdkafka: native batches (the patched binding) and one
// produce() per record (an unpatched binding, or task.produce.native.batch=false).
for (const nativeBatch of ['true', 'false']) {
  t.test(
    `QUEUE_FULL (task.produce.native.batch=${nativeBatch}): a small librdkafka queue pauses producing; nothing lost, duplicated or reordered`,
    async (t) => {
      const topic = `queue-full-${nativeBatch}`;
      await cluster.createTopic(topic, { partitions: 3 });
      const perPartition = 20000;
      const proc = await start(
        topic,
        [
          {
            name: 'gen',
            'connector.class': 'GeneratorSource',
            'tasks.max': '2',
            topic,
            'source.partitions': '4',
            'records.per.partition': String(perPartition),
            'batch.size': '1000',
          },
        ],
        {
          'producer.queue.buffering.max.messages': '500',
          'producer.linger.ms': '20',
          'task.max.inflight.records': '20000',
          'task.produce.native.batch': nativeBatch,
        },
      );
      await waitFor(
        'all records acknowledged',
        async () => (await proc.metric('connectd_source_record_write_total')) === 4 * perPartition,
        120000,
      );
      const queueFull = await proc.metric('connectd_producer_queue_full_total');
      t.ok(queueFull > 0, `librdkafka's queue was full ${queueFull} times`);
      const log = await readFile(proc.logFile, 'utf8');
      t.match(
        log,
        nativeBatch === 'true' ? 'source records go to librdkafka in native batches' : 'one produce() at a time',
        'the path asked for (the binding is patched by tools/bootstrap.sh)',
      );
      t.equal(await proc.stop(), 0);
      const records = await readTopic(cluster.bootstrapServers, topic);
      t.equal(records.length, 4 * perPartition, 'all records, none twice');
      t.equal(new Set(records.map((r) => r.key)).size, 4 * perPartition);
      // Within each Kafka partition, a source partition's records keep their poll order.
      let outOfOrder = 0;
      const last = new Map<string, number>();
      for (const r of records.sort((a, b) => a.partition - b.partition || a.offset - b.offset)) {
        const [p, seq] = r.key!.slice(1).split('-').map(Number) as [number, number];
        const k = `${r.partition}/${p}`;
        if ((last.get(k) ?? -1) > seq) outOfOrder++;
        last.set(k, seq);
      }
      t.equal(outOfOrder, 0, 'no reordering within a Kafka partition');
    },
  );
}

t.test('a worker thread that dies takes down only its own tasks; the pool replaces it', async (t) => {
  await cluster.createTopic('crashing', { partitions: 1 });
  const proc = await start('crashing', [
    {
      name: 'crash',
      'connector.class': 'RecordingSource',
      topic: 'crashing',
      'commits.file': path.join(root, 'crash.log'),
      'crash.after.polls': '20',
    },
    {
      name: 'steady',
      'connector.class': 'GeneratorSource',
      'tasks.max': '2',
      topic: 'crashing',
      'source.partitions': '2',
      'poll.interval.ms': '20',
      'batch.size': '20',
    },
  ]);
  const crashed = await waitFor('the crashing task FAILED', async () => {
    const s = await proc.status('crash');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(crashed.tasks[0]!.trace, /exit/i, 'the trace says the thread exited');
  const steady = await proc.status('steady');
  const alive = steady.tasks.filter((task) => task.state === 'RUNNING').map((task) => task.id);
  t.ok(alive.length >= 1, `tasks on the other thread still RUNNING (${alive.join(',')})`);
  const before = await proc.metric('connectd_source_record_write_total', 'connector="steady"');
  await waitFor(
    'the surviving tasks producing',
    async () => (await proc.metric('connectd_source_record_write_total', 'connector="steady"')) > before + 50,
  );

  const crashWritten = await proc.metric('connectd_source_record_write_total', 'connector="crash"');
  t.equal((await proc.request('POST', '/connectors/crash/tasks/0/restart')).status, 204);
  await waitFor(
    'the restarted task ran on a replacement thread',
    async () => (await proc.metric('connectd_source_record_write_total', 'connector="crash"')) > crashWritten,
  );
  t.equal(await proc.stop(), 0, 'the process stayed up and stops cleanly');
});

t.test('a record with an invalid Kafka partition fails its task instead of being dropped', async (t) => {
  const proc = await start('bad-partition', [{ name: 'bad', 'connector.class': 'BadPartitionSource' }]);
  const status = await waitFor('the task FAILED', async () => {
    const s = await proc.status('bad');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(status.tasks[0]!.trace, /kafkaPartition must be a partition number \(>= 0\) or null, got -2/);
  t.equal((await proc.committedOffsets('bad')).size, 0, 'no offset committed for it');
  t.equal(await proc.stop(), 0);
});
