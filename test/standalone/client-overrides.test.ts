/**
 * `producer.override.*` per connector under the worker's override policy (KIP-458), against a real
 * broker: an override reaches that connector's producer only, and a policy refuses what it must.
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
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-overrides-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

const generator = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
  name,
  'connector.class': 'GeneratorSource',
  topic: `overrides-${name}`,
  'value.size': '3000',
  'records.per.partition': '200',
  ...extra,
});

t.test('an override applies to its connector only', async (t) => {
  const proc = await ConnectdProcess.start({
    dir: path.join(root, 'all'),
    bootstrapServers: cluster.bootstrapServers,
    connectors: [generator('plain'), generator('small', { 'producer.override.message.max.bytes': '2000' })],
  });
  t.teardown(() => proc.kill());
  const small = await waitFor('the overridden connector to fail on its 3000-byte records', async () => {
    const s = await proc.status('small');
    return s.tasks[0]?.state === 'FAILED' ? s : undefined;
  });
  t.match(small.tasks[0]!.trace, /too large|MSG_SIZE_TOO_LARGE/i, 'failed by its own message.max.bytes');
  await waitFor('the other connector wrote all its records', async () => (await proc.metric('connectd_source_record_write_total', 'connector="plain"')) === 200);
  t.equal((await proc.status('plain')).tasks[0]!.state, 'RUNNING');
  t.equal(await proc.stop(), 0);
});

t.test("policy None refuses any override, naming each key", async (t) => {
  await t.rejects(
    ConnectdProcess.start({
      dir: path.join(root, 'none'),
      bootstrapServers: cluster.bootstrapServers,
      worker: { 'connector.client.config.override.policy': 'None' },
      connectors: [generator('refused', { 'producer.override.linger.ms': '1', 'producer.override.acks': '1' })],
      startTimeoutMs: 15000,
    }),
    /producer\.override\.linger\.ms="1": The 'None' policy does not allow 'linger\.ms'.*producer\.override\.acks="1"/s,
  );
});

t.test('policy Principal allows only the security keys', async (t) => {
  const refused = await ConnectdProcess.start({
    dir: path.join(root, 'principal'),
    bootstrapServers: cluster.bootstrapServers,
    worker: { 'connector.client.config.override.policy': 'Principal' },
    connectors: [generator('p', { 'producer.override.security.protocol': 'PLAINTEXT', 'producer.override.linger.ms': '1' })],
    startTimeoutMs: 15000,
  }).then(
    () => '',
    (err: Error) => err.message,
  );
  t.match(refused, /'Principal' policy does not allow 'linger\.ms'/, 'linger.ms refused');
  t.notMatch(refused, /allow 'security\.protocol'/, 'security.protocol allowed');
});
