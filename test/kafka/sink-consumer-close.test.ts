/**
 * A sink consumer closed while a rebalance waits for the runtime (issue 13), against a real broker:
 * librdkafka's close must return, whether the runtime answers late or never.
 *
 * Why: a distributed worker stopped after a broker outage once logged "stopped" but its process
 * never exited. Its native stacks showed one libuv pool thread in rd_kafka_consumer_close,
 * waiting for its group to end, and the main thread joining that pool in process.exit. librdkafka
 * waits for the application's answer to an assignment or a revocation (WAIT_ASSIGN_CALL /
 * WAIT_UNASSIGN_CALL) before a group can end, and the binding refuses assign() once its close has
 * begun, so an unanswered rebalance was the first suspect. These cases show it is not: librdkafka's
 * terminate unsubscribes, which resets the join state, and every case closes in milliseconds. They
 * stay as guards of the close path; what that worker met was a Metadata answer with no broker
 * (test/kafka/empty-metadata.test.ts). `disconnect()` resolves false when the close had not
 * returned in time; this process is then killed, since a lost libuv thread would keep it from
 * exiting.
 */
import t from 'tap';
import type { Test } from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { SinkConsumer } from '../../src/main-thread/kafka/sink-consumer.js';
import type { RebalanceHandler, TopicPartition } from '../../src/main-thread/kafka/sink-consumer.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());

const TOPIC = 'close-during-assign';
await cluster.createTopic(TOPIC, { partitions: 2 });

/** A close that did not return leaves a libuv thread blocked: the process could not exit. */
let hung = false;
t.teardown(() => {
  if (hung) process.kill(process.pid, 'SIGKILL');
});

/**
 * Joins a fresh group, and once the assignment reaches the runtime (`onAssigned`), closes the
 * consumer; `answer` decides when (if ever) the runtime answers.
 */
async function closeDuringAssign(t: Test, group: string, answer: (reply: () => void) => void): Promise<void> {
  let assigned!: (partitions: TopicPartition[]) => void;
  const assignmentReached = new Promise<TopicPartition[]>((resolve) => (assigned = resolve));
  const handler: RebalanceHandler = {
    onAssigned: (partitions) => {
      assigned(partitions);
      return new Promise((resolve) => answer(() => resolve(new Map())));
    },
    onRevoked: () => Promise.resolve(),
    onAssignApplied: () => undefined,
  };
  const consumer = new SinkConsumer(
    {
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': group,
      'client.id': group,
      'session.timeout.ms': 6000,
      'heartbeat.interval.ms': 1000,
    },
    handler,
  );
  await consumer.connect(10000);
  consumer.subscribe([TOPIC]);
  // librdkafka serves the group's events from consume() calls.
  let polling = true;
  const loop = (async () => {
    while (polling) await consumer.consume(10, 100).catch(() => undefined);
  })();
  const partitions = await assignmentReached;
  t.equal(partitions.length, 2, 'the assignment reached the runtime');
  polling = false;
  await loop;
  const started = Date.now();
  const closed = await consumer.disconnect(20000);
  if (!closed) hung = true;
  t.ok(closed, `librdkafka's close returned (in ${Date.now() - started} ms)`);
}

t.test('the runtime answers the assignment after the close began', (t) =>
  closeDuringAssign(t, 'close-answered-late', (reply) => setTimeout(reply, 1000)),
);

t.test('the runtime never answers the assignment (its task ended)', (t) => closeDuringAssign(t, 'close-never-answered', () => undefined));

/**
 * Joins a fresh group; once the assignment took effect, a second member joins, which revokes the
 * first one's partitions (eager rebalance); once that revocation reaches the runtime
 * (`onRevoked`), the first consumer is closed; `answer` decides when (if ever) the runtime answers.
 */
async function closeDuringRevoke(t: Test, group: string, answer: (reply: () => void) => void): Promise<void> {
  let revoked!: () => void;
  const revocationReached = new Promise<void>((resolve) => (revoked = resolve));
  let applied!: () => void;
  const assignmentApplied = new Promise<void>((resolve) => (applied = resolve));
  const config = {
    'bootstrap.servers': cluster.bootstrapServers,
    'group.id': group,
    'session.timeout.ms': 6000,
    'heartbeat.interval.ms': 1000,
  };
  const consumer = new SinkConsumer(
    { ...config, 'client.id': `${group}-1` },
    {
      onAssigned: () => Promise.resolve(new Map()),
      onRevoked: () => {
        revoked();
        return new Promise((resolve) => answer(() => resolve()));
      },
      onAssignApplied: () => applied(),
    },
  );
  const other = new SinkConsumer(
    { ...config, 'client.id': `${group}-2` },
    { onAssigned: () => Promise.resolve(new Map()), onRevoked: () => Promise.resolve(), onAssignApplied: () => undefined },
  );
  let polling = true;
  const poll = async (c: SinkConsumer): Promise<void> => {
    while (polling) await c.consume(10, 100).catch(() => undefined);
  };
  await consumer.connect(10000);
  consumer.subscribe([TOPIC]);
  const loop = poll(consumer);
  await assignmentApplied;
  await other.connect(10000);
  other.subscribe([TOPIC]);
  const otherLoop = poll(other);
  await revocationReached;
  t.pass('the revocation reached the runtime');
  polling = false;
  await Promise.all([loop, otherLoop]);
  const started = Date.now();
  const closed = await consumer.disconnect(20000);
  if (!closed) hung = true;
  t.ok(closed, `librdkafka's close returned (in ${Date.now() - started} ms)`);
  t.ok(await other.disconnect(20000), 'the other member closed too');
}

t.test('the runtime answers a revocation after the close began', (t) =>
  closeDuringRevoke(t, 'revoke-answered-late', (reply) => setTimeout(reply, 1000)),
);

t.test('the runtime never answers a revocation', (t) => closeDuringRevoke(t, 'revoke-never-answered', () => undefined));
