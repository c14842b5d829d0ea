/**
 * Connector and task lifecycle through the REST API, against a real broker: pause/resume, stop and
 * resume from STOPPED, restart of failed tasks only, automatic restarts, a task that ignores stop,
 * and dynamic reconfiguration that leaves unchanged tasks alone.
 */
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'lifecycle');

const states = (s: ConnectorStatus): string => [s.connector.state, ...s.tasks.map((task) => `${task.id}:${task.state}`)].join(' ');

async function written(proc: ConnectdProcess, connector: string): Promise<number> {
  return proc.metric('connectd_source_record_write_total', `connector="${connector}"`);
}

t.test('pause stops polling and resume continues; stop frees the tasks and resume from STOPPED picks up the offsets', async (t) => {
  await cluster.createTopic('pausing', { partitions: 2 });
  const proc = await startConnectd('pausing', [
    {
      name: 'gen',
      'connector.class': 'GeneratorSource',
      'tasks.max': '2',
      topic: 'pausing',
      'source.partitions': '2',
      'poll.interval.ms': '20',
      'batch.size': '50',
    },
  ]);
  await waitFor('records flowing', async () => (await written(proc, 'gen')) > 500);

  t.equal((await proc.request('PUT', '/connectors/gen/pause')).status, 202);
  t.equal(states(await proc.status('gen')), 'PAUSED 0:PAUSED 1:PAUSED');
  // Records polled before the pause are still sent and acknowledged, as in Kafka Connect (a poll
  // in progress completes): wait until none is in flight and the count holds still. Waiting only
  // for none in flight failed once (2026-12-08): a batch still in the task's thread arrived after.
  let last = -1;
  await waitFor(
    'records polled before the pause acknowledged, and no more arriving',
    async () => {
      const now = await written(proc, 'gen');
      const still = now === last && (await proc.metric('connectd_source_active_records', 'connector="gen"')) === 0;
      last = now;
      return still;
    },
    30000,
    300,
  );
  const paused = await written(proc, 'gen');
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(await written(proc, 'gen'), paused, 'nothing produced while paused');

  t.equal((await proc.request('PUT', '/connectors/gen/resume')).status, 202);
  t.equal(states(await proc.status('gen')), 'RUNNING 0:RUNNING 1:RUNNING');
  await waitFor('records flowing again', async () => (await written(proc, 'gen')) > paused + 200);

  t.equal((await proc.request('PUT', '/connectors/gen/stop')).status, 204);
  const stopped = await proc.status('gen');
  t.equal(stopped.connector.state, 'STOPPED');
  t.same(stopped.tasks, [], 'a stopped connector has no tasks');
  t.same((await proc.request('GET', '/connectors/gen/tasks')).body, []);
  const offsetsWhenStopped = await proc.committedOffsets('gen');
  t.equal(offsetsWhenStopped.size, 2, 'offsets kept while stopped');

  t.equal((await proc.request('PUT', '/connectors/gen/resume')).status, 202);
  await waitFor('RUNNING again after STOPPED', async () => states(await proc.status('gen')) === 'RUNNING 0:RUNNING 1:RUNNING');
  const before = await written(proc, 'gen');
  await waitFor('more records', async () => (await written(proc, 'gen')) > before + 200);
  t.equal(await proc.stop(), 0);

  // The generator resumed from its committed offsets: every (partition, seq) exactly once, no gap.
  const records = await readTopic(cluster.bootstrapServers, 'pausing');
  const seqs = new Map<number, number[]>();
  for (const r of records) {
    const [p, seq] = r.key!.slice(1).split('-').map(Number) as [number, number];
    (seqs.get(p) ?? seqs.set(p, []).get(p)!).push(seq);
  }
  for (const [p, list] of seqs) {
    list.sort((a, b) => a - b);
    t.ok(
      list.every((seq, i) => seq === i),
      `partition ${p}: records 0..${list.length - 1} each exactly once`,
    );
  }
});

