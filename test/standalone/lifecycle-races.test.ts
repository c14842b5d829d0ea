/**
 * Concurrent REST calls on the same connectors never leave a connector running that is not listed
 * (project issue 13, defect 4): seeded random rounds of create / PUT config / pause / resume /
 * restart / stop / DELETE on three names, all in flight at once, against the real daemon (a
 * standalone worker, then a one-worker distributed cluster) and a real broker. After each round, once the statuses settle, what runs must equal what is listed:
 * every listed connector's status is consistent (RUNNING with RUNNING tasks, PAUSED with PAUSED
 * tasks, STOPPED without tasks), and the only topics that still grow are those of the listed
 * RUNNING connectors' current configs (each config writes to its own topic, so an unlisted or
 * superseded instance still producing shows up as a topic that should be still).
 *
 * The seed is printed; LIFECYCLE_RACE_SEED=<n> replays one.
 */
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import path from 'node:path';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import type { ConnectorStatus } from '../../tools/connectd-process.js';
import { waitFor } from '../fixtures/wait.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';

const NAMES = ['a', 'b', 'c'];
/** Config variants per name: each writes to its own topic. */
const VARIANTS = 3;
const ROUNDS = Number(process.env.LIFECYCLE_RACE_ROUNDS ?? 8);
const OPS_PER_ROUND = 16;
const seed = Number(process.env.LIFECYCLE_RACE_SEED ?? Math.floor(Math.random() * 2 ** 31));
t.comment(`seed ${seed} (replay with LIFECYCLE_RACE_SEED=${seed})`);

/** mulberry32: a small seeded PRNG, enough to replay a sequence. */
function prng(s: number): () => number {
  let state = s >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(seed);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

type Mode = 'standalone' | 'distributed';
const MODES: Mode[] = ['standalone', 'distributed'];
const topicOf = (mode: Mode, name: string, variant: number): string => `race-${mode}-${name}-${variant}`;
const config = (mode: Mode, name: string, variant: number): Record<string, string> => ({
  'connector.class': 'GeneratorSource',
  'tasks.max': '1',
  topic: topicOf(mode, name, variant),
  'batch.size': '10',
  'poll.interval.ms': '20',
});

const { cluster, root } = await connectdHarness(t, 'lifecycle-races');
const topics = MODES.flatMap((mode) => NAMES.flatMap((name) => Array.from({ length: VARIANTS }, (_, v) => topicOf(mode, name, v))));
for (const topic of topics) await cluster.createTopic(topic, { partitions: 1 });
const running = new Set<ConnectdProcess>();
t.teardown(async () => {
  for (const p of running) await p.kill();
});
async function startWorker(mode: Mode): Promise<ConnectdProcess> {
  const distributed = {
    'group.id': 'lifecycle-races',
    'config.storage.topic': 'races-configs',
    'offset.storage.topic': 'races-offsets',
    'status.storage.topic': 'races-status',
    'config.storage.replication.factor': '1',
    'offset.storage.replication.factor': '1',
    'status.storage.replication.factor': '1',
  };
  const proc = await ConnectdProcess.start({
    dir: path.join(root, mode),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [],
    mode,
    startTimeoutMs: 60_000,
    worker: { 'worker.threads': '2', ...(mode === 'distributed' ? distributed : {}) },
  });
  running.add(proc);
  void proc.exited().then(() => running.delete(proc));
  // A distributed worker answers REST calls before it has joined its cluster; writes wait for that.
  await waitFor(`${mode} worker healthy`, async () => (await proc.request('GET', '/health')).status === 200, 120_000);
  return proc;
}

// The ground truth: the topics' end offsets, read with a consumer of our own.
const consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'lifecycle-races-watermarks' }, {});
await new Promise<void>((resolve, reject) =>
  consumer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
);
t.teardown(() => new Promise<void>((resolve) => consumer.disconnect(() => resolve())));
const endOffset = (topic: string): Promise<number> =>
  new Promise((resolve, reject) =>
    consumer.queryWatermarkOffsets(topic, 0, 10000, (err, w) => (err ? reject(new Error(err.message)) : resolve(w.highOffset))),
  );
const endOffsets = async (): Promise<Map<string, number>> =>
  new Map(await Promise.all(topics.map(async (topic) => [topic, await endOffset(topic)] as const)));

