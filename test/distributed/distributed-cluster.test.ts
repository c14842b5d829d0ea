/**
 * Distributed mode end to end (issue 8): real connectd worker processes (`connectd distributed`)
 * sharing one group on a real broker.
 *
 * - Three workers and a 6-task generator: 2 tasks each. SIGKILL one: its tasks run on the other two
 *   within session.timeout.ms plus a few seconds. A fourth worker joins: 2/2/2 again.
 * - Connectors created and deleted during rebalances: every unit runs exactly once.
 * - Every operation through a worker that does not run the connector instance: create, update,
 *   pause, resume, restart (forwarded to the owner), task restart, stop, offsets, delete.
 * - The topic holds every generated record, in order per source partition; duplicates only where a
 *   task moved before its last offset flush.
 * - A sink connector with 3 tasks over the workers: every record delivered at least once.
 * - The whole cluster restarted: connectors, task configs, target states and offsets come back.
 */
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { connectdHarness, TEST_PLUGINS } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';

const SESSION_TIMEOUT_MS = 6000;
const h = await connectdHarness(t, 'distributed');
const running = new Set<ConnectdProcess>();
t.teardown(async () => {
  for (const p of running) await p.kill();
});

const CLUSTER_WORKER = {
  'group.id': 'connectd-it',
  'config.storage.topic': 'it-configs',
  'offset.storage.topic': 'it-offsets',
  'status.storage.topic': 'it-status',
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  'offset.storage.partitions': '5',
  'membership.topic.partitions': '16',
  'session.timeout.ms': String(SESSION_TIMEOUT_MS),
  'heartbeat.interval.ms': '1000',
  'offset.flush.interval.ms': '1000',
  'plugin.path': TEST_PLUGINS,
  'worker.threads': '2',
};

const all: ConnectdProcess[] = [];
// On failure, keep the workers' logs (the harness removes its directory at the end).
t.teardown(async () => {
  if (t.passing()) return;
  const keep = await mkdtemp(path.join(os.tmpdir(), 'connectd-distributed-logs-'));
  for (const [i, p] of all.entries()) await copyFile(p.logFile, path.join(keep, `worker-${i}.log`)).catch(() => undefined);
  t.comment(`worker logs kept in ${keep}`);
});

let started = 0;
async function worker(): Promise<ConnectdProcess> {
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
  return proc;
}

const workerIdOf = (p: ConnectdProcess): string => new URL(p.url).host;

/** The connector's tasks RUNNING (or `state`) on exactly `workers`, with counts differing by at most one. */
async function balanced(
  via: ConnectdProcess,
  name: string,
  tasks: number,
  workers: ConnectdProcess[],
  state = 'RUNNING',
): Promise<ConnectorStatus> {
  let last: ConnectorStatus | undefined;
  const check = async (): Promise<ConnectorStatus | undefined> => {
    const status = await via.status(name);
    last = status;
    if (status.tasks.length !== tasks || status.tasks.some((task) => task.state !== state)) return undefined;
    const ids = new Set(workers.map(workerIdOf));
    const counts = new Map<string, number>([...ids].map((id) => [id, 0]));
    for (const task of status.tasks) {
      if (!ids.has(task.worker_id)) return undefined;
      counts.set(task.worker_id, counts.get(task.worker_id)! + 1);
    }
    return Math.max(...counts.values()) - Math.min(...counts.values()) <= 1 ? status : undefined;
  };
  try {
    return await waitFor(`${name}: ${tasks} tasks ${state} over ${workers.map(workerIdOf).join(', ')}`, check, 90_000, 250);
  } catch (err) {
    throw new Error(`${(err as Error).message}; last status ${JSON.stringify(last)}`, { cause: err });
  }
}

/** A worker that runs no instance of `name` (the one to send requests through). */
async function nonOwner(workers: ConnectdProcess[], name: string): Promise<ConnectdProcess> {
  const status = await workers[0]!.status(name);
  const other = workers.find((w) => workerIdOf(w) !== status.connector.worker_id);
  if (other === undefined) throw new Error('every worker owns the connector?');
  return other;
}

