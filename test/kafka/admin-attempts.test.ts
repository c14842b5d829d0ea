/**
 * KafkaAdmin's attempts (issue 13), against a real broker: a librdkafka admin client that never
 * hears back is replaced by a fresh one within ATTEMPT_MS, inside the caller's timeout.
 *
 * What made it needed: a client whose first metadata answer lists no broker (a broker answers so
 * while its controller holds it fenced, for a moment after the whole cluster comes back from an
 * outage) never asks again, and its createTopic waits until its timeout (a distributed store's log
 * could not start after an outage). That moment cannot be met on demand (about 1 admin client in
 * 200 made in the 2 s after a resume met it, and none under the suite's C1-only broker in 8
 * rounds), so a client is made stuck here by a bootstrap address whose first connection is
 * accepted and never answered (a TCP relay to the broker for every later connection). Without the
 * attempts, createTopic fails with "Local: Timed out"; with them it answers through a fresh client.
 */
import net from 'node:net';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { ATTEMPT_MS, KafkaAdmin } from '../../src/main-thread/kafka/admin.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const broker = cluster.nodes[0]!;

/** Listens on a free port: the first connection is held silent, later ones are relayed to the broker. */
async function silentFirstRelay(): Promise<{ port: number; connections: () => number; close: () => Promise<void> }> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    if (count++ === 0) return; // accepted, read, never answered
    const upstream = net.connect(broker.port, '127.0.0.1');
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => socket.destroy());
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    connections: () => count,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

t.test('a createTopic whose client never hears back answers through a fresh client, within the timeout', async (t) => {
  await cluster.createTopic('attempts', { partitions: 1 });
  const relay = await silentFirstRelay();
  t.teardown(() => relay.close());
  const admin = new KafkaAdmin({ 'bootstrap.servers': `127.0.0.1:${relay.port}` });
  t.teardown(() => admin.disconnect());
  const started = Date.now();
  const created = await admin.createTopic({ name: 'attempts', partitions: 1, replicationFactor: 1, configs: {} }, ATTEMPT_MS * 3);
  const took = Date.now() - started;
  t.equal(created, false, 'the topic was found there');
  t.equal(admin.freshClients, 1, 'one fresh client');
  t.ok(took >= ATTEMPT_MS, `after the first attempt's ${ATTEMPT_MS} ms (${took} ms)`);
  t.ok(relay.connections() >= 2, `the fresh client connected anew (${relay.connections()} connections)`);
});

t.test('a timeout shorter than one attempt is one attempt: the caller hears the timeout', async (t) => {
  const relay = await silentFirstRelay();
  t.teardown(() => relay.close());
  const admin = new KafkaAdmin({ 'bootstrap.servers': `127.0.0.1:${relay.port}` });
  t.teardown(() => admin.disconnect());
  await t.rejects(admin.listTopics(1500), /listing topics: Local: (Timed out|Broker transport failure)/);
  t.equal(admin.freshClients, 0, 'no fresh client: no time left for one');
});
