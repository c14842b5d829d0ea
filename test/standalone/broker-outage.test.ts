/**
 * A broker outage, against a real broker (issue 13, defects 2 and 3):
 * - source producers have no delivery timeout by default, as Kafka Connect's
 *   (delivery.timeout.ms=Integer.MAX_VALUE): librdkafka's own reading of the config says
 *   message.timeout.ms=0, and a user's bound still wins;
 * - while the broker is down, source tasks stay RUNNING, poll() stalls within the in-flight bound,
 *   and everything polled is delivered once, after it is back;
 * - the clients' errors are logged once per state change (not per retry), counted in
 *   connectd_kafka_client_errors_total, and /health turns unhealthy after
 *   health.kafka.unreachable.threshold.ms, healthy again on reconnection;
 * - records a source producer holds unacknowledged longer than
 *   health.producer.unacknowledged.threshold.ms make /health unhealthy even while the producer
 *   reports no error (a frozen broker), and show in connectd_producer_oldest_unacknowledged_seconds.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { parseWorkerConfig } from '../../src/main-thread/config/worker-config.js';
import { taskProducerConfig } from '../../src/main-thread/runtime/producer-config.js';
import type { ClientConfig } from '../../src/main-thread/runtime/producer-config.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-outage-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

/**
 * message.timeout.ms as librdkafka itself holds it: with `debug=conf` it logs every setting that
 * differs from its default when the client is created, topic settings after "Default topic
 * configuration:" (absent when none differs).
 */
async function effectiveMessageTimeout(config: ClientConfig): Promise<string> {
  const producer = new kafka.Producer({ ...config, debug: 'conf' });
  const lines: string[] = [];
  producer.on('event.log', (log: { message: string }) => lines.push(log.message));
  await new Promise<void>((resolve) => producer.connect({ timeout: 10000 }, () => resolve()));
  await waitFor('librdkafka logged its configuration', () => lines.some((l) => l.includes('Client configuration:')), 10000);
  // The topic configuration (only when a topic setting differs from its default) follows in the same dump.
  await new Promise((r) => setTimeout(r, 1000));
  await new Promise<void>((resolve) => producer.disconnect(5000, () => resolve()));
  const setting = lines.map((l) => /\bmessage\.timeout\.ms = (\d+)/.exec(l)).find((m) => m !== null);
  return setting?.[1] ?? '300000 (librdkafka default)';
}

t.test("source producers: librdkafka's effective message.timeout.ms is 0 (infinite) unless the user bounds it", async (t) => {
  const worker = (extra: Record<string, string>) =>
    parseWorkerConfig(
      {
        'bootstrap.servers': cluster.bootstrapServers,
        'offset.storage.file.filename': path.join(root, 'o'),
        'key.converter': 'x',
        'value.converter': 'x',
        ...extra,
      },
      'standalone',
      root,
    );
  t.equal(
    await effectiveMessageTimeout(taskProducerConfig(worker({}), 'default', {})),
    '0',
    'default: no delivery timeout (Kafka Connect: delivery.timeout.ms=Integer.MAX_VALUE)',
  );
  t.equal(
    await effectiveMessageTimeout(taskProducerConfig(worker({ 'producer.delivery.timeout.ms': '60000' }), 'bounded', {})),
    '60000',
    'worker producer.delivery.timeout.ms wins',
  );
  t.equal(
    await effectiveMessageTimeout(taskProducerConfig(worker({ 'producer.message.timeout.ms': '45000' }), 'bounded-alias', {})),
    '45000',
    'worker producer.message.timeout.ms wins',
  );
  t.equal(
    await effectiveMessageTimeout(
      taskProducerConfig(worker({ 'producer.message.timeout.ms': '45000' }), 'override', { 'delivery.timeout.ms': '20000' }),
    ),
    '20000',
    "a connector's producer.override.delivery.timeout.ms wins over the worker's alias",
  );
});

interface LogLine {
  level: number;
  msg: string;
  client?: string;
  code?: string;
}

