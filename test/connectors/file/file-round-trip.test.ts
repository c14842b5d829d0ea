/**
 * Kafka's quickstart, end to end through one connectd daemon and a real broker: FileStreamSource
 * reads a file into a topic, FileStreamSink writes the topic into another file. The copy is
 * byte-for-byte the original (one line per record), also across a SIGKILL of the daemon, where the
 * sink may repeat lines written after its last commit but never loses one.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import t from 'tap';
import { waitFor } from '../../fixtures/wait.js';
import { connectdHarness } from '../../fixtures/connectd-harness.js';

const { cluster, root, startConnectd } = await connectdHarness(t, 'file-round-trip');

const lines = (n: number, from = 0): string[] =>
  Array.from({ length: n }, (_, i) => `line ${from + i} ${'é'.repeat((from + i) % 7)} ${'x'.repeat((from + i) % 50)}`);
const readLines = async (file: string): Promise<string[]> =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

t.test('file → Kafka → file: the copy holds every line, in order; after SIGKILL nothing is lost', async (t) => {
  await cluster.createTopic('connect-test', { partitions: 1 });
  const input = path.join(root, 'test.txt');
  const output = path.join(root, 'test.sink.txt');
  await writeFile(input, `${lines(5000).join('\n')}\n`);
  const connectors: Record<string, string>[] = [
    { name: 'local-file-source', 'connector.class': 'FileStreamSource', 'tasks.max': '1', file: input, topic: 'connect-test' },
    { name: 'local-file-sink', 'connector.class': 'FileStreamSink', 'tasks.max': '1', file: output, topics: 'connect-test' },
  ];
  const worker = { 'offset.flush.interval.ms': '500', 'consumer.session.timeout.ms': '6000', 'consumer.heartbeat.interval.ms': '1000' };
  const first = await startConnectd('round-trip', connectors, worker);
  await waitFor('the first 5000 lines copied', async () => (await readLines(output)).length >= 5000, 60000);
  t.same(await readLines(output), lines(5000), 'the copy is the original, line for line');
  t.equal((await first.status('local-file-sink')).type, 'sink');
  await waitFor(
    'the sink committed every record',
    async () => (await cluster.committedOffsets('connect-local-file-sink', 'connect-test')).get(0) === 5000,
  );

  // More lines, then a crash while they flow.
  await appendFile(input, `${lines(20000, 5000).join('\n')}\n`);
  await waitFor('some of the new lines copied', async () => (await readLines(output)).length > 6000, 60000);
  await first.kill();
  const second = await startConnectd('round-trip', connectors, worker);
  const expected = lines(25000);
  await waitFor('every line copied', async () => new Set(await readLines(output)).size >= expected.length, 120000);
  const copy = await readLines(output);
  t.same(new Set(copy), new Set(expected), 'no line lost, none invented');
  t.same(copy.slice(0, 5000), expected.slice(0, 5000), 'what was committed before the crash is not repeated');
  t.comment(`lines repeated after the crash: ${copy.length - expected.length}`);
  t.equal(await second.stop(), 0);
});
