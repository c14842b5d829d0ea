/**
 * The second worked example (examples/spooldir-source, issue 18 item 3): a connector package that
 * depends on connectd and imports `connectd/sdk` as a third party's does, installed on plugin.path
 * with its own copy of connectd in its node_modules. It passes the acceptance kit, and in a daemon
 * against a real broker every line becomes one record, each file moves to the finished directory
 * once its records are committed, and a restart reads only the file that is new.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { readTopic } from '../../tools/topic-reader.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { REPOSITORY, installPluginPackage } from '../fixtures/plugin-package.js';
import { waitFor } from '../fixtures/wait.js';
import { checkSourceConnector } from '../../src/worker-thread/sdk/testing/index.js';

const harness = await connectdHarness(t, 'spooldir');
const { cluster, root } = harness;
const example = path.join(REPOSITORY, 'examples/spooldir-source');
const plugin = await installPluginPackage({
  dir: path.join(root, 'plugins', 'connectd-spooldir-source'),
  packageJson: JSON.parse(await readFile(path.join(example, 'package.json'), 'utf8')) as Record<string, unknown>,
  files: { 'dist/spooldir-source-connector.js': path.join(REPOSITORY, 'dist/examples/spooldir-source/src/spooldir-source-connector.js') },
});

const jsonLines = (from: number, count: number): string =>
  Array.from({ length: count }, (_, i) => `${JSON.stringify({ id: from + i, name: `n${from + i}` })}\n`).join('');

async function directories(name: string): Promise<{ input: string; finished: string }> {
  const input = path.join(root, name, 'in');
  const finished = path.join(root, name, 'done');
  await rm(path.join(root, name), { recursive: true, force: true });
  await mkdir(input, { recursive: true });
  return { input, finished };
}

t.test('passes the acceptance kit', async (t) => {
  const { input, finished } = await directories('kit');
  const checks = await checkSourceConnector({
    config: {
      'connector.class': 'SpoolDirSource',
      'input.path': input,
      'finished.path': finished,
      topic: 'spool',
      fields: 'id:int64,name:string',
    },
    pluginPath: [plugin],
    records: 20,
    setup: () => writeFile(path.join(input, 'a.jsonl'), jsonLines(0, 20)),
    beforeRestart: () => writeFile(path.join(input, 'b.jsonl'), jsonLines(20, 5)),
    recordsAfterRestart: 5,
  });
  t.same(
    checks.map((c) => c.name),
    ['validate', 'start', 'poll', 'offsets', 'stop', 'restart', 'errors.tolerance=all', 'errors.tolerance=none'],
  );
});

t.test('in a daemon: every line once, files moved after commit, a restart reads only the new file', async (t) => {
  const { input, finished } = await directories('daemon');
  await writeFile(path.join(input, 'a.jsonl'), jsonLines(0, 100));
  await writeFile(path.join(input, 'b.jsonl'), jsonLines(100, 50));
  await cluster.createTopic('spool', { partitions: 2 });
  const connector = {
    name: 'spool',
    'connector.class': 'SpoolDirSource',
    'input.path': input,
    'finished.path': finished,
    topic: 'spool',
    fields: 'id:int64,name:string',
    'key.field': 'id',
    'batch.size': '30',
    'poll.interval.ms': '100',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  };
  // The daemon's files under root/daemon-worker, kept across the restart (its offsets file).
  const start = async (): Promise<ConnectdProcess> => {
    const proc = await ConnectdProcess.start({
      dir: path.join(root, 'daemon-worker'),
      bootstrapServers: cluster.bootstrapServers,
      connectors: [connector],
      worker: { 'plugin.path': plugin, 'worker.threads': '2' },
      // The plugin path costs each worker thread a module hooks thread; a loaded machine needs more than 30 s.
      startTimeoutMs: 120_000,
    });
    t.teardown(() => proc.kill());
    return proc;
  };

  const first = await start();
  await waitFor(
    'both files moved to finished',
    async () => existsSync(path.join(finished, 'a.jsonl')) && existsSync(path.join(finished, 'b.jsonl')),
  );
  t.equal(await first.metric('connectd_source_record_write_total'), 150);
  t.equal(await first.stop(), 0);

  await writeFile(path.join(input, 'c.jsonl'), jsonLines(150, 10));
  const second = await start();
  await waitFor('the new file moved', async () => existsSync(path.join(finished, 'c.jsonl')));
  t.equal(await second.metric('connectd_source_record_write_total'), 10, 'only the new file was read');
  t.equal(await second.stop(), 0);

  t.same(await readdir(input), [], 'no file left in the input directory');
  const records = await readTopic(cluster.bootstrapServers, 'spool');
  const values = records.map((r) => JSON.parse(r.value!) as { id: number; name: string });
  t.equal(records.length, 160, 'every line once');
  t.equal(new Set(values.map((v) => v.id)).size, 160, 'no duplicates across the restart');
  t.ok(
    records.every((r, i) => r.key === String(values[i]!.id) && values[i]!.name === `n${values[i]!.id}`),
    'keyed by id, the value is the line',
  );
});
