/**
 * A sink connector's consumer group seen from outside it (KIP-875): its committed offsets, read and
 * written by a consumer that joins nothing. Writing needs the group without active members (the
 * connector is STOPPED), or the coordinator refuses. (The admin client's listConsumerGroupOffsets
 * crashes this binding's native code, so offsets are read with `committed()`.)
 */
import { KafkaConsumer } from './binding.js';

export async function commitGroupOffsets(
  config: Record<string, string | number | boolean>,
  groupId: string,
  offsets: { topic: string; partition: number; offset: number }[],
): Promise<void> {
  const consumer = new KafkaConsumer({ ...config, 'group.id': groupId, 'enable.auto.commit': false }, {});
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(`consumer could not connect: ${err.message}`)) : resolve())),
  );
  try {
    await new Promise<void>((resolve, reject) => {
      (consumer as unknown as { commitCb(tps: unknown[], cb: (err: { message?: string } | null) => void): void }).commitCb(
        offsets,
        (err) => (err ? reject(new Error(`committing offsets for group ${groupId}: ${err.message ?? 'failed'}`)) : resolve()),
      );
    });
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}

/** The group's committed offsets for the partitions of `topics` (names) or of topics matching `regex`. */
export async function readGroupOffsets(
  config: Record<string, string | number | boolean>,
  groupId: string,
  topics: { names: readonly string[] } | { regex: RegExp },
): Promise<{ topic: string; partition: number; offset: number }[]> {
  const consumer = new KafkaConsumer({ ...config, 'group.id': groupId, 'enable.auto.commit': false }, {});
  await new Promise<void>((resolve, reject) =>
    consumer.connect({ timeout: 30000 }, (err) => (err ? reject(new Error(`consumer could not connect: ${err.message}`)) : resolve())),
  );
  try {
    const metadata = await new Promise<{ topics: { name: string; partitions: { id: number }[] }[] }>((resolve, reject) =>
      consumer.getMetadata({ timeout: 10000 }, (err, md) => (err ? reject(new Error(`reading metadata: ${err.message}`)) : resolve(md))),
    );
    const wanted = metadata.topics.filter((t) => ('names' in topics ? topics.names.includes(t.name) : topics.regex.test(t.name)));
    const partitions = wanted.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.id })));
    if (partitions.length === 0) return [];
    const committed = await new Promise<{ topic: string; partition: number; offset?: number }[]>((resolve, reject) =>
      consumer.committed(partitions, 10000, (err, tps) =>
        err ? reject(new Error(`reading the offsets of group ${groupId}: ${err.message}`)) : resolve(tps),
      ),
    );
    return committed
      .filter((c) => c.offset !== undefined && c.offset >= 0)
      .map((c) => ({ topic: c.topic, partition: c.partition, offset: c.offset! }));
  } finally {
    await new Promise<void>((resolve) => consumer.disconnect(() => resolve()));
  }
}