t.test('a broker outage: tasks ride it out within their in-flight bound, errors are logged once, /health follows', async (t) => {
  const topic = 'outage';
  await cluster.createTopic(topic, { partitions: 1 });
  const total = 10000;
  const inflightLimit = 500;
  const batchSize = 100;
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'proc'),
    bootstrapServers: cluster.bootstrapServers,
    worker: {
      'task.max.inflight.records': String(inflightLimit),
      'health.kafka.unreachable.threshold.ms': '5000',
      'worker.threads': '2',
      'allowed.paths': root,
    },
    connectors: [
      {
        name: 'gen',
        'connector.class': 'GeneratorSource',
        topic,
        'records.per.partition': String(total),
        'records.per.second': '1000',
        'batch.size': String(batchSize),
      },
      // A sink consumer and a dead letter queue producer: the other clients that must see the outage.
      {
        name: 'sink',
        'connector.class': 'FileStreamSink',
        topics: topic,
        file: path.join(root, 'sink.txt'),
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': 'outage-dlq',
        'errors.deadletterqueue.topic.replication.factor': '1',
      },
    ],
  });
  t.teardown(() => proc.kill());
  const health = async (): Promise<{ code: number; status: string; message: string }> => {
    const res = await fetch(`${proc.url}/health`);
    return { code: res.status, ...((await res.json()) as { status: string; message: string }) };
  };
  const logLines = async (): Promise<LogLine[]> =>
    (await readFile(proc.logFile, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LogLine);

  await waitFor(
    'the source wrote records and the sink task runs',
    async () =>
      (await proc.metric('connectd_source_record_write_total')) >= 1000 && (await proc.status('sink')).tasks[0]?.state === 'RUNNING',
    60000,
  );
  // The sink's DLQ producer is made when its task starts; give every client a statistics report first.
  await new Promise((r) => setTimeout(r, 6000));
  t.equal((await health()).code, 200, 'healthy before the outage');
  t.equal(await proc.metric('connectd_kafka_client_errors_total'), 0, 'no client errors before the outage');

  const node = cluster.nodes[0]!.nodeId;
  await cluster.stopNode(node);
  const outageStarted = Date.now();
  const writtenAtStop = await proc.metric('connectd_source_record_write_total');
  const polledAtStop = await proc.metric('connectd_source_record_poll_total');
  const rss = (): Promise<number> => readFile(`/proc/${proc.pid}/status`, 'utf8').then((s) => Number(/VmRSS:\s+(\d+)/.exec(s)![1]) * 1024);
  let maxActive = 0;
  let rssEarly = 0;
  let rssLate = 0;
  let unhealthy: { code: number; status: string; message: string } | undefined;
  while (Date.now() - outageStarted < 30000) {
    const active = await proc.metric('connectd_source_active_records', 'connector="gen"');
    maxActive = Math.max(maxActive, active);
    t.equal(
      (await proc.status('gen')).tasks[0]!.state,
      'RUNNING',
      `source task RUNNING ${Math.round((Date.now() - outageStarted) / 1000)} s into the outage`,
    );
    const h = await health();
    if (h.code !== 200) unhealthy ??= h;
    if (rssEarly === 0 && Date.now() - outageStarted > 5000) rssEarly = await rss();
    await new Promise((r) => setTimeout(r, 1000));
  }
  rssLate = await rss();
  const polledDuring = (await proc.metric('connectd_source_record_poll_total')) - polledAtStop;
  t.ok(
    maxActive <= inflightLimit + batchSize,
    `records in flight stayed within the bound: at most ${maxActive} (task.max.inflight.records=${inflightLimit})`,
  );
  t.ok(polledDuring <= inflightLimit + batchSize, `poll() stalled: ${polledDuring} records polled in a 30 s outage at 1000/s`);
  t.ok(rssLate - rssEarly < 64 * 1024 * 1024, `RSS grew ${((rssLate - rssEarly) / 1048576).toFixed(1)} MiB over the outage's last 25 s`);
  t.equal(await proc.metric('connectd_source_record_write_total'), writtenAtStop, 'nothing acknowledged while the broker was down');
  t.equal(await proc.metric('connectd_source_record_failed_total'), 0, 'no record failed');

  t.ok(unhealthy !== undefined, '/health turned unhealthy during the outage');
  t.equal(unhealthy?.code, 500);
  t.equal(unhealthy?.status, 'unhealthy');
  t.match(
    unhealthy?.message ?? '',
    /^Kafka cluster unreachable for \d+ s from all 3 Kafka clients \(.+\): all broker connections are down$/,
    `the message names the reason: ${unhealthy?.message}`,
  );
  for (const client of ['connectd-', 'connector-consumer-sink-0', 'connector-dlq-producer-sink-0'])
    t.match(unhealthy?.message ?? '', client, `the message names ${client}`);
  const allDown = await proc.metric('connectd_kafka_client_errors_total', 'code="ERR__ALL_BROKERS_DOWN"');
  t.ok(
    allDown > 0,
    `ERR__ALL_BROKERS_DOWN counted: ${allDown} events, ${await proc.metric('connectd_kafka_client_errors_total')} errors in all`,
  );
  const clients = ['connector-consumer-sink-0', 'connector-dlq-producer-sink-0'];
  const during = await logLines();
  const producerClient = during.find((l) => l.msg?.includes('source producer') && l.client !== undefined)?.client;
  t.ok(producerClient?.startsWith('connectd-'), `the source producer's errors are logged (${producerClient})`);
  clients.push(producerClient ?? 'source producer');

  await cluster.startNode(node);
  await waitFor('/health healthy again', async () => (await health()).code === 200, 60000);
  await waitFor('every record written', async () => (await proc.metric('connectd_source_record_write_total')) === total, 120000);
  let silent: string[] = [];
  await waitFor(
    'every client logged its recovery',
    async () => {
      const lines = await logLines();
      silent = clients.filter((c) => !lines.some((l) => l.client === c && l.msg.includes('reached the cluster again')));
      return silent.length === 0;
    },
    30000,
  ).catch((err: Error) => {
    // Seen once (2026-12-08, 1 whole-suite run in 5): name who stayed silent, for whoever looks next.
    throw new Error(`${err.message}: no recovery line from ${silent.join(', ')}`);
  });
  const lines = await logLines();
  for (const client of clients) {
    const ofClient = lines.filter((l) => l.client === client && l.level === 40);
    t.equal(ofClient.filter((l) => l.msg.includes('cannot reach the cluster')).length, 1, `${client}: one WARN for the outage`);
    t.ok(
      ofClient.length <= 3,
      `${client}: ${ofClient.length} WARN lines in all (${[...new Set(ofClient.map((l) => l.code))].join(', ')}), not one per retry`,
    );
    t.equal(
      lines.filter((l) => l.client === client && l.level === 30 && l.msg.includes('reached the cluster again')).length,
      1,
      `${client}: one INFO on recovery`,
    );
  }
  t.equal((await proc.status('gen')).tasks[0]!.state, 'RUNNING');
  t.equal(await proc.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, topic);
  t.equal(records.length, total, 'every record in the topic, none twice (idempotent producer)');
  t.equal(new Set(records.map((r) => r.key)).size, total, 'every generator sequence number once');
});