/** Per source partition: the seqs in the topic, checked to be 0..max with no gap; returns duplicates. */
async function checkGenerated(
  topic: string,
  partitions: number,
): Promise<{ records: number; duplicates: number; maxSeq: number[]; duplicatedPartitions: Set<number> }> {
  const seen = new Map<number, Map<number, number>>();
  const records = await readTopic(h.cluster.bootstrapServers, topic);
  for (const r of records) {
    const match = /^p(\d+)-(\d+)$/.exec(r.key ?? '');
    if (match === null) throw new Error(`unexpected key ${r.key}`);
    const [p, seq] = [Number(match[1]), Number(match[2])];
    const counts = seen.get(p) ?? new Map<number, number>();
    seen.set(p, counts);
    counts.set(seq, (counts.get(seq) ?? 0) + 1);
  }
  let duplicates = 0;
  const maxSeq: number[] = [];
  const duplicatedPartitions = new Set<number>();
  for (let p = 0; p < partitions; p++) {
    const counts = seen.get(p) ?? new Map<number, number>();
    const max = Math.max(-1, ...counts.keys());
    for (let seq = 0; seq <= max; seq++) {
      const n = counts.get(seq) ?? 0;
      if (n === 0) throw new Error(`source partition ${p}: record ${seq} is missing (max ${max})`);
      duplicates += n - 1;
      if (n > 1) duplicatedPartitions.add(p);
    }
    maxSeq.push(max);
  }
  return { records: records.length, duplicates, maxSeq, duplicatedPartitions };
}

const a = await worker();
const b = await worker();
const c = await worker();

const generator = {
  'connector.class': 'io.connectd.connectors.generator.GeneratorSourceConnector',
  'tasks.max': '6',
  'source.partitions': '6',
  'records.per.second': '300',
  'batch.size': '10',
  topic: 'it-generated',
};

t.test('three workers share a 6-task source connector, 2 tasks each', async (t) => {
  const created = await b.request('POST', '/connectors', { name: 'gen', config: generator });
  t.equal(created.status, 201, JSON.stringify(created.body));
  const status = await balanced(a, 'gen', 6, [a, b, c]);
  t.equal(status.connector.state, 'RUNNING');
  t.equal(status.type, 'source');
  for (const w of [a, b, c]) t.same((await w.get<string[]>('/connectors')).sort(), ['gen'], `${w.url} lists the connector`);
  const info = await c.get<{ tasks: unknown[] }>('/connectors/gen');
  t.equal(info.tasks.length, 6);
  t.equal(await a.metric('connectd_worker_tasks'), 2);
  t.ok((await a.metric('connectd_worker_rebalance_completed_total')) >= 1, 'rebalances are counted');
  t.equal(
    (await a.metric('connectd_worker_leader')) + (await b.metric('connectd_worker_leader')) + (await c.metric('connectd_worker_leader')),
    1,
    'one leader',
  );
});

/** The source partitions (= task ids: one partition per task) of the tasks that ran on the killed worker. */
const killedPartitions = new Set<number>();

t.test('a SIGKILLed worker: its tasks run on the others within the session timeout plus a few seconds', async (t) => {
  for (const task of (await a.status('gen')).tasks) if (task.worker_id === workerIdOf(c)) killedPartitions.add(task.id);
  t.equal(killedPartitions.size, 2);
  const killedAt = Date.now();
  await c.kill();
  await balanced(a, 'gen', 6, [a, b]);
  const took = Date.now() - killedAt;
  t.comment(`tasks of the killed worker running elsewhere after ${took} ms (session.timeout.ms ${SESSION_TIMEOUT_MS})`);
  t.ok(took < SESSION_TIMEOUT_MS + 20_000, `moved in ${took} ms`);
});

let d: ConnectdProcess;
t.test('a fourth worker joins: some tasks move to it, balanced again', async () => {
  d = await worker();
  await balanced(a, 'gen', 6, [a, b, d]);
});

