// The Kafka fixture itself: real brokers, real produce/consume through the binding.
import { existsSync } from 'node:fs';
import t from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import type {
  KafkaConsumer as KafkaConsumerT,
  LibrdKafkaError,
  Message,
  Producer as ProducerT,
  ProducerGlobalConfig,
  ProducerTopicConfig,
} from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../../tools/kafka/cluster.js';

const { Producer, KafkaConsumer } = kafka;

async function connectProducer(bootstrap: string, extra: Partial<ProducerGlobalConfig & ProducerTopicConfig> = {}): Promise<ProducerT> {
  const p = new Producer({ 'bootstrap.servers': bootstrap, acks: -1, dr_cb: true, log_level: 0, ...extra });
  await new Promise<void>((res, rej) => p.connect({ timeout: 30_000 }, (err) => (err ? rej(new Error(err.message)) : res())));
  p.setPollInterval(20);
  return p;
}

/**
 * Idempotent: the binding never calls back a disconnect() of a client that is not connected.
 * (Producer.disconnect takes (timeout, cb) and flushes first; KafkaConsumer.disconnect takes (cb).)
 */
function disconnect(c: ProducerT | KafkaConsumerT): Promise<void> {
  if (!c.isConnected()) return Promise.resolve();
  return new Promise((res) => {
    if (c instanceof Producer) c.disconnect(10_000, () => res());
    else c.disconnect(() => res());
  });
}

/** Produces `n` records and resolves with the delivery errors (empty when all were acknowledged). */
function produceAll(p: ProducerT, topic: string, n: number, prefix: string, timeoutMs: number): Promise<string[]> {
  return new Promise((res, rej) => {
    const errors: string[] = [];
    let reports = 0;
    const timer = setTimeout(() => rej(new Error(`only ${reports}/${n} delivery reports after ${timeoutMs} ms`)), timeoutMs);
    const onReport = (err: LibrdKafkaError | null) => {
      if (err) errors.push(err.message);
      if (++reports === n) {
        clearTimeout(timer);
        p.removeListener('delivery-report', onReport);
        res(errors);
      }
    };
    p.on('delivery-report', onReport);
    for (let i = 0; i < n; i++) p.produce(topic, null, Buffer.from(`${prefix}-${i}`), `k${i}`);
  });
}

t.test('single node: create a topic, produce 100 records, consume them back', async (t) => {
  const cluster = await KafkaCluster.start();
  t.teardown(() => cluster.stop());
  t.equal(cluster.nodes.length, 1);
  t.equal(cluster.kafkaVersion, '4.1.1');
  t.match(cluster.bootstrapServers, /^127\.0\.0\.1:\d+$/);
  t.ok(cluster.nodes[0]?.running && typeof cluster.nodes[0].pid === 'number', 'node 1 runs');

  await cluster.createTopic('single-topic', { partitions: 3 });
  const producer = await connectProducer(cluster.bootstrapServers);
  t.teardown(() => disconnect(producer));
  t.same(await produceAll(producer, 'single-topic', 100, 'v', 30_000), [], 'all 100 acknowledged');

  const consumer = new KafkaConsumer(
    {
      'bootstrap.servers': cluster.bootstrapServers,
      'group.id': 'fixture-test',
      'enable.auto.commit': false,
      log_level: 0,
    },
    { 'auto.offset.reset': 'earliest' },
  ); // in the global config it is overridden by the (default) topic config
  await new Promise<void>((res, rej) => consumer.connect({ timeout: 30_000 }, (err) => (err ? rej(new Error(err.message)) : res())));
  t.teardown(() => disconnect(consumer));
  consumer.subscribe(['single-topic']);
  const seen = new Set<string>();
  const partitions = new Set<number>();
  const deadline = Date.now() + 60_000;
  while (seen.size < 100 && Date.now() < deadline) {
    const batch = await new Promise<Message[]>((res, rej) =>
      consumer.consume(100, (err, msgs) => (err ? rej(new Error(err.message)) : res(msgs))),
    );
    for (const m of batch) {
      seen.add(String(m.value));
      partitions.add(m.partition);
    }
  }
  t.equal(seen.size, 100, 'consumed all 100 distinct records');
  t.ok(seen.has('v-0') && seen.has('v-99'));
  t.equal(partitions.size, 3, 'records spread over the 3 partitions');

  const dir = cluster.dataDir;
  t.ok(existsSync(dir));
  await disconnect(consumer);
  await disconnect(producer);
  await cluster.stop();
  t.notOk(existsSync(dir), 'data dir removed');
  t.notOk(cluster.nodes[0]?.running, 'node stopped');
  await cluster.stop(); // idempotent
});

t.test('three nodes: acks=all keeps working with a node killed, and it comes back', async (t) => {
  const cluster = await KafkaCluster.start({ brokers: 3 });
  t.teardown(() => cluster.stop());
  t.equal(cluster.nodes.length, 3);
  t.equal(cluster.bootstrapServers.split(',').length, 3);
  await cluster.createTopic('rf3-topic', { partitions: 3, replicationFactor: 3 });

  const producer = await connectProducer(cluster.bootstrapServers, { 'message.timeout.ms': 60_000 });
  t.teardown(() => disconnect(producer));
  t.same(await produceAll(producer, 'rf3-topic', 30, 'before', 30_000), [], 'acknowledged with 3 nodes up');

  const node2 = cluster.nodes[1]!;
  const pid2 = node2.pid!;
  await cluster.killNode(2);
  t.notOk(node2.running, 'node 2 is down');
  t.throws(() => process.kill(pid2, 0), 'its JVM is gone');
  t.same(await produceAll(producer, 'rf3-topic', 30, 'during', 60_000), [], 'acks=all still acknowledged with 2 of 3 nodes');

  await cluster.startNode(2);
  t.ok(node2.running, 'node 2 is back');
  t.not(node2.pid, pid2, 'in a new JVM');
  t.same(await produceAll(producer, 'rf3-topic', 30, 'after', 30_000), [], 'acknowledged after the restart');
  await disconnect(producer);
  await cluster.stop();
});

t.test('pause/resume: a record waits while its broker is stopped, then is delivered', async (t) => {
  const cluster = await KafkaCluster.start();
  t.teardown(() => cluster.stop());
  await cluster.createTopic('pause-topic');
  const producer = await connectProducer(cluster.bootstrapServers, { 'message.timeout.ms': 30_000, 'linger.ms': 0 });
  t.teardown(() => disconnect(producer));
  t.same(await produceAll(producer, 'pause-topic', 1, 'warmup', 10_000), [], 'delivered before the pause');

  cluster.pauseNode(1);
  t.ok(cluster.nodes[0]?.paused);
  const reports: string[] = [];
  const pending = produceAll(producer, 'pause-topic', 1, 'paused', 30_000).then((errs) => {
    reports.push(...errs, 'done');
    return errs;
  });
  await new Promise((r) => setTimeout(r, 3000));
  t.same(reports, [], 'no delivery report while the broker is paused');

  const resumedAt = Date.now();
  cluster.resumeNode(1);
  t.same(await pending, [], 'delivered after resume');
  t.ok(Date.now() - resumedAt < 20_000, 'promptly');
  await disconnect(producer);
  await cluster.stop();
});
