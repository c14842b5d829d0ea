/**
 * A daemon that cannot start says why and exits, within a bound, with a status systemd acts on
 * (src/main-thread/cli/problems.ts): 4 for a corrupt or unreadable offsets file (operator action, not
 * restarted), 1 for Kafka unreachable or the REST port in use (restarted), 3 for a plugin that
 * cannot be loaded. Before, a start failure printed "connectd: fatal: …" and the process stayed
 * up, holding its Kafka clients and worker threads, until someone killed it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { EXIT_DATA_ERROR, EXIT_FAILURE, EXIT_INVALID_CONFIG } from '../../src/main-thread/cli/problems.js';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { toProperties } from '../../tools/connectd-process.js';

const MAIN = fileURLToPath(new URL('../../src/main-thread/cli/main.js', import.meta.url));
const THROWING_PLUGIN = path.resolve(import.meta.dirname, 'fixtures/throwing-plugin');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs `connectd standalone`; SIGKILLed after `limitMs` (then code is null): the bound under test. */
function standalone(
  worker: Record<string, string>,
  connectorFiles: string[],
  limitMs: number,
  mode: 'standalone' | 'distributed' = 'standalone',
): Promise<Run> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONNECTD_') && k !== 'NOTIFY_SOCKET'));
  return new Promise((resolve, reject) => {
    const workerFile = path.join(dir, `worker-${++runs}.properties`);
    writeFile(workerFile, toProperties(worker)).then(() => {
      const started = Date.now();
      execFile(
        process.execPath,
        [MAIN, mode, workerFile, ...connectorFiles],
        { env: base, timeout: limitMs, killSignal: 'SIGKILL' },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        },
      );
    }, reject);
  });
}

let runs = 0;
const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-start-failures-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

const distributedKeys = (bootstrapServers: string, port = 0): Record<string, string> => ({
  'bootstrap.servers': bootstrapServers,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'group.id': `start-failures-${runs}`,
  'config.storage.topic': `start-failures-configs-${runs}`,
  'offset.storage.topic': `start-failures-offsets-${runs}`,
  'status.storage.topic': `start-failures-status-${runs}`,
  'config.storage.replication.factor': '1',
  'offset.storage.replication.factor': '1',
  'status.storage.replication.factor': '1',
  listeners: `http://127.0.0.1:${port}`,
  'log.format': 'json',
});

const workerKeys = (bootstrapServers: string, offsetsFile: string, port = 0): Record<string, string> => ({
  'bootstrap.servers': bootstrapServers,
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  'offset.storage.file.filename': offsetsFile,
  listeners: `http://127.0.0.1:${port}`,
  'log.format': 'json',
});

// The two Kafka-unreachable runs each wait out the 30 s connect timeout doing nothing: they start
// now, beside the other tests, and their tests below only await them.
const unreachableRun = standalone(workerKeys('127.0.0.1:1', path.join(dir, 'offsets-unreachable.json')), [], 90000);
const unreachableDistributedRun = standalone(distributedKeys('127.0.0.1:1'), [], 90000, 'distributed');
for (const run of [unreachableRun, unreachableDistributedRun]) run.catch(() => undefined); // awaited (and reported) by their tests

/** The FATAL line pino wrote on stdout, parsed. */
const fatalLine = (stdout: string): Record<string, unknown> | undefined =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .find((r) => r.level === 60);

t.test('a corrupt offsets file: exit 4 at once, naming the file and how to recover', async (t) => {
  for (const [what, text] of [
    ['not JSON', '{"version":1,"offsets":[\n  [["gen",{"p":0}],{"seq":1}],\n'],
    ['another version', '{"version":7,"offsets":[]}\n'],
    ['not pairs', '{"version":1,"offsets":[["gen"]]}\n'],
  ] as const) {
    const offsets = path.join(dir, `corrupt-${runs}.json`);
    await writeFile(offsets, text);
    // Kafka is not reachable: the offsets file is read first, so no 30 s connect wait either.
    const run = await standalone(workerKeys('127.0.0.1:1', offsets), [], 60000);
    t.equal(run.code, EXIT_DATA_ERROR, `${what}: exit ${EXIT_DATA_ERROR}; stderr: ${run.stderr}`);
    t.match(run.stderr, `connectd: cannot use the offsets file, not starting: offset.storage.file.filename=${offsets}: `, what);
    t.match(run.stderr, 'To recover: restore it from a backup, or move it aside to start with no committed offsets', what);
    // Not a speed check: well under the 30 s a Kafka connect attempt would take (start-up alone can
    // take seconds on a loaded machine).
    t.ok(run.ms < 25000, `${what}: exited in ${run.ms} ms, without waiting for Kafka`);
    t.equal(fatalLine(run.stdout)?.msg, 'connectd could not start', `${what}: logged at FATAL`);
  }
});

