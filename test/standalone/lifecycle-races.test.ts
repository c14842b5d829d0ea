/**
 * Concurrent REST calls on the same connectors never leave a connector running that is not listed
 * (project issue 13, defect 4): seeded random rounds of create / PUT config / pause / resume /
 * restart / stop / DELETE on three names, all in flight at once, against the real daemon and a
 * real broker. After each round, once the statuses settle, what runs must equal what is listed:
 * every listed connector's status is consistent (RUNNING with RUNNING tasks, PAUSED with PAUSED
 * tasks, STOPPED without tasks), and the only topics that still grow are those of the listed
 * RUNNING connectors' current configs (each config writes to its own topic, so an unlisted or
 * superseded instance still producing shows up as a topic that should be still).
 *
 * The seed is printed; LIFECYCLE_RACE_SEED=<n> replays one.
 */
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import type { ConnectdProcess, ConnectorStatus } from '../../tools/connectd-process.js';
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

const topicOf = (name: string, variant: number): string => `race-${name}-${variant}`;
const config = (name: string, variant: number): Record<string, string> => ({
  'connector.class': 'GeneratorSource',
  'tasks.max': '1',
  topic: topicOf(name, variant),
  'batch.size': '10',
  'poll.interval.ms': '20',
});

const { cluster, startConnectd } = await connectdHarness(t, 'lifecycle-races');
const topics = NAMES.flatMap((name) => Array.from({ length: VARIANTS }, (_, v) => topicOf(name, v)));
for (const topic of topics) await cluster.createTopic(topic, { partitions: 1 });
const proc = await startConnectd('races', []);

// The ground truth: the topics' end offsets, read with a consumer of our own.
const consumer = new kafka.KafkaConsumer({ 'bootstrap.servers': cluster.bootstrapServers, 'group.id': 'lifecycle-races-watermarks' }, {});
await new Promise<void>((resolve, reject) => consumer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(err.message)) : resolve())));
t.teardown(() => new Promise<void>((resolve) => consumer.disconnect(() => resolve())));
const endOffset = (topic: string): Promise<number> =>
  new Promise((resolve, reject) => consumer.queryWatermarkOffsets(topic, 0, 10000, (err, w) => (err ? reject(new Error(err.message)) : resolve(w.highOffset))));
const endOffsets = async (): Promise<Map<string, number>> => new Map(await Promise.all(topics.map(async (topic) => [topic, await endOffset(topic)] as const)));

type Op = (name: string) => Promise<{ status: number }>;
const OPS: [string, number, Op][] = [
  ['create', 2, (name) => proc.request('POST', '/connectors', { name, config: config(name, Math.floor(random() * VARIANTS)) })],
  ['put config', 3, (name) => proc.request('PUT', `/connectors/${name}/config`, config(name, Math.floor(random() * VARIANTS)))],
  ['pause', 1, (name) => proc.request('PUT', `/connectors/${name}/pause`)],
  ['resume', 2, (name) => proc.request('PUT', `/connectors/${name}/resume`)],
  ['restart', 1, (name) => proc.request('POST', `/connectors/${name}/restart`)],
  ['restart with tasks', 1, (name) => proc.request('POST', `/connectors/${name}/restart?includeTasks=true`)],
  ['stop', 2, (name) => proc.request('PUT', `/connectors/${name}/stop`)],
  ['delete', 3, (name) => proc.request('DELETE', `/connectors/${name}`)],
];
const weighted = OPS.flatMap((op) => Array.from({ length: op[1] }, () => op));

const consistent = (s: ConnectorStatus): boolean => {
  const tasks = s.tasks.map((task) => task.state);
  if (s.connector.state === 'STOPPED') return tasks.length === 0;
  if (s.connector.state === 'RUNNING' || s.connector.state === 'PAUSED') return tasks.length === 1 && tasks.every((state) => state === s.connector.state);
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
        last = JSON.stringify([...result.values()].map(({ status }) => [status.name, status.connector.state, status.tasks.map((task) => task.state)]));
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
async function growing(): Promise<Set<string>> {
  const before = await endOffsets();
  await new Promise((r) => setTimeout(r, 4000));
  const after = await endOffsets();
  return new Set(topics.filter((topic) => after.get(topic)! > before.get(topic)!));
}

t.test(`concurrent lifecycle calls leave what runs equal to what is listed (seed ${seed})`, async (t) => {
  for (let round = 0; round < ROUNDS; round++) {
    const where = `seed ${seed}, round ${round}`;
    const calls = Array.from({ length: OPS_PER_ROUND }, () => ({ name: pick(NAMES), op: pick(weighted), delayMs: Math.floor(random() * 40) }));
    t.comment(`${where}: ${calls.map((c) => `${c.op[0]} ${c.name}`).join(', ')}`);
    const answers = await Promise.all(
      calls.map(async ({ name, op, delayMs }) => {
        await new Promise((r) => setTimeout(r, delayMs));
        return { what: `${op[0]} ${name}`, status: (await op[2](name)).status };
      }),
    );
    for (const { what, status } of answers) t.ok(status < 500, `${where}: ${what} answered ${status}`, { skip: false });

    const listed = await settled(proc, where);
    // In-flight records of a just-paused or just-stopped task land within moments.
    await new Promise((r) => setTimeout(r, 1500));
    const grew = await growing();
    const running = new Set([...listed.values()].filter(({ status }) => status.connector.state === 'RUNNING').map(({ topic }) => topic));
    const unexpected = [...grew].filter((topic) => !running.has(topic));
    t.same(unexpected, [], `${where}: no topic grows but those of listed RUNNING connectors (listed: ${JSON.stringify([...listed.values()].map(({ status, topic }) => [status.name, status.connector.state, topic]))})`);
    t.same([...running].filter((topic) => !grew.has(topic)), [], `${where}: every listed RUNNING connector produces`);
  }

  for (const name of await proc.get<string[]>('/connectors')) t.equal((await proc.request('DELETE', `/connectors/${name}`)).status, 204);
  t.same(await proc.get<string[]>('/connectors'), []);
  await new Promise((r) => setTimeout(r, 1500));
  t.same([...(await growing())], [], `seed ${seed}: with every connector deleted, nothing produces`);
  t.equal(await proc.metric('connectd_worker_task_count'), 0, 'the worker runs no task');
  t.equal(await proc.stop(), 0);
});
