/**
 * Backpressure and offset correctness when Kafka is slow or gone, against real brokers:
 * - the only broker is frozen (SIGSTOP): connectd's memory stays bounded, and the stream resumes
 *   without loss when the broker comes back;
 * - one of three brokers is frozen, so acknowledgements arrive out of order across Kafka partitions:
 *   committed offsets never pass an unacknowledged record (checked by SIGKILLing connectd and
 *   looking for every committed record in the topic).
 */
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-backpressure-'));
t.teardown(() => rm(root, { recursive: true, force: true }));
const running = new Set<ConnectdProcess>();
t.teardown(async () => {
  for (const p of running) await p.kill();
});

async function startConnectd(
  cluster: KafkaCluster,
  dir: string,
  connectors: Record<string, string>[],
  worker: Record<string, string> = {},
): Promise<ConnectdProcess> {
  const proc = await ConnectdProcess.start({
    dir: path.join(root, dir),
    bootstrapServers: cluster.bootstrapServers,
    connectors,
    worker: { 'worker.threads': '2', ...worker },
  });
  running.add(proc);
  void proc.exited().then(() => running.delete(proc));
  return proc;
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

function seqsByPartition(keys: Iterable<string>): Map<number, Set<number>> {
  const result = new Map<number, Set<number>>();
  for (const key of keys) {
    const [p, seq] = key.slice(1).split('-').map(Number) as [number, number];
    (result.get(p) ?? result.set(p, new Set()).get(p)!).add(seq);
  }
  return result;
}

t.test('a frozen broker stops polling, not memory; the stream resumes without loss', async (t) => {
  const cluster = await KafkaCluster.start();
  t.teardown(() => cluster.stop());
  await cluster.createTopic('frozen', { partitions: 3 });
  const inflightRecords = 5000;
  const proc = await startConnectd(
    cluster,
    'frozen',
    [
      {
        name: 'gen',
        'connector.class': 'GeneratorSource',
        'tasks.max': '2',
        topic: 'frozen',
        'source.partitions': '4',
        'value.size': '1000',
        'batch.size': '500',
      },
    ],
    {
      'task.max.inflight.records': String(inflightRecords),
      'task.max.inflight.bytes': String(8 * 1024 * 1024),
      'offset.flush.interval.ms': '500',
    },
  );
  await waitFor('records flowing', async () => (await proc.metric('connectd_source_record_write_total')) > 20000);
  const baseline = await rssMiB(proc.pid);

  cluster.pauseNode(1);
  const samples: number[] = [];
  const polled: number[] = [];
  for (let i = 0; i < 16; i++) {
    await new Promise((r) => setTimeout(r, 500));
    samples.push(await rssMiB(proc.pid));
    polled.push(await proc.metric('connectd_source_record_poll_total'));
  }
  const active = await proc.metric('connectd_source_active_records');
  t.comment(`RSS baseline ${baseline.toFixed(0)} MiB, while frozen ${samples.map((s) => s.toFixed(0)).join(' ')}; in flight ${active}`);
  t.ok(active <= 2 * (inflightRecords + 500), `in-flight records stay within the credit (+ one poll) per task: ${active}`);
  t.equal(polled.at(-1), polled.at(-8), 'polling stopped: no record polled in the last 3.5 s of the freeze');
  t.ok(
    Math.max(...samples.slice(8)) - Math.min(...samples.slice(8)) < 25,
    'RSS flat while the broker is frozen (within 25 MiB over the last 4 s)',
  );
  t.ok(
    Math.max(...samples) < baseline + 150,
    `RSS bounded: at most ${Math.max(...samples).toFixed(0)} MiB vs ${baseline.toFixed(0)} MiB before`,
  );

  cluster.resumeNode(1);
  const resumedFrom = await proc.metric('connectd_source_record_write_total');
  await waitFor('the stream resumed', async () => (await proc.metric('connectd_source_record_write_total')) > resumedFrom + 20000, 60000);
  t.equal(await proc.stop(), 0);

  const committed = await proc.committedOffsets('gen');
  const present = seqsByPartition((await readTopic(cluster.bootstrapServers, 'frozen')).map((r) => r.key!));
  for (let p = 0; p < 4; p++) {
    const last = Number(committed.get(JSON.stringify({ partition: p }))?.seq ?? -1);
    const seqs = present.get(p) ?? new Set();
    let missing = 0;
    for (let seq = 0; seq <= last; seq++) if (!seqs.has(seq)) missing++;
    t.equal(missing, 0, `partition ${p}: all ${last + 1} committed records are in the topic`);
  }
});

t.test('acks out of order across Kafka partitions: committed offsets never pass an unacknowledged record', async (t) => {
  const cluster = await KafkaCluster.start({ brokers: 3 });
  t.teardown(() => cluster.stop());
  // Replication factor 1: each Kafka partition lives on one broker, so freezing one broker stalls
  // the acks of its partitions while the others keep acknowledging.
  await cluster.createTopic('reorder', { partitions: 6, replicationFactor: 1, configs: { 'min.insync.replicas': '1' } });
  const proc = await startConnectd(
    cluster,
    'reorder',
    [
      {
        name: 'gen',
        'connector.class': 'GeneratorSource',
        'tasks.max': '2',
        topic: 'reorder',
        'source.partitions': '8',
        'batch.size': '100',
      },
    ],
    { 'offset.flush.interval.ms': '200', 'producer.acks': '1', 'producer.enable.idempotence': 'false' },
  );
  await waitFor('records flowing', async () => (await proc.metric('connectd_source_record_write_total')) > 20000);
  cluster.pauseNode(2);
  await waitFor('acks still arriving from the other brokers', async () => {
    const a = await proc.metric('connectd_source_record_write_total');
    await new Promise((r) => setTimeout(r, 300));
    return (await proc.metric('connectd_source_record_write_total')) > a;
  });
  await new Promise((r) => setTimeout(r, 1500)); // several offset flushes with a gap in every source partition
  const stalled = await proc.metric('connectd_source_active_records');
  await proc.kill();
  const committed = await proc.committedOffsets('gen');
  cluster.resumeNode(2);
  t.ok(stalled > 0, `records were unacknowledged when connectd was killed (${stalled})`);

  const present = seqsByPartition((await readTopic(cluster.bootstrapServers, 'reorder')).map((r) => r.key!));
  let maxSeqInTopic = 0;
  for (const seqs of present.values()) for (const s of seqs) maxSeqInTopic = Math.max(maxSeqInTopic, s);
  let lastCommittedMax = 0;
  for (let p = 0; p < 8; p++) {
    const last = Number(committed.get(JSON.stringify({ partition: p }))?.seq ?? -1);
    lastCommittedMax = Math.max(lastCommittedMax, last);
    const seqs = present.get(p) ?? new Set();
    let missing = 0;
    for (let seq = 0; seq <= last; seq++) if (!seqs.has(seq)) missing++;
    t.equal(missing, 0, `source partition ${p}: every record up to the committed seq ${last} is in the topic`);
  }
  t.ok(
    maxSeqInTopic > lastCommittedMax,
    `records past the gap reached Kafka (${maxSeqInTopic}) but were not committed (${lastCommittedMax})`,
  );
});
