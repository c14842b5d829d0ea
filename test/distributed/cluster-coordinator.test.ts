/**
 * The distributed cluster protocol on a real broker (three coordinators in one process, each with
 * its own config store): every member gets its share of one assignment, the shares cover every
 * connector and task exactly once and are balanced; a member leaving moves its work to the others;
 * a new connector makes the leader rebalance so that its tasks are assigned; and no member is
 * assigned before every member stopped its work.
 */
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { KafkaConfigBackingStore } from '../../src/main-thread/storage/kafka-config-backing-store.js';
import { ClusterCoordinator } from '../../src/main-thread/runtime/distributed/cluster-coordinator.js';
import type { ClusterAssignment } from '../../src/main-thread/runtime/distributed/cluster-coordinator.js';
import type { WorkerAssignment } from '../../src/main-thread/runtime/distributed/assignor.js';
import { waitFor } from '../fixtures/wait.js';
import { captureLogger } from '../storage/store-fixture.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const PARTITIONS = 16;
await cluster.createTopic('cluster-members', { partitions: PARTITIONS });
const client = { 'bootstrap.servers': cluster.bootstrapServers };
const { logger } = captureLogger();

const admin = new KafkaConfigBackingStore({ topic: 'cluster-configs', replicationFactor: 1, clientConfig: client, logger });
await admin.start();
t.teardown(() => admin.stop());
await admin.putConnectorConfig('alpha', { 'connector.class': 'X' });
await admin.putTaskConfigs(
  'alpha',
  Array.from({ length: 6 }, (_, i) => ({ task: String(i) })),
);

interface Member {
  id: string;
  coordinator: ClusterCoordinator;
  store: KafkaConfigBackingStore;
  events: string[];
  mine: WorkerAssignment | undefined;
  assignment: ClusterAssignment | undefined;
}
const members: Member[] = [];
t.teardown(async () => {
  for (const m of members) {
    await m.coordinator.stop().catch(() => undefined);
    await m.store.stop().catch(() => undefined);
  }
});

async function member(id: string): Promise<Member> {
  const store = new KafkaConfigBackingStore({ topic: 'cluster-configs', replicationFactor: 1, clientConfig: client, logger });
  await store.start();
  const m = { id, store, events: [], mine: undefined, assignment: undefined } as unknown as Member;
  m.coordinator = new ClusterCoordinator({
    membership: {
      bootstrapServers: cluster.bootstrapServers,
      groupId: 'cluster-test',
      topic: 'cluster-members',
      partitions: PARTITIONS,
      clientConfig: { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1000 },
    },
    workerId: id,
    url: `http://${id}:8083`,
    configStore: store,
    logger,
    onRevoke: async () => {
      m.events.push(`stop ${Date.now()}`);
      m.mine = undefined;
      await new Promise((r) => setTimeout(r, 200));
    },
    onAssignment: (mine, assignment) => {
      m.events.push(`start ${Date.now()}`);
      m.mine = mine;
      m.assignment = assignment;
    },
  });
  await m.coordinator.start();
  members.push(m);
  return m;
}

/** Every live member applied the same assignment; its shares, checked. */
function settled(live: Member[], tasks: string[], connectors: string[]): boolean {
  if (live.some((m) => m.mine === undefined || m.assignment === undefined)) return false;
  const first = live[0]!.assignment!;
  if (!live.every((m) => JSON.stringify(m.assignment) === JSON.stringify(first))) return false;
  if (first.size !== live.length) return false;
  const allTasks = live.flatMap((m) => m.mine!.tasks).sort();
  const allConnectors = live.flatMap((m) => m.mine!.connectors).sort();
  return (
    JSON.stringify(allTasks) === JSON.stringify([...tasks].sort()) &&
    JSON.stringify(allConnectors) === JSON.stringify([...connectors].sort())
  );
}

const alphaTasks = Array.from({ length: 6 }, (_, i) => `alpha-${i}`);

t.test('three workers share one connector and six tasks: two tasks each, every unit once', async (t) => {
  const live = [await member('w1'), await member('w2'), await member('w3')];
  await waitFor('one assignment applied by all three', () => settled(live, alphaTasks, ['alpha']), 90000);
  t.same(
    live.map((m) => m.mine!.tasks.length),
    [2, 2, 2],
    'two tasks each',
  );
  t.equal(live.filter((m) => m.coordinator.isLeader).length, 1, 'one leader');
  // Stop before start: no member started this generation before every member had stopped.
  const lastStop = Math.max(
    ...live.map((m) =>
      Number(
        m.events
          .filter((e) => e.startsWith('stop'))
          .at(-1)
          ?.split(' ')[1] ?? 0,
      ),
    ),
  );
  const firstStart = Math.min(
    ...live.map((m) =>
      Number(
        m.events
          .filter((e) => e.startsWith('start'))
          .at(-1)!
          .split(' ')[1],
      ),
    ),
  );
  t.ok(firstStart >= lastStop, 'every member stopped before any started');
});

t.test('a worker leaves: its tasks move to the other two', async (t) => {
  const leaving = members.find((m) => m.id === 'w2')!;
  await leaving.coordinator.stop();
  await leaving.store.stop();
  members.splice(members.indexOf(leaving), 1);
  const live = [...members];
  await waitFor('the two others share everything', () => settled(live, alphaTasks, ['alpha']), 90000);
  t.same(
    live.map((m) => m.mine!.tasks.length),
    [3, 3],
    'three tasks each',
  );
});

t.test('a new connector with tasks: the leader rebalances and its tasks are assigned', async (t) => {
  await admin.putConnectorConfig('beta', { 'connector.class': 'Y' });
  await admin.putTaskConfigs('beta', [{ task: '0' }, { task: '1' }]);
  const live = [...members];
  await waitFor('beta assigned', () => settled(live, [...alphaTasks, 'beta-0', 'beta-1'], ['alpha', 'beta']), 90000);
  t.same(
    live.map((m) => m.mine!.tasks.length),
    [4, 4],
  );
  t.same(
    live.map((m) => m.mine!.connectors.length),
    [1, 1],
    'one connector each',
  );
});
