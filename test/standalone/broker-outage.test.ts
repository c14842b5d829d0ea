/**
 * A broker outage, against a real broker (issue 13, defects 2 and 3):
 * - source producers have no delivery timeout by default, as Kafka Connect's
 *   (delivery.timeout.ms=Integer.MAX_VALUE): librdkafka's own reading of the config says
 *   message.timeout.ms=0, and a user's bound still wins;
 * - while the broker is down, source tasks stay RUNNING, poll() stalls within the in-flight bound,
 *   and everything polled is delivered once, after it is back;
 * - the clients' errors are logged once per state change (not per retry), counted in
 *   connectd_kafka_client_errors_total, and /health turns unhealthy after
 *   health.kafka.unreachable.threshold.ms, healthy again on reconnection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import kafka from '@confluentinc/kafka-javascript';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { parseWorkerConfig } from '../../src/config/worker-config.js';
import { taskProducerConfig } from '../../src/runtime/producer-config.js';
import type { ClientConfig } from '../../src/runtime/producer-config.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const root = await mkdtemp(path.join(os.tmpdir(), 'connectd-outage-'));
t.teardown(() => rm(root, { recursive: true, force: true }));

/**
 * message.timeout.ms as librdkafka itself holds it: with `debug=conf` it logs every setting that
 * differs from its default when the client is created, topic settings after "Default topic
 * configuration:" (absent when none differs).
 */
async function effectiveMessageTimeout(config: ClientConfig): Promise<string> {
  const producer = new kafka.Producer({ ...config, debug: 'conf' });
  const lines: string[] = [];
  producer.on('event.log', (log: { message: string }) => lines.push(log.message));
  await new Promise<void>((resolve) => producer.connect({ timeout: 10000 }, () => resolve()));
  await waitFor('librdkafka logged its configuration', () => lines.some((l) => l.includes('Client configuration:')), 10000);
  // The topic configuration (only when a topic setting differs from its default) follows in the same dump.
  await new Promise((r) => setTimeout(r, 1000));
  await new Promise<void>((resolve) => producer.disconnect(5000, () => resolve()));
  const setting = lines.map((l) => /\bmessage\.timeout\.ms = (\d+)/.exec(l)).find((m) => m !== null);
  return setting?.[1] ?? '300000 (librdkafka default)';
}

t.test("source producers: librdkafka's effective message.timeout.ms is 0 (infinite) unless the user bounds it", async (t) => {
  const worker = (extra: Record<string, string>) =>
    parseWorkerConfig({ 'bootstrap.servers': cluster.bootstrapServers, 'offset.storage.file.filename': path.join(root, 'o'), 'key.converter': 'x', 'value.converter': 'x', ...extra }, 'standalone', root);
  t.equal(await effectiveMessageTimeout(taskProducerConfig(worker({}), 'default', {})), '0', 'default: no delivery timeout (Kafka Connect: delivery.timeout.ms=Integer.MAX_VALUE)');
  t.equal(await effectiveMessageTimeout(taskProducerConfig(worker({ 'producer.delivery.timeout.ms': '60000' }), 'bounded', {})), '60000', 'worker producer.delivery.timeout.ms wins');
  t.equal(await effectiveMessageTimeout(taskProducerConfig(worker({ 'producer.message.timeout.ms': '45000' }), 'bounded-alias', {})), '45000', 'worker producer.message.timeout.ms wins');
  t.equal(
    await effectiveMessageTimeout(taskProducerConfig(worker({ 'producer.message.timeout.ms': '45000' }), 'override', { 'delivery.timeout.ms': '20000' })),
    '20000',
    "a connector's producer.override.delivery.timeout.ms wins over the worker's alias",
  );
});
