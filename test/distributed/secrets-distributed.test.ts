/**
 * Secrets in distributed mode: the status topic, which every worker and any consumer reads, holds
 * no secret of a failing connector or task (their traces redacted by value before they are
 * written), and every worker — also one that never validated the config — masks the config and
 * redacts the traces it answers with. The standalone hunt over every surface is
 * test/rest/secrets-hunt.test.ts.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import t from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { connectdHarness, TEST_PLUGINS } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';

const h = await connectdHarness(t, 'secrets-distributed');
const run = randomBytes(4).toString('hex');
const password = `S3CR3T-pw-${run}`;
const urlPassword = `S3CR3T-url-${run}`;
const statusTopic = `secrets-status-${run}`;

const workers: ConnectdProcess[] = [];
for (const i of [0, 1]) {
  const proc = await ConnectdProcess.start({
    dir: path.join(h.root, `w${i}`),
    bootstrapServers: h.cluster.bootstrapServers,
    connectors: [],
    mode: 'distributed',
    startTimeoutMs: 60_000,
    worker: {
      'group.id': `secrets-${run}`,
      'config.storage.topic': `secrets-configs-${run}`,
      'offset.storage.topic': `secrets-offsets-${run}`,
      'status.storage.topic': statusTopic,
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      'plugin.path': TEST_PLUGINS,
      'worker.threads': '2',
    },
  });
  workers.push(proc);
}
t.teardown(async () => {
  for (const p of workers) await p.kill();
});

t.test('traces in the status topic and in every worker’s answers hold no secret', async (t) => {
  const [a, b] = workers as [ConnectdProcess, ConnectdProcess];
  const url = `postgres://app:${urlPassword}@db.example/app`;
  for (const [name, failIn] of [
    ['leaky-task', 'task'],
    ['leaky-connector', 'connector'],
  ]) {
    const res = await a.request('POST', '/connectors', {
      name,
      config: { 'connector.class': 'LeakySource', topic: `t-${run}`, 'fail.in': failIn, 'api.password': password, 'connection.url': url },
    });
    t.equal(res.status, 201, JSON.stringify(res.body));
  }
  for (const via of [a, b]) {
    const task = await waitFor(
      `the task failed, seen from ${via.url}`,
      async () => ((await via.status('leaky-task')).tasks[0]?.state === 'FAILED' ? via.status('leaky-task') : undefined),
      120_000,
    );
    t.match(
      task.tasks[0]!.trace,
      'login to postgres://app:[hidden]@db.example/app refused for password [hidden]',
      `${via.url}: the task's trace, redacted`,
    );
    const conn = await waitFor(
      `the connector failed, seen from ${via.url}`,
      async () => ((await via.status('leaky-connector')).connector.state === 'FAILED' ? via.status('leaky-connector') : undefined),
      120_000,
    );
    t.match(conn.connector.trace, 'refused for password [hidden]', `${via.url}: the connector's trace, redacted`);
    const config = (await via.request('GET', '/connectors/leaky-task/config')).body as Record<string, string>;
    t.same(
      [config['api.password'], config['connection.url']],
      ['[hidden]', 'postgres://app:[hidden]@db.example/app'],
      `${via.url}: the config masked`,
    );
  }
  const records = await waitFor(
    'the failures in the status topic',
    async () => {
      const all = await readTopic(h.cluster.bootstrapServers, statusTopic, { timeoutMs: 5000 });
      const text = all.map((r) => r.value ?? '').join('\n');
      return text.includes('refused for password') && text.includes('"state":"FAILED"') ? text : undefined;
    },
    120_000,
  );
  t.match(records, 'refused for password [hidden]', 'the traces are in the status topic, redacted');
  t.notMatch(records, password, 'no PASSWORD value in the status topic');
  t.notMatch(records, urlPassword, 'no URL password in the status topic');
  for (const p of workers) {
    const log = await p.logTail(100_000);
    t.notMatch(log, password, `${p.url}: no PASSWORD value in the log`);
    t.notMatch(log, urlPassword, `${p.url}: no URL password in the log`);
  }
});
