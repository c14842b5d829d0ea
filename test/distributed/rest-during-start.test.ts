/**
 * The REST API of a distributed worker that is still starting (reading its config topic, joining
 * the group) answers no request on connectors from its empty view: the requests wait until the
 * herder has started, as Kafka Connect's wait in its herder thread's queue.
 *
 * A config topic that already holds connectors; a new worker process; requests fired as soon as
 * its REST port accepts connections. Before the fix, GET /connectors answered [] and POST
 * /connectors 500 "KafkaBasedLog for … is not running (new): cannot readToEnd".
 */
import path from 'node:path';
import t from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { connectdHarness, TEST_PLUGINS } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';

const h = await connectdHarness(t, 'rest-during-start');
const running = new Set<ConnectdProcess>();
t.teardown(async () => {
  for (const p of running) await p.kill();
});

const WORKER = {
  'group.id': 'connectd-rest-start',
  'config.storage.topic': 'rs-configs',
  'offset.storage.topic': 'rs-offsets',
  'status.storage.topic': 'rs-status',
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  'plugin.path': TEST_PLUGINS,
  'worker.threads': '2',
};

let started = 0;
/** A worker process, returned as soon as its REST port accepts connections. */
async function worker(): Promise<ConnectdProcess> {
  const proc = await ConnectdProcess.start({
    dir: path.join(h.root, `w${started++}`),
    bootstrapServers: h.cluster.bootstrapServers,
    connectors: [],
    worker: WORKER,
    mode: 'distributed',
    startTimeoutMs: 60_000,
    readyWhen: 'listening',
  });
  running.add(proc);
  void proc.exited().then(() => running.delete(proc));
  return proc;
}

// STOPPED: nothing runs, the connectors only have to be in the config topic.
const connector = (name: string) => ({
  name,
  config: { 'connector.class': 'io.connectd.connectors.generator.GeneratorSourceConnector', 'tasks.max': '1', topic: 'rs-generated' },
  initial_state: 'STOPPED',
});

const existing: string[] = [];
await t.test('setup: connectors in the config topic, written by a worker that is then stopped', async (t) => {
  const first = await worker();
  await waitFor('the first worker healthy', async () => (await first.request('GET', '/health')).status === 200, 60_000, 100);
  for (let i = 0; i < 10; i++) {
    const name = `existing-${i}`;
    const res = await first.request('POST', '/connectors', connector(name));
    t.equal(res.status, 201, `create ${name}: ${JSON.stringify(res.body)}`);
    existing.push(name);
  }
  await first.stop();
});

for (let round = 0; round < 2; round++) {
  await t.test(`round ${round}: a starting worker answers from the config topic, not from an empty view`, async (t) => {
    const proc = await worker();
    // Fired at once, before anything else: the widest window.
    const created = `created-${round}`;
    const post = proc.request('POST', '/connectors', connector(created));
    const gets: Promise<{ status: number; body: unknown }>[] = [proc.request('GET', '/connectors')];
    // More lists while the worker starts, until /health says it has; /health itself never waits.
    const healthAnswers: { status: number; body: unknown }[] = [];
    for (;;) {
      gets.push(proc.request('GET', '/connectors'));
      const health = await proc.request('GET', '/health');
      healthAnswers.push(health);
      if (health.status !== 503) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    t.equal(healthAnswers.at(-1)?.status, 200, `/health: 503 while starting, then 200 (${JSON.stringify(healthAnswers.at(-1))})`);
    t.comment(`/health answered 503 ${healthAnswers.length - 1} times`);
    const answered = await Promise.all(gets);
    const wrong = answered
      .filter((a) => a.status !== 200 || !Array.isArray(a.body) || !existing.every((n) => (a.body as string[]).includes(n)))
      .map((a) => `${a.status} ${JSON.stringify(a.body)}`);
    t.same(wrong, [], `every GET /connectors of ${answered.length} lists the ${existing.length} existing connectors`);
    const postAnswer = await post;
    t.equal(postAnswer.status, 201, `POST /connectors: ${JSON.stringify(postAnswer.body)}`);
    if (postAnswer.status === 201) existing.push(created);
    const names = await proc.get<string[]>('/connectors');
    t.same([...names].sort(), [...existing].sort(), 'the worker lists exactly the connectors created');
    await proc.stop();
  });
}
