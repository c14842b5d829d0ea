/**
 * The daemon under a stand-in for systemd (Type=notify), against a real broker: STATUS while it
 * starts, READY=1 only when the REST API answers and the connector runs, WATCHDOG=1 at half
 * WATCHDOG_USEC, and on SIGTERM STOPPING=1 (with EXTEND_TIMEOUT_USEC), offsets committed, exit 0.
 * Also the worker config's REST security reaching the server: HTTPS and basic auth.
 */
import { execFileSync, spawn } from 'node:child_process';
import https from 'node:https';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { freePort, toProperties } from '../../tools/connectd-process.js';
import { NotifyListener } from './fixtures/notify-listener.js';

const MAIN = fileURLToPath(new URL('../../src/main-thread/cli/main.js', import.meta.url));

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const dir = await mkdtemp(path.join(os.tmpdir(), 'connectd-notify-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

t.test('READY once serving, watchdog pings, STOPPING and a graceful exit on SIGTERM', async (t) => {
  const listener = await NotifyListener.start(dir);
  t.teardown(() => listener.close());
  const port = await freePort();
  const offsetsFile = path.join(dir, 'offsets.json');
  const workerFile = path.join(dir, 'worker.properties');
  await writeFile(
    workerFile,
    toProperties({
      'bootstrap.servers': cluster.bootstrapServers,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': offsetsFile,
      'offset.flush.interval.ms': '60000',
      'offset.flush.timeout.ms': '2000',
      'task.shutdown.graceful.timeout.ms': '3000',
      listeners: `http://127.0.0.1:${port}`,
      'worker.threads': '1',
    }),
  );
  const connectorFile = path.join(dir, 'generator.properties');
  await writeFile(
    connectorFile,
    toProperties({
      name: 'generator',
      'connector.class': 'GeneratorSource',
      'tasks.max': '1',
      topic: 'notify-test',
      'records.per.partition': '-1',
      'poll.interval.ms': '10',
    }),
  );

  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONNECTD_')));
  const log = createWriteStream(path.join(dir, 'connectd.log'));
  const child = spawn(process.execPath, [MAIN, 'standalone', workerFile, connectorFile], {
    env: { ...env, NOTIFY_SOCKET: listener.socketPath, WATCHDOG_USEC: '1000000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const ready = await listener.next('READY', 90000);
  const readyIndex = listener.received.indexOf(ready);
  const status = (await (await fetch(`http://127.0.0.1:${port}/connectors/generator/status`)).json()) as {
    connector: { state: string };
    tasks: { state: string }[];
  };
  t.equal(status.connector.state, 'RUNNING', 'REST answers and the connector runs when READY arrives');
  t.same(
    status.tasks.map((task) => task.state),
    ['RUNNING'],
  );
  t.match(ready.fields, {
    READY: '1',
    MAINPID: String(child.pid),
    STATUS: `running: 1 connector(s), REST API on http://127.0.0.1:${port}`,
  });
  const before = listener.received
    .slice(0, readyIndex)
    .map((n) => n.fields.STATUS)
    .filter((s) => s !== undefined);
  t.match(before, [/^starting: connecting to Kafka/], 'STATUS reported the start before READY');

  const firstPing = await listener.next('WATCHDOG', 5000);
  await new Promise((r) => setTimeout(r, 1600));
  const pings = listener.received.filter((n) => n.fields.WATCHDOG === '1' && n.at >= firstPing.at);
  t.ok(pings.length >= 3, `watchdog pings every 500 ms (${pings.length} in 1.6 s)`);

  const sent = listener.received.length;
  child.kill('SIGTERM');
  const stopping = await listener.next('STOPPING', 10000, sent);
  t.match(stopping.fields, { STOPPING: '1', EXTEND_TIMEOUT_USEC: String((3000 + 2 * 2000 + 10000) * 1000) });
  t.equal(await exited, 0, 'graceful exit');
  const offsets = JSON.parse(await readFile(offsetsFile, 'utf8')) as { offsets: unknown[] };
  t.ok(offsets.offsets.length > 0, 'offsets committed on the way out');
});

t.test('the worker config turns on HTTPS and basic auth for the REST API', async (t) => {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'rest.key'),
      '-out',
      path.join(dir, 'rest.crt'),
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const cert = await readFile(path.join(dir, 'rest.crt'));
  await writeFile(path.join(dir, 'rest.pem'), Buffer.concat([await readFile(path.join(dir, 'rest.key')), cert]));
  await writeFile(path.join(dir, 'users.properties'), 'admin=s3cret\n');
  const listener = await NotifyListener.start(dir);
  t.teardown(() => listener.close());
  const port = await freePort();
  const workerFile = path.join(dir, 'https-worker.properties');
  await writeFile(
    workerFile,
    toProperties({
      'bootstrap.servers': cluster.bootstrapServers,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'offset.storage.file.filename': path.join(dir, 'https-offsets.json'),
      listeners: `https://127.0.0.1:${port}`,
      'listeners.https.ssl.keystore.location': 'rest.pem',
      'rest.basic.auth.credentials.file': 'users.properties',
      'worker.threads': '1',
    }),
  );
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('CONNECTD_')));
  const child = spawn(process.execPath, [MAIN, 'standalone', workerFile], {
    env: { ...env, NOTIFY_SOCKET: listener.socketPath },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  t.match((await listener.next('READY', 90000)).fields, { STATUS: `running: 0 connector(s), REST API on https://127.0.0.1:${port}` });
  const get = (auth?: string): Promise<number> =>
    new Promise((resolve, reject) => {
      const headers = auth === undefined ? {} : { authorization: `Basic ${Buffer.from(auth).toString('base64')}` };
      https
        .get({ host: '127.0.0.1', port, path: '/connectors', ca: cert, headers }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
  t.equal(await get(), 401, 'no credentials');
  t.equal(await get('admin:wrong'), 401, 'wrong password');
  t.equal(await get('admin:s3cret'), 200, 'HTTPS with the configured certificate, and the right credentials');
  child.kill('SIGTERM');
  t.equal(await exited, 0);
});
