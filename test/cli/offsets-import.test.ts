/**
 * Moving a standalone source connector from Kafka Connect to connectd, end to end with the real
 * programs: Kafka Connect 4.1.1 (ConnectStandalone, its FileStreamSourceConnector) reads a file of
 * N lines into a topic and stops gracefully; `connectd offsets import` turns its offsets file into
 * connectd's; connectd runs the same connector config, and M lines are appended. The topic then
 * holds exactly N+M records, each line once and in order: connectd resumed at Kafka Connect's
 * position (without the import it reads the N lines again).
 */
import { execFile } from 'node:child_process';
import { appendFile, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { KafkaConnectProcess, cleanJavaExit } from '../../bench/lib/java-contenders.js';
import type { ConnectdProcess } from '../../tools/connectd-process.js';
import { readTopic } from '../../tools/topic-reader.js';
import { connectdHarness } from '../fixtures/connectd-harness.js';
import { waitFor } from '../fixtures/wait.js';

const MAIN = fileURLToPath(new URL('../../src/main-thread/cli/main.js', import.meta.url));
const { cluster, root, startConnectd } = await connectdHarness(t, 'offsets-import');

const NAME = 'moved-file-source';
const TOPIC = 'moved-lines';
const N = 3000;
const M = 700;
const lines = (n: number, from = 0): string[] => Array.from({ length: n }, (_, i) => `line ${from + i} ${'y'.repeat((from + i) % 50)}`);
const converters = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.flush.interval.ms': '500',
};

function connectd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : null, stdout, stderr });
    });
  });
}

async function positionOver(url: string): Promise<number | undefined> {
  const res = await fetch(`${url}/connectors/${NAME}/offsets`).catch(() => null);
  if (res?.ok !== true) return undefined;
  const body = (await res.json()) as { offsets: { offset: { position?: number } }[] };
  return body.offsets[0]?.offset.position;
}

t.test('a file source moved from Kafka Connect resumes in connectd: every line once, in order', async (t) => {
  await cluster.createTopic(TOPIC, { partitions: 1 });
  const input = path.join(root, 'data', 'in.txt');
  await mkdir(path.dirname(input), { recursive: true });
  await writeFile(input, `${lines(N).join('\n')}\n`);
  const connector = {
    name: NAME,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'tasks.max': '1',
    file: input,
    topic: TOPIC,
  };

  const kafkaConnect = await KafkaConnectProcess.start({
    dir: path.join(root, 'kafka-connect'),
    bootstrapServers: cluster.bootstrapServers,
    worker: converters,
    connectors: [connector],
    startTimeoutMs: 240000,
  });
  t.teardown(() => kafkaConnect.kill());
  const size = (await stat(input)).size;
  // Kafka Connect's REST answers from its offset store: the position is in the file once it shows.
  await waitFor(`Kafka Connect committed position ${size}`, async () => (await positionOver(kafkaConnect.url)) === size, 240000, 500);
  t.ok(cleanJavaExit(await kafkaConnect.stop()), 'Kafka Connect stops cleanly');
  t.equal((await readTopic(cluster.bootstrapServers, TOPIC)).length, N, `Kafka Connect wrote the ${N} lines`);

  const connectdDir = path.join(root, 'connectd');
  const imported = await connectd(['offsets', 'import', kafkaConnect.offsetsFile, path.join(connectdDir, 'offsets.json')]);
  t.equal(imported.code, 0, imported.stderr);
  t.match(imported.stdout, /imported 1 source partition offset of 1 connector .*"moved-file-source": 1/);

  const daemon: ConnectdProcess = await startConnectd('connectd', [connector], converters);
  t.equal(await positionOver(daemon.url), size, 'connectd starts with Kafka Connect’s position');
  await appendFile(input, `${lines(M, N).join('\n')}\n`);
  const grown = (await stat(input)).size;
  await waitFor(`connectd committed position ${grown}`, async () => (await positionOver(daemon.url)) === grown, 240000, 500);
  t.same(
    (await daemon.status(NAME)).tasks.map((task) => task.state),
    ['RUNNING'],
  );
  t.equal(await daemon.stop(), 0);

  const records = await readTopic(cluster.bootstrapServers, TOPIC);
  t.equal(records.length, N + M, `${N + M} records: none read twice, none skipped (got ${records.length})`);
  t.same(
    records.map((r) => r.value),
    lines(N + M),
    'every line once, in order',
  );
});