t.test('restart?includeTasks=true&onlyFailed=true restarts only the failed task; 404s name the connector', async (t) => {
  await cluster.createTopic('restarts', { partitions: 1 });
  const proc = await startConnectd('restarts', [
    { name: 'flaky', 'connector.class': 'FlakySource', 'tasks.max': '2', topic: 'restarts', 'fail.task': '1', 'fail.after.polls': '2' },
  ]);
  // On a loaded machine task 1 can fail before task 0 has even started: wait for both.
  await waitFor('task 1 FAILED and task 0 RUNNING', async () => {
    const tasks = (await proc.status('flaky')).tasks;
    return tasks[1]?.state === 'FAILED' && tasks[0]?.state === 'RUNNING';
  });
  const task0Before = await written(proc, 'flaky');

  const res = await proc.request('POST', '/connectors/flaky/restart?includeTasks=true&onlyFailed=true');
  t.equal(res.status, 202);
  const body = res.body as ConnectorStatus;
  t.equal(body.connector.state, 'RUNNING', 'the connector itself is not restarted');
  t.same(
    body.tasks.map((task) => task.state),
    ['RUNNING', 'RESTARTING'],
    'only the failed task restarts',
  );
  await waitFor('task 1 failed again (it fails after 2 polls)', async () => (await proc.status('flaky')).tasks[1]?.state === 'FAILED');
  // Acknowledgements can lag on a loaded machine: wait for task 0's records rather than sample once.
  await waitFor('task 0 producing throughout', async () => (await written(proc, 'flaky')) > task0Before);
  t.equal((await proc.status('flaky')).tasks[0]!.state, 'RUNNING', 'task 0 kept running throughout');

  t.equal((await proc.request('POST', '/connectors/flaky/tasks/1/restart')).status, 204);
  t.equal((await proc.request('POST', '/connectors/flaky/restart')).status, 204);
  const missing = await proc.request('GET', '/connectors/nope/status');
  t.same(missing, { status: 404, body: { error_code: 404, message: 'Connector nope not found' } });
  t.equal((await proc.request('POST', '/connectors/flaky/tasks/7/restart')).status, 404);
  t.equal((await proc.request('POST', '/connectors/flaky/restart?includeTasks=maybe')).status, 400);
  t.equal((await proc.request('DELETE', '/connectors/flaky')).status, 204);
  t.same((await proc.request('GET', '/connectors')).body, []);
  t.equal(await proc.stop(), 0);
});

t.test('task.restart.on.failure restarts a FAILED task with growing backoff until it recovers', async (t) => {
  await cluster.createTopic('autorestart', { partitions: 1 });
  const failFile = path.join(root, 'fail-autorestart');
  await writeFile(failFile, 'x');
  const proc = await startConnectd(
    'autorestart',
    [{ name: 'auto', 'connector.class': 'FlakySource', 'tasks.max': '1', topic: 'autorestart', 'fail.while.file.exists': failFile }],
    { 'task.restart.on.failure': 'true', 'task.restart.backoff.initial.ms': '100', 'task.restart.backoff.max.ms': '400' },
  );
  await waitFor('three automatic restarts', async () => (await proc.metric('connectd_task_restarts_total', 'connector="auto"')) >= 3);
  const failing = await proc.status('auto');
  t.match(failing.tasks[0]!.state, /FAILED|RESTARTING|RUNNING/);
  await rm(failFile);
  await waitFor(
    'the task running and producing',
    async () => (await proc.status('auto')).tasks[0]?.state === 'RUNNING' && (await written(proc, 'auto')) > 50,
  );
  const restarts = await proc.metric('connectd_task_restarts_total', 'connector="auto"');
  await new Promise((r) => setTimeout(r, 1000));
  t.equal(await proc.metric('connectd_task_restarts_total', 'connector="auto"'), restarts, 'no more restarts once healthy');
  t.equal((await proc.status('auto')).tasks[0]!.state, 'RUNNING');
  t.equal(await proc.stop(), 0);
});

t.test('a task that ignores stop is abandoned and its thread replaced; a task sharing the thread moves on', async (t) => {
  await cluster.createTopic('stubborn', { partitions: 1 });
  const proc = await startConnectd(
    'stubborn',
    [
      { name: 'stubborn', 'connector.class': 'StubbornSource', topic: 'stubborn' },
      { name: 'bystander', 'connector.class': 'GeneratorSource', topic: 'stubborn', 'poll.interval.ms': '20', 'batch.size': '20' },
    ],
    // One thread: the stubborn task and the bystander share it.
    { 'worker.threads': '1', 'task.shutdown.graceful.timeout.ms': '1000' },
  );
  await waitFor('both producing', async () => (await written(proc, 'stubborn')) > 5 && (await written(proc, 'bystander')) > 100);
  const started = Date.now();
  const res = await proc.request('DELETE', '/connectors/stubborn');
  t.equal(res.status, 204);
  t.ok(Date.now() - started < 5000, `delete returned after the graceful timeout, not never (${Date.now() - started} ms)`);
  await waitFor(
    'the bystander restarted on a new thread',
    async () => (await proc.metric('connectd_task_restarts_total', 'connector="bystander"')) >= 1,
  );
  await waitFor('the bystander RUNNING', async () => (await proc.status('bystander')).tasks[0]?.state === 'RUNNING');
  const before = await written(proc, 'bystander');
  await waitFor('the bystander producing again', async () => (await written(proc, 'bystander')) > before + 100);
  t.equal(await proc.stop(), 0, 'the process stops cleanly');
});

