/**
 * /metrics passes Prometheus' own linter, `promtool check metrics` (Debian's `prometheus` package,
 * installed by tools/bootstrap.sh): counters end in `_total` and nothing else does, units are base
 * units as a suffix, `_count`/`_sum`/`_bucket` only on histograms, help on every metric.
 *
 * promtool lints only the families that have a sample (the text parser drops one with a HELP and
 * TYPE line alone), so the scrape comes from a real distributed worker (the rebalance metrics exist
 * only there) running a source, a sink with a dead letter queue, and a connector whose producer
 * loses its broker (client errors); the test first waits until every family that
 * src/main-thread/metrics/registry.ts defines has a sample, so none escapes the check.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Registry, collectDefaultMetrics } from 'prom-client';
import t from 'tap';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { writeTopic } from '../../tools/topic-writer.js';
import { connectdHarness, TEST_PLUGINS } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';
import { createMetricsRegistry } from '../../src/main-thread/metrics/registry.js';

const PROMTOOL_MISSING =
  "promtool is not on PATH: install Debian's `prometheus` package (tools/bootstrap.sh does: apt-get install prometheus)";

/** promtool's verdict on an exposition: its exit status and everything it printed. */
function promtoolCheck(exposition: string): { status: number | null; output: string } | undefined {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined && 'code' in run.error && run.error.code === 'ENOENT') return undefined;
  if (run.error !== undefined) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

/** The families connectd itself defines (prom-client's default process and Node metrics left out). */
async function connectdFamilies(): Promise<string[]> {
  const all = createMetricsRegistry({
    sourceTasks: () => [],
    taskMetrics: () => [],
    connectors: () => [],
    producers: () => [],
    worker: () => ({ taskCount: 0, startups: { connectorSuccess: 0, connectorFailure: 0, taskSuccess: 0, taskFailure: 0 } }),
    threads: () => [],
    rebalance: () => ({
      completed: 0,
      totalMs: 0,
      lastMs: 0,
      lastCompletedAt: undefined,
      rebalancing: false,
      generation: 0,
      leader: false,
    }),
  });
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults, prefix: 'connectd_' });
  const defaultNames = new Set((await defaults.getMetricsAsJSON()).map((m) => m.name));
  return (await all.getMetricsAsJSON()).map((m) => m.name).filter((name) => !defaultNames.has(name));
}

/** Names of the samples in an exposition (`x_bucket`, `x_sum`, `x_count` for a histogram `x`). */
function sampleNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    names.add(line.slice(0, line.search(/[{ ]/)));
  }
  return names;
}

t.test('promtool is installed', async (t) => {
  if (promtoolCheck('') === undefined) t.fail(PROMTOOL_MISSING);
  else t.pass('promtool is on PATH');
});

t.test('promtool check metrics finds no problem in a worker scrape that has every family', async (t) => {
  const [{ cluster, root }, elsewhere] = await Promise.all([connectdHarness(t, 'promtool'), KafkaCluster.start()]);
  t.teardown(() => elsewhere.stop());
  await cluster.createTopic('lint-in', { partitions: 2 });
  // Two records the sink's JsonConverter rejects: the dead letter queue and error metrics move.
  await writeTopic(cluster.bootstrapServers, 'lint-in', [
    { partition: 0, key: 'k0', value: '{"n": 0}' },
    { partition: 1, key: 'k1', value: '{"n": 1, oops' },
    { partition: 0, key: 'k2', value: 'not json' },
  ]);
  const worker = await ConnectdProcess.start({
    dir: path.join(root, 'worker'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [],
    mode: 'distributed',
    startTimeoutMs: 60_000,
    worker: {
      'group.id': 'connectd-promtool',
      'config.storage.topic': 'promtool-configs',
      'offset.storage.topic': 'promtool-offsets',
      'status.storage.topic': 'promtool-status',
      'config.storage.replication.factor': '1',
      'offset.storage.replication.factor': '1',
      'status.storage.replication.factor': '1',
      'offset.storage.partitions': '1',
      'offset.flush.interval.ms': '500',
      // librdkafka statistics feed the producer gauges (a report every 5 s by default).
      'producer.statistics.interval.ms': '500',
      'plugin.path': TEST_PLUGINS,
      'worker.threads': '2',
    },
  });
  t.teardown(() => worker.kill());
  // REST answers before the worker has joined its group and read the config topic.
  await waitFor('the worker in its group', async () => (await worker.metric('connectd_worker_rebalance_completed_total')) >= 1, 60_000);

  const create = async (config: Record<string, string>): Promise<void> => {
    const { name, ...rest } = config;
    const res = await worker.request('POST', '/connectors', { name, config: rest });
    t.equal(res.status, 201, `created ${name}: ${JSON.stringify(res.body)}`);
  };
  await create({
    name: 'lint-gen',
    'connector.class': 'GeneratorSource',
    topic: 'lint-gen',
    'source.partitions': '1',
    'records.per.partition': '1000',
    'batch.size': '100',
  });
  await create({
    name: 'lint-sink',
    'connector.class': 'RecordingSinkConnector',
    'tasks.max': '1',
    topics: 'lint-in',
    'output.file': path.join(root, 'sink.jsonl'),
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': 'lint-dlq',
    'errors.deadletterqueue.topic.replication.factor': '1',
  });
  // Its own producer, on a second cluster that then goes away: librdkafka reports errors only for
  // a client that had connected (a failed connect is the connect call's error, not an event).
  await elsewhere.createTopic('lint-elsewhere', { partitions: 1 });
  await create({
    name: 'lint-elsewhere',
    'connector.class': 'GeneratorSource',
    topic: 'lint-elsewhere',
    'records.per.partition': '10',
    'producer.override.bootstrap.servers': elsewhere.bootstrapServers,
  });
  await waitFor(
    'the records on the second cluster',
    async () => (await worker.metric('connectd_source_record_write_total', 'connector="lint-elsewhere"')) === 10,
    60_000,
  );
  await elsewhere.stop();

  const families = await connectdFamilies();
  t.ok(families.length >= 50, `${families.length} families defined by src/main-thread/metrics/registry.ts`);
  let scrape = '';
  let missing: string[] = [];
  await waitFor(
    'a sample of every metric family',
    async () => {
      scrape = await (await fetch(`${worker.url}/metrics`)).text();
      const samples = sampleNames(scrape);
      missing = families.filter((name) => !samples.has(name) && !samples.has(`${name}_bucket`));
      return missing.length === 0;
    },
    120_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; families without a sample: ${missing.join(', ')}`);
  });

  const verdict = promtoolCheck(scrape);
  if (verdict === undefined) {
    t.fail(PROMTOOL_MISSING);
    return;
  }
  t.equal(verdict.output, '', 'promtool check metrics reports no problem');
  t.equal(verdict.status, 0, `promtool check metrics exits 0 (it said: ${verdict.output || 'nothing'})`);
});
