/**
 * A Metadata answer that lists no broker (issue 13), against a real broker through a relay that
 * empties the broker list of the answers a test chooses (test/fixtures/metadata-relay.ts).
 *
 * What made it needed: a KRaft broker that its controller holds fenced answers Metadata with its
 * topics and no broker; it does so for about 80 ms after a whole cluster comes back from an
 * outage. librdkafka (2.10 and later) drops every broker that an answer does not list, the
 * bootstrap servers included, and then has nothing to ask again: a client that met such an answer
 * never reached the cluster again (upstream: confluentinc/librdkafka#5301, open). Met in the fault
 * suite by a distributed worker's group membership ("no broker available for coordinator query"
 * for minutes) and by admin clients. Java's client ignores a Metadata answer with no broker and
 * asks again; patches/librdkafka-empty-metadata.patch makes librdkafka do the same.
 */
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { CODES, KafkaConsumer, Producer } from '../../src/main-thread/kafka/binding.js';
import type { DeliveryReport, LibrdKafkaError } from '../../src/main-thread/kafka/binding.js';
import { metadataRelay } from '../fixtures/metadata-relay.js';
import { waitFor } from '../fixtures/wait.js';

const cluster = await KafkaCluster.start();
t.teardown(() => cluster.stop());
const broker = cluster.nodes[0]!;

t.test('a producer that met a Metadata answer with no broker still delivers', async (t) => {
  await cluster.createTopic('empty-md-first', { partitions: 1 });
  const relay = await metadataRelay(broker.port);
  t.teardown(() => relay.close());
  const producer = new Producer({ 'bootstrap.servers': `127.0.0.1:${relay.port}`, dr_cb: true, 'message.timeout.ms': 60000 });
  const delivered = new Map<string, DeliveryReport>();
  const failed: string[] = [];
  producer.on('delivery-report', (err, report) => {
    if (err) failed.push(`${report.topic}: ${err.message}`);
    else delivered.set(report.topic, report);
  });
  const errors: string[] = [];
  producer.on('event.error', (err: LibrdKafkaError) => errors.push(`${err.code} ${err.message}`));
  await new Promise<void>((resolve, reject) =>
    producer.connect({ timeout: 10000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  producer.setPollInterval(50);
  t.teardown(() => new Promise<void>((resolve) => producer.disconnect(2000, () => resolve())));

  producer.produce('empty-md-first', null, Buffer.from('one'));
  await waitFor('the first record delivered', () => delivered.has('empty-md-first'), 20000, 50);
  t.ok(relay.metadataAnswers > 0, `the client learned the cluster through the relay (${relay.metadataAnswers} Metadata answers)`);

  // A topic the client has not seen yet: it asks for its metadata, and that answer lists no broker.
  await cluster.createTopic('empty-md-second', { partitions: 1 });
  relay.emptyNextMetadata();
  producer.produce('empty-md-second', null, Buffer.from('two'));
  await waitFor('the second record delivered', () => delivered.has('empty-md-second') || failed.length > 0, 30000, 50).catch(
    () => undefined,
  );
  t.equal(relay.emptied, 1, 'one Metadata answer listed no broker');
  t.same(failed, [], 'no delivery failed');
  t.ok(delivered.has('empty-md-second'), 'the record sent after that answer was delivered');
  t.same(errors, [], `the client kept its brokers (connections made: ${relay.connections})`);
});

t.test('a group member that met a Metadata answer with no broker still follows its subscription', async (t) => {
  await cluster.createTopic('empty-md-group-a', { partitions: 1 });
  const relay = await metadataRelay(broker.port);
  t.teardown(() => relay.close());
  let assigned: string[] = [];
  const consumer: InstanceType<typeof KafkaConsumer> = new KafkaConsumer(
    {
      'bootstrap.servers': `127.0.0.1:${relay.port}`,
      'group.id': 'empty-md-group',
      'enable.auto.commit': false,
      rebalance_cb: (err: LibrdKafkaError, assignment: { topic: string; partition: number }[]) => {
        if (err.code === CODES.ERRORS.ERR__ASSIGN_PARTITIONS) {
          consumer.assign(assignment);
          assigned = assignment.map((a) => `${a.topic}-${a.partition}`).sort();
        } else {
          consumer.unassign();
          assigned = [];
        }
      },
    },
    {},
  );
  const errors: string[] = [];
  consumer.on('event.error', (err: LibrdKafkaError) => errors.push(`${err.code} ${err.message}`));
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 10000 }, (err) => (err ? reject(new Error(err.message)) : resolve())),
  );
  t.teardown(() => new Promise<void>((resolve) => consumer.disconnect(() => resolve())));
  let polling = true;
  const loop = (async () => {
    while (polling) await new Promise<void>((resolve) => consumer.consume(1, () => resolve()));
  })();
  t.teardown(() => {
    polling = false;
    return loop;
  });
  consumer.subscribe(['empty-md-group-a']);
  await waitFor('the first assignment', () => assigned.length === 1, 20000, 50);

  // A new topic in the subscription: the client asks for its metadata, and that answer lists no broker.
  await cluster.createTopic('empty-md-group-b', { partitions: 1 });
  relay.emptyNextMetadata();
  consumer.subscribe(['empty-md-group-a', 'empty-md-group-b']);
  await waitFor('the assignment of both topics', () => assigned.length === 2, 30000, 50).catch(() => undefined);
  t.equal(relay.emptied, 1, 'one Metadata answer listed no broker');
  t.same(assigned, ['empty-md-group-a-0', 'empty-md-group-b-0'], 'assigned both topics');
  t.same(errors, [], `the client kept its brokers (connections made: ${relay.connections})`);
});
