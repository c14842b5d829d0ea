/**
 * Kafka Connect's topic creation (KIP-158) for source connectors, against a real broker whose own
 * auto-creation is off: topics are created with the partitions, replication factor and topic
 * configs of the first matching group.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import { KafkaCluster, kafkaLibsDir } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start({ serverProperties: { 'auto.create.topics.enable': 'false' } });
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-topics-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

async function partitionCount(topic: string): Promise<number> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': cluster.bootstrapServers });
  try {
    const described = await new Promise<{ partitions: unknown[] }[]>((resolve, reject) =>
      admin.describeTopics([topic], { timeout: 10000 }, (err, result) => (err ? reject(new Error(err.message)) : resolve(result))),
    );
    return described[0]!.partitions.length;
  } finally {
    admin.disconnect();
  }
}

async function topicNames(): Promise<string[]> {
  const admin = kafka.AdminClient.create({ 'bootstrap.servers': cluster.bootstrapServers });
  try {
    return await new Promise<string[]>((resolve, reject) =>
      admin.listTopics({ timeout: 10000 }, (err, topics) => (err ? reject(new Error(err.message)) : resolve(topics))),
    );
  } finally {
    admin.disconnect();
  }
}

async function topicConfig(topic: string): Promise<string> {
  const { stdout } = await promisify(execFile)('java', [
    '-cp',
    `${kafkaLibsDir()}/*`,
    'kafka.admin.ConfigCommand',
    '--bootstrap-server',
    cluster.bootstrapServers,
    '--entity-type',
    'topics',
    '--entity-name',
    topic,
    '--describe',
  ]);
  return stdout;
}

t.test('topics are created per the first matching topic.creation group', async (t) => {
  const generator = (name: string, topic: string) => ({
    name,
    'connector.class': 'GeneratorSource',
    topic,
    'records.per.partition': '100',
    'topic.creation.groups': 'compacted',
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '5',
    'topic.creation.compacted.include': 'compact-.*',
    'topic.creation.compacted.partitions': '2',
    'topic.creation.compacted.cleanup.policy': 'compact',
  });
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'created'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [generator('plain', 'plain-topic'), generator('compact', 'compact-topic')],
  });
  t.teardown(() => proc.kill());
  await waitFor('both connectors wrote their records', async () => (await proc.metric('connectd_source_record_write_total')) >= 200);
  t.equal(await partitionCount('plain-topic'), 5, 'default group: 5 partitions');
  t.equal(await partitionCount('compact-topic'), 2, 'compacted group: 2 partitions');
  t.match(await topicConfig('compact-topic'), /cleanup\.policy=compact/, 'the group topic config was applied');
  t.equal(await proc.stop(), 0);
});

t.test('without topic creation, a missing topic is not created (the broker refuses auto-creation)', async (t) => {
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'not-created'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [{ name: 'nocreate', 'connector.class': 'GeneratorSource', topic: 'never-created', 'records.per.partition': '10' }],
  });
  t.teardown(() => proc.kill());
  await new Promise((r) => setTimeout(r, 2000));
  t.equal(await proc.metric('connectd_source_record_write_total'), 0, 'nothing acknowledged');
  const topics = await topicNames();
  t.ok(topics.includes('plain-topic'), 'the listing works');
  t.notOk(topics.includes('never-created'), 'the topic does not exist');
  await proc.kill();
});

t.test('a bad topic.creation config is refused at start, every problem named', async (t) => {
  const dir = path.join(root, 'bad');
  await t.rejects(
    ConnectdProcess.start({
      dir,
      bootstrapServers: cluster.bootstrapServers,
      startTimeoutMs: 15000,
      connectors: [{ name: 'bad', 'connector.class': 'GeneratorSource', topic: 'x', 'topic.creation.default.replication.factor': 'two' }],
    }),
    /topic\.creation\.default\.replication\.factor="two".*topic\.creation\.default\.partitions: Missing required/s,
  );
});