t.test(
  'commitRecord() and commit() that throw are logged; the task, its thread and its offset commits go on (as Kafka Connect)',
  async (t) => {
    await cluster.createTopic('commit-throws', { partitions: 1 });
    const commits = path.join(root, 'commit-throws.commits');
    const proc = await startConnectd(
      'commit-throws',
      [
        {
          name: 'commit-throws',
          'connector.class': 'RecordingSourceConnector',
          topic: 'commit-throws',
          'commits.file': commits,
          'commit.throws': 'true',
        },
        { name: 'neighbour', 'connector.class': 'GeneratorSource', topic: 'commit-throws', 'poll.interval.ms': '20', 'batch.size': '20' },
      ],
      // One thread: an error escaping a task's commit callbacks would take the neighbour down too.
      { 'worker.threads': '1', 'offset.flush.interval.ms': '200' },
    );
    const calls = async (): Promise<string[]> => (await readFile(commits, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');
    await waitFor('five flushes, each with commit()', async () => (await calls()).filter((l) => l === 'commit').length >= 5);
    const recorded = (await calls()).filter((l) => l.startsWith('record ')).map((l) => Number(l.split(' ')[1]));
    t.ok(
      recorded.includes(1) && recorded.includes(2) && recorded.includes(3),
      'commitRecord is called for the records after one that threw',
    );
    t.equal(states(await proc.status('commit-throws')), 'RUNNING 0:RUNNING');
    t.equal(states(await proc.status('neighbour')), 'RUNNING 0:RUNNING', 'the thread the task shares did not die');
    t.equal(await proc.metric('connectd_task_restarts_total', 'connector="neighbour"'), 0, 'nor was it replaced');
    const offsets = [...(await proc.committedOffsets('commit-throws')).values()];
    t.ok(offsets.length === 1 && Number(offsets[0]!.seq) > 100, `the offsets commit (${JSON.stringify(offsets)})`);
    const log = await readFile(proc.logFile, 'utf8');
    t.match(log, /Exception thrown while calling task\.commitRecord\(\)/);
    t.match(log, /Exception thrown while calling task\.commit\(\)/);
    t.equal(await proc.stop(), 0);
  },
);

// todo, not skip: it still runs and reports. It failed once in three whole-suite runs on
// 2026-12-07 (an existing task's partition was served by a second instance, i.e. the task was
// restarted), passing alone and in the other runs; cause not found yet (see the session note on
// issue 13). Remove the todo once the cause is fixed.
t.test('dynamic reconfiguration: a new source partition starts a new task and leaves the others alone', async (t) => {
  await cluster.createTopic('dynamic', { partitions: 1 });
  const countFile = path.join(root, 'dynamic-partitions');
  await writeFile(countFile, '2');
  const proc = await startConnectd('dynamic', [
    {
      name: 'dyn',
      'connector.class': 'DynamicSource',
      'tasks.max': '4',
      topic: 'dynamic',
      'partitions.file': countFile,
      'poll.interval.ms': '100',
    },
  ]);
  await waitFor('two tasks producing', async () => (await proc.status('dyn')).tasks.length === 2 && (await written(proc, 'dyn')) > 20);
  // Atomically: writeFile truncates before it writes, and the connector's monitor (another thread,
  // every 100 ms) once read the empty file in between as 0 partitions, stopping every task.
  await writeFile(`${countFile}.tmp`, '3');
  await rename(`${countFile}.tmp`, countFile);
  await waitFor('a third task', async () => (await proc.status('dyn')).tasks.length === 3);
  await waitFor('all three running and the new partition produced', async () => {
    const s = await proc.status('dyn');
    return s.tasks.every((task) => task.state === 'RUNNING') && (await proc.metric('connectd_source_record_write_total', 'task="2"')) > 10;
  });
  t.equal(await proc.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, 'dynamic');
  const instances = new Map<string, Set<string>>();
  for (const r of records) (instances.get(r.key!) ?? instances.set(r.key!, new Set()).get(r.key!)!).add(r.headers.instance!);
  t.equal(instances.get('p0')?.size, 1, 'partition 0 was served by one task instance throughout (never restarted)');
  t.equal(instances.get('p1')?.size, 1, 'partition 1 too');
  t.ok((instances.get('p2')?.size ?? 0) >= 1, 'partition 2 was picked up');
});
