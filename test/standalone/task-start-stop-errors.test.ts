/**
 * A task whose start() or stop() throws or rejects fails alone (project issue 13, defect 5): its
 * start error makes it FAILED with the trace; its stop error is logged ("Could not stop task", as
 * Kafka Connect's WorkerTask) and the stop completes. Neither takes down the worker thread: with
 * worker.threads=1 every task shares one thread, and a healthy source task on it keeps RUNNING and
 * producing throughout, without a restart. Before, a rejecting stop() was an unhandled rejection
 * in the worker thread, which killed the thread and every task on it.
 */
import { readFile } from 'node:fs/promises';
import t from 'tap';
import type { Test } from 'tap';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

const { cluster, startConnectd } = await connectdHarness(t, 'task-start-stop-errors');
await cluster.createTopic('healthy', { partitions: 1 });
await cluster.createTopic('misbehaving', { partitions: 1 });

const proc = await startConnectd('errors', [{ name: 'healthy', 'connector.class': 'FlakySource', 'tasks.max': '1', topic: 'healthy' }], {
  'worker.threads': '1',
});
const written = (): Promise<number> => proc.metric('connectd_source_record_write_total', 'connector="healthy"');
const restarts = (): Promise<number> => proc.metric('connectd_task_restarts_total', 'connector="healthy"');
await waitFor('the healthy task producing', async () => (await written()) > 100);

/** The healthy task on the same thread: RUNNING, never restarted, still producing. */
async function healthyKeepsRunning(t: Test, when: string): Promise<void> {
  const before = await written();
  await waitFor(`${when}: the healthy task still producing`, async () => (await written()) > before + 100, 30000);
  const status = await proc.status('healthy');
  t.equal(status.tasks[0]?.state, 'RUNNING', `${when}: the healthy task is RUNNING`);
  t.equal(await restarts(), 0, `${when}: the healthy task was never restarted`);
}

for (const kind of ['source', 'sink'] as const) {
  const connectorClass = kind === 'source' ? 'MisbehavingSource' : 'MisbehavingSink';
  const extra: Record<string, string> = kind === 'source' ? { topic: 'misbehaving' } : { topics: 'healthy' };

  for (const misbehave of ['start-throws', 'start-rejects'] as const) {
    t.test(
      `a ${kind} task whose start() ${misbehave === 'start-throws' ? 'throws' : 'rejects later'}: FAILED with the trace, alone`,
      async (t) => {
        const name = `${kind}-${misbehave}`;
        const created = await proc.request('POST', '/connectors', {
          name,
          config: { 'connector.class': connectorClass, 'tasks.max': '1', misbehave, ...extra },
        });
        t.equal(created.status, 201);
        const task = await waitFor(`${name}: task FAILED`, async () => {
          const s = await proc.status(name);
          return s.tasks[0]?.state === 'FAILED' ? s.tasks[0] : undefined;
        });
        t.match(
          task.trace,
          `start() failed on purpose (${misbehave === 'start-throws' ? 'synchronously' : 'asynchronously'})`,
          'the trace is the start() error',
        );
        await healthyKeepsRunning(t, name);
        t.equal((await proc.request('DELETE', `/connectors/${name}`)).status, 204);
      },
    );
  }

  for (const misbehave of ['stop-throws', 'stop-rejects'] as const) {
    t.test(
      `a ${kind} task whose stop() ${misbehave === 'stop-throws' ? 'throws' : 'rejects'}: logged, stopped anyway, alone`,
      async (t) => {
        const name = `${kind}-${misbehave}`;
        const created = await proc.request('POST', '/connectors', {
          name,
          config: { 'connector.class': connectorClass, 'tasks.max': '1', misbehave, ...extra },
        });
        t.equal(created.status, 201);
        await waitFor(`${name}: task RUNNING`, async () => (await proc.status(name)).tasks[0]?.state === 'RUNNING');
        // STOPPED first (the task is stopped, its connector kept), then deleted.
        t.equal((await proc.request('PUT', `/connectors/${name}/stop`)).status, 204);
        const stopped = await proc.status(name);
        t.equal(stopped.connector.state, 'STOPPED');
        t.same(stopped.tasks, []);
        await healthyKeepsRunning(t, name);
        const log = await waitFor(`${name}: the stop error logged`, async () => {
          const text = await readFile(proc.logFile, 'utf8');
          return text.split('\n').find((line) => line.includes('Could not stop task') && line.includes(`"connector":"${name}"`));
        });
        t.match(
          log,
          `stop() failed on purpose (${misbehave === 'stop-throws' ? 'synchronously' : 'asynchronously'})`,
          'the log line carries the error',
        );
        t.equal((await proc.request('DELETE', `/connectors/${name}`)).status, 204);
        await healthyKeepsRunning(t, `${name} deleted`);
      },
    );
  }
}

t.test('the daemon stops cleanly afterwards', async (t) => {
  t.equal(await proc.stop(), 0);
  t.notMatch(await readFile(proc.logFile, 'utf8'), /"level":60/, 'nothing fatal was logged');
});
