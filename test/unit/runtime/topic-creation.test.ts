import t from 'tap';
import { TopicCreation } from '../../../src/main-thread/runtime/topic-creation.js';
import { ConfigException } from '../../../src/worker-thread/sdk/config-def.js';

t.test('off unless the default group sets replication factor and partitions, or when the worker disables it', async (t) => {
  t.equal(TopicCreation.fromConfig({ topic: 'x' }, true), null);
  t.equal(
    TopicCreation.fromConfig({ 'topic.creation.default.replication.factor': '1', 'topic.creation.default.partitions': '3' }, false),
    null,
  );
});

t.test('first matching group wins; exclude beats include; default catches the rest; topic configs pass through', async (t) => {
  const creation = TopicCreation.fromConfig(
    {
      'topic.creation.groups': 'compacted, big',
      'topic.creation.default.replication.factor': '3',
      'topic.creation.default.partitions': '5',
      'topic.creation.default.retention.ms': '1000',
      'topic.creation.compacted.include': 'compact-.*',
      'topic.creation.compacted.exclude': 'compact-no',
      'topic.creation.compacted.partitions': '1',
      'topic.creation.compacted.cleanup.policy': 'compact',
      'topic.creation.big.include': 'big-.*,compact-big',
      'topic.creation.big.partitions': '50',
      'topic.creation.big.replication.factor': '-1',
    },
    true,
  )!;
  t.same(
    creation.specFor('compact-a'),
    { name: 'compact-a', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } },
    'group inherits the default replication factor',
  );
  t.same(
    creation.specFor('compact-big'),
    { name: 'compact-big', partitions: 1, replicationFactor: 3, configs: { 'cleanup.policy': 'compact' } },
    'first listed group wins',
  );
  t.same(
    creation.specFor('compact-no'),
    { name: 'compact-no', partitions: 5, replicationFactor: 3, configs: { 'retention.ms': '1000' } },
    'excluded: falls to default',
  );
  t.same(creation.specFor('big-1'), { name: 'big-1', partitions: 50, replicationFactor: -1, configs: {} });
  t.same(
    creation.specFor('xcompact-a'),
    { name: 'xcompact-a', partitions: 5, replicationFactor: 3, configs: { 'retention.ms': '1000' } },
    'patterns match whole names',
  );
});

t.test('every problem named at once', async (t) => {
  try {
    TopicCreation.fromConfig(
      {
        'topic.creation.groups': 'g',
        'topic.creation.default.replication.factor': '0',
        'topic.creation.g.include': '(',
        'topic.creation.g.partitions': 'many',
      },
      true,
    );
    t.fail('should throw');
  } catch (err) {
    t.ok(err instanceof ConfigException);
    const names = (err as ConfigException).problems.map((p) => p.name).sort();
    t.same(
      names,
      [
        'topic.creation.default.partitions',
        'topic.creation.default.replication.factor',
        'topic.creation.g.include',
        'topic.creation.g.partitions',
      ].sort(),
      'each once; inherited values not blamed twice',
    );
  }
});