type Op = (proc: ConnectdProcess, mode: Mode, name: string) => Promise<{ status: number; body: unknown }>;
const OPS: [string, number, Op][] = [
  [
    'create',
    2,
    (proc, mode, name) => proc.request('POST', '/connectors', { name, config: config(mode, name, Math.floor(random() * VARIANTS)) }),
  ],
  [
    'put config',
    3,
    (proc, mode, name) => proc.request('PUT', `/connectors/${name}/config`, config(mode, name, Math.floor(random() * VARIANTS))),
  ],
  ['pause', 1, (proc, _mode, name) => proc.request('PUT', `/connectors/${name}/pause`)],
  ['resume', 2, (proc, _mode, name) => proc.request('PUT', `/connectors/${name}/resume`)],
  ['restart', 1, (proc, _mode, name) => proc.request('POST', `/connectors/${name}/restart`)],
  ['restart with tasks', 1, (proc, _mode, name) => proc.request('POST', `/connectors/${name}/restart?includeTasks=true`)],
  ['stop', 2, (proc, _mode, name) => proc.request('PUT', `/connectors/${name}/stop`)],
  ['delete', 3, (proc, _mode, name) => proc.request('DELETE', `/connectors/${name}`)],
];
const weighted = OPS.flatMap((op) => Array.from({ length: op[1] }, () => op));

const consistent = (s: ConnectorStatus): boolean => {
  const tasks = s.tasks.map((task) => task.state);
  if (s.connector.state === 'STOPPED') return tasks.length === 0;
  if (s.connector.state === 'RUNNING' || s.connector.state === 'PAUSED')
    return tasks.length === 1 && tasks.every((state) => state === s.connector.state);
  return false;
};

/** Listed connectors and their statuses, once every one is consistent. */
async function settled(proc: ConnectdProcess, what: string): Promise<Map<string, { status: ConnectorStatus; topic: string }>> {
  let last = '';
  try {
    return await waitFor(
      `${what}: every listed connector's status consistent`,
      async () => {
        const listed = await proc.get<string[]>('/connectors');
        const result = new Map<string, { status: ConnectorStatus; topic: string }>();
        for (const name of listed) {
          const status = await proc.status(name);
          const { topic } = await proc.get<Record<string, string>>(`/connectors/${name}/config`);
          result.set(name, { status, topic: topic! });
        }
        last = JSON.stringify(
          [...result.values()].map(({ status }) => [status.name, status.connector.state, status.tasks.map((task) => task.state)]),
        );
        return [...result.values()].every(({ status }) => consistent(status)) ? result : undefined;
      },
      60000,
      500,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last seen ${last}`, { cause: err });
  }
}

/** Topics whose end offset grew over a few seconds. */
async function growing(mode: Mode): Promise<Set<string>> {
  const mine = topics.filter((topic) => topic.startsWith(`race-${mode}-`));
  const before = await endOffsets();
  await new Promise((r) => setTimeout(r, 4000));
  const after = await endOffsets();
  return new Set(mine.filter((topic) => after.get(topic)! > before.get(topic)!));
}

for (const mode of MODES)
  t.test(`${mode}: concurrent lifecycle calls leave what runs equal to what is listed (seed ${seed})`, async (t) => {
    const proc = await startWorker(mode);
    for (let round = 0; round < ROUNDS; round++) {
      const where = `${mode}, seed ${seed}, round ${round}`;
      const calls = Array.from({ length: OPS_PER_ROUND }, () => ({
        name: pick(NAMES),
        op: pick(weighted),
        delayMs: Math.floor(random() * 40),
      }));
      t.comment(`${where}: ${calls.map((c) => `${c.op[0]} ${c.name}`).join(', ')}`);
      const answers = await Promise.all(
        calls.map(async ({ name, op, delayMs }) => {
          await new Promise((r) => setTimeout(r, delayMs));
          const { status, body } = await op[2](proc, mode, name);
          return { what: `${op[0]} ${name}`, status, body };
        }),
      );
      for (const { what, status, body } of answers)
        t.ok(status < 500, `${where}: ${what} answered ${status}${status >= 500 ? ` ${JSON.stringify(body)}` : ''}`);

      const listed = await settled(proc, where);
      // In-flight records of a just-paused or just-stopped task land within moments.
      await new Promise((r) => setTimeout(r, 1500));
      const grew = await growing(mode);
      const running = new Set([...listed.values()].filter(({ status }) => status.connector.state === 'RUNNING').map(({ topic }) => topic));
      const unexpected = [...grew].filter((topic) => !running.has(topic));
      t.same(
        unexpected,
        [],
        `${where}: no topic grows but those of listed RUNNING connectors (listed: ${JSON.stringify([...listed.values()].map(({ status, topic }) => [status.name, status.connector.state, topic]))})`,
      );
      t.same(
        [...running].filter((topic) => !grew.has(topic)),
        [],
        `${where}: every listed RUNNING connector produces`,
      );
    }

    for (const name of await proc.get<string[]>('/connectors')) t.equal((await proc.request('DELETE', `/connectors/${name}`)).status, 204);
    t.same(await proc.get<string[]>('/connectors'), []);
    await new Promise((r) => setTimeout(r, 1500));
    await waitFor(
      `${mode}: no task left after every connector was deleted`,
      async () => (await proc.metric('connectd_worker_tasks')) === 0,
    );
    t.same([...(await growing(mode))], [], `${mode}, seed ${seed}: with every connector deleted, nothing produces`);
    t.equal(await proc.stop(), 0);
  });
