/**
 * /metrics during a running pipeline, against a real broker: counters move, records are counted
 * where Kafka acknowledged them, and the histogram and librdkafka statistics are exposed.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-metrics-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

async function scrape(proc: ConnectdProcess): Promise<string> {
  const res = await fetch(`${proc.url}/metrics`);
  t.match(res.headers.get('content-type') ?? '', /^text\/plain/);
  return res.text();
}

function value(text: string, line: RegExp): number {
  const found = text.split('\n').find((l) => line.test(l));
  return found === undefined ? Number.NaN : Number(found.slice(found.lastIndexOf(' ') + 1));
}

t.test('counters move while the pipeline runs and agree with each other', async (t) => {
  await cluster.createTopic('metered', { partitions: 3 });
  const total = 30000;
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'metered'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'producer.statistics.interval.ms': '500' },
    connectors: [
      {
        name: 'gen',
        'connector.class': 'GeneratorSource',
        topic: 'metered',
        'source.partitions': '2',
        'records.per.partition': String(total / 2),
        'batch.size': '100',
        'poll.interval.ms': '5',
      },
    ],
  });
  t.teardown(() => proc.kill());
  await waitFor('some records', async () => (await proc.metric('connectd_source_record_write_total')) > 1000);
  const early = await scrape(proc);
  await waitFor('all records', async () => (await proc.metric('connectd_source_record_write_total')) === total);
  await new Promise((r) => setTimeout(r, 1200)); // a statistics report and an offset flush
  const late = await scrape(proc);

  const written = (text: string): number => value(text, /^connectd_source_record_write_total\{connector="gen",task="0"\}/);
  t.ok(written(early) > 0 && written(early) < total, `write_total moved: ${written(early)} then ${written(late)}`);
  t.equal(written(late), total, 'every record counted once, when acknowledged');
  t.equal(value(late, /^connectd_source_record_poll_total\{connector="gen",task="0"\}/), total);
  t.equal(value(late, /^connectd_source_active_records\{connector="gen",task="0"\}/), 0, 'nothing in flight at the end');
  t.equal(value(late, /^connectd_source_poll_batch_total\{connector="gen",task="0"\}/), total / 100, 'one batch per poll of 100');
  t.equal(
    value(late, /^connectd_source_batch_ack_seconds_count\{connector="gen",task="0"\}/),
    total / 100,
    'one latency observation per batch',
  );
  t.equal(value(late, /^connectd_source_batch_ack_seconds_bucket\{connector="gen",task="0",le="\+Inf"\}/), total / 100);
  // Produce latency per record: one observation per batch weighted by its 100 records, measured
  // from poll() returning in the worker thread, so never shorter than the batch's own ack time, and
  // longer only by the hop to the supervisor (the two threads' clocks agree).
  t.equal(
    value(late, /^connectd_source_record_ack_seconds_count\{connector="gen",task="0"\}/),
    total,
    'one produce-latency observation per record',
  );
  t.equal(value(late, /^connectd_source_record_ack_seconds_bucket\{connector="gen",task="0",le="\+Inf"\}/), total);
  const batchAckSum = value(late, /^connectd_source_batch_ack_seconds_sum\{connector="gen",task="0"\}/);
  const recordAckSum = value(late, /^connectd_source_record_ack_seconds_sum\{connector="gen",task="0"\}/);
  t.ok(
    recordAckSum >= batchAckSum * 100 * 0.999,
    `a record's latency includes its batch's ack time (${recordAckSum} vs ${batchAckSum} × 100)`,
  );
  t.ok(
    recordAckSum / total - batchAckSum / (total / 100) < 0.5,
    `and the hop from the worker thread, not a clock mismatch (${recordAckSum / total} vs ${batchAckSum / (total / 100)} s)`,
  );
  // prom-client's event-loop-lag histogram samples every 100 ms (src/main-thread/metrics/registry.ts): each
  // sample is the whole interval, 0.1 s plus the lag.
  const lagP99 = value(late, /^connectd_nodejs_eventloop_lag_p99_seconds /);
  const lagMin = value(late, /^connectd_nodejs_eventloop_lag_min_seconds /);
  t.ok(lagMin >= 0.09 && lagP99 >= lagMin && lagP99 < 5, `the event-loop lag is sampled every 100 ms (min ${lagMin} s, p99 ${lagP99} s)`);
  t.equal(value(late, /^connectd_source_poll_batch_records_sum\{connector="gen",task="0"\}/), total, 'batch sizes add up to the records');
  t.equal(value(late, /^connectd_source_poll_batch_records_bucket\{connector="gen",task="0",le="50"\}/), 0, 'no batch under 100 records');
  t.equal(
    value(late, /^connectd_source_poll_batch_records_bucket\{connector="gen",task="0",le="100"\}/),
    total / 100,
    'every batch is 100 records',
  );
  t.equal(
    value(late, /^connectd_source_poll_batch_seconds_count\{connector="gen",task="0"\}/),
    total / 100,
    'one poll-time observation per batch',
  );
  t.ok(
    value(late, /^connectd_source_poll_batch_seconds_sum\{connector="gen",task="0"\}/) >= (total / 100) * 0.004,
    'poll time includes the 5 ms poll interval',
  );
  t.equal(
    value(late, /^connectd_offset_commit_latency_seconds_count\{connector="gen",task="0"\}/),
    value(late, /^connectd_offset_commit_success_total\{connector="gen",task="0"\}/) +
      value(late, /^connectd_offset_commit_failure_total\{connector="gen",task="0"\}/),
    'one latency observation per commit',
  );
  t.ok(value(late, /^connectd_offset_commit_success_total\{connector="gen",task="0"\}/) >= 1, 'offsets committed');
  t.equal(value(late, /^connectd_task_status\{connector="gen",task="0",state="RUNNING"\}/), 1);
  t.equal(value(late, /^connectd_connector_status\{connector="gen",state="RUNNING"\}/), 1);
  t.ok(value(late, /^connectd_producer_tx_messages_total\{producer="worker"\}/) >= total, 'librdkafka statistics: messages sent');
  t.equal(value(late, /^connectd_producer_queue_messages\{producer="worker"\}/), 0, 'librdkafka queue empty');
  t.ok(value(late, /^connectd_producer_broker_rtt_seconds\{producer="worker",broker="/) >= 0, 'broker rtt exposed');
  t.ok(value(late, /^connectd_process_resident_memory_bytes/) > 0, 'process metrics');
  t.equal(value(late, /^connectd_worker_connectors /), 1);
  t.equal(value(late, /^connectd_worker_tasks /), 1);
  t.equal(value(late, /^connectd_worker_connector_startup_success_total /), 1);
  t.equal(value(late, /^connectd_worker_task_startup_success_total /), 1);
  const elu = late.split('\n').filter((l) => l.startsWith('connectd_event_loop_utilization{'));
  t.ok(
    elu.some((l) => l.includes('thread="main"')),
    'main thread utilisation',
  );
  t.ok(elu.filter((l) => /thread="worker-\d+"/.test(l)).length >= 1, 'worker thread utilisation');
  t.ok(
    elu.every((l) => {
      const v = Number(l.slice(l.lastIndexOf(' ') + 1));
      return v >= 0 && v <= 1;
    }),
    `utilisation within 0..1: ${elu.join(' | ')}`,
  );
  t.equal(await proc.stop(), 0);
});
