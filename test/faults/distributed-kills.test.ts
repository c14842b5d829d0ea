/**
 * Distributed workers SIGKILLed under load (issue 13's fault suite): three `connectd distributed`
 * workers share a 6-task GeneratorSource and a 3-task FileStreamSink; one worker is SIGKILLed,
 * its tasks move to the other two, a fresh worker joins in its place, and then the other two
 * original workers are killed in turn the same way.
 *
 * Promises: nothing lost, in the topic or in the sink's file. Duplicates only where a killed worker
 * ran the task, at most the records since its last offset commit: a source task that moves resumes
 * from the last offset committed to the offsets topic, so what it had written since is written
 * again; a sink task's partitions are consumed again from the group's last commit. Commits run
 * every offset.flush.interval.ms (short here); the bound counts each killed task's rate over that
 * interval plus 2 s for the commit's own round trip on a busy machine.
 *
 * One broker: the fault is in the workers, not in Kafka (three-brokers.test.ts covers broker faults
 * with connectd's topics at replication 3).
 */
import { copyFile, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { connectdHarness, TEST_PLUGINS } from '../fixtures/connectd-harness.js';
import { audit, keepsPromise, recordReliability } from '../fixtures/fault-audit.js';
import { readTopic } from '../../tools/topic-reader.js';
import { RecordFlow, generatorRecordsInFile, generatorRecordsInTopic, generatorStreams } from '../fixtures/record-flow.js';
import { waitFor } from '../fixtures/wait.js';

const TEST = 'test/faults/distributed-kills.test.ts';
const TASKS = 6;
const SINK_TASKS = 3;
const RATE = 600;
const BATCH = 20;
const FLUSH_INTERVAL_MS = 500;
const PER_PARTITION = 6000;
const TOPIC = 'faults-dk';

const h = await connectdHarness(t, 'distributed-kills');
const running = new Set<ConnectdProcess>();
t.teardown(async () => {
  for (const p of running) await p.kill();
});
const all: ConnectdProcess[] = [];
t.teardown(async () => {
  if (t.passing()) return;
  const keep = await mkdtemp(path.join(os.tmpdir(), 'connectd-distributed-kills-logs-'));
  for (const [i, p] of all.entries()) await copyFile(p.logFile, path.join(keep, `worker-${i}.log`)).catch(() => undefined);
  t.comment(`worker logs kept in ${keep}`);
});

const CLUSTER_WORKER = {
  'group.id': 'faults-dk',
  'config.storage.topic': 'faults-dk-configs',
  'offset.storage.topic': 'faults-dk-offsets',
  'status.storage.topic': 'faults-dk-status',
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  'offset.storage.partitions': '3',
  'status.storage.partitions': '1',
  'membership.topic.partitions': '16',
  'session.timeout.ms': '6000',
  'heartbeat.interval.ms': '1000',
  // The sink tasks' consumers: a killed worker's partitions go to the others after this, not
  // librdkafka's 45 s.
  'consumer.session.timeout.ms': '6000',
  'consumer.heartbeat.interval.ms': '1000',
  'offset.flush.interval.ms': String(FLUSH_INTERVAL_MS),
  'plugin.path': TEST_PLUGINS,
  'worker.threads': '2',
  'allowed.paths': h.root,
};

let started = 0;
async function startWorker(): Promise<ConnectdProcess> {
  const proc = await ConnectdProcess.start({
    dir: path.join(h.root, `w${started++}`),
    bootstrapServers: h.cluster.bootstrapServers,
    connectors: [],
    worker: CLUSTER_WORKER,
    mode: 'distributed',
    startTimeoutMs: 60_000,
  });
  running.add(proc);
  all.push(proc);
  void proc.exited().then(() => running.delete(proc));
  // The REST API answers before the worker has joined; /health is 200 once it has.
  await waitFor(`${proc.url} joined the cluster`, async () => (await fetch(`${proc.url}/health`)).status === 200, 60_000, 100);
  return proc;
}

const workerIdOf = (p: ConnectdProcess): string => new URL(p.url).host;

/** The connector's tasks RUNNING on exactly `workers`, each running some, counts differing by at most one. */
async function balanced(name: string, tasks: number, workers: ConnectdProcess[]): Promise<ConnectorStatus> {
  let last: ConnectorStatus | undefined;
  try {
    return await waitFor(
      `${name}: ${tasks} tasks RUNNING over ${workers.map(workerIdOf).join(', ')}`,
      async () => {
        const status = await workers[0]!.status(name);
        last = status;
        if (status.tasks.length !== tasks || status.tasks.some((x) => x.state !== 'RUNNING')) return undefined;
        const counts = new Map(workers.map((w) => [workerIdOf(w), 0]));
        for (const x of status.tasks) {
          const n = counts.get(x.worker_id);
          if (n === undefined) return undefined;
          counts.set(x.worker_id, n + 1);
        }
        return Math.max(...counts.values()) - Math.min(...counts.values()) <= 1 ? status : undefined;
      },
      120_000,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status ${JSON.stringify(last)}`, { cause: err });
  }
}

t.test('three workers SIGKILLed in turn under load: nothing lost, duplicates within the last offset commit', async (t) => {
  await h.cluster.createTopic(TOPIC, { partitions: SINK_TASKS });
  const live = [await startWorker(), await startWorker(), await startWorker()];
  const sinkFile = path.join(h.root, 'sink.txt');
  const created = await live[1]!.request('POST', '/connectors', {
    name: 'gen',
    config: {
      'connector.class': 'GeneratorSource',
      'tasks.max': String(TASKS),
      'source.partitions': String(TASKS),
      'records.per.partition': String(PER_PARTITION),
      'records.per.second': String(RATE),
      'batch.size': String(BATCH),
      topic: TOPIC,
    },
  });
  t.equal(created.status, 201, JSON.stringify(created.body));
  t.equal(
    (
      await live[2]!.request('POST', '/connectors', {
        name: 'sink',
        config: { 'connector.class': 'FileStreamSink', 'tasks.max': String(SINK_TASKS), topics: TOPIC, file: sinkFile },
      })
    ).status,
    201,
  );
  await balanced('gen', TASKS, live);
  await balanced('sink', SINK_TASKS, live);
  const flow = new RecordFlow('gen', () => live);
  t.teardown(() => flow.stop());
  await waitFor('records flowing', () => flow.written >= 2 * RATE, 60_000, 100);

  const killedSourcePartitions = new Set<number>();
  let killedSinkTasks = 0;
  let killedSourceTasks = 0;
  const recoveries: number[] = [];
  const notes: string[] = [];
  for (let round = 0; round < 3; round++) {
    // Always one of the three original workers, each once.
    const victim = all[round]!;
    const gen = await victim.status('gen');
    const sink = await victim.status('sink');
    const mine = gen.tasks.filter((x) => x.worker_id === workerIdOf(victim)).map((x) => x.id);
    const mySink = sink.tasks.filter((x) => x.worker_id === workerIdOf(victim)).length;
    for (const p of mine) killedSourcePartitions.add(p); // one source partition per task: partition = task id
    killedSourceTasks += mine.length;
    killedSinkTasks += mySink;
    await victim.kill();
    const killedAt = Date.now();
    live.splice(live.indexOf(victim), 1);
    await balanced('gen', TASKS, live);
    await balanced('sink', SINK_TASKS, live);
    const movedAt = Date.now();
    const generatorDone = PER_PARTITION * TASKS - flow.written <= BATCH * TASKS;
    const flowing = generatorDone
      ? 0
      : await waitFor('records flowing after the move', () => flow.flowingAgainAfter(movedAt, BATCH) ?? undefined, 60_000, 100);
    const recovery = (movedAt - killedAt) / 1000 + flowing;
    recoveries.push(recovery);
    notes.push(`kill ${round + 1}: ${mine.length} source and ${mySink} sink tasks moved, healthy ${recovery.toFixed(1)} s after the kill`);
    live.push(await startWorker());
    await balanced('gen', TASKS, live);
    await balanced('sink', SINK_TASKS, live);
  }

  type Offsets = { offsets: { partition: { partition: number }; offset: { seq: number } }[] };
  await waitFor(
    'every record acknowledged and its offset committed',
    async () => {
      const o = await live[0]!.get<Offsets>('/connectors/gen/offsets');
      return o.offsets.length === TASKS && o.offsets.every((x) => x.offset.seq === PER_PARTITION - 1);
    },
    180_000,
    500,
  );
  flow.stop();
  const expected = generatorStreams(TASKS, PER_PARTITION);
  const seen = await generatorRecordsInTopic(h.cluster.bootstrapServers, TOPIC);
  const inTopic = audit(expected, seen);
  let inSink = audit(expected, []);
  await waitFor(
    'the sink wrote every record',
    async () => {
      inSink = audit(expected, await generatorRecordsInFile(sinkFile));
      return inSink.lost === 0 || inSink.unexpected > 0;
    },
    120_000,
    500,
  ).catch(async (err: unknown) => {
    const committed = await h.cluster.committedOffsets('connect-sink', TOPIC, SINK_TASKS).catch((e: unknown) => String(e));
    const byPartition = new Map<number, number>();
    const topicRecords = await readTopic(h.cluster.bootstrapServers, TOPIC);
    for (const r of topicRecords) byPartition.set(r.partition, Math.max(byPartition.get(r.partition) ?? 0, r.offset + 1));
    const lines = new Set((await generatorRecordsInFile(sinkFile)).map(([st, q]) => `${st}-${q}`));
    t.comment(
      `missing from the sink: ${topicRecords
        .filter((r) => !lines.has(r.key!))
        .map((r) => `${r.partition}@${r.offset}`)
        .join(' ')}`,
    );
    const status = await live[0]!.status('sink');
    const keep = await mkdtemp(path.join(os.tmpdir(), 'connectd-distributed-kills-sink-'));
    await copyFile(sinkFile, path.join(keep, 'sink.txt')).catch(() => undefined);
    t.comment(
      `sink: ${inSink.recordsOut} lines, ${inSink.lost} missing (${inSink.lostExamples.join(', ')}); committed ${JSON.stringify([...(committed instanceof Map ? committed : [])])} ${typeof committed === 'string' ? committed : ''}; topic ends ${JSON.stringify([...byPartition])}; status ${JSON.stringify(status)}; file kept in ${keep}`,
    );
    throw err;
  });

  const copies = new Map<string, number>();
  for (const [stream, seq] of seen) copies.set(`${stream}#${seq}`, (copies.get(`${stream}#${seq}`) ?? 0) + 1);
  const duplicatedPartitions = new Set([...copies].filter(([, n]) => n > 1).map(([k]) => Number(k.slice(1, k.indexOf('#')))));
  t.same(
    [...duplicatedPartitions].filter((p) => !killedSourcePartitions.has(p)),
    [],
    `duplicates only in the killed workers' source partitions (${[...killedSourcePartitions].join(', ')})`,
  );

  // Per killed task: its rate over one commit interval, plus 2 s for the commit's own round trip.
  const windowS = FLUSH_INTERVAL_MS / 1000 + 2;
  const maxDuplicates = Math.ceil(killedSourceTasks * (RATE / TASKS) * windowS);
  const maxSinkDuplicates = Math.ceil(killedSinkTasks * (RATE / SINK_TASKS) * windowS);
  const row = {
    scenario: 'distributed-worker-sigkill',
    test: TEST,
    injected:
      'SIGKILL of one of three distributed workers under load, a fresh worker joining in its place, then the other two original workers in turn',
    ...inTopic,
    bound: `≤ records since the last offset commit (offset.flush.interval.ms=${FLUSH_INTERVAL_MS}): per killed task, its rate over ${windowS} s`,
    maxDuplicates,
    recoverySeconds: Math.max(...recoveries),
    notes: `${notes.join('; ')}; session.timeout.ms 6000; ${RATE} records/s from ${TASKS} tasks; FileStreamSink (${SINK_TASKS} tasks) on the same topic: ${inSink.recordsOut} lines, ${inSink.lost} lost, ${inSink.duplicated} duplicated (bound ${maxSinkDuplicates})`,
  };
  await recordReliability(row);
  t.comment(
    `${row.scenario}: in ${row.recordsIn}, out ${row.recordsOut}, lost ${row.lost}, duplicated ${row.duplicated} (bound ${maxDuplicates}), recovery ${row.recoverySeconds.toFixed(1)} s; ${row.notes}`,
  );
  t.ok(
    keepsPromise(row),
    `topic: nothing lost (${inTopic.lost}: ${inTopic.lostExamples.join(', ')}), ${inTopic.duplicated} duplicated (≤ ${maxDuplicates}), nothing unexpected (${inTopic.unexpected})`,
  );
  t.ok(
    keepsPromise({ ...inSink, maxDuplicates: maxSinkDuplicates }),
    `sink file: nothing lost (${inSink.lost}: ${inSink.lostExamples.join(', ')}), ${inSink.duplicated} duplicated (≤ ${maxSinkDuplicates}), nothing unexpected (${inSink.unexpected})`,
  );
  for (const name of ['gen', 'sink']) {
    const status = await live[0]!.status(name);
    t.same(
      [status.connector.state, ...status.tasks.map((x) => x.state)],
      Array(status.tasks.length + 1).fill('RUNNING'),
      `${name}: connector and tasks RUNNING`,
    );
  }
});