t.test('connectors created and deleted while the cluster rebalances: each unit runs exactly once', async (t) => {
  const burst = (i: number): Record<string, string> => ({
    ...generator,
    'tasks.max': '2',
    'source.partitions': '2',
    'records.per.second': '20',
    topic: `it-burst-${i}`,
  });
  // Three creates through three workers at once (each makes the leader rebalance), a delete, and
  // a worker restart in the middle.
  const created = await Promise.all([a, b, d].map((w, i) => w.request('POST', '/connectors', { name: `burst-${i}`, config: burst(i) })));
  t.same(
    created.map((r) => r.status),
    [201, 201, 201],
  );
  t.equal((await d.request('DELETE', '/connectors/burst-1')).status, 204);
  await balanced(a, 'burst-0', 2, [a, b, d]);
  await balanced(b, 'burst-2', 2, [a, b, d]);
  await balanced(d, 'gen', 6, [a, b, d]);
  for (const w of [a, b, d])
    await waitFor(`${w.url} forgot burst-1`, async () => !(await w.get<string[]>('/connectors')).includes('burst-1'));
  // A unit running on two workers would count twice.
  await waitFor('10 tasks running in the cluster, each once', async () => {
    const counts = await Promise.all([a, b, d].map((w) => w.metric('connectd_worker_tasks')));
    return counts.reduce((x, y) => x + y, 0) === 10 && Math.max(...counts) - Math.min(...counts) <= 1;
  });
  for (const name of ['burst-0', 'burst-2']) t.equal((await a.request('DELETE', `/connectors/${name}`)).status, 204);
  await waitFor(
    'the burst connectors gone',
    async () => (await Promise.all([a, b, d].map((w) => w.metric('connectd_worker_tasks')))).reduce((x, y) => x + y, 0) === 6,
  );
});

t.test('operations through a worker that does not run the connector', async (t) => {
  const via = await nonOwner([a, b, d], 'gen');
  t.equal((await via.request('PUT', '/connectors/gen/pause')).status, 202);
  await balanced(a, 'gen', 6, [a, b, d], 'PAUSED');
  t.equal((await via.status('gen')).connector.state, 'PAUSED');
  t.equal((await via.request('PUT', '/connectors/gen/resume')).status, 202);
  await balanced(a, 'gen', 6, [a, b, d]);

  // The plain restart runs on the owner: forwarded there.
  const restart = await via.request('POST', '/connectors/gen/restart');
  t.equal(restart.status, 204, JSON.stringify(restart.body));
  // A task restart, through a worker that does not run that task.
  const before = await via.status('gen');
  const task = before.tasks.find((x) => x.worker_id !== workerIdOf(via))!;
  t.equal((await via.request('POST', `/connectors/gen/tasks/${task.id}/restart`)).status, 204);
  // With includeTasks: a restart request in the config topic, applied by every worker.
  t.equal((await via.request('POST', '/connectors/gen/restart?includeTasks=true')).status, 202);
  await balanced(a, 'gen', 6, [a, b, d]);

  // An update reaches the owner: the tasks run with the new config (a rate change).
  const put = await via.request('PUT', '/connectors/gen/config', { ...generator, 'records.per.second': '600' });
  t.equal(put.status, 200, JSON.stringify(put.body));
  await waitFor('tasks with the new config', async () => {
    const tasks = await via.get<{ config: Record<string, string> }[]>('/connectors/gen/tasks');
    return tasks.length === 6 && tasks.every((x) => x.config['records.per.second'] === '600');
  });
  t.equal(
    (await d.get<Record<string, string>>('/connectors/gen/config'))['records.per.second'],
    '600',
    'every worker reads the new config',
  );
  await balanced(a, 'gen', 6, [a, b, d]);

  // Offsets: a KIP-875 alter needs STOPPED; stop through a non-owner.
  const refused = await via.request('PATCH', '/connectors/gen/offsets', { offsets: [{ partition: { partition: 0 }, offset: { seq: 0 } }] });
  t.equal(refused.status, 400, 'offsets change only while STOPPED');
  t.equal((await via.request('PUT', '/connectors/gen/stop')).status, 204);
  await waitFor('STOPPED, no tasks', async () => {
    const s = await a.status('gen');
    return s.connector.state === 'STOPPED' && s.tasks.length === 0;
  });
});

t.test('every generated record is in the topic; duplicates only from tasks that moved', async (t) => {
  const offsets = await d.get<{ offsets: { partition: { partition: number }; offset: { seq: number } }[] }>('/connectors/gen/offsets');
  t.equal(offsets.offsets.length, 6, 'an offset per source partition');
  const { records, duplicates, maxSeq, duplicatedPartitions } = await checkGenerated('it-generated', 6);
  t.comment(`${records} records, ${duplicates} duplicates, in source partitions ${[...duplicatedPartitions].join(', ')}`);
  // Tasks that moved in a rebalance committed first: only the killed worker's tasks repeat records.
  t.ok(
    [...duplicatedPartitions].every((p) => killedPartitions.has(p)),
    `duplicates only in the killed worker's partitions (${[...killedPartitions].join(', ')})`,
  );
  for (const o of offsets.offsets)
    t.equal(
      o.offset.seq,
      maxSeq[o.partition.partition],
      `partition ${o.partition.partition}: the committed offset is the last record written`,
    );
  // At 600 records/s, a task that moves without its last flush (1 s) repeats at most ~1 s of its
  // records; only the killed worker's two tasks could, and the rate was 300/s then.
  t.ok(duplicates <= 2 * 300, `${duplicates} duplicates`);
});

