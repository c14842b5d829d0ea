import t from 'tap';
import { SinkRecord, SinkTask } from '../../../src/worker-thread/sdk/index.js';
import type { TopicPartition } from '../../../src/worker-thread/sdk/index.js';

t.test('SinkRecord: defaults and original coordinates', async (t) => {
  const r = new SinkRecord({ topic: 't', kafkaPartition: 2, kafkaOffset: 41, value: 'v' });
  t.equal(r.key, null);
  t.equal(r.timestampType, 'NoTimestampType');
  t.same(
    [r.originalTopic, r.originalKafkaPartition, r.originalKafkaOffset],
    ['t', 2, 41],
    'original = current unless a transform changed it',
  );
  const stamped = new SinkRecord({ topic: 'renamed', kafkaPartition: 0, kafkaOffset: 1, value: null, timestamp: 5, originalTopic: 't' });
  t.equal(stamped.timestampType, 'CreateTime');
  t.equal(stamped.originalTopic, 't');
});

t.test('SinkTask.preCommit flushes, then commits everything put', async (t) => {
  const flushed: number[] = [];
  class Task extends SinkTask {
    version(): string {
      return '1';
    }
    start(): void {}
    put(): void {}
    stop(): void {}
    override flush(offsets: ReadonlyMap<TopicPartition, number>): void {
      flushed.push(...offsets.values());
    }
  }
  const offsets = new Map<TopicPartition, number>([[{ topic: 't', partition: 0 }, 10]]);
  t.equal(await new Task().preCommit(offsets), offsets);
  t.same(flushed, [10]);
});