t.test('an unreadable offsets file: exit 4, naming the file and the reason', async (t) => {
  // Tests may run as root, whom file modes do not stop: a directory cannot be read as a file either.
  const offsets = path.join(dir, 'offsets-dir.json');
  await mkdir(offsets);
  const run = await standalone(workerKeys('127.0.0.1:1', offsets), [], 60000);
  t.equal(run.code, EXIT_DATA_ERROR, run.stderr);
  t.match(
    run.stderr,
    `connectd: cannot use the offsets file, not starting: offset.storage.file.filename=${offsets}: cannot read it (EISDIR`,
  );
  t.match(run.stderr, "To recover: make it readable and writable by connectd's user");
  t.ok(run.ms < 25000, `exited in ${run.ms} ms, without waiting for Kafka`);
});

t.test('a plugin that throws as it loads: exit 3 at once with its error', async (t) => {
  const connector = path.join(dir, 'throws.properties');
  await writeFile(connector, 'name=throws\nconnector.class=ThrowsAtLoadSource\ntasks.max=1\n');
  const run = await standalone(
    { ...workerKeys('127.0.0.1:1', path.join(dir, 'offsets-plugin.json')), 'plugin.path': THROWING_PLUGIN },
    [connector],
    60000,
  );
  t.equal(run.code, EXIT_INVALID_CONFIG, run.stderr);
  t.match(run.stderr, `${connector}: connector.class="ThrowsAtLoadSource": ThrowsAtLoad: this plugin cannot be loaded`);
  t.ok(run.ms < 25000, `exited in ${run.ms} ms, without waiting for Kafka`);
});

t.test('Kafka unreachable at start: exit 1 after the 30 s connect timeout, not a process left running', async (t) => {
  // Port 1 refuses connections: librdkafka retries until connectd's 30 s connect timeout.
  const run = await unreachableRun;
  t.equal(run.code, EXIT_FAILURE, `exit 1, not killed by the test's limit; stderr: ${run.stderr}`);
  t.match(run.stderr, 'connectd: not starting: bootstrap.servers=127.0.0.1:1: Kafka not reachable (producer could not connect');
  t.ok(run.ms >= 25000 && run.ms < 60000, `exited in ${run.ms} ms: the connect timeout, then a bounded release`);
  t.equal(fatalLine(run.stdout)?.msg, 'connectd could not start');
});

t.test('distributed, Kafka unreachable at start: exit 1 within a bound', async (t) => {
  const run = await unreachableDistributedRun;
  t.equal(run.code, EXIT_FAILURE, `exit 1, not killed by the test's limit nor crashed; stderr: ${run.stderr}`);
  t.match(run.stderr, 'connectd: not starting: bootstrap.servers=127.0.0.1:1: Kafka not reachable (');
  t.ok(run.ms < 60000, `exited in ${run.ms} ms`);
});

t.test('the REST port in use: exit 1 within a bound, Kafka clients and threads released', async (t) => {
  const cluster = await KafkaCluster.start();
  t.teardown(() => cluster.stop());
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise((resolve) => taken.close(resolve)));
  const port = (taken.address() as net.AddressInfo).port;
  const connector = path.join(dir, 'gen.properties');
  await writeFile(connector, 'name=gen\nconnector.class=GeneratorSource\ntasks.max=1\ntopic=port-in-use\n');
  const run = await standalone(workerKeys(cluster.bootstrapServers, path.join(dir, 'offsets-port.json'), port), [connector], 60000);
  t.equal(run.code, EXIT_FAILURE, `exit 1, not killed by the test's limit; stderr: ${run.stderr}`);
  t.match(run.stderr, `connectd: not starting: listeners=http://127.0.0.1:${port}: cannot listen for the REST API (listen EADDRINUSE`);
  t.ok(run.ms < 45000, `exited in ${run.ms} ms`);
  t.equal(fatalLine(run.stdout)?.msg, 'connectd could not start');

  const distributed = await standalone(distributedKeys(cluster.bootstrapServers, port), [], 60000, 'distributed');
  t.equal(distributed.code, EXIT_FAILURE, `distributed: exit 1; stderr: ${distributed.stderr}`);
  t.match(
    distributed.stderr,
    `connectd: not starting: listeners=http://127.0.0.1:${port}: cannot listen for the REST API (listen EADDRINUSE`,
  );
  t.ok(distributed.ms < 45000, `distributed: exited in ${distributed.ms} ms`);
});