t.test('a sink connector across the workers: every record delivered at least once', async (t) => {
  const output = path.join(h.root, 'sink.jsonl');
  const created = await a.request('POST', '/connectors', {
    name: 'sink',
    config: { 'connector.class': 'RecordingSinkConnector', 'tasks.max': '3', topics: 'it-generated', 'output.file': output },
  });
  t.equal(created.status, 201, JSON.stringify(created.body));
  await balanced(b, 'sink', 3, [a, b, d]);
  const inTopic = await readTopic(h.cluster.bootstrapServers, 'it-generated');
  const want = new Set(inTopic.map((r) => `${r.partition}@${r.offset}`));
  await waitFor(
    'the sink wrote every record',
    async () => {
      const text = await readFile(output, 'utf8').catch(() => '');
      const got = new Set(
        text
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => {
            const r = JSON.parse(l) as { partition: number; offset: number };
            return `${r.partition}@${r.offset}`;
          }),
      );
      return [...want].every((k) => got.has(k));
    },
    60_000,
    500,
  );
  const status = await d.status('sink');
  t.same(new Set(status.tasks.map((x) => x.worker_id)).size, 3, 'the three tasks run on three workers');
});

t.test('the whole cluster restarted: configs, task configs, states and offsets come back from Kafka', async (t) => {
  // A paused connector, to see its state come back.
  t.equal(
    (
      await a.request('POST', '/connectors', {
        name: 'paused',
        config: { ...generator, 'tasks.max': '2', 'source.partitions': '2', topic: 'it-paused' },
        initial_state: 'PAUSED',
      })
    ).status,
    201,
  );
  await waitFor('paused tasks', async () => {
    const s = await b.status('paused');
    return s.tasks.length === 2 && s.tasks.every((x) => x.state === 'PAUSED');
  });
  const offsetsBefore = await a.get<{ offsets: { partition: { partition: number }; offset: { seq: number } }[] }>(
    '/connectors/gen/offsets',
  );
  for (const w of [a, b, d]) t.equal(await w.stop(), 0, `${w.url} stopped cleanly`);

  const [e, f, g] = [await worker(), await worker(), await worker()];
  t.same((await e.get<string[]>('/connectors')).sort(), ['gen', 'paused', 'sink']);
  await balanced(f, 'sink', 3, [e, f, g]);
  await balanced(g, 'paused', 2, [e, f, g], 'PAUSED');
  t.equal((await e.status('gen')).connector.state, 'STOPPED', 'the stopped connector stays STOPPED');
  type Offsets = typeof offsetsBefore;
  const byPartition = (o: Offsets): Offsets['offsets'] => [...o.offsets].sort((x, y) => x.partition.partition - y.partition.partition);
  t.same(byPartition(await f.get<Offsets>('/connectors/gen/offsets')), byPartition(offsetsBefore), 'offsets come back');

  // Resumed from STOPPED through a worker that does not own it: it carries on from its offsets.
  const via = await nonOwner([e, f, g], 'gen');
  t.equal((await via.request('PUT', '/connectors/gen/resume')).status, 202);
  await balanced(e, 'gen', 6, [e, f, g]);
  const max = Math.max(...offsetsBefore.offsets.map((o) => o.offset.seq));
  await waitFor(
    'records after the restart',
    async () => (await checkGenerated('it-generated', 6)).maxSeq.every((m) => m > max + 20),
    60_000,
    1000,
  );
  const after = await checkGenerated('it-generated', 6);
  t.comment(`${after.records} records, ${after.duplicates} duplicates after the restart`);
  t.ok(
    [...after.duplicatedPartitions].every((p) => killedPartitions.has(p)),
    'stopping and starting the whole cluster repeats nothing',
  );

  // Delete through a non-owner: gone on every worker, its tasks stopped.
  const owner = await nonOwner([e, f, g], 'paused');
  t.equal((await owner.request('DELETE', '/connectors/paused')).status, 204);
  for (const w of [e, f, g])
    await waitFor(`${w.url} forgot the connector`, async () => !(await w.get<string[]>('/connectors')).includes('paused'));
  t.equal((await e.request('GET', '/connectors/paused/status')).status, 404);
});
