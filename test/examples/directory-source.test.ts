/**
 * The worked example connector (examples/directory-source), loaded through plugin.path like any
 * third-party plugin, against a real broker: every line once, new files picked up by
 * reconfiguration, appended lines read, and a restart resumes without duplicates.
 */
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { waitFor } from '../fixtures/wait.js';

const PLUGIN = path.resolve(import.meta.dirname, '../../examples/directory-source');
const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-example-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

t.test('every line of every file, once, across reconfiguration and a restart', async (t) => {
  const dir = path.join(root, 'in');
  await mkdir(dir);
  await writeFile(path.join(dir, 'a.txt'), Array.from({ length: 300 }, (_, i) => `a${i}\n`).join(''));
  await writeFile(path.join(dir, 'b.txt'), Array.from({ length: 200 }, (_, i) => `b${i}\n`).join(''));
  await writeFile(path.join(dir, 'ignored.log'), 'not me\n');
  await cluster.createTopic('lines', { partitions: 2 });
  const connector = {
    name: 'dir',
    'connector.class': 'DirectorySource',
    'tasks.max': '2',
    directory: dir,
    topic: 'lines',
    'poll.interval.ms': '100',
    'batch.size': '50',
  };
  const start = () =>
    ConnectdProcess.start({
      dir: path.join(root, 'connectd'),
      bootstrapServers: cluster.bootstrapServers,
      connectors: [connector],
      worker: { 'plugin.path': PLUGIN },
    });

  const first = await start();
  t.teardown(() => first.kill());
  await waitFor('the first two files', async () => (await first.metric('connectd_source_record_write_total')) === 500);
  await writeFile(path.join(dir, 'c.txt'), 'c0\nc1\n');
  await waitFor('a new file picked up by reconfiguration', async () => (await first.metric('connectd_source_record_write_total')) === 502);
  t.equal(await first.stop(), 0);

  await appendFile(path.join(dir, 'a.txt'), 'a300\nhalf a line');
  const second = await start();
  t.teardown(() => second.kill());
  await waitFor('the appended line after the restart', async () => (await second.metric('connectd_source_record_write_total')) === 1);
  await new Promise((r) => setTimeout(r, 500));
  t.equal(await second.metric('connectd_source_record_write_total'), 1, 'an unfinished last line is not read');
  t.equal(await second.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, 'lines');
  const values = records.map((r) => r.value);
  t.equal(records.length, 503, 'every complete line once');
  t.equal(new Set(values).size, 503, 'no duplicates across the restart');
  t.ok(values.includes('a300') && values.includes('c1') && !values.includes('not me'));
  t.ok(
    records.every((r) => r.key === `${r.value!.charAt(0)}.txt`),
    'keyed by file name',
  );
});
