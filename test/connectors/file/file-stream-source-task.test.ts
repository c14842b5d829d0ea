/**
 * The file source task driven directly, as the task host drives it, against real files: the
 * records it makes (Kafka's shape), the committed position it resumes from, a committed offset it
 * cannot use, and stop ending a poll that waits at the end of the file.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { FileStreamSourceConnector } from '../../../src/worker-thread/connectors/file/file-stream-source-connector.js';
import { Schema } from '../../../src/worker-thread/sdk/index.js';
import { startFileSourceTask } from '../../fixtures/file-source-task.js';

const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-file-source-task-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

t.test("records in Kafka's shape: key null, STRING value, {filename} → {position}, batch.size per poll", async (t) => {
  const file = path.join(root, 'shape.txt');
  await writeFile(file, 'a\nbb\nccc\n');
  const { task, asked } = startFileSourceTask(file, null, { 'batch.size': '2' });
  const first = (await task.poll())!;
  t.same(asked, [{ filename: file }], 'the committed offset is looked up under {"filename": file}');
  t.equal(first.length, 2, 'batch.size lines per poll');
  t.same(
    first.map((r) => [r.topic, r.key, r.keySchema, r.value, r.valueSchema, r.sourcePartition, r.sourceOffset, r.kafkaPartition]),
    [
      ['out', null, null, 'a', Schema.STRING_SCHEMA, { filename: file }, { position: 2 }, null],
      ['out', null, null, 'bb', Schema.STRING_SCHEMA, { filename: file }, { position: 5 }, null],
    ],
  );
  t.ok(
    first.every((r) => typeof r.timestamp === 'number'),
    'stamped with the time of reading, as Kafka does',
  );
  t.same(
    (await task.poll())!.map((r) => [r.value, r.sourceOffset]),
    [['ccc', { position: 9 }]],
  );
  await task.stop();
});

t.test('a committed position: reading goes on from the line after it', async (t) => {
  const file = path.join(root, 'resume.txt');
  await writeFile(file, 'done\nalso done\nnext\nlast\n');
  const { task } = startFileSourceTask(file, { position: 15 });
  t.same(
    (await task.poll())!.map((r) => r.value),
    ['next', 'last'],
  );
  await task.stop();
});

t.test('a committed position that is not a byte position fails the poll, naming the file and the value', async (t) => {
  const file = path.join(root, 'bad-offset.txt');
  await writeFile(file, 'x\n');
  for (const position of ['12', -1, 1.5]) {
    const { task } = startFileSourceTask(file, { position });
    await t.rejects(task.poll(), {
      message: `FileStreamSourceTask: reading ${file}: the committed offset of {"filename":"${file}"} has position=${JSON.stringify(position)}: it must be a non-negative integer (a byte position)`,
    });
    await task.stop();
  }
});

t.test('stop while a poll waits at the end of the file: that poll resolves to null without an error, and so do later ones', async (t) => {
  const file = path.join(root, 'idle.txt');
  await writeFile(file, 'only\n');
  const { task } = startFileSourceTask(file, null);
  t.equal((await task.poll())!.length, 1);
  const waiting = task.poll();
  await task.stop();
  t.equal(await waiting, null);
  t.equal(await task.poll(), null, 'a poll after stop returns null');
});

t.test('the connector: one task config whatever tasks.max; config errors name the key', async (t) => {
  const connector = new FileStreamSourceConnector();
  const props = { name: 'fs', 'connector.class': 'FileStreamSource', 'tasks.max': '5', file: 'x.txt', topic: 'out' };
  connector.start(props);
  t.same(connector.taskConfigs(5), [props]);
  t.throws(() => connector.start({ name: 'fs', topic: 'a,b' }), {
    name: 'ConfigException',
    message: /file: Missing required configuration "file" which has no default value.*topic="a,b": must name exactly one topic/,
  });
});
