/**
 * Cluster membership on Kafka's group coordinator (real broker): each member reads its position
 * and the cluster size from its own roundrobin assignment, consistently; position 0 leads; a member
 * finishes stopping its work (onRevoked) before the next generation starts; a leaver is replaced.
 */
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { GroupMembership, positionOf } from '../../src/main-thread/kafka/group-membership.js';
import type { Position } from '../../src/main-thread/kafka/group-membership.js';
import { waitFor } from '../fixtures/wait.js';

t.test('positionOf reads a roundrobin assignment', async (t) => {
  t.same(positionOf([1, 4, 7, 10, 13], 16), { index: 1, size: 3 });
  t.same(positionOf([0, 2, 4, 6], 8), { index: 0, size: 2 });
  t.same(positionOf([3], 8), null, 'one partition: the size cannot be read');
  t.same(positionOf([0, 5], 16), null, 'an incomplete stride is not a roundrobin assignment');
  t.same(positionOf([], 16), null);
});

const PARTITIONS = 16;
const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
await cluster.createTopic('connectd-members', { partitions: PARTITIONS });

interface Member {
  id: string;
  m: GroupMembership;
  log: string[];
}
const running = new Set<GroupMembership>();
t.teardown(async () => {
  for (const m of running) await m.stop().catch(() => undefined);
});

async function member(id: string): Promise<Member> {
  const log: string[] = [];
  const m = new GroupMembership(
    {
      bootstrapServers: cluster.bootstrapServers,
      groupId: 'connectd-cluster',
      topic: 'connectd-members',
      partitions: PARTITIONS,
      workerId: id,
      clientConfig: { 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1000 },
    },
    {
      onRevoked: async (lost) => {
        log.push(lost ? 'lost' : 'revoke-start');
        // Stopping work takes time; the next generation must wait for it.
        await new Promise((r) => setTimeout(r, 300));
        log.push('revoke-done');
      },
      onAssigned: (p: Position) => log.push(`assigned ${p.index}/${p.size}`),
    },
  );
  await m.start();
  running.add(m);
  return { id, m, log };
}

const positions = (members: Member[]): string[] =>
  members.map((x) => (x.m.position === null ? 'none' : `${x.m.position.index}/${x.m.position.size}`)).sort();

t.test('three members: positions 0, 1, 2 of 3, one leader; after the leader leaves: 0 and 1 of 2', async (t) => {
  const first = await member('w1');
  await waitFor('w1 alone: position 0 of 1', () => positions([first]).join() === '0/1', 60000);
  const all = [first, await member('w2'), await member('w3')];
  await waitFor('three positions of 3', () => positions(all).join(',') === '0/3,1/3,2/3', 60000);
  t.equal(all.filter((x) => x.m.isLeader).length, 1, 'exactly one leader');
  const log = first.log.join(', ');
  t.match(
    log,
    /^assigned 0\/1, revoke-start, revoke-done, (.*, )?assigned \d\/3$/,
    `w1 finished stopping its work before its next assignment (${log})`,
  );
  const leader = all.find((x) => x.m.isLeader)!;
  await leader.m.stop();
  running.delete(leader.m);
  const rest = all.filter((x) => x !== leader);
  await waitFor('two positions of 2', () => positions(rest).join(',') === '0/2,1/2', 60000);
  t.equal(rest.filter((x) => x.m.isLeader).length, 1, 'a new leader');
});
