/**
 * The worker-thread task hosts (workers/task-host.ts) driven directly over a MessageChannel, as the
 * supervisor drives them: a request that comes while the task's start() is still running waits
 * for it. The supervisor's herder does not stop a task it is starting, but a host must not rely on
 * it: a stop() during start() would, e.g., close a connection pool that start() then opens.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import t from 'tap';
import host from '../../../workers/task-host.js';
import type { FromSinkTask, FromSourceTask, SinkTaskHostRequest, SourceTaskHostRequest } from '../../../src/shared/protocol.js';
import { TEST_PLUGINS } from '../../fixtures/connectd-harness.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-task-host-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

/** What the supervisor adds from the worker config. */
const CONVERTERS = {
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
};

const lines = async (file: string): Promise<string[]> => (await readFile(file, 'utf8').catch(() => '')).split('\n').filter((l) => l !== '');

/** Resolves with the first message from the host that satisfies `match`. */
function next<T extends { t: string }>(port: MessagePort, match: (msg: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (msg: T): void => {
      if (!match(msg)) return;
      port.off('message', onMessage);
      resolve(msg);
    };
    port.on('message', onMessage);
  });
}

t.test('source task: a stop sent while start() runs calls stop() once start() returned', async (t) => {
  const events = path.join(dir, 'source.events');
  const { port1, port2 } = new MessageChannel();
  const config = {
    name: 'slow',
    'connector.class': 'RecordingSourceConnector',
    topic: 'x',
    'commits.file': events,
    'start.delay.ms': '500',
    ...CONVERTERS,
  };
  const request: SourceTaskHostRequest = {
    kind: 'source-task',
    connectorName: 'slow',
    taskId: 0,
    connectorConfig: config,
    taskConfig: config,
    initialCredit: { records: 1000, bytes: 1 << 20 },
    pluginPath: [TEST_PLUGINS],
    port: port2,
  };
  // The task reads its offset in start(): no offset stored.
  port1.on('message', (msg: FromSourceTask) => {
    if (msg.t === 'offsets-request') port1.postMessage({ t: 'offsets', id: msg.id, offsets: msg.partitions.map(() => null) });
  });
  const stopped = next<FromSourceTask>(port1, (m) => m.t === 'poll-stopped');
  const run = host(request);
  while (!(await lines(events)).includes('start')) await new Promise((r) => setTimeout(r, 10));
  port1.postMessage({ t: 'stop' });
  await stopped;
  port1.postMessage({ t: 'close' });
  t.same(await run, { stopped: true });
  t.same(await lines(events), ['start', 'started', 'stop'], 'stop() after start() returned, once; no poll');
  port1.close();
});

t.test('sink task: a pre-commit sent while start() runs reaches preCommit() once start() returned', async (t) => {
  const events = path.join(dir, 'sink.events');
  const { port1, port2 } = new MessageChannel();
  const config = {
    name: 'slow-sink',
    'connector.class': 'RecordingSinkConnector',
    topics: 'x',
    'output.file': path.join(dir, 'sink.out'),
    'events.file': events,
    'start.delay.ms': '500',
    ...CONVERTERS,
  };
  const request: SinkTaskHostRequest = {
    kind: 'sink-task',
    connectorName: 'slow-sink',
    taskId: 0,
    connectorConfig: config,
    taskConfig: { ...config, 'task.index': '0' },
    pluginPath: [TEST_PLUGINS],
    port: port2,
  };
  const answered = next<FromSinkTask>(port1, (m) => m.t === 'pre-committed');
  const run = host(request);
  while (!(await lines(events)).some((l) => l.includes('"start"'))) await new Promise((r) => setTimeout(r, 10));
  port1.postMessage({ t: 'pre-commit', id: 1, offsets: [] });
  t.same(await answered, { t: 'pre-committed', id: 1, offsets: [] }, 'answered, with no error');
  port1.postMessage({ t: 'stop' });
  t.same(await run, { stopped: true });
  const seen = (await lines(events)).map((l) => (JSON.parse(l) as { event: string }).event);
  t.same(seen, ['start', 'started', 'preCommit', 'stop'], 'preCommit() only after start() returned');
  port1.close();
});
