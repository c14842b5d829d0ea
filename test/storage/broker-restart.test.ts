/**
 * A broker of three stopped (SIGTERM, controlled shutdown) or killed (SIGKILL) and started again while
 * offsets are being written: every write the store acknowledged is on the topic afterwards, each
 * key's records are in write order, and both the writing store and a fresh one end with the last
 * acknowledged value of every key.
 */
import kafka from '@confluentinc/kafka-javascript';
import t from 'tap';
import { KafkaCluster } from '../../tools/kafka/cluster.js';
import { readTopic } from '../../tools/topic-reader.js';
import { KafkaOffsetBackingStore } from '../../src/main-thread/storage/kafka-offset-backing-store.js';
import { offsetKey } from '../../src/shared/offset-json.js';
import { waitFor } from '../fixtures/wait.js';
import { captureLogger } from './store-fixture.js';

const cluster = await KafkaCluster.start({ brokers: 3 });
t.teardown(() => cluster.stop());
const clientConfig = { 'bootstrap.servers': cluster.bootstrapServers };

/** The node that leads partition 0 of the topic. */
async function leaderOfPartition0(topic: string): Promise<number> {
  const admin = kafka.AdminClient.create(clientConfig);
  try {
    const described = await new Promise<{ partitions: { partition: number; leader: { id: number } | null }[] }[]>((resolve, reject) =>
      admin.describeTopics([topic], { timeout: 10000 }, (err, result) => (err ? reject(new Error(err.message)) : resolve(result))),
    );
    const leader = described[0]!.partitions.find((p) => p.partition === 0)?.leader?.id;
    if (leader === undefined) throw new Error(`partition 0 of ${topic} has no leader`);
    return leader;
  } finally {
    admin.disconnect();
  }
}

for (const how of ['stopNode', 'killNode'] as const) {
  t.test(
    `a broker ${how === 'stopNode' ? 'stopped' : 'killed'} and restarted in the middle of sends loses no acknowledged offset`,
    async (t) => {
      const topic = `offsets-${how}`;
      // One partition keeps every key on the node that goes away.
      const store = new KafkaOffsetBackingStore({
        topic,
        partitions: 1,
        replicationFactor: 3,
        clientConfig,
        logger: captureLogger().logger,
      });
      t.teardown(() => store.stop());
      await store.start();
      const acknowledged: { key: string; value: string; seq: number }[] = [];
      const failures: string[] = [];
      let seq = 0;
      let writing = true;
      const writer = async (): Promise<void> => {
        while (writing) {
          const n = seq++;
          const key = offsetKey('conn', `{"shard":${n % 12}}`);
          const value = `{"seq":${n}}`;
          try {
            await store.set(new Map([[key, value]]));
            acknowledged.push({ key, value, seq: n });
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      };
      // Four sets in flight at any time.
      const writers = [writer(), writer(), writer(), writer()];
      const victim = await leaderOfPartition0(topic);
      await waitFor('writes acknowledged before the broker goes', () => acknowledged.length >= 200, 120_000, 20);
      await cluster[how](victim);
      const whileDown = acknowledged.length;
      await waitFor('writes acknowledged while the broker is down', () => acknowledged.length >= whileDown + 200, 120_000, 20);
      await cluster.startNode(victim);
      const afterRestart = acknowledged.length;
      await waitFor('writes acknowledged after the broker is back', () => acknowledged.length >= afterRestart + 200, 120_000, 20);
      writing = false;
      await Promise.all(writers);
      t.same(failures, [], 'no set failed: the producer carried its records through the outage');

      const raw = await readTopic(cluster.bootstrapServers, topic);
      const onTopic = new Set(raw.map((r) => `${r.key} ${r.value}`));
      t.same(
        acknowledged.filter((a) => !onTopic.has(`${a.key} ${a.value}`)).map((a) => a.seq),
        [],
        `every one of the ${acknowledged.length} acknowledged writes is on the topic`,
      );
      const byKey = new Map<string, number[]>();
      for (const r of [...raw].sort((a, b) => a.offset - b.offset)) {
        const seqs = byKey.get(r.key!) ?? [];
        seqs.push((JSON.parse(r.value!) as { seq: number }).seq);
        byKey.set(r.key!, seqs);
      }
      for (const [key, seqs] of byKey)
        t.same(
          seqs,
          [...new Set(seqs)].sort((a, b) => a - b),
          `${key}: written once each, in write order`,
        );

      const lastAcknowledged = new Map<string, string>();
      for (const a of [...acknowledged].sort((x, y) => x.seq - y.seq)) lastAcknowledged.set(a.key, a.value);
      t.same(new Map(store.entries()), lastAcknowledged, "the writer's view: the last acknowledged value of each key");
      const fresh = new KafkaOffsetBackingStore({
        topic,
        partitions: 1,
        replicationFactor: 3,
        clientConfig,
        logger: captureLogger().logger,
      });
      t.teardown(() => fresh.stop());
      await fresh.start();
      t.same(new Map(fresh.entries()), lastAcknowledged, 'a store started afterwards reads the same');
    },
  );
}