// Issue 13: a producer can stop delivering while librdkafka reports nothing that makes it look
// unreachable (after a SIGSTOP outage, records queued, none acknowledged, the task RUNNING, and
// /health said healthy). A frozen broker is the cheap way to hold records unacknowledged with the
// producer still connected: its requests wait on socket.timeout.ms (60 s), so for the first
// seconds it reports no error at all, exactly what such a producer looks like from outside.
t.test('records a source producer holds unacknowledged too long make /health unhealthy and show in a metric', async (t) => {
  const topic = 'frozen';
  await cluster.createTopic(topic, { partitions: 1 });
  const total = 4000;
  const thresholdMs = 3000;
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'frozen'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'health.producer.unacknowledged.threshold.ms': String(thresholdMs), 'worker.threads': '1', 'allowed.paths': root },
    connectors: [
      {
        name: 'gen-frozen',
        'connector.class': 'GeneratorSource',
        topic,
        'records.per.partition': String(total),
        'records.per.second': '500',
        'batch.size': '50',
      },
    ],
  });
  t.teardown(() => proc.kill());
  const health = async (): Promise<{ code: number; message: string }> => {
    const res = await fetch(`${proc.url}/health`);
    return { code: res.status, ...((await res.json()) as { message: string }) };
  };
  await waitFor('the source writes', async () => (await proc.metric('connectd_source_record_write_total')) >= 500, 60000);
  t.equal((await health()).code, 200, 'healthy while records are acknowledged');
  t.ok(
    (await proc.metric('connectd_producer_oldest_unacknowledged_seconds')) < thresholdMs / 1000,
    'no record waits long while the broker answers',
  );

  const node = cluster.nodes[0]!.nodeId;
  cluster.pauseNode(node);
  let unhealthy: { code: number; message: string } | undefined;
  let oldest = 0;
  let waiting = 0;
  try {
    unhealthy = await waitFor(
      '/health unhealthy while the records wait',
      async () => {
        const h = await health();
        return h.code === 200 ? undefined : h;
      },
      20000,
      250,
    );
    oldest = await proc.metric('connectd_producer_oldest_unacknowledged_seconds');
    waiting = await proc.metric('connectd_producer_unacknowledged_records');
  } finally {
    cluster.resumeNode(node);
  }
  t.equal(unhealthy.code, 500);
  t.match(
    unhealthy.message,
    /^the worker's source producer has held \d+ record\(s\) that Kafka has not acknowledged, the oldest for \d+ s \(health\.producer\.unacknowledged\.threshold\.ms=3000\)/,
    `the message says why: ${unhealthy.message}`,
  );
  t.ok(oldest >= thresholdMs / 1000, `connectd_producer_oldest_unacknowledged_seconds ${oldest} ≥ the threshold`);
  t.ok(waiting > 0, `connectd_producer_unacknowledged_records ${waiting}`);

  await waitFor('/health healthy again once the broker answers', async () => (await health()).code === 200, 90000);
  await waitFor('every record written', async () => (await proc.metric('connectd_source_record_write_total')) === total, 120000);
  t.equal(await proc.metric('connectd_producer_unacknowledged_records'), 0, 'nothing waits at the end');
  t.equal(await proc.metric('connectd_producer_oldest_unacknowledged_seconds'), 0);
  t.equal(await proc.stop(), 0);
});
